"""The summative report: are the outcomes explicit, the right ones, and achieved (DESIGN §1, §4).

Reads the wave's latest finished comparison run (its rows, priority agreement), the chosen
outcomes of the follow-up and their reasons. A suppressed comparison row is `Hidden` (with its
reason) in every cell and is left out of every chart.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext_noop

from outcomes.models import FollowUpSchedule
from outcomes.selectors.joint import joint_display
from outcomes.selectors.themes import Cell as ThemeCell
from poet.analysis import rule_text
from poet.analysis.joint import joint_sentence
from poet.models import Wave
from reports.content import charts
from reports.content.common import (
    MEASURE_LABELS,
    RunData,
    cell,
    chosen_outcomes,
    disclosure_section,
    label,
    outcome_texts,
    r2,
    reason_of,
    run_data,
)
from reports.content.context import change_section, trend_section
from reports.content.finish import finish_report
from reports.content.header import report_header
from reports.content.words import _, display_words
from reports.documents import Cell, Chart, Hidden, Quotation, Report, Section, Table
from reports.models import ComparisonRow

FLAG_SENTENCES = {
    "assumed_not_valued": gettext_noop(
        "Staff rated “%(text)s” as more important than service users and carers did (assumed, "
        "not valued)."
    ),
    "blind_spot": gettext_noop(
        "Service users and carers rated “%(text)s” as more important than staff did, or "
        "proposed it themselves (a blind spot)."
    ),
    "over_estimated": gettext_noop(
        "Staff rated the achievement of “%(text)s” higher than service users and carers did "
        "(over-estimated)."
    ),
    "under_estimated": gettext_noop(
        "Service users and carers rated the achievement of “%(text)s” higher than staff did "
        "(under-estimated)."
    ),
}
# English (the keys the joint display picks its figures by); `_columns` translates them.
COMPARISON_COLUMNS = [
    gettext_noop("Outcome"),
    gettext_noop("Statement"),
    gettext_noop("Staff (n)"),
    gettext_noop("Staff mean"),
    gettext_noop("Users and carers (n)"),
    gettext_noop("Users and carers mean"),
    gettext_noop("Difference"),
    gettext_noop("95% CI low"),
    gettext_noop("95% CI high"),
    "q",
    gettext_noop("Cliff's delta"),
    gettext_noop("Flag"),
]


def _columns(columns: list[str]) -> list[str]:
    """Column headings in the report's language ("q" stays a symbol)."""
    return [c if c == "q" else _(c) for c in columns]


def _means(shown: list[ComparisonRow], figure: str) -> list[float]:
    """A figure of rows shown with both means, rounded for reading (2 decimals)."""
    return [round(float(getattr(row, figure)), 2) for row in shown]


def build_summative(wave: Wave, *, compare_with: Wave | None = None) -> Report:
    """The summative report of a wave from its latest run (no sections when none has run)."""
    data = run_data(wave)
    report = report_header(
        wave, "summative", run=data.run if data else None, compare_with=compare_with
    )
    k = report.k
    if data is None:
        return report
    texts = outcome_texts(wave, {r.outcome for r in data.rows})
    report.sections = [
        _chosen(wave, texts),
        _measure(data, texts, "importance", k),
        _measure(data, texts, "achievement", k),
        _flags(data, texts),
        _joint(wave, data, texts, k),
        _agreement(data, texts, k),
        _audiences(data, texts, k),
    ]
    if compare_with is not None:
        report.sections.append(change_section(wave, compare_with))
    trend = trend_section(wave)
    if trend is not None:
        report.sections.append(trend)
    report.sections.append(_methods(data, k))
    report.sections.append(disclosure_section(data.run))
    return finish_report(report)


def _flag_label(row: ComparisonRow) -> str:
    return _(row.flag_label) if row.flag else ""


def _chosen(wave: Wave, texts: dict[str, str]) -> Section:
    section = Section(key="chosen", title=_("The outcomes chosen and why"))
    chosen = chosen_outcomes(wave)
    if not chosen:
        section.paragraphs.append(
            _("No outcomes have been chosen for the follow-up with service users and carers.")
        )
        return section
    section.paragraphs.append(
        _(
            "These outcomes were taken to service users and carers in the follow-up, each for "
            "the reason given."
        )
    )
    section.blocks.append(
        Table(
            key="chosen_outcomes",
            title=_("Outcomes chosen for the follow-up"),
            columns=[_("Outcome"), _("Statement"), _("Why it was chosen"), _("Note")],
            rows=[
                [
                    c.outcome.code,
                    texts.get(c.outcome.code) or c.outcome.text,
                    display_words(c, "reason"),
                    c.note,
                ]
                for c in chosen
            ],
        )
    )
    return section


NOT_ASKED = gettext_noop("not asked")


def _comparison_row(row: ComparisonRow, text: str, k: int) -> list:
    hidden = reason_of(row)
    return [
        row.outcome,
        text,
        cell(row.n_staff or _(NOT_ASKED), hidden, k),
        cell(r2(row.mean_staff), hidden, k),
        cell(row.n_users, hidden, k),
        cell(r2(row.mean_users), hidden, k),
        cell(r2(row.mean_diff), hidden, k),
        cell(r2(row.ci_low), hidden, k),
        cell(r2(row.ci_high), hidden, k),
        cell(None if row.q_value is None else round(row.q_value, 3), hidden, k),
        cell(r2(row.cliffs_delta), hidden, k),
        cell(_flag_label(row), hidden, k),
    ]


def _measure(data: RunData, texts: dict[str, str], measure: str, k: int) -> Section:
    # Outcomes not taken to the follow-up were never put to service users and carers: they are
    # the formative report's business, not a comparison with nobody.
    every = data.rows_for("all", measure)
    rows = [r for r in every if r.suppressed or r.n_users]
    importance = measure == "importance"
    section = Section(
        key=measure,
        title=_("Importance: staff and service users and carers")
        if importance
        else _("Achievement: staff and service users and carers"),
        paragraphs=[
            _(
                "How important each outcome is, rated by staff and by service users and carers "
                "(1 not important to 5 essential). The difference is the mean of service users "
                "and carers minus the mean of staff: below zero means staff rated it higher."
            )
            if importance
            else _(
                "How achieved each outcome is, rated by staff and by service users and carers "
                "(1 not at all to 5 completely). The difference is the mean of service users "
                "and carers minus the mean of staff: below zero means staff rated it higher."
            )
        ],
    )
    shown = [
        r
        for r in rows
        if not r.suppressed and r.mean_staff is not None and r.mean_users is not None
    ]
    hidden_count = sum(1 for r in rows if r.suppressed)
    if hidden_count:
        section.paragraphs.append(
            _(
                "%(count)s outcome(s) are hidden (the table says why) and are not in the chart.",
                count=hidden_count,
            )
        )
    users_only = sum(1 for r in rows if not r.suppressed and not r.n_staff)
    if users_only:
        section.paragraphs.append(
            _(
                "%(count)s outcome(s) were put to service users and carers but not to staff "
                "(proposed after the staff survey): their answers are in the table, with nothing "
                "to compare them with, and are not in the chart.",
                count=users_only,
            )
        )
    if len(every) > len(rows):
        section.paragraphs.append(
            _(
                "%(count)s outcome(s) staff rated were not taken to the follow-up and are left "
                "out here; the formative report has the staff figures.",
                count=len(every) - len(rows),
            )
        )
    table = Table(
        key=f"{measure}_comparison",
        title=_("Importance: all staff and all service users and carers")
        if importance
        else _("Achievement: all staff and all service users and carers"),
        columns=_columns(COMPARISON_COLUMNS),
        rows=[_comparison_row(r, texts.get(r.outcome, ""), k) for r in rows],
        note=_(
            "q: p-value of the Mann–Whitney U test adjusted for many outcomes "
            "(Benjamini–Hochberg). 95%% CI: percentile bootstrap of the difference "
            "(%(resamples)s resamples).",
            resamples=f"{data.run.resamples:,}",
        ),
    )
    if not shown:
        section.blocks.append(table)
        return section
    section.blocks.append(
        Chart(
            key=f"{measure}_dumbbell",
            title=section.title,
            figure=charts.dumbbell_chart(
                [texts.get(r.outcome) or r.outcome for r in shown],
                _means(shown, "mean_staff"),
                _means(shown, "mean_users"),
                [r2(r.ci_low) for r in shown],
                [r2(r.ci_high) for r in shown],
                title=_("Mean importance (1–5): staff and service users and carers")
                if importance
                else _("Mean achievement (1–5): staff and service users and carers"),
                value_title=_("Mean importance") if importance else _("Mean achievement"),
            ),
            table=table,
            description=_(
                "Dumbbell chart of the mean importance of each outcome for staff (circle) and "
                "service users and carers (diamond); the bar on the diamond is the 95%% "
                "confidence interval of the difference. The table after it gives the numbers.",
                measure=measure,
            )
            if importance
            else _(
                "Dumbbell chart of the mean achievement of each outcome for staff (circle) and "
                "service users and carers (diamond); the bar on the diamond is the 95%% "
                "confidence interval of the difference. The table after it gives the numbers.",
                measure=measure,
            ),
        )
    )
    return section


def _flags(data: RunData, texts: dict[str, str]) -> Section:
    section = Section(
        key="flags",
        title=_("Where staff and service users and carers differ"),
        paragraphs=[
            _(
                "An outcome is flagged when the difference between staff and service users and "
                "carers is unlikely to be chance alone (q below 0.05), or when service users and "
                "carers proposed the outcome themselves."
            )
        ],
    )
    flagged = [r for r in data.rows_for("all") if r.flag and not r.suppressed]
    if not flagged:
        section.paragraphs.append(_("No outcome was flagged."))
        return section
    for r in flagged:
        text = texts.get(r.outcome) or r.outcome
        section.paragraphs.append(
            _(FLAG_SENTENCES[r.flag], text=text)
            if r.flag in FLAG_SENTENCES
            else f"{text}: {r.flag}"
        )
    section.blocks.append(
        Table(
            key="flags",
            title=_("Flagged outcomes"),
            columns=_columns(
                [
                    gettext_noop("Outcome"),
                    gettext_noop("Statement"),
                    gettext_noop("Measure"),
                    gettext_noop("Difference"),
                    "q",
                    gettext_noop("Flag"),
                ]
            ),
            rows=[
                [
                    r.outcome,
                    texts.get(r.outcome, ""),
                    label(MEASURE_LABELS, r.measure),
                    r2(r.mean_diff),
                    None if r.q_value is None else round(r.q_value, 3),
                    _flag_label(r),
                ]
                for r in flagged
            ],
        )
    )
    return section


def _agreement(data: RunData, texts: dict[str, str], k: int) -> Section:
    agreement = data.run.priority_agreement or {}
    rho, tau = agreement.get("spearman_rho"), agreement.get("kendall_tau")
    n = agreement.get("n_outcomes") or 0
    section = Section(
        key="agreement",
        title=_("Do staff and service users and carers put the same outcomes first?"),
        paragraphs=[
            _(
                "Rank agreement between the mean importance given by staff and by service users "
                "and carers, across the outcomes shown. 1 means the same order, 0 no relation, "
                "−1 the opposite order."
            )
        ],
    )
    figures = Table(
        key="priority_agreement",
        title=_("Priority agreement"),
        columns=[_("Measure of agreement"), _("Value"), "p"],
        rows=[
            [
                _("Spearman's rho"),
                r2(rho),
                None if rho is None else round(agreement["spearman_p"], 3),
            ],
            [
                _("Kendall's tau"),
                r2(tau),
                None if tau is None else round(agreement["kendall_p"], 3),
            ],
            [_("Outcomes compared"), n, None],
        ],
    )
    shown = [
        r
        for r in data.rows_for("all", "importance")
        if not r.suppressed and r.mean_staff is not None and r.mean_users is not None
    ]
    if rho is None:
        section.paragraphs.append(
            _(
                "Too few outcomes could be shown (%(n)s; at least 3 are needed) to measure "
                "agreement.",
                n=n,
            )
        )
    section.blocks.append(figures)
    if shown:
        title = _("Mean importance: staff against service users and carers")
        if rho is not None:
            title = _(
                "Mean importance: staff against service users and carers (Spearman's rho "
                "%(rho)s, Kendall's tau %(tau)s)",
                rho=f"{rho:.2f}",
                tau=f"{tau:.2f}",
            )
        section.blocks.append(
            Chart(
                key="agreement_scatter",
                title=title,
                figure=charts.scatter_chart(
                    [r.outcome for r in shown],
                    _means(shown, "mean_staff"),
                    _means(shown, "mean_users"),
                    title=title,
                    x_title=_("Staff mean importance"),
                    y_title=_("Users and carers mean importance"),
                ),
                table=Table(
                    key="agreement_points",
                    title=_("Mean importance of each outcome"),
                    columns=_columns(
                        [
                            gettext_noop("Outcome"),
                            gettext_noop("Statement"),
                            gettext_noop("Staff mean"),
                            gettext_noop("Users and carers mean"),
                        ]
                    ),
                    rows=[
                        [r.outcome, texts.get(r.outcome, ""), r2(r.mean_staff), r2(r.mean_users)]
                        for r in shown
                    ],
                    note=_points_note(shown, data.rows_for("all", "importance"), n),
                ),
                description=_(
                    "Scatter chart, one point per outcome, of the mean importance given by staff "
                    "(across) and by service users and carers (up); points on the dashed line "
                    "were rated the same. The table after it gives the numbers."
                ),
            )
        )
    return section


def _points_note(shown: list[ComparisonRow], every: list[ComparisonRow], compared: int) -> str:
    """Which outcomes the chart and its table hold, counted from the rows themselves: those
    whose staff and users' and carers' means are both shown; the hidden ones are named."""
    hidden = [r.outcome for r in every if r.suppressed]
    one_side = [
        r.outcome
        for r in every
        if not r.suppressed and (r.mean_staff is None or r.mean_users is None)
    ]
    note: str
    if compared == len(shown):
        note = _("The %(count)s outcome(s) with both means shown.", count=len(shown))
    else:
        note = _(
            "The %(count)s outcome(s) with both means shown; the agreement figures use "
            "%(compared)s.",
            count=len(shown),
            compared=compared,
        )
    if hidden:
        note += " " + _(
            "Hidden, so left out: %(outcomes)s (the table of importance says why).",
            outcomes=", ".join(sorted(hidden)),
        )
    if one_side:
        note += " " + _(
            "Rated on one side only, so left out: %(outcomes)s.",
            outcomes=", ".join(sorted(one_side)),
        )
    return note


# Service users and carers side by side, each against all staff: one row per outcome measure.
AUDIENCE_GROUPS: dict[str, list[str]] = {
    "service_user": [
        gettext_noop("Service users (n)"),
        gettext_noop("Service users mean"),
        gettext_noop("Service users difference"),
        gettext_noop("Service users q"),
    ],
    "carer": [
        gettext_noop("Carers (n)"),
        gettext_noop("Carers mean"),
        gettext_noop("Carers difference"),
        gettext_noop("Carers q"),
    ],
}
AUDIENCE_COLUMNS = [
    gettext_noop("Outcome"),
    gettext_noop("Measure"),
    gettext_noop("Staff mean"),
    *(column for columns in AUDIENCE_GROUPS.values() for column in columns),
]


def _audiences(data: RunData, texts: dict[str, str], k: int) -> Section:
    """Service users and carers each compared with all staff, side by side: a row per outcome
    measure with all staff's mean once (it is the same in both comparisons), not a row per
    audience repeating it (issue 19: the table was half the summative PDF's cells). The staff
    mean is shown when either comparison shows it, as each row of the old table did; a
    comparison hidden, or with no answers, leaves its own four cells hidden or empty."""
    section = Section(
        key="users-and-carers",
        title=_("Service users and carers"),
        paragraphs=[_("Service users and carers each compared with all staff.")],
    )
    kept = [r for r in data.rows_for("audience") if r.suppressed or r.n_users]
    if not kept:
        section.paragraphs.append(_("There are no answers from service users or carers."))
        return section
    by_measure: dict[tuple[str, str], dict[str, ComparisonRow]] = {}
    for r in kept:
        by_measure.setdefault((r.outcome, r.measure), {})[r.group] = r
    rows: list[list[Cell]] = []
    for (outcome, measure), sides in by_measure.items():
        shown = [r for r in sides.values() if not reason_of(r)]
        first = next(iter(sides.values()))
        staff_mean = r2(shown[0].mean_staff) if shown else cell(None, reason_of(first), k)
        line: list[Cell] = [outcome, label(MEASURE_LABELS, measure), staff_mean]
        for group in AUDIENCE_GROUPS:
            side = sides.get(group)
            if side is None:
                line.extend([None, None, None, None])
                continue
            hidden = reason_of(side)
            q = None if side.q_value is None else round(side.q_value, 3)
            line.extend(
                [
                    cell(side.n_users, hidden, k),
                    cell(r2(side.mean_users), hidden, k),
                    cell(r2(side.mean_diff), hidden, k),
                    cell(q, hidden, k),
                ]
            )
        rows.append(line)
    section.blocks.append(
        Table(
            key="audience_comparison",
            title=_("Service users and carers compared with staff"),
            columns=_columns(AUDIENCE_COLUMNS),
            rows=rows,
        )
    )
    return section


def _methods(data: RunData, k: int) -> Section:
    run = data.run
    section = Section(
        key="methods",
        title=_("Methods and limitations"),
        paragraphs=[
            _(
                "People: %(staff)s staff and %(users)s service users and carers answered "
                'questions about outcomes (%(answers)s answers). "Don\'t know" answers are not '
                "counted.",
                staff=run.n_staff,
                users=run.n_users,
                answers=run.n_outcome_answers,
            ),
            _(
                "Small groups: %(rule)s The next section lists what this report hides and why. "
                "Comments from groups of fewer than %(k)s people are withheld.",
                rule=rule_text(k),
                k=k,
            ),
            _(
                "Tests: staff and service users and carers are compared with the Mann–Whitney U "
                "test (two-sided, normal approximation with tie and continuity correction). The "
                "95%% confidence interval of each difference is a percentile bootstrap with "
                "%(resamples)s resamples (seed %(seed)s, so the figures can be reproduced). "
                "Because many outcomes are tested, p-values are adjusted with the "
                "Benjamini–Hochberg method (q). The size of a difference is given as Cliff's "
                "delta, from −1 to 1. Agreement between priorities uses Spearman's rho and "
                "Kendall's tau.",
                resamples=f"{run.resamples:,}",
                seed=run.seed,
            ),
            _(
                "What the figures can say: where staff and service users and carers see an "
                "outcome differently, and how strongly. What they cannot say: they show "
                "associations, not causes; they describe the people who answered, who may not be "
                "typical of everyone the partnership serves; and with small numbers a real "
                "difference may not show, and a difference shown may still be chance."
            ),
        ],
    )
    section.blocks.append(
        Table(
            key="methods_people",
            title=_("Numbers and parameters of this comparison"),
            columns=[_("Figure"), _("Value")],
            rows=[
                [_("Staff who answered outcome questions"), run.n_staff],
                [_("Service users and carers who answered"), run.n_users],
                [_("Answers to outcome questions"), run.n_outcome_answers],
                [_("Answers to questions about working together"), run.n_process_answers],
                [_("Minimum group size (k)"), k],
                [_("Bootstrap resamples"), run.resamples],
                [_("Random seed"), run.seed],
                [
                    _("Computed"),
                    formats.date_format(run.finished_at, "d F Y H:i") if run.finished_at else None,
                ],
            ],
        )
    )
    return section


JOINT_MEASURES = ("achievement", "importance")
JOINT_FIGURES = [  # English: the keys of COMPARISON_COLUMNS
    "Staff mean",
    "Users and carers mean",
    "Difference",
    "95% CI low",
    "95% CI high",
    "Flag",
]


def _joint(wave: Wave, data: RunData, texts: dict[str, str], k: int) -> Section:
    """The joint display (issue 16, item 6): per chosen outcome, this report's own comparison
    rows (not recomputed) beside the themes coded to it, how many people raised them (protected
    as on the Themes page) and the quotes evaluators picked; one sentence on whether numbers and
    words agree; and the themes of no outcome, as possible blind spots."""
    section = Section(key="joint-display", title=_("Numbers and words: the joint display"))
    schedule = FollowUpSchedule.objects.filter(wave=wave).first()
    chosen = chosen_outcomes(wave)
    words = joint_display(schedule, k) if schedule is not None else None
    if words is None or not words.coded or not chosen:
        section.paragraphs.append(
            _(
                "No passage of the follow-up's notes, transcripts or free-text answers has been "
                "coded yet, so there are no words to set beside the numbers."
            )
        )
        return section
    section.paragraphs.append(
        _(
            "For each outcome chosen for the follow-up: how staff and service users and carers "
            "rated it (the figures of the tables above), the themes coded to it in what people "
            "said, how many people raised them, and quotes the evaluators picked. People are "
            "counted by the fewest consistent with the coding; a count about fewer than %(k)s "
            "people is hidden.",
            k=k,
        )
    )
    people_columns = [
        _("Raised it: %(who)s", who=str(c.label).removesuffix(": all")) for c in words.columns
    ]
    people_columns[0] = _("Raised it: all")
    rows: list[list[Cell]] = []
    sentence_rows: list[list[Cell]] = []
    theme_rows: list[list[Cell]] = []
    quote_rows: list[list[Cell]] = []
    for choice in chosen:
        code = choice.outcome.code
        found = words.outcomes.get(code)
        every = [r for r in data.rows_for("all") if r.outcome == code]
        shown = [r for r in every if not r.suppressed and r.n_users]
        sentence = joint_sentence(
            [r.flag for r in shown],
            compared=any(r.mean_staff is not None and r.mean_users is not None for r in shown),
            people=found.users_people if found is not None else 0,
        )
        name = texts.get(code) or choice.outcome.text
        section.paragraphs.append(f"{code} “{name}”: {sentence}")
        people = (
            [_people_cell(c, k) for c in found.themes[0].cells]
            if found is not None
            else [0] * len(words.columns)
        )
        themes = "; ".join(t.label for t in found.themes) if found is not None else ""
        measured: list[ComparisonRow | None] = [
            r
            for m in JOINT_MEASURES
            for r in every
            if r.measure == m and (r.suppressed or r.n_users)
        ]
        for row in measured or [None]:
            # the report's own comparison row, as its tables above show it (not recomputed)
            figures = dict(
                zip(
                    COMPARISON_COLUMNS,
                    _comparison_row(row, name, k) if row is not None else [],
                    strict=False,
                )
            )
            rows.append(
                [
                    code,
                    label(MEASURE_LABELS, row.measure) if row is not None else _("Not compared"),
                    *(figures.get(c) for c in JOINT_FIGURES),
                    people[0],  # by audience: the themes table after it
                ]
            )
        sentence_rows.append([code, name, themes or _("None coded"), sentence])
        for theme in found.themes if found is not None else []:
            theme_rows.append([code, theme.label, *(_people_cell(c, k) for c in theme.cells)])
        for quote in found.quotes if found is not None else []:
            where = (
                f"{quote.audience}, {str(quote.session_type).lower()}"
                if quote.session_type
                else str(quote.audience)
            )
            section.quotes.append(
                Quotation(
                    quote.text,
                    _("%(where)s — on %(code)s “%(name)s”", where=where, code=code, name=name),
                )
            )
            quote_rows.append([code, quote.text, str(quote.audience), str(quote.session_type)])
    section.blocks.append(
        Table(
            key="joint_display",
            title=_("Joint display"),
            columns=[_("Outcome"), _("Measure"), *_columns(JOINT_FIGURES), people_columns[0]],
            rows=rows,
            note=_(
                'The rating figures are those of this report\'s comparison; "Raised it": the '
                "people who raised the outcome's theme or any of its sub-themes in what they said "
                "(by audience in the table of themes)."
            ),
        )
    )
    section.blocks.append(
        Table(
            key="joint_words",
            title=_("Joint display: numbers and words"),
            columns=[_("Outcome"), _("Statement"), _("Themes"), _("Numbers and words")],
            rows=sentence_rows,
        )
    )
    if theme_rows:
        section.blocks.append(
            Table(
                key="joint_themes",
                title=_("Joint display: themes and sub-themes"),
                columns=[_("Outcome"), _("Theme"), *people_columns],
                rows=theme_rows,
            )
        )
    if quote_rows:
        section.blocks.append(
            Table(
                key="joint_quotes",
                title=_("Joint display: quotes"),
                columns=[_("Outcome"), _("Quote"), _("Audience"), _("Session type")],
                rows=quote_rows,
            )
        )
    if words.blind_spots:
        section.paragraphs.append(
            _("Possible blind spots: themes people raised that no outcome stands for.")
        )
        section.blocks.append(
            Table(
                key="joint_blind_spots",
                title=_("Possible blind spots: themes of no outcome"),
                columns=[_("Theme"), *people_columns],
                rows=[[t.label, *(_people_cell(c, k) for c in t.cells)] for t in words.blind_spots],
            )
        )
    else:
        section.paragraphs.append(
            _("Possible blind spots: every theme raised stands for an outcome.")
        )
    return section


def _people_cell(cell: ThemeCell, k: int) -> Cell:
    """A people count as the Themes page shows it: the number, or hidden with the same words."""
    if cell.figure.hidden:
        return Hidden(k, cell.figure.reason)
    return cell.figure.people
