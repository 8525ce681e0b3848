"""The tidy raw answers CSV against an insider: k-anonymous labels, withheld text, random order.

An evaluator holds the staff list, so a row set few people share is a person. Both ways of
writing the file are checked on PostgreSQL: COPY (what downloads use) and the portable path.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pytest

from poet.models import Audience, Organisation, StaffGroup
from reports.exporters.csv import WITHHELD, AnswersCsvExporter
from surveys.models import Answer, Item, Questionnaire, Response, Section
from tests.factories import WaveFactory
from tests.reports.builders import DAY
from tests.reports.reporting import FORMULA, SCRIPT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def export(wave, how: str) -> list[dict[str, str]]:
    out = io.BytesIO()
    exporter = AnswersCsvExporter()
    if how == "copy":
        exporter.render(wave, out)
    else:
        exporter._portable(wave, out)
    return list(csv.DictReader(io.StringIO(out.getvalue().decode())))


def staff_wave(cells: list[tuple[str, str, int]], k: int):
    """Staff in (organisation, group, how many) cells, submitted in that order; each answers a
    1–5 item and writes a comment naming their place in the submission order."""
    wave = WaveFactory()
    p = wave.partnership
    p.minimum_group_size = k
    p.save(update_fields=["minimum_group_size"])
    questionnaire = Questionnaire.objects.create(wave=wave, title="Staff")
    section = Section.objects.create(questionnaire=questionnaire, title="About you")
    rating = Item.objects.create(section=section, code="TRUST", kind=Item.Kind.LIKERT, text="?")
    comment = Item.objects.create(section=section, code="COMMENT", kind=Item.Kind.TEXT, text="?")
    organisations: dict[str, Organisation] = {}
    groups: dict[str, StaffGroup] = {}
    where: dict[str, tuple[str, str]] = {}
    answers = []
    for org, group, count in cells:
        if org not in organisations:
            organisations[org] = Organisation.objects.create(partnership=p, name=org)
        if group not in groups:
            groups[group] = StaffGroup.objects.create(partnership=p, name=group)
        for _ in range(count):
            response = Response.objects.create(
                wave=wave,
                questionnaire=questionnaire,
                audience=Audience.STAFF,
                organisation=organisations[org],
                staff_group=groups[group],
                submitted_on=DAY,
            )
            text = f"comment {len(where):03d}"
            where[text] = (org, group)
            answers += [
                Answer(response=response, item=rating, number=float(1 + len(where) % 5)),
                Answer(response=response, item=comment, text=text),
            ]
    Answer.objects.bulk_create(answers)
    return wave, where


def people_per_row_set(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], int]:
    """Respondents per (audience, organisation, group) as the file shows them."""
    people = defaultdict(set)
    for r in rows:
        people[(r["audience"], r["organisation"], r["group"])].add(r["respondent"])
    return {key: len(ids) for key, ids in people.items()}


@pytest.mark.parametrize("how", ["copy", "portable"])
@pytest.mark.parametrize("k", [3, 5, 10])
def test_no_row_set_pins_the_lone_gp_and_their_text_is_withheld(postgres, k, how):
    """Issue 13: one GP at the NHS trust, ten GPs and eleven social workers at the council."""
    wave, where = staff_wave(
        [("NHS trust", "GP", 1), ("Council", "GP", 10), ("Council", "Social worker", 11)], k
    )
    rows = export(wave, how)
    assert len({r["respondent"] for r in rows}) == 22
    sets = people_per_row_set(rows)
    assert all(n >= k for n in sets.values()), sets
    # every column's blank rows, and every shown value's rows, hold at least k people too
    for column in ("organisation", "group"):
        by_value = defaultdict(set)
        for r in rows:
            by_value[r[column]].add(r["respondent"])
        assert all(len(ids) >= k for ids in by_value.values()), (column, by_value.keys())
    assert "NHS trust" not in {r["organisation"] for r in rows}
    texts = {r["value"] for r in rows if r["item"] == "COMMENT"}
    lone = next(text for text, (org, _) in where.items() if org == "NHS trust")
    assert lone not in texts
    # the council's GPs (10) and social workers (11) keep their words when they reach k
    for text, (org, group) in where.items():
        if org == "Council":
            assert (text in texts) == (k <= (10 if group == "GP" else 11)), text
    withheld = [r for r in rows if r["value"] == WITHHELD]
    assert withheld and {r["item"] for r in withheld} == {"COMMENT"}
    assert {r["value"] for r in rows if r["item"] == "TRUST"} <= {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize("how", ["copy", "portable"])
def test_numbers_and_row_order_are_fresh_each_file_and_never_submission_order(postgres, how):
    wave, where = staff_wave([("Council", "Nurse", 40)], 5)
    submitted = sorted(where)  # "comment 000" was written first

    def file_order(rows):
        return [r["value"] for r in rows if r["item"] == "COMMENT"]

    first, second = export(wave, how), export(wave, how)
    for rows in (first, second):
        # respondent blocks stay whole and leave in the order of their random numbers
        blocks = [r["respondent"] for r in rows]
        starts = [n for i, n in enumerate(blocks) if i == 0 or blocks[i - 1] != n]
        assert len(starts) == len(set(starts)) == 40
        assert [int(n) for n in starts] == list(range(1, 41))
        assert file_order(rows) != submitted and file_order(rows) != submitted[::-1]
    assert file_order(first) != file_order(second)
    number = {r["value"]: r["respondent"] for r in first if r["item"] == "COMMENT"}
    again = {r["value"]: r["respondent"] for r in second if r["item"] == "COMMENT"}
    assert number != again  # the same person gets another number in another file
    assert [number[text] for text in submitted] != [str(n) for n in range(1, 41)]


@pytest.mark.parametrize("how", ["copy", "portable"])
def test_text_of_a_large_enough_combination_is_kept_and_inert(postgres, how):
    wave, _ = staff_wave([("Council", "Nurse", 6)], 5)
    first, second = Answer.objects.filter(item__code="COMMENT").order_by("pk")[:2]
    Answer.objects.filter(pk=first.pk).update(text=FORMULA)
    Answer.objects.filter(pk=second.pk).update(text=SCRIPT)
    rows = export(wave, how)
    texts = {r["value"] for r in rows if r["item"] == "COMMENT"}
    assert {"'" + FORMULA, SCRIPT} <= texts and WITHHELD not in texts
    assert {(r["organisation"], r["group"]) for r in rows} == {("Council", "Nurse")}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_counts_and_rows_are_one_snapshot(postgres):
    """As in a download job: the export opens its own REPEATABLE READ transaction."""
    from django.db import connection

    wave, _ = staff_wave([("Council", "Nurse", 6), ("Council", "GP", 2)], 5)
    assert not connection.in_atomic_block
    rows = export(wave, "copy")
    assert people_per_row_set(rows) == {("staff", "Council", ""): 8}
    assert not connection.in_atomic_block
