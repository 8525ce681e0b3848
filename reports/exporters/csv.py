"""CSV downloads: the report's comparison table, and the tidy answers of DESIGN §5.

The tidy answers (`answers_csv`: RFC 4180 quoting, LF line ends as COPY writes them) are streamed
straight out of PostgreSQL with `COPY … TO STDOUT` in chunks into the file, so memory stays
flat however many people answered; formula neutralising
is done in the SQL, so no row passes through Python. Respondent ids are numbers made up for this
one file (a fresh random order every export), so they never link to invitations, to another
export, or to the order people answered in. Withdrawn participants' answers are left out.
"""

from __future__ import annotations

import csv as _csv
import io
import secrets
from typing import BinaryIO

from django.db import connection, transaction

from poet.models import Organisation, StaffGroup, UserGroup, Wave
from reports.documents import Report
from reports.exporters import register
from reports.exporters.base import Exporter, Progress, neutralise, no_progress

ANSWER_COLUMNS = ["respondent", "audience", "organisation", "group", "item", "value"]


@register
class ComparisonCsvExporter(Exporter):
    identifier = "csv"
    verbose_name = "CSV (comparison table)"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        """The stored comparison rows of the report's run: suppressed rows have no figures."""
        from reports.models import ComparisonRun
        from reports.services import write_comparison_csv

        run = ComparisonRun.objects.get(pk=report.run_id)
        text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
        try:
            write_comparison_csv(run, text)
        finally:
            text.detach()
        progress(1.0, "Comparison table written")


def _neutralised_sql(expression: str) -> str:
    starts = "'^[=+\\-@\\t\\r]'"  # FORMULA_STARTS as a regular expression
    return f"CASE WHEN {expression} ~ {starts} THEN '''' || {expression} ELSE {expression} END"


def answers_query() -> str:
    """The SELECT behind the tidy answers file (parameters: salt, wave)."""
    from outcomes.models import Participant, ParticipantResponse
    from surveys.models import Answer, Item, Questionnaire, Response, Section

    choices = (
        "CASE jsonb_typeof(a.choices::jsonb) WHEN 'array' THEN "
        "(SELECT string_agg(c.v, ';' ORDER BY c.n) "
        "FROM jsonb_array_elements_text(a.choices::jsonb) WITH ORDINALITY AS c(v, n)) "
        "ELSE a.choices::jsonb #>> '{}' END"
    )
    value = (
        "CASE WHEN a.dont_know THEN 'DK' "
        "WHEN a.number IS NOT NULL THEN a.number::text "
        f"WHEN a.choices IS NOT NULL THEN {_neutralised_sql(f'({choices})')} "
        f"ELSE {_neutralised_sql('a.text')} END"
    )
    group = "CASE WHEN r.audience = 'staff' THEN sg.name ELSE ug.name END"
    # Names and codes are neutralised once each in the small lookups; per answer row only the
    # value is worked out. No ORDER BY: rows leave in storage order as they are joined, so the
    # file streams from the first row (a sort would hold it back and spill to disk). Both lookups
    # are MATERIALIZED: computed once, never once per item.
    # Staff anonymity: an organisation with fewer than k staff respondents in the file is left
    # blank, and a staff group is shown only where the group and its organisation × group cell
    # both have at least k (so no row pins a small team). Users' and carers' rows keep their
    # user group: evaluators register and interview them, so it tells them nothing new.
    staff = "r.audience = 'staff'"
    return f"""
        WITH base AS MATERIALIZED (
            SELECT r.id, r.audience, r.organisation_id,
                   CASE WHEN {staff} THEN r.staff_group_id ELSE r.user_group_id END AS gid,
                   COALESCE({_neutralised_sql("o.name")}, '') AS organisation,
                   COALESCE({_neutralised_sql(group)}, '') AS grp,
                   row_number() OVER (ORDER BY md5(%(salt)s || r.id::text)) AS respondent
            FROM {Response._meta.db_table} r
            LEFT JOIN {Organisation._meta.db_table} o ON o.id = r.organisation_id
            LEFT JOIN {StaffGroup._meta.db_table} sg ON sg.id = r.staff_group_id
            LEFT JOIN {UserGroup._meta.db_table} ug ON ug.id = r.user_group_id
            WHERE r.wave_id = %(wave)s AND r.submitted_on IS NOT NULL
              AND NOT EXISTS (
                SELECT 1 FROM {ParticipantResponse._meta.db_table} pr
                JOIN {Participant._meta.db_table} p ON p.id = pr.participant_id
                WHERE pr.response_id = r.id AND p.withdrawn_on IS NOT NULL)
        ),
        people AS MATERIALIZED (
            SELECT b.id, b.audience, b.respondent,
                   CASE WHEN b.audience <> 'staff'
                          OR count(*) OVER (PARTITION BY b.audience, b.organisation_id) >= %(k)s
                        THEN b.organisation ELSE '' END AS organisation,
                   CASE WHEN b.audience <> 'staff'
                          OR (count(*) OVER (PARTITION BY b.audience, b.gid) >= %(k)s
                              AND count(*) OVER (
                                  PARTITION BY b.audience, b.organisation_id, b.gid) >= %(k)s)
                        THEN b.grp ELSE '' END AS grp
            FROM base b
        ),
        items AS MATERIALIZED (
            SELECT i.id, {_neutralised_sql("i.code")} AS code
            FROM {Item._meta.db_table} i
            JOIN {Section._meta.db_table} s ON s.id = i.section_id
            JOIN {Questionnaire._meta.db_table} q ON q.id = s.questionnaire_id
            WHERE q.wave_id = %(wave)s
        )
        SELECT r.respondent, r.audience, r.organisation, r.grp, i.code, {value}
        FROM people r
        JOIN {Answer._meta.db_table} a ON a.response_id = r.id
        JOIN items i ON i.id = a.item_id
    """


@register
class AnswersCsvExporter(Exporter):
    """Tidy answers of a wave, one row per respondent and item (DESIGN §5): `render(wave, …)`."""

    identifier = "answers_csv"
    verbose_name = "CSV (tidy raw answers)"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    source = "answers"

    def filename(self, partnership: str, wave: str, kind: str = "answers") -> str:
        return f"{partnership}-{wave}-answers.csv"

    def render(self, wave: Wave, output: BinaryIO, progress: Progress = no_progress) -> int:  # type: ignore[override]
        """Write the file; returns the bytes written."""
        progress(0.05, "Reading answers")
        if connection.vendor == "postgresql":
            return self._copy(wave, output, progress)
        return self._portable(wave, output, progress)

    def _copy(self, wave: Wave, output: BinaryIO, progress: Progress) -> int:
        sql = f"COPY ({answers_query()}) TO STDOUT WITH (FORMAT csv, HEADER false)"
        header = (",".join(ANSWER_COLUMNS) + "\n").encode()
        output.write(header)
        written = len(header)
        params = {
            "salt": secrets.token_hex(16),
            "wave": wave.pk,
            "k": wave.partnership.minimum_group_size,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            # Hash joins: with a wave's lookups underestimated (fresh statistics), the planner
            # would otherwise probe the answers index once per person and item.
            cursor.execute("SET LOCAL enable_nestloop = off")
            with cursor.cursor.copy(sql, params) as copy:
                for chunk in copy:
                    output.write(chunk)
                    written += len(chunk)
        progress(1.0, "Answers written")
        return written

    def _portable(self, wave: Wave, output: BinaryIO, progress: Progress) -> int:
        """The same file without COPY (SQLite in development): rows through Python, streamed."""
        import random

        from reports.loaders import counted_responses
        from surveys.models import Answer

        people = list(
            counted_responses(wave).values_list(
                "pk", "audience", "organisation_id", "staff_group_id"
            )
        )
        shown = _shown_staff_labels(people, wave.partnership.minimum_group_size)
        responses = [pk for pk, *_ in people]
        random.SystemRandom().shuffle(responses)
        number = {pk: n for n, pk in enumerate(responses, start=1)}
        answers = (
            Answer.objects.filter(response_id__in=number)
            .order_by("response_id", "item_id")
            .values_list(
                "response_id",
                "response__audience",
                "response__organisation__name",
                "response__staff_group__name",
                "response__user_group__name",
                "item__code",
                "dont_know",
                "number",
                "choices",
                "text",
            )
            .iterator(chunk_size=2000)
        )
        text_out = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=False)
        try:
            writer = _csv.writer(text_out, lineterminator="\n")
            writer.writerow(ANSWER_COLUMNS)
            for rid, audience, org, sg, ug, code, dk, num, choices, text in answers:
                if dk:
                    value = "DK"
                elif num is not None:
                    value = str(int(num)) if float(num).is_integer() else repr(num)
                elif choices is not None:
                    joined = ";".join(map(str, choices)) if isinstance(choices, list) else choices
                    value = neutralise(str(joined))
                else:
                    value = neutralise(text)
                group = sg if audience == "staff" else ug
                if audience == "staff":
                    show_org, show_group = shown[rid]
                    org = org if show_org else ""
                    group = group if show_group else ""
                writer.writerow(
                    (
                        number[rid],
                        audience,
                        neutralise(org or ""),
                        neutralise(group or ""),
                        neutralise(code),
                        value,
                    )
                )
        finally:
            text_out.flush()
            text_out.detach()
        progress(1.0, "Answers written")
        return 0


def _shown_staff_labels(people: list[tuple], k: int) -> dict[int, tuple[bool, bool]]:
    """Per staff response: whether its organisation and its staff group may be shown (the same
    rule as the COPY query: organisation with ≥ k, group and organisation × group with ≥ k)."""
    from collections import Counter

    staff = [(pk, org, grp) for pk, audience, org, grp in people if audience == "staff"]
    by_org = Counter(org for _, org, _ in staff)
    by_group = Counter(grp for _, _, grp in staff)
    by_cell = Counter((org, grp) for _, org, grp in staff)
    return {
        pk: (by_org[org] >= k, by_group[grp] >= k and by_cell[(org, grp)] >= k)
        for pk, org, grp in staff
    }
