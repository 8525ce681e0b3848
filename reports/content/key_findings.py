"""The key findings page that opens both reports: the three to five things a board should know.

Read from the report's own tables once they are built (a hidden cell reads as no figure), and
picked and worded by `poet.analysis.findings` (its docstring holds the ranking rule), so a
finding only repeats figures a table shows and points to that table. `add_key_findings` puts the
section first.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_noop

from poet.analysis.findings import (
    ChangeFigures,
    ConsensusFigures,
    DomainFigures,
    Findings,
    OutcomeFigures,
    SpreadFigures,
    Thresholds,
    formative_findings,
    summative_findings,
)
from reports.content.words import _
from reports.documents import Cell, Hidden, Link, Report, Section, Table, english
from reports.models import FLAG_LABELS, ComparisonRun

KEY = "key-findings"
TABLE_KEY = "key_findings"
FLAG_CODES = {label: code for code, label in FLAG_LABELS.items()}
MEASURE_CODES = {"Importance": "importance", "Achievement": "achievement"}
WHO = {"Staff": "staff", "Service users and carers": "service users and carers"}


class _Rows:
    """A table's rows read by column heading (its English, whatever the report's language):
    shown figures only, a hidden cell is None."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.index = {english(c): i for i, c in enumerate(table.columns)}

    def __iter__(self):
        return iter(self.table.rows)

    def text(self, row: Sequence[Cell], column: str) -> str:
        value = self._cell(row, column)
        return "" if value is None else str(value)

    def english(self, row: Sequence[Cell], column: str) -> str:
        """A label's English (a flag, a measure), to recognise it in any language."""
        value = self._cell(row, column)
        return "" if value is None else english(str(value) if not isinstance(value, str) else value)

    def number(self, row: Sequence[Cell], column: str | int) -> float | None:
        value = self._cell(row, column)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def _cell(self, row: Sequence[Cell], column: str | int) -> Cell:
        i = column if isinstance(column, int) else self.index.get(column)
        if i is None or i >= len(row) or isinstance(row[i], Hidden):
            return None
        return row[i]


def _tables(report: Report) -> dict[str, _Rows]:
    return {t.key: _Rows(t) for t in report.tables()}


def _outcomes(tables: dict[str, _Rows]) -> list[OutcomeFigures]:
    found = []
    for measure in ("importance", "achievement"):
        rows = tables.get(f"{measure}_comparison")
        if rows is None:
            continue
        for row in rows:
            found.append(
                OutcomeFigures(
                    table=rows.table.key,
                    outcome=rows.text(row, "Outcome"),
                    statement=rows.text(row, "Statement"),
                    measure=measure,
                    staff_mean=rows.number(row, "Staff mean"),
                    users_mean=rows.number(row, "Users and carers mean"),
                    difference=rows.number(row, "Difference"),
                    flag=FLAG_CODES.get(rows.english(row, "Flag"), ""),
                )
            )
    return found


def _statements(outcomes: list[OutcomeFigures]) -> dict[str, str]:
    return {o.outcome: o.statement for o in outcomes if o.statement}


def _outcome_changes(tables: dict[str, _Rows], statements: dict[str, str]) -> list[ChangeFigures]:
    rows = tables.get("change_outcomes")
    if rows is None or "Change" not in rows.index:
        return []
    change = rows.index["Change"]
    found = []
    for row in rows:
        code = rows.text(row, "Outcome")
        measure = MEASURE_CODES.get(
            rows.english(row, "Measure"), rows.english(row, "Measure").lower()
        )
        who = WHO.get(rows.english(row, "Who"), rows.english(row, "Who").lower())
        named = (
            _("“%(statement)s” (%(code)s)", statement=statements[code], code=code)
            if code in statements
            else code
        )
        found.append(
            ChangeFigures(
                table=rows.table.key,
                subject=_subject(measure, who, named),
                earlier=rows.number(row, change - 2),
                now=rows.number(row, change - 1),
                change=rows.number(row, change),
                ci_low=rows.number(row, "95% CI from"),
                ci_high=rows.number(row, "95% CI to"),
            )
        )
    return found


SUBJECTS = {
    ("importance", "staff"): gettext_noop("importance given by staff to %(outcome)s"),
    ("achievement", "staff"): gettext_noop("achievement given by staff to %(outcome)s"),
    ("importance", "service users and carers"): gettext_noop(
        "importance given by service users and carers to %(outcome)s"
    ),
    ("achievement", "service users and carers"): gettext_noop(
        "achievement given by service users and carers to %(outcome)s"
    ),
}


def _subject(measure: str, who: str, named: str) -> str:
    """What a changed mean is of, in words ("the mean … rose")."""
    subject = SUBJECTS.get((measure, who))
    if subject is None:
        return f"{measure} given by {who} to {named}"
    return _(subject, outcome=named)


def summative(report: Report) -> Findings:
    tables = _tables(report)
    outcomes = _outcomes(tables)
    return summative_findings(
        outcomes,
        _outcome_changes(tables, _statements(outcomes)),
        since=report.compared_with or "",
        k=report.k,
    )


def _domains(tables: dict[str, _Rows]) -> list[DomainFigures]:
    rows = tables.get("domains_overall")
    if rows is None:
        return []
    return [
        DomainFigures(
            table=rows.table.key,
            domain=rows.text(row, "Aspect"),
            positive=rows.number(row, "Positive (%)"),
            mean=rows.number(row, "Mean"),
        )
        for row in rows
    ]


def _spreads(tables: dict[str, _Rows]) -> list[SpreadFigures]:
    rows = tables.get("organisation_spread")
    if rows is None:
        return []
    return [
        SpreadFigures(
            table=rows.table.key,
            domain=rows.text(row, "Aspect"),
            highest=rows.text(row, "Highest organisation"),
            highest_mean=rows.number(row, "Highest mean"),
            lowest=rows.text(row, "Lowest organisation"),
            lowest_mean=rows.number(row, "Lowest mean"),
            spread=rows.number(row, "Spread"),
        )
        for row in rows
    ]


def _consensus(tables: dict[str, _Rows]) -> list[ConsensusFigures]:
    rows = tables.get("staff_importance")
    if rows is None:
        return []
    return [
        ConsensusFigures(
            table=rows.table.key,
            outcome=rows.text(row, "Outcome"),
            statement=rows.text(row, "Statement"),
            within_one=rows.number(row, "Within one point of the median (%)"),
            contested=rows.english(row, "Consensus") == "Contested",
        )
        for row in rows
    ]


def _domain_changes(tables: dict[str, _Rows]) -> list[ChangeFigures]:
    rows = tables.get("change_domains")
    if rows is None:
        return []
    return [
        ChangeFigures(
            table=rows.table.key,
            subject=_("score staff gave %(aspect)s", aspect=rows.text(row, "Aspect")),
            earlier=rows.number(row, "Earlier: mean"),
            now=rows.number(row, "Now: mean"),
            change=rows.number(row, "Change in mean"),
            ci_low=rows.number(row, "95% CI from"),
            ci_high=rows.number(row, "95% CI to"),
        )
        for row in rows
    ]


def _thresholds(report: Report) -> Thresholds:
    run = ComparisonRun.objects.filter(pk=report.run_id).first() if report.run_id else None
    if run is None:
        return Thresholds()
    return Thresholds(celebrate=run.celebrate_threshold, develop=run.develop_threshold)


def formative(report: Report) -> Findings:
    tables = _tables(report)
    return formative_findings(
        _domains(tables),
        _spreads(tables),
        _consensus(tables),
        _domain_changes(tables),
        thresholds=_thresholds(report),
        since=report.compared_with or "",
        k=report.k,
    )


RULE = {
    "summative": gettext_noop(
        "Picked from the tables of this report by one rule: the largest differences between "
        "what staff assumed and what service users and carers reported (flagged as more than "
        "chance alone would explain), blind spots, outcomes service users and carers say are "
        "achieved, and clear change since an earlier wave, taking turns, at most five."
    ),
    "formative": gettext_noop(
        "Picked from the tables of this report by one rule: the aspects of working together "
        "staff are most and least positive about, where partner organisations differ most (by "
        "at least half a point), the outcome staff disagree about most, and clear change since "
        "an earlier wave, taking turns, at most five."
    ),
}


def key_findings_section(report: Report) -> Section:
    """The key findings of a built report, each pointing to the table with its figures."""
    findings = summative(report) if report.kind == "summative" else formative(report)
    section = Section(key=KEY, title=_("Key findings"))
    if not findings.items:
        section.paragraphs.append(findings.empty)
        return section
    section.paragraphs.append(_(RULE[report.kind]) if report.kind in RULE else "")
    titles = {t.key: t.title for t in report.tables()}
    section.blocks.append(
        Table(
            key=TABLE_KEY,
            title=_("Key findings"),
            columns=[_("Finding"), _("The figures")],
            rows=[[f.text, Link(titles.get(f.table, f.table), f.table)] for f in findings.items],
        )
    )
    return section


def add_key_findings(report: Report) -> Report:
    """Put the key findings first in a report that has figures (a report of a wave never
    compared stays empty)."""
    if report.sections and report.kind in ("formative", "summative"):
        report.sections.insert(0, key_findings_section(report))
    return report
