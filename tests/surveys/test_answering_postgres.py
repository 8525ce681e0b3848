"""Two submits of the same draft at the same moment, on real PostgreSQL: one response."""

import threading

import pytest
from django.db import connection

from surveys.answering import draft_for_invitation, save_section, sections_of, submit
from surveys.forms_answering import SectionForm
from surveys.models import Response
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
