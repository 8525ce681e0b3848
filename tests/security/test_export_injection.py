"""CSV and XLSX injection through every text export (DESIGN §6 "Exports are safe").

Hypothesis puts text with CR, LF, CRLF and spreadsheet formula starts (=, +, -, @, tab, CR) at the
start of any line into organisation, staff group and user group names, item codes, free-text
answers and outcome codes, then writes every file people can download that carries them: the
comparison CSV (page, command and the report's CSV format), the tidy raw answers CSV (COPY on
PostgreSQL and the portable path), the staff list example and the XLSX report. Each CSV read back
with the csv module has as many rows as it should, each of them as many cells as the header; no
line of any cell starts like a formula; figures stay numbers.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poet.models import Organisation, OutcomeStatement, StaffGroup, UserGroup
from poet.spreadsheet import FORMULA_STARTS, neutralise
from reports.documents import Hidden, Report, Section, Table
from reports.exporters.csv import (
    EXPORT_COLUMNS,
    AnswersCsvExporter,
    ComparisonCsvExporter,
    write_comparison_csv,
)
from reports.exporters.xlsx import XlsxExporter
from reports.models import ComparisonRow, ComparisonRun
from surveys.models import Answer, Item
from surveys.services.staff_list import example_staff_list, read_staff_list
from tests.reports.reporting import seeded_wave

pytestmark = pytest.mark.django_db

EXAMPLES = 25
LINES = re.compile(r"\r\n|\r|\n")
TEXT = {"outcome", "measure", "breakdown", "group", "flag", "suppressed"}
FIGURES = tuple(c for c in EXPORT_COLUMNS if c not in TEXT)

# Pieces of hostile text: formula starts, every kind of line break, and ordinary characters
# (PostgreSQL text cannot hold NUL, so no NUL).
piece = st.one_of(
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "=1+1", '=HYPERLINK("x")']),
    st.sampled_from(["-0.25", "@SUM(A1)", "+44", "\x0b", "\x1b", " ", "'", '"', ","]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6),
)
hostile = st.lists(piece, min_size=1, max_size=6).map("".join).filter(lambda s: s.strip())


def names(count: int, limit: int):
    """`count` distinct hostile texts of at most `limit` characters (a digit keeps them apart)."""
    return st.lists(hostile.map(lambda s: s[: limit - 2]), min_size=count, max_size=count).map(
        lambda texts: [f"{text}{i}" for i, text in enumerate(texts)]
    )


def starts_like_a_formula(cell: str) -> bool:
    return any(line.startswith(FORMULA_STARTS) for line in LINES.split(cell))


def read(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = len(rows[0])
    assert all(len(row) == width for row in rows), "a line break split a row"
    return rows


def assert_inert(rows: list[list[str]], figures: tuple[str, ...] = ()) -> None:
    """No text cell has a line starting like a formula; cells of figure columns are numbers."""
    header = rows[0]
    for row in rows:
        for column, cell in zip(header, row, strict=True):
            if column in figures and row is not header:
                assert cell == "" or float(cell) == float(cell), (column, cell)
                continue
            assert not starts_like_a_formula(cell), (cell, row)
            assert "\r" not in cell, (cell, row)  # line breaks are written as LF


@pytest.fixture
def world():
    """A wave (staff in two organisations and groups, users, comments) with a stored comparison
    run: its rows are written here, as the engine stores them, so only the files are tested."""
    built = seeded_wave(run=False)
    wave = built.wave
    run = ComparisonRun.objects.create(
        wave=wave, k=5, resamples=0, fingerprint="export-injection", used_at=timezone.now()
    )
    groups = [("all", "All")] + [("organisation", o.name) for o in built.organisations]
    groups += [("staff_group", g.name) for g in built.staff_groups]
    rows = []
    for outcome in ("O-0", "O-1", "O-2"):
        for measure in ("importance", "achievement"):
            for breakdown, group in groups:
                suppressed = breakdown == "staff_group" and group.endswith("Y")
                figures = {} if suppressed else {"n_staff": 7, "mean_staff": 3.5, "n_users": 6}
                if not suppressed:
                    figures |= {"mean_users": 3.25, "mean_diff": -0.25, "p_value": 0.5}
                rows.append(
                    ComparisonRow(
                        run=run,
                        position=len(rows),
                        outcome=outcome,
                        measure=measure,
                        breakdown=breakdown,
                        group=group,
                        suppressed=suppressed,
                        flag="" if suppressed else "over_estimated",
                        **figures,
                    )
                )
    ComparisonRow.objects.bulk_create(rows)
    baseline = len(answers_csv(wave))
    return built, run, baseline


def answers_csv(wave, portable: bool = False) -> list[list[str]]:
    exporter = AnswersCsvExporter()
    out = io.BytesIO()
    if portable:
        exporter._portable(wave, out, lambda *a, **k: None)
    else:
        exporter.render(wave, out)
    return read(out.getvalue().decode())


def renamed_outcomes(wave) -> list[str]:
    return list(
        OutcomeStatement.objects.filter(partnership=wave.partnership).values_list("code", flat=True)
    )


def put_hostile_text(built, run, texts: dict) -> None:
    """Every name, code and free text the exports carry, replaced by the generated ones."""
    wave, p = built.wave, built.wave.partnership
    for model, key in ((Organisation, "organisations"), (StaffGroup, "staff_groups")):
        rows = list(model.objects.filter(partnership=p).order_by("pk"))
        for row, name in zip(rows, texts[key], strict=False):
            row.name = name
        model.objects.bulk_update(rows, ["name"])
    UserGroup.objects.filter(partnership=p).update(name=texts["user_group"])
    items = list(Item.objects.filter(section__questionnaire__wave=wave).order_by("pk"))
    by_code: dict[str, str] = {}
    for item in items:
        j = len(by_code)
        by_code.setdefault(item.code, f"{texts['items'][j % len(texts['items'])]}-{j}")
    for item in items:
        item.code = by_code[item.code]
    Item.objects.bulk_update(items, ["code"])
    comments = list(Answer.objects.filter(response__wave=wave, item__kind=Item.Kind.TEXT))
    for answer, text in zip(comments, texts["comments"] * len(comments), strict=False):
        answer.text = text
    Answer.objects.bulk_update(comments, ["text"])
    outcomes = list(OutcomeStatement.objects.filter(partnership=p).order_by("pk"))
    renamed = {}
    for i, outcome in enumerate(outcomes):
        renamed[outcome.code] = outcome.code = f"{texts['outcome'][:28]}{i}"
    OutcomeStatement.objects.bulk_update(outcomes, ["code"])
    rows = list(run.rows.all())
    for i, row in enumerate(rows):
        row.outcome = renamed.get(row.outcome, texts["outcome"])
        row.group = texts["groups"][i % len(texts["groups"])]
    ComparisonRow.objects.bulk_update(rows, ["outcome", "group"])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.fixed_dictionaries(
        {
            "organisations": names(2, 200),
            "staff_groups": names(3, 100),
            "user_group": hostile.map(lambda s: s[:100]),
            "items": names(4, 60),
            "comments": names(2, 500),
            "outcome": hostile.map(lambda s: s[:30]),
            "groups": names(3, 200),
        }
    )
)
def test_every_text_export_keeps_its_rows_and_runs_no_formula(world, texts):
    try:  # each example starts from the same wave, even after a failed one
        with transaction.atomic():
            check_every_export(*world, texts)
            raise Undo
    except Undo:
        pass


class Undo(Exception):
    """Rolls an example's changes back."""


def check_every_export(built, run, baseline: int, texts: dict) -> None:
    wave = built.wave
    put_hostile_text(built, run, texts)
    expected_comparison = 1 + run.rows.count()

    # The comparison CSV: page and command (write_comparison_csv) and the report's CSV format.
    out = io.StringIO(newline="")
    write_comparison_csv(run, out)
    rows = read(out.getvalue())
    assert len(rows) == expected_comparison
    assert_inert(rows, FIGURES)
    outcomes = {neutralise(code) for code in renamed_outcomes(wave)}
    assert {row[0] for row in rows[1:]} <= outcomes
    report = Report(
        kind="summative",
        title=texts["outcome"],
        partnership=texts["organisations"][0],
        wave=wave.name,
        k=5,
        generated_at=timezone.now(),
        run_id=run.pk,
        sections=[
            Section(
                key="s",
                title=texts["groups"][0],
                blocks=[
                    Table(
                        key="t",
                        title=texts["groups"][1],
                        columns=["group", "comment", "n", "difference", "hidden"],
                        rows=[
                            [name, comment, 12, -0.25, Hidden(5)]
                            for name, comment in zip(
                                texts["organisations"], texts["comments"], strict=True
                            )
                        ],
                        note=texts["user_group"],
                    )
                ],
            )
        ],
    )
    out = io.BytesIO()
    ComparisonCsvExporter().render(report, out)
    rows = read(out.getvalue().decode())
    assert len(rows) == expected_comparison
    assert_inert(rows, FIGURES)

    # The tidy raw answers: COPY on PostgreSQL, and the same file without it.
    for portable in (False, True):
        rows = answers_csv(wave, portable=portable)
        assert len(rows) == baseline, "portable" if portable else "COPY"
        assert_inert(rows)
        codes = {neutralise(code) for code in Item.objects.values_list("code", flat=True)}
        assert {r[4] for r in rows[1:]} <= codes

    # The staff list example, and reading it back gives the same names.
    text = example_staff_list(wave)
    rows = read(text)
    organisations = Organisation.objects.filter(partnership=wave.partnership).count()
    assert len(rows) == 1 + max(3, min(organisations, 6))
    assert_inert(rows)
    members = read_staff_list(text.encode(), wave)
    assert {m.organisation.name for m in members} == set(texts["organisations"])

    # XLSX: every text cell inert, figures still numbers.
    from openpyxl import load_workbook

    out = io.BytesIO()
    XlsxExporter().render(report, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    numbers = []
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not starts_like_a_formula(cell.value), cell.value
                elif isinstance(cell.value, int | float):
                    numbers.append(cell.value)
    assert -0.25 in numbers and 12 in numbers
