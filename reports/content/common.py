"""What both reports share: reading stored runs, outcome and domain names, hidden cells, and the
staff free text with the k rule. Reads stored data only; no statistic is recomputed here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import formats
from django.utils.translation import get_language, gettext_noop

from outcomes.models import FollowUpSchedule
from poet.analysis import (
    OVER_TIME,
    PRIMARY,
    REASONS,
    SECONDARY,
    STAFF_SIDE,
    TOTAL,
    USERS_SIDE,
    hidden_text,
    rule_text,
)
from poet.models import Wave
from poet.selectors.outcome_statements import outcome_texts as statement_texts
from reports.content.words import _, ngettext
from reports.documents import Cell, Hidden, Section, Table
from reports.models import ComparisonRow, ComparisonRun
from reports.selectors.runs import latest_run
from surveys.languages import ENGLISH, known_code
from surveys.models import Answer, Item
from surveys.questionnaire_template import PROCESS_DOMAINS
from surveys.selectors.respondents import staff_respondents
from surveys.selectors.translations import is_translated, translations_of, wave_texts

MEASURE_LABELS = {
    "importance": gettext_noop("Importance"),
    "achievement": gettext_noop("Achievement"),
}
AUDIENCE_LABELS = {
    "staff": gettext_noop("Staff"),
    "service_user": gettext_noop("Service users"),
    "carer": gettext_noop("Carers"),
    "users_and_carers": gettext_noop("Service users and carers"),
}
COMMENTS_SHOWN = 200  # a page of comments, not a wall: the count of the rest is stated


def r2(value: float | None) -> float | None:
    """A figure rounded for reading (2 decimals); None stays None."""
    return None if value is None else round(float(value), 2)


def pct(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def cell(value, hidden: bool | str, k: int) -> Cell:
    """A figure, or `Hidden` when the row it belongs to is hidden (``hidden``: the reason, or
    True for a figure about fewer than k people)."""
    if not hidden:
        return value
    return Hidden(k, hidden if isinstance(hidden, str) else PRIMARY)


def reason_of(record, *, missing: str | None = None) -> str:
    """Why a stored row (a ComparisonRow or a run's JSON record) is hidden, '' when shown;
    ``missing`` names a figure whose absence also means hidden (rows stored before reasons)."""
    get = record.get if isinstance(record, dict) else (lambda name: getattr(record, name, None))
    if get("suppressed"):
        return get("suppression") or PRIMARY
    if missing is not None and get(missing) is None:
        return PRIMARY
    return ""


REASON_LABELS = {
    PRIMARY: gettext_noop("Fewer than k people"),
    SECONDARY: gettext_noop("So a smaller group cannot be worked out"),
    OVER_TIME: gettext_noop("Too few people changed since an earlier release"),
}
# "n figures because of …": why figures were hidden, k filled in.
HIDDEN_BECAUSE = {
    PRIMARY: gettext_noop("fewer than %(k)s people"),
    SECONDARY: gettext_noop("so a smaller group cannot be worked out"),
    OVER_TIME: gettext_noop("too few people changed since an earlier release"),
}
BREAKDOWN_LABELS = {
    TOTAL: gettext_noop("Everyone"),
    "organisation": gettext_noop("Organisation"),
    "staff_group": gettext_noop("Staff group"),
    "audience": gettext_noop("Service users or carers"),
}
SIDE_LABELS = {
    STAFF_SIDE: gettext_noop("Staff"),
    USERS_SIDE: gettext_noop("Service users and carers"),
}


def label(labels: dict, key: str) -> str:
    """A label of one of the dicts above in the active language (the key itself when unknown)."""
    return _(labels[key]) if key in labels else key


def figure_label(figure: str) -> str:
    """A note's figure name in words: an outcome measure, a domain."""
    if figure.startswith("domain:"):
        return _("Working together: %(aspect)s", aspect=domain_name(figure.removeprefix("domain:")))
    outcome, __, measure = figure.rpartition(".")
    return f"{outcome} {label(MEASURE_LABELS, measure).lower()}" if outcome else figure


def disclosure_section(run: ComparisonRun) -> Section:
    """What this release hides and why: the disclosure note, as UK trusted research
    environments keep for output checking. Only which figures are hidden and the reason: never
    how many people a hidden figure describes."""
    k = run.k
    hidden = [r for r in run.disclosure_note or [] if r.get("reason")]
    section = Section(
        key="disclosure",
        title=_("What is hidden, and why"),
        paragraphs=[
            _(
                "%(rule)s Every page and file of this comparison (computed %(date)s) hides the "
                "same figures.",
                rule=rule_text(k),
                date=formats.date_format(run.finished_at, "d F Y"),
            )
            if run.finished_at
            else rule_text(k)
        ],
    )
    if not hidden:
        section.paragraphs.append(_("Nothing had to be hidden."))
        return section
    counts = {reason: sum(1 for r in hidden if r["reason"] == reason) for reason in REASONS}
    section.paragraphs.append(
        _(
            "Hidden: %(reasons)s.",
            reasons=_("; ").join(
                ngettext(
                    "%(count)s figure because of %(reason)s",
                    "%(count)s figures because of %(reason)s",
                    n,
                    reason=_(HIDDEN_BECAUSE[reason], k=k),
                )
                for reason, n in counts.items()
                if n
            ),
        )
    )
    figures_of: dict[str, set[str]] = {}
    for r in run.disclosure_note or []:
        figures_of.setdefault(r["side"], set()).add(r["figure"])
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for r in hidden:
        key = (r["side"], r["breakdown"], str(r["group"]), r["reason"])
        grouped.setdefault(key, []).append(r["figure"])
    rows: list[list[Cell]] = []
    for (side, breakdown, group, reason), figures in grouped.items():
        every = len(set(figures)) == len(figures_of.get(side, ()))
        rows.append(
            [
                label(BREAKDOWN_LABELS, TOTAL)
                if breakdown == TOTAL
                else label(AUDIENCE_LABELS, group)
                if breakdown == "audience"
                else group,
                label(BREAKDOWN_LABELS, breakdown),
                label(SIDE_LABELS, side),
                hidden_text(reason, k),
                _("every figure") if every else "; ".join(figure_label(f) for f in sorted(figures)),
            ]
        )
    section.blocks.append(
        Table(
            key="disclosure_note",
            title=_("Figures hidden in this release"),
            columns=[
                _("Group"),
                _("Breakdown"),
                _("Answers of"),
                _("Why hidden"),
                _("Which figures"),
            ],
            rows=rows,
        )
    )
    return section


def outcome_texts(wave: Wave, codes: Iterable[str]) -> dict[str, str]:
    """Outcome statement text per code; the partnership's own statement wins over the library.
    In the report's language when the wave's translation of its outcome statements into it is
    complete (each made from today's English), as its respondents read them; English otherwise
    (never a report whose statements mix two languages)."""
    texts = statement_texts(wave.partnership_id, codes)
    code = known_code(get_language())
    if not texts or code is None or code == ENGLISH:
        return texts
    statements = [
        t for t in wave_texts(wave) if t.key.startswith("outcome.") and t.key.endswith(".text")
    ]
    translations = translations_of(wave.pk, code)
    if not statements or not all(is_translated(t, translations) for t in statements):
        return texts
    translated = dict(texts)
    for outcome, english in texts.items():
        found = translations.get(f"outcome.{outcome}.text")
        if found is not None and found[0] == english and found[1].strip():
            translated[outcome] = found[1]
    return translated


def domain_names() -> dict[str, str]:
    return {d.code: d.name for d in PROCESS_DOMAINS}


def domain_name(code: str) -> str:
    return domain_names().get(code, code.replace("-", " ").replace("_", " ").capitalize())


@dataclass
class RunData:
    """One finished run with its rows, read once."""

    run: ComparisonRun
    rows: list[ComparisonRow]

    def rows_for(self, breakdown: str, measure: str | None = None) -> list[ComparisonRow]:
        return [
            r
            for r in self.rows
            if r.breakdown == breakdown and (measure is None or r.measure == measure)
        ]


def run_data(wave: Wave) -> RunData | None:
    """The latest finished run of the wave and its rows, or None when none has been run."""
    run = latest_run(wave)
    if run is None:
        return None
    return RunData(run=run, rows=list(run.rows.order_by("position")))


def chosen_outcomes(wave: Wave) -> list:
    schedule = FollowUpSchedule.objects.filter(wave=wave).first()
    if schedule is None:
        return []
    return list(schedule.chosen_outcomes.select_related("outcome").order_by("order", "pk"))


@dataclass
class Comments:
    shown: list[tuple[str, str]]  # (organisation, comment)
    total: int  # comments that may be shown (from groups of at least k)
    withheld: bool  # some comments were withheld because their group is below k


def staff_comments(wave: Wave, k: int, limit: int = COMMENTS_SHOWN) -> Comments:
    """Staff free-text answers, only from people whose organisation, staff group and their
    combination each hold at least k submitted responses (DESIGN §4: free text from a group below
    k is withheld; the raw answers file uses the same rule). A lone GP in a large organisation
    and a large GP group writes in the voice of one person: their comment is withheld too."""
    submitted = staff_respondents(wave)
    by_org = dict(submitted.values_list("organisation_id").annotate(n=Count("pk")).order_by())
    by_group = dict(submitted.values_list("staff_group_id").annotate(n=Count("pk")).order_by())
    by_cell = {
        (o, g): n
        for o, g, n in submitted.values_list("organisation_id", "staff_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    if sum(by_org.values()) < k:
        return Comments(shown=[], total=0, withheld=bool(by_org))
    answers = Answer.objects.filter(response__in=submitted, item__kind=Item.Kind.TEXT).exclude(
        text=""
    )
    rows = answers.values_list(
        "response__organisation_id",
        "response__staff_group_id",
        "response__organisation__name",
        "text",
    )
    comments, withheld = [], False
    for org_id, group_id, org, text in rows:
        if min(by_org[org_id], by_group[group_id], by_cell[(org_id, group_id)]) < k:
            withheld = True
            continue
        comments.append((org or "", text.strip()))
    # By organisation, then alphabetically by text: never in the order people answered.
    comments.sort(key=lambda c: (c[0].casefold(), c[1].casefold(), c))
    return Comments(shown=comments[:limit], total=len(comments), withheld=withheld)


def earlier_run(compare_with: Wave | None) -> RunData | None:
    return run_data(compare_with) if compare_with is not None else None
