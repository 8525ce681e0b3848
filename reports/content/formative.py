"""The formative report: how well partners work together (DESIGN §1, §4 "Process").

Reads the wave's latest finished comparison run (domain summary, organisation spread, staff
consensus, top picks, the `all` comparison rows), the live response rates and the staff free text
with the k rule. Every figure about fewer than k people is a `Hidden` cell, and is drawn as a
gap, never a number.
"""

from __future__ import annotations

from poet.analysis import PRIMARY, stronger
from poet.models import Wave
from reports.content import charts
from reports.content.common import (
    RunData,
    cell,
    disclosure_section,
    domain_name,
    earlier_run,
    outcome_texts,
    pct,
    r2,
    reason_of,
    run_data,
    staff_comments,
)
from reports.content.context import Figure, change_ci, context_sections, trend_section
from reports.content.finish import finish_report
from reports.content.header import report_header
from reports.content.words import _, ngettext
from reports.documents import Chart, Hidden, Report, Section, Table
from surveys.selectors import response_rates


def build_formative(wave: Wave, *, compare_with: Wave | None = None) -> Report:
    """The formative report of a wave from its latest run (no sections when none has run)."""
    data = run_data(wave)
    report = report_header(
        wave, "formative", run=data.run if data else None, compare_with=compare_with
    )
    k = report.k
    if data is None:
        return report
    report.sections = [
        _response_rates(wave, k),
        _domains(data, k),
        _seen_differently(data, k),
        _areas(data),
        _assumptions(wave, data, k),
        _comments(wave, k),
    ]
    if compare_with is not None:
        report.sections.append(_change(data, earlier_run(compare_with), compare_with, k))
    trend = trend_section(wave)
    if trend is not None:
        report.sections.append(trend)
    report.sections.extend(context_sections(wave))
    report.sections.append(disclosure_section(data.run))
    return finish_report(report)


# --- response rates ---------------------------------------------------------------------------


def _rate_table(
    key: str, title: str, label: str, rows: list[dict], k: int, show_open: bool
) -> Table:
    body = []
    for row in rows:
        hidden = row["completed_reason"] if row["completed"] is None else ""
        line = [
            row["name"],
            row["invited"],
            cell(row["completed"], hidden, k),
            cell(row["rate"], hidden, k),
        ]
        if show_open:
            line.append(cell(row["open"], row["open_reason"] if row["open"] is None else "", k))
        body.append(line)
    columns = [label, _("Invited"), _("Completed"), _("Response rate (%)")]
    return Table(
        key=key,
        title=title,
        columns=[*columns, _("Through the open link")] if show_open else columns,
        rows=body,
    )


def _response_rates(wave: Wave, k: int) -> Section:
    rates = response_rates(wave)
    section = Section(key="response-rates", title=_("Who answered"))
    if not rates["any"]:
        section.paragraphs.append(_("No invitations have been sent for this wave."))
        return section
    section.paragraphs.append(who_answered(rates))
    section.blocks = [
        _rate_table(
            "rates_by_organisation",
            _("Response rates by organisation"),
            _("Organisation"),
            rates["by_organisation"],
            k,
            rates["show_open"],
        ),
        _rate_table(
            "rates_by_staff_group",
            _("Response rates by staff group"),
            _("Staff group"),
            rates["by_staff_group"],
            k,
            rates["show_open"],
        ),
    ]
    return section


def who_answered(rates: dict) -> str:
    """The report's opening sentence: how many staff completed the survey, from the same
    protected counts as the response-rate tables (a hidden count is said to be hidden, never
    given), with the open link's responses when the tables show them."""
    overall = rates["overall"]
    if overall["completed"] is None:
        sentence: str = _(
            "%(invited)s members of staff were invited; how many completed the survey "
            "through their invitation is %(hidden)s.",
            invited=overall["invited"],
            hidden=overall["completed_hidden"],
        )
    elif overall["rate"] is None:
        sentence = _(
            "%(invited)s members of staff were invited and %(completed)s completed the survey "
            "through their invitation.",
            invited=overall["invited"],
            completed=overall["completed"],
        )
    else:
        sentence = _(
            "%(invited)s members of staff were invited and %(completed)s completed the survey "
            "through their invitation (%(rate)s%%).",
            invited=overall["invited"],
            completed=overall["completed"],
            rate=overall["rate"],
        )
    if rates["show_open"]:
        if overall["open"] is None:
            sentence += " " + _(
                "How many responded through the open link is %(hidden)s.",
                hidden=overall["open_hidden"],
            )
        elif overall["responses"] is not None:
            sentence += " " + _(
                "%(open)s responded through the open link: %(responses)s responses in all.",
                open=overall["open"],
                responses=overall["responses"],
            )
        else:
            sentence += " " + _("%(open)s responded through the open link.", open=overall["open"])
    if rates["approximate"]:
        sentence += " " + _(
            "The survey is still open: the counts by organisation and staff group are rounded "
            "to the nearest %(round_to)s.",
            round_to=rates["round_to"],
        )
    return sentence


def _blank_cells(matrix: list[list[float | None]], gap: str) -> str:
    """What a chart's missing values are, said only when it has some (they are hidden)."""
    if not any(value is None for line in matrix for value in line):
        return ""
    return " " + _("%(gap)s is a hidden figure: the table says why.", gap=gap)


# --- process domains --------------------------------------------------------------------------


def _summary(data: RunData, breakdown: str) -> list[dict]:
    return [r for r in data.run.domain_summary if r["breakdown"] == breakdown]


def _domains_in(data: RunData) -> list[str]:
    return sorted({r["domain"] for r in data.run.domain_summary})


def _grid(data: RunData, breakdown: str) -> tuple[list[str], list[str], dict]:
    rows = _summary(data, breakdown)
    groups = sorted({r["group"] for r in rows}, key=str.casefold)
    return _domains_in(data), groups, {(r["domain"], r["group"]): r for r in rows}


def _domains(data: RunData, k: int) -> Section:
    hidden_text = _("hidden")
    section = Section(
        key="domains",
        title=_("How working together feels"),
        paragraphs=[
            _(
                "Each member of staff's score for an aspect of working together is the mean of "
                "their answers to its statements (1 strongly disagree to 5 strongly agree), "
                "counted when they answered at least half of them. A score of 4 or more counts "
                "as positive."
            )
        ],
    )
    domains = _domains_in(data)
    if not domains:
        section.paragraphs.append(_("Staff did not answer questions about working together."))
        return section
    names = [domain_name(d) for d in domains]
    overall = {r["domain"]: r for r in _summary(data, "all")}
    table_rows = []
    values: list[float | None] = []
    for d, name in zip(domains, names, strict=True):
        r = overall.get(d, {"suppressed": True})
        hidden = reason_of(r, missing="n")
        values.append(None if hidden else pct(r["pct_positive"]))
        table_rows.append(
            [
                name,
                cell(r.get("n"), hidden, k),
                cell(r2(r.get("mean")), hidden, k),
                cell(r2(r.get("sd")), hidden, k),
                cell(pct(r.get("pct_positive")), hidden, k),
            ]
        )
    overall_table = Table(
        key="domains_overall",
        title=_("Aspects of working together: all staff"),
        columns=[_("Aspect"), _("Staff (n)"), _("Mean"), _("SD"), _("Positive (%)")],
        rows=table_rows,
    )
    section.blocks.append(
        Chart(
            key="domains_overall_chart",
            title=_("Share of staff positive about each aspect of working together"),
            figure=charts.bar_chart(
                names,
                values,
                title=_("Staff positive (%) by aspect"),
                value_title=_("Staff positive (%)"),
                hidden_text=hidden_text,
                value_range=(0, 100),
                fmt="{:.1f}%",
            ),
            table=overall_table,
            description=_(
                "Bar chart of the percentage of all staff with a positive score for each aspect "
                "of working together. The table after it gives the numbers."
            ),
        )
    )
    for breakdown, wording in (
        (
            "organisation",
            {
                "title": _("Mean score by aspect and organisation"),
                "chart": _("Mean score (1–5) by aspect and organisation"),
                "description": _(
                    "Heatmap of the mean score of each aspect of working together (rows) for "
                    "each organisation (columns)."
                ),
            },
        ),
        (
            "staff_group",
            {
                "title": _("Mean score by aspect and staff group"),
                "chart": _("Mean score (1–5) by aspect and staff group"),
                "description": _(
                    "Heatmap of the mean score of each aspect of working together (rows) for "
                    "each staff group (columns)."
                ),
            },
        ),
    ):
        __, groups, by_key = _grid(data, breakdown)
        if not groups:
            continue
        matrix = []
        rows = []
        for d, name in zip(domains, names, strict=True):
            line = []
            row: list = [name]
            for g in groups:
                r = by_key.get((d, g), {"suppressed": True})
                hidden = reason_of(r, missing="mean")
                line.append(None if hidden else r2(r["mean"]))
                row.append(cell(r2(r.get("mean")), hidden, k))
            matrix.append(line)
            rows.append(row)
        table = Table(
            key=f"domains_by_{breakdown}",
            title=wording["title"],
            columns=[_("Aspect"), *groups],
            rows=rows,
        )
        section.blocks.append(
            Chart(
                key=f"domains_by_{breakdown}_heatmap",
                title=wording["title"],
                figure=charts.heatmap(
                    groups,
                    names,
                    matrix,
                    title=wording["chart"],
                    hidden_text=hidden_text,
                    value_title=_("Mean"),
                ),
                table=table,
                description=wording["description"]
                + _blank_cells(matrix, _("A blank cell"))
                + " "
                + _("The table after it gives the numbers."),
            )
        )
        if breakdown == "organisation":
            series = {g: [matrix[i][j] for i in range(len(domains))] for j, g in enumerate(groups)}
            section.blocks.append(
                Chart(
                    key="domains_by_organisation_radar",
                    title=_("Each organisation's profile of working together"),
                    figure=charts.radar_chart(
                        names,
                        series,
                        title=_("Mean score (1–5) by aspect, one line per organisation"),
                        hidden_text=hidden_text,
                    ),
                    table=Table(
                        key="domains_by_organisation_radar",
                        title=_("Mean score by aspect and organisation (radar chart)"),
                        columns=table.columns,
                        rows=table.rows,
                        note=table.note,
                    ),
                    description=_(
                        "Radar chart with one line per organisation across the aspects of "
                        "working together."
                    )
                    + _blank_cells(matrix, _("A gap in a line"))
                    + " "
                    + _("The table after it gives the numbers."),
                )
            )
    return section


def _seen_differently(data: RunData, k: int) -> Section:
    section = Section(
        key="seen-differently",
        title=_("Where partners see the partnership differently"),
        paragraphs=[
            _(
                "The spread is the highest organisation mean minus the lowest, among the "
                "organisations whose mean for that aspect is shown in the table of mean scores "
                "by organisation. A larger spread means partner organisations experience that "
                "aspect differently."
            )
        ],
    )
    rows = []
    spreads = sorted(
        data.run.organisation_spread,
        key=lambda r: (r.get("spread") is None, -(r.get("spread") or 0), r["domain"]),
    )
    for r in spreads:
        if r.get("spread") is None:
            rows.append(
                [
                    domain_name(r["domain"]),
                    r.get("n_organisations", 0),
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
            continue
        rows.append(
            [
                domain_name(r["domain"]),
                r["n_organisations"],
                r["highest_organisation"],
                r2(r["highest_mean"]),
                r["lowest_organisation"],
                r2(r["lowest_mean"]),
                r2(r["spread"]),
            ]
        )
    widest = [r for r in spreads if r.get("spread") is not None][:1]
    if widest:
        w = widest[0]
        section.paragraphs.append(
            _(
                "Partners differ most on %(aspect)s: %(highest)s scored it %(highest_mean)s on "
                "average and %(lowest)s %(lowest_mean)s.",
                aspect=domain_name(w["domain"]),
                highest=w["highest_organisation"],
                highest_mean=f"{w['highest_mean']:.2f}",
                lowest=w["lowest_organisation"],
                lowest_mean=f"{w['lowest_mean']:.2f}",
            )
        )
    else:
        section.paragraphs.append(
            _("Fewer than two organisations had enough staff answering to compare them.")
        )
    section.blocks.append(
        Table(
            key="organisation_spread",
            title=_("Spread between organisations, widest first"),
            columns=[
                _("Aspect"),
                _("Organisations compared"),
                _("Highest organisation"),
                _("Highest mean"),
                _("Lowest organisation"),
                _("Lowest mean"),
                _("Spread"),
            ],
            rows=rows,
            note=_spread_note(spreads),
        )
    )
    return section


def _spread_note(spreads: list[dict]) -> str:
    """Names the aspects whose row is empty, and why; nothing when every row has figures."""
    empty = [domain_name(r["domain"]) for r in spreads if r.get("spread") is None]
    if not empty:
        return ""
    return ngettext(
        "No spread for %(aspects)s: fewer than two organisations have a mean shown for it.",
        "No spread for %(aspects)s: fewer than two organisations have a mean shown for them.",
        len(empty),
        aspects=", ".join(empty),
    )


def _areas(data: RunData) -> Section:
    run = data.run
    overall = [r for r in _summary(data, "all") if not r.get("suppressed")]
    celebrate = [r for r in overall if r.get("area") == "celebrate"]
    develop = [r for r in overall if r.get("area") == "develop"]
    section = Section(key="areas", title=_("Areas for celebration and for development"))

    def listed(rows: list[dict]) -> str:
        return "; ".join(
            _(
                "%(aspect)s (%(positive)s%% positive)",
                aspect=domain_name(r["domain"]),
                positive=f"{r['pct_positive']:.0f}",
            )
            for r in rows
        )

    section.paragraphs.append(
        _(
            "An aspect is an area for celebration when at least %(celebrate)s%% of staff are "
            "positive about it, and an area for development when %(develop)s%% or fewer are.",
            celebrate=run.celebrate_threshold,
            develop=run.develop_threshold,
        )
    )
    section.paragraphs.append(
        _("Areas for celebration: %(areas)s.", areas=listed(celebrate))
        if celebrate
        else _("No aspect reached the level for celebration.")
    )
    section.paragraphs.append(
        _("Areas for development: %(areas)s.", areas=listed(develop))
        if develop
        else _("No aspect fell to the level for development.")
    )
    labels = {"celebrate": _("Celebration"), "develop": _("Development"), "": ""}
    section.blocks.append(
        Table(
            key="areas",
            title=_("Areas for celebration and development: all staff"),
            columns=[_("Aspect"), _("Positive (%)"), _("Area")],
            rows=[
                [
                    domain_name(r["domain"]),
                    pct(r["pct_positive"]),
                    labels.get(r.get("area") or "", ""),
                ]
                for r in overall
            ],
        )
    )
    return section


# --- what staff assume the partnership is for --------------------------------------------------


def _assumptions(wave: Wave, data: RunData, k: int) -> Section:
    section = Section(
        key="assumptions",
        title=_("What staff assume the partnership is for"),
        paragraphs=[
            _(
                "How important staff rated each outcome for the people the partnership serves "
                "(1 not important to 5 essential), how closely they agree among themselves, and "
                "which outcomes they picked among the three that matter most. An outcome is "
                "contested when fewer than two in three staff answers are within one point of "
                "the staff median."
            )
        ],
    )
    consensus = [r for r in data.run.staff_consensus if r.get("measure") == "importance"]
    # Outcomes put only to service users and carers (proposed later) were not asked of staff.
    means = {r.outcome: r for r in data.rows_for("all", "importance") if r.suppressed or r.n_staff}
    codes = sorted({r["outcome"] for r in consensus} | set(means))
    texts = outcome_texts(wave, codes)
    by_code = {r["outcome"]: r for r in consensus}
    rows = []
    contested = []
    mean_only_hidden = []  # outcomes whose mean is hidden while their other figures are shown
    for code in codes:
        c = by_code.get(code, {"suppressed": True})
        hidden = reason_of(c, missing="n")
        row = means.get(code)
        mean_hidden = PRIMARY if row is None else reason_of(row, missing="mean_staff")
        if mean_hidden and not hidden:
            mean_only_hidden.append(code)
        if not hidden and c.get("contested"):
            contested.append(code)
        rows.append(
            [
                code,
                texts.get(code, ""),
                cell(c.get("n"), hidden, k),
                cell(None if mean_hidden or row is None else r2(row.mean_staff), mean_hidden, k),
                cell(r2(c.get("median")), hidden, k),
                cell(r2(c.get("iqr")), hidden, k),
                cell(
                    pct(None if c.get("share_within_one") is None else 100 * c["share_within_one"]),
                    hidden,
                    k,
                ),
                cell(_("Contested") if c.get("contested") else _("Agreed"), hidden, k),
            ]
        )
    section.blocks.append(
        Table(
            key="staff_importance",
            title=_("Importance of each outcome to staff, and how far staff agree"),
            columns=[
                _("Outcome"),
                _("Statement"),
                _("Staff (n)"),
                _("Mean"),
                _("Median"),
                _("Interquartile range"),
                _("Within one point of the median (%)"),
                _("Consensus"),
            ],
            rows=rows,
            note=_mean_note(mean_only_hidden),
        )
    )
    if contested:
        section.paragraphs.append(
            _(
                "Staff do not agree about: %(outcomes)s.",
                outcomes="; ".join(f"{texts.get(c, c)} ({c})" for c in contested),
            )
        )
    else:
        section.paragraphs.append(
            _("Staff broadly agree about the importance of every outcome shown.")
        )

    picks = [r for r in data.run.top_picks if r.get("audience") == "staff"]
    if picks:
        picks = sorted(picks, key=lambda r: r["outcome"])
        shares = []
        pick_rows = []
        for r in picks:
            hidden = reason_of(r, missing="n_picking")
            share = None if hidden else pct(100 * r["share"])
            shares.append(share)
            pick_rows.append(
                [
                    r["outcome"],
                    texts.get(r["outcome"], ""),
                    cell(r.get("n_picking"), hidden, k),
                    cell(r.get("n_respondents"), hidden, k),
                    cell(share, hidden, k),
                ]
            )
        section.blocks.append(
            Chart(
                key="top_picks_chart",
                title=_("Outcomes staff picked among the three that matter most"),
                figure=charts.bar_chart(
                    [texts.get(r["outcome"]) or r["outcome"] for r in picks],
                    shares,
                    title=_("Staff picking each outcome among their top three (%)"),
                    value_title=_("Staff picking it (%)"),
                    hidden_text=_("hidden"),
                    value_range=(0, 100),
                    fmt="{:.1f}%",
                ),
                table=Table(
                    key="top_picks",
                    title=_("Top-three picks of staff"),
                    columns=[
                        _("Outcome"),
                        _("Statement"),
                        _("Staff picking it"),
                        _("Staff who responded"),
                        _("Share (%)"),
                    ],
                    rows=pick_rows,
                ),
                description=_(
                    "Bar chart of the share of staff who picked each outcome among the three "
                    "that matter most. The table after it gives the numbers."
                ),
            )
        )
    return section


def _mean_note(codes: list[str]) -> str:
    """Why a staff mean can be hidden beside shown figures, said only for the outcomes where it
    is: the mean is part of the comparison with service users and carers, protected with it."""
    if not codes:
        return ""
    return _(
        "The staff mean of %(outcomes)s is hidden while the other figures are shown: it belongs "
        "to the comparison with service users and carers and is protected with it (its cell "
        "says why).",
        outcomes=", ".join(codes),
    )


def _comments(wave: Wave, k: int) -> Section:
    comments = staff_comments(wave, k)
    section = Section(key="comments", title=_("What staff said in their own words"))
    if comments.withheld:
        section.paragraphs.append(
            _(
                "Comments from an organisation, a staff group, or a staff group within an "
                "organisation where fewer than %(k)s people answered are withheld, so that "
                "nobody can be recognised from what they wrote.",
                k=k,
            )
        )
    if not comments.shown:
        section.paragraphs.append(_("There are no comments to show."))
        return section
    if comments.total > len(comments.shown):
        section.paragraphs.append(
            _(
                "The first %(shown)s of %(total)s comments are shown, in order of organisation.",
                shown=len(comments.shown),
                total=comments.total,
            )
        )
    section.blocks.append(
        Table(
            key="staff_comments",
            title=_("Staff comments"),
            columns=[_("Organisation"), _("Comment")],
            rows=[[org, text] for org, text in comments.shown],
        )
    )
    return section


# --- change since an earlier wave ----------------------------------------------------------------


def _change(data: RunData, earlier: RunData | None, compare_with: Wave, k: int) -> Section:
    section = Section(key="change", title=_("Change since %(wave)s", wave=compare_with.name))
    if earlier is None:
        section.paragraphs.append(
            _(
                "No comparison has been run for %(wave)s, so change cannot be shown.",
                wave=compare_with.name,
            )
        )
        return section
    section.paragraphs.append(
        _(
            "The figures of both waves side by side, as stored by each wave's latest comparison. "
            "The change is the later mean minus the earlier one, with an approximate %(level)s "
            "confidence interval (normal approximation from each wave's mean, SD and number of "
            "staff); different people may have answered each wave.",
            level="95%",
        )
    )
    before = {r["domain"]: r for r in earlier.run.domain_summary if r["breakdown"] == "all"}
    after = {r["domain"]: r for r in data.run.domain_summary if r["breakdown"] == "all"}
    rows = []
    for d in sorted(set(before) | set(after)):
        b, a = before.get(d, {"suppressed": True}), after.get(d, {"suppressed": True})
        bh = reason_of(b, missing="mean")
        ah = reason_of(a, missing="mean")
        rows.append(
            [
                domain_name(d),
                cell(b.get("n"), bh, k),
                cell(r2(b.get("mean")), bh, k),
                cell(pct(b.get("pct_positive")), bh, k),
                cell(a.get("n"), ah, k),
                cell(r2(a.get("mean")), ah, k),
                cell(pct(a.get("pct_positive")), ah, k),
                Hidden(k, stronger(bh, ah)) if bh or ah else r2(a["mean"] - b["mean"]),
                *_domain_change_ci(b, a, stronger(bh, ah), k),
            ]
        )
    section.blocks.append(
        Table(
            key="change_domains",
            title=_(
                "Aspects of working together: %(earlier)s and %(now)s",
                earlier=compare_with.name,
                now=data.run.wave.name,
            ),
            columns=[
                _("Aspect"),
                _("Earlier: staff (n)"),
                _("Earlier: mean"),
                _("Earlier: positive (%)"),
                _("Now: staff (n)"),
                _("Now: mean"),
                _("Now: positive (%)"),
                _("Change in mean"),
                _("95% CI from"),
                _("95% CI to"),
            ],
            rows=rows,
        )
    )
    return section


def _domain_change_ci(before: dict, after: dict, hidden: str, k: int) -> list:
    if hidden:
        return [Hidden(k, hidden), Hidden(k, hidden)]
    ci = change_ci(
        Figure(before.get("mean"), before.get("sd"), before.get("n"), False),
        Figure(after.get("mean"), after.get("sd"), after.get("n"), False),
    )
    return [r2(ci[0]), r2(ci[1])] if ci else [None, None]
