"""CSV downloads: a report's own tables (the formative or summative report's CSV format), the
comparison table (the comparison page's CSV and `export_comparison`), and the tidy answers of
DESIGN §5.

A report's CSV has one line per figure (table, row, column, value, and why it is hidden when it
is), from the same tables as the other formats, so every hidden figure stays hidden.

The comparison table is the stored rows of a run in analysis order under the header of issue 5;
a suppressed row keeps its keys and has every figure empty; figures are numbers, never
neutralised, so -0.25 stays a number.

The tidy answers (`answers_csv`: RFC 4180 quoting, LF line ends as COPY writes them) are streamed
straight out of PostgreSQL with `COPY … TO STDOUT` in blocks (`stream`) into the download's file
or the API's response, so memory stays flat however many people answered; formula neutralising
is done in the SQL, so no row passes through Python. Withdrawn participants' answers are left
out.

Evaluators hold the staff list, so the file is k-anonymous on its quasi-identifiers (audience,
organisation, group; k = the partnership's minimum group size): one small counting query, then
`poet.analysis.microdata.generalise` chooses which combinations show their organisation and
group, and the COPY joins that choice onto the people. Every released combination holds 0 or at
least k people. A free-text answer of someone whose own combination has fewer than k people
reads `WITHHELD` (writing style can give a small team's member away inside a larger group).
Respondent ids are numbers made up for this one file (a fresh random order every export), and
rows leave in the order of those numbers, so neither ids nor row order link to invitations, to
another export, or to the order people answered in.
"""

from __future__ import annotations

import csv as _csv
import io
import math
import random
import secrets
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

import pandas as pd
from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils.translation import gettext_lazy

from outcomes.models import Participant, ParticipantResponse
from outcomes.selectors.responses import counted_responses
from poet.analysis import COMPARISON_COLUMNS
from poet.analysis.microdata import generalise
from poet.models import Organisation, StaffGroup, UserGroup, Wave
from reports.documents import Cell, Hidden, Report
from reports.exporters.base import AnswersExporter, Exporter, Progress, neutralise, no_progress
from reports.exporters.registry import register
from reports.models import KEY_COLUMNS, ComparisonRun
from surveys.models import Answer, Item, Questionnaire, Response, Section

ANSWER_COLUMNS = ["respondent", "audience", "organisation", "group", "item", "value"]
LABEL_ARRAYS = ["audience", "organisation", "gid", "show_organisation", "show_group", "withhold"]
WITHHELD = "WITHHELD"  # the value of a free-text answer from a combination below k

EXPORT_COLUMNS: tuple[str, ...] = tuple(COMPARISON_COLUMNS)
TEXT_COLUMNS = frozenset({"outcome", "measure", "breakdown", "group", "flag", "suppression"})


def _cell(column: str, value: Any) -> str:
    if column == "suppressed":
        return "true" if value else "false"
    if value is None:
        return ""
    if column in TEXT_COLUMNS:
        return neutralise(str(value))
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def comparison_values(run: ComparisonRun) -> QuerySet:
    """A run's rows in analysis order, as tuples of `EXPORT_COLUMNS` (sliced by the API's pages,
    iterated by the CSV)."""
    return run.rows.order_by("position").values_list(*EXPORT_COLUMNS)


def comparison_record(values: tuple) -> dict[str, Any]:
    """One row of the comparison table as the CSV and the API give it: a suppressed row keeps
    its keys (not its flag) and has every figure empty."""
    record = dict(zip(EXPORT_COLUMNS, values, strict=True))
    if record["suppressed"]:
        record = {c: (v if c in KEY_COLUMNS and c != "flag" else None) for c, v in record.items()}
    return record


def write_comparison_csv(run: ComparisonRun, out: TextIO) -> int:
    """Write a run's rows as the comparison CSV to a text file; returns the rows written."""
    writer = _csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for values in comparison_values(run).iterator():
        record = comparison_record(values)
        writer.writerow([_cell(c, record[c]) for c in EXPORT_COLUMNS])
        count += 1
    return count


@register
class ComparisonCsvExporter(Exporter):
    identifier = "comparison_csv"
    verbose_name = gettext_lazy("CSV (comparison table)")
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    listed = False  # the comparison page's download; a report's CSV holds the report's tables

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        """The stored comparison rows of the report's run: suppressed rows have no figures."""
        if report.run_id is None:
            raise ValueError("A comparison CSV needs the report of a comparison run.")
        run = ComparisonRun.objects.get(pk=report.run_id)
        text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
        try:
            write_comparison_csv(run, text)
        finally:
            text.detach()
        progress(1.0, "Comparison table written")


REPORT_TABLE_COLUMNS = ("table", "table_title", "row", "column", "value", "hidden")


def _figure(cell: Cell) -> tuple[str, str]:
    """A report cell as CSV text: numbers as numbers, text neutralised, a hidden figure empty
    with its reason beside it."""
    if isinstance(cell, Hidden):
        return "", str(cell)
    if cell is None:
        return "", ""
    if isinstance(cell, bool):
        return str(cell), ""
    if isinstance(cell, int | float):
        return ("" if isinstance(cell, float) and math.isnan(cell) else repr(cell)), ""
    return neutralise(str(cell)), ""


@register
class ReportCsvExporter(Exporter):
    """A report's own tables (charts' tables included), one line per figure: the table, the
    row (its first cell), the column, the value, and why it is hidden when it is."""

    identifier = "csv"
    verbose_name = gettext_lazy("CSV (the report's tables, one line per figure)")
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
        try:
            writer = _csv.writer(text, lineterminator="\n")
            writer.writerow(REPORT_TABLE_COLUMNS)
            for table in report.tables():
                first = 1 if len(table.columns) > 1 else 0
                for row in table.rows:
                    label = "" if first == 0 else _figure(row[0])[0] or _figure(row[0])[1]
                    for column, cell in zip(table.columns[first:], row[first:], strict=True):
                        value, hidden = _figure(cell)
                        writer.writerow(
                            (
                                neutralise(table.key),
                                neutralise(table.title),
                                label,
                                neutralise(column),
                                value,
                                hidden,
                            )
                        )
        finally:
            text.detach()
        progress(1.0, "Tables written")


def _neutralised_sql(expression: str) -> str:
    """`poet.spreadsheet.neutralise` in SQL: line breaks as LF, then a ' before every line that
    starts like a formula (only text holding a line break or a formula start is rewritten)."""
    lf = rf"regexp_replace({expression}, '\r\n?', chr(10), 'g')"
    return (
        rf"CASE WHEN {expression} ~ '^[=+\-@\t\r]|[\r\n]' "
        rf"THEN regexp_replace({lf}, '(^|\n)([=+\-@\t])', '\1''\2', 'g') "
        f"ELSE {expression} END"
    )


def release_labels(wave: Wave) -> list[tuple[str, int | None, int | None, bool, bool, bool]]:
    """Per (audience, organisation id, group id) of the wave's counted responses: whether the
    file shows its organisation, its group, and whether its free text is withheld.

    One small counting query; `poet.analysis.microdata.generalise` decides (k = the
    partnership's minimum group size), so every released combination holds 0 or ≥ k people.
    Labels are names, so ties between equal combinations go by name.
    """
    staff = Q(audience="staff")
    counts = (
        counted_responses(wave)
        .values(
            "audience",
            "organisation_id",
            org_name=F("organisation__name"),
            gid=Case(When(staff, then=F("staff_group_id")), default=F("user_group_id")),
            group_name=Case(
                When(staff, then=F("staff_group__name")), default=F("user_group__name")
            ),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    keys = [(c["audience"], c["organisation_id"], c["gid"]) for c in counts]
    rows = [(c["audience"], c["org_name"], c["group_name"], c["n"]) for c in counts]
    cells = pd.DataFrame(rows, columns=["audience", "organisation", "group", "n"])
    released = generalise(cells, wave.partnership.minimum_group_size)
    return [
        (
            audience,
            org,
            gid,
            r.shown_organisation is not None,
            r.shown_group is not None,
            bool(r.text_withheld),
        )
        for (audience, org, gid), r in zip(keys, released.itertuples(), strict=True)
    ]


def answers_query() -> str:
    """The SELECT behind the tidy answers file.

    Parameters: salt, wave, and the released labels of `release_labels` as six arrays (audience,
    organisation, gid, show_organisation, show_group, withhold).
    """
    choices = (
        "CASE jsonb_typeof(a.choices::jsonb) WHEN 'array' THEN "
        "(SELECT string_agg(c.v, ';' ORDER BY c.n) "
        "FROM jsonb_array_elements_text(a.choices::jsonb) WITH ORDINALITY AS c(v, n)) "
        "ELSE a.choices::jsonb #>> '{}' END"
    )
    value = (
        "CASE WHEN a.dont_know THEN 'DK' "
        f"WHEN r.withhold AND i.kind = '{Item.Kind.TEXT.value}' THEN '{WITHHELD}' "
        "WHEN a.number IS NOT NULL THEN a.number::text "
        f"WHEN a.choices IS NOT NULL THEN {_neutralised_sql(f'({choices})')} "
        f"ELSE {_neutralised_sql('a.text')} END"
    )
    group = "CASE WHEN r.audience = 'staff' THEN sg.name ELSE ug.name END"
    gid = "CASE WHEN r.audience = 'staff' THEN r.staff_group_id ELSE r.user_group_id END"
    # The released labels (k-anonymous by combination) are joined to the people, never to the
    # answer rows; names and codes are neutralised once each in the small lookups, so per answer
    # row only the value is worked out. Both lookups are MATERIALIZED: computed once, never once
    # per item. A response whose combination was not counted (none, in one snapshot) is left
    # out rather than shown. Rows leave in the order of the random respondent number, so neither
    # the rows nor the respondent blocks follow the order people answered in.
    return f"""
        WITH labels AS MATERIALIZED (
            SELECT * FROM unnest(
                %(audience)s::text[], %(organisation)s::bigint[], %(gid)s::bigint[],
                %(show_organisation)s::boolean[], %(show_group)s::boolean[],
                %(withhold)s::boolean[]
            ) AS m(audience, organisation_id, gid, show_organisation, show_group, withhold)
        ),
        people AS MATERIALIZED (
            SELECT r.id, r.audience, m.withhold,
                   CASE WHEN m.show_organisation
                        THEN COALESCE({_neutralised_sql("o.name")}, '') ELSE '' END
                        AS organisation,
                   CASE WHEN m.show_group
                        THEN COALESCE({_neutralised_sql(group)}, '') ELSE '' END AS grp,
                   row_number() OVER (ORDER BY md5(%(salt)s || r.id::text)) AS respondent
            FROM {Response._meta.db_table} r
            JOIN labels m ON m.audience = r.audience
                AND m.organisation_id IS NOT DISTINCT FROM r.organisation_id
                AND m.gid IS NOT DISTINCT FROM ({gid})
            LEFT JOIN {Organisation._meta.db_table} o ON o.id = r.organisation_id
            LEFT JOIN {StaffGroup._meta.db_table} sg ON sg.id = r.staff_group_id
            LEFT JOIN {UserGroup._meta.db_table} ug ON ug.id = r.user_group_id
            WHERE r.wave_id = %(wave)s AND r.submitted_on IS NOT NULL
              AND NOT r.awaiting_confirmation
              AND NOT EXISTS (
                SELECT 1 FROM {ParticipantResponse._meta.db_table} pr
                JOIN {Participant._meta.db_table} p ON p.id = pr.participant_id
                WHERE pr.response_id = r.id AND p.withdrawn_on IS NOT NULL)
        ),
        items AS MATERIALIZED (
            SELECT i.id, i.kind, {_neutralised_sql("i.code")} AS code
            FROM {Item._meta.db_table} i
            JOIN {Section._meta.db_table} s ON s.id = i.section_id
            JOIN {Questionnaire._meta.db_table} q ON q.id = s.questionnaire_id
            WHERE q.wave_id = %(wave)s
        )
        SELECT r.respondent, r.audience, r.organisation, r.grp, i.code, {value}
        FROM people r
        JOIN {Answer._meta.db_table} a ON a.response_id = r.id
        JOIN items i ON i.id = a.item_id
        ORDER BY r.respondent
    """


@register
class AnswersCsvExporter(AnswersExporter):
    """Tidy answers of a wave, one row per respondent and item (DESIGN §5)."""

    identifier = "answers_csv"
    verbose_name = gettext_lazy("CSV (tidy raw answers)")
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def render(self, wave: Wave, output: BinaryIO, progress: Progress = no_progress) -> int:
        """Write the file; returns the bytes written."""
        progress(0.05, "Reading answers")
        written = 0
        for chunk in self.stream(wave):
            output.write(chunk)
            written += len(chunk)
        progress(1.0, "Answers written")  # after the snapshot: a job's progress is its own write
        return written

    def stream(self, wave: Wave) -> Iterator[bytes]:
        """The file in chunks as PostgreSQL sends them (what `render` writes, and what the API
        streams to its caller): memory stays flat however many people answered."""
        # The counts behind the released labels and the rows must be one snapshot: a response
        # arriving in between would otherwise sit alone in a blank combination.
        fresh = not connection.in_atomic_block
        with transaction.atomic():
            if fresh and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            labels = release_labels(wave)
            if connection.vendor == "postgresql":
                yield from _blocks(self._copy_chunks(wave, labels))
            else:
                yield from _blocks(self._portable_chunks(wave, labels))

    def _copy(
        self,
        wave: Wave,
        output: BinaryIO,
        progress: Progress = no_progress,
        labels: list[tuple] | None = None,
    ) -> int:
        labels = release_labels(wave) if labels is None else labels
        written = 0
        for chunk in self._copy_chunks(wave, labels):
            output.write(chunk)
            written += len(chunk)
        return written

    def _copy_chunks(self, wave: Wave, labels: list[tuple]) -> Iterator[bytes]:
        sql = f"COPY ({answers_query()}) TO STDOUT WITH (FORMAT csv, HEADER false)"
        yield (",".join(ANSWER_COLUMNS) + "\n").encode()
        columns = list(zip(*labels, strict=True)) if labels else [()] * 6
        params = {
            "salt": secrets.token_hex(16),
            "wave": wave.pk,
            **{name: list(values) for name, values in zip(LABEL_ARRAYS, columns, strict=True)},
        }
        with connection.cursor() as cursor:
            # Hash joins: with a wave's lookups underestimated (fresh statistics), the planner
            # would otherwise probe the answers index once per person and item.
            cursor.execute("SET LOCAL enable_nestloop = off")
            with cursor.cursor.copy(sql, params) as copy:
                for chunk in copy:
                    yield bytes(chunk)

    def _portable(
        self,
        wave: Wave,
        output: BinaryIO,
        progress: Progress = no_progress,
        labels: list[tuple] | None = None,
    ) -> int:
        """The same file without COPY (SQLite in development)."""
        labels = release_labels(wave) if labels is None else labels
        written = 0
        for chunk in self._portable_chunks(wave, labels):
            output.write(chunk)
            written += len(chunk)
        return written

    def _portable_chunks(self, wave: Wave, labels: list[tuple]) -> Iterator[bytes]:
        """Rows through Python, a few hundred respondents at a time in the order of their random
        numbers, each batch one chunk."""
        released = {(aud, org, gid): rest for aud, org, gid, *rest in labels}
        people = {}
        for pk, audience, org, sg, ug in counted_responses(wave).values_list(
            "pk", "audience", "organisation_id", "staff_group_id", "user_group_id"
        ):
            key = (audience, org, sg if audience == "staff" else ug)
            if key in released:  # always, in one snapshot; never shown unreleased
                people[pk] = released[key]
        responses = list(people)
        random.SystemRandom().shuffle(responses)
        text_out = io.StringIO()
        writer = _csv.writer(text_out, lineterminator="\n")
        writer.writerow(ANSWER_COLUMNS)
        yield _taken(text_out)
        for start in range(0, len(responses), 500):
            batch = responses[start : start + 500]
            number = {pk: n for n, pk in enumerate(batch, start=start + 1)}
            answers = Answer.objects.filter(response_id__in=batch).values_list(
                "response_id",
                "response__audience",
                "response__organisation__name",
                "response__staff_group__name",
                "response__user_group__name",
                "item__code",
                "item__kind",
                "dont_know",
                "number",
                "choices",
                "text",
            )
            rows = sorted(answers, key=lambda row: (number[row[0]], row[5]))
            for (
                rid,
                audience,
                org_name,
                sg_name,
                ug_name,
                code,
                kind,
                dk,
                num,
                choices,
                text,
            ) in rows:
                show_org, show_group, withhold = people[rid]
                if dk:
                    value = "DK"
                elif withhold and kind == Item.Kind.TEXT:
                    value = WITHHELD
                elif num is not None:
                    value = str(int(num)) if float(num).is_integer() else repr(num)
                elif choices is not None:
                    joined = ";".join(map(str, choices)) if isinstance(choices, list) else choices
                    value = neutralise(str(joined))
                else:
                    value = neutralise(text)
                group = sg_name if audience == "staff" else ug_name
                writer.writerow(
                    (
                        number[rid],
                        audience,
                        neutralise(org_name or "") if show_org else "",
                        neutralise(group or "") if show_group else "",
                        neutralise(code),
                        value,
                    )
                )
            yield _taken(text_out)


def _taken(text: io.StringIO) -> bytes:
    """What a batch wrote, as UTF-8, emptying the buffer for the next."""
    chunk = text.getvalue().encode("utf-8")
    text.seek(0)
    text.truncate()
    return chunk


BLOCK_BYTES = 64 * 1024


def _blocks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """COPY sends a row at a time: sent on in blocks of about BLOCK_BYTES, so a file or a
    response is written in a few large writes, and memory holds one block at most."""
    size = BLOCK_BYTES
    block = bytearray()
    for chunk in chunks:
        block += chunk
        if len(block) >= size:
            yield bytes(block)
            block.clear()
    if block:
        yield bytes(block)
