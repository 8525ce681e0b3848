"""Two submits of the same draft at the same moment, on real PostgreSQL: one response."""

import threading

import pytest
from django.db import connection

from surveys.forms.answering import SectionForm
from surveys.models import Response
from surveys.services.answering import draft_for_invitation, save_section, sections_of, submit
from tests.surveys.test_answering_support import SECTION_1, SECTION_2, SECTION_3, build_survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_submits_store_one_response(postgres):
    invitation, _ = build_survey()
    draft = draft_for_invitation(invitation)
    for section, data in zip(
        sections_of(draft.questionnaire), [SECTION_1, SECTION_2, SECTION_3], strict=True
    ):
        form = SectionForm(section, data)
        assert form.is_valid(), form.errors
        save_section(draft, form.answer_values(), complete=True)

    start = threading.Barrier(4)
    results, errors = [], []

    def attempt():
        try:
            start.wait()
            results.append(submit(draft.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(r is not None for r in results) == 1
    assert Response.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.completed_on is not None


def test_answers_stored_by_arrays_are_what_the_orm_would_store(postgres):
    """PostgreSQL stores a response's answers as five arrays in one statement; SQLite by
    bulk_create. Every kind of answer must come out the same either way."""
    from surveys.models import Answer
    from surveys.services.answering import answer_row, store_response

    invitation, _ = build_survey()
    draft = draft_for_invitation(invitation)
    sections = sections_of(draft.questionnaire)
    values = {}
    for section, data in zip(sections, [SECTION_1, SECTION_2, SECTION_3], strict=True):
        form = SectionForm(section, data)
        assert form.is_valid(), form.errors
        values |= form.answer_values()
    values["ELSE"] = "=HYPERLINK(\"x\") “quoted”\n'line' \\ two"
    response = store_response(
        draft.questionnaire,
        values,
        audience="staff",
        organisation_id=invitation.organisation_id,
        staff_group_id=invitation.staff_group_id,
        sections=sections,
    )
    stored = {
        a.item.code: (a.number, a.text, a.choices, a.dont_know)
        for a in Answer.objects.filter(response=response).select_related("item")
    }
    expected = {}
    for section in sections:
        for item in section.items.all():
            row = answer_row(item, values.get(item.code))
            if row is not None:
                expected[item.code] = (row.number, row.text, row.choices, row.dont_know)
    assert stored == expected
    assert stored["P-COMMS-1"] == (None, "", None, True)  # don't know
    assert stored["TOP3"][2] == ["O-HOME", "O-SAFE"]
    assert stored["ELSE"][1] == values["ELSE"]
