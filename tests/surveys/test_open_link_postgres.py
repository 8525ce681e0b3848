"""Open-link submits at the same moment, on real PostgreSQL: a cell's last place and a link's last
response go to one of them only.

What makes them wait is the open link's row lock (`surveys.services.headcounts.lock_open_link`);
today the draft's own lock in `submit` (FOR UPDATE over its join to the questionnaire and wave)
also holds the wave row, so these pass even without it, but the guard must not depend on that.
"""

import threading
import time

import pytest
from django.db import connection

from surveys.forms.answering import SectionForm
from surveys.models import OpenLink, Response, StaffHeadcount
from surveys.services import answering
from surveys.services.answering import (
    RespondentProblem,
    save_section,
    sections_of,
    start_open_draft,
    submit,
)
from tests.surveys.test_answering_support import SECTION_1, SECTION_2, SECTION_3, build_survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def open_drafts(n: int):
    invitation, _ = build_survey()
    link = OpenLink.objects.create(wave=invitation.wave, token_hash="x" * 64)
    drafts = []
    for _ in range(n):
        draft, _ = start_open_draft(link, invitation.organisation, invitation.staff_group)
        for section, data in zip(
            sections_of(draft.questionnaire), [SECTION_1, SECTION_2, SECTION_3], strict=True
        ):
            form = SectionForm(section, data)
            assert form.is_valid(), form.errors
            save_section(draft, form.answer_values(), complete=True)
        drafts.append(draft)
    return invitation, link, drafts


@pytest.fixture
def slow_checks(monkeypatch):
    """Each check of a place takes a while after it has counted, so submits that did not wait
    for one another would all see the same place free."""
    for name in ("has_open_place", "open_link_is_full"):
        original = getattr(answering, name)

        def slow(*args, _original=original, **kwargs):
            answer = _original(*args, **kwargs)
            time.sleep(0.3)
            return answer

        monkeypatch.setattr(answering, name, slow)


def submit_together(drafts) -> tuple[list, list]:
    start = threading.Barrier(len(drafts))
    results, errors = [], []

    def attempt(draft):
        try:
            start.wait()
            results.append(submit(draft.pk))
        except Exception as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_the_last_place_of_a_cell_goes_to_one_of_four_simultaneous_submits(postgres, slow_checks):
    invitation, _, drafts = open_drafts(4)
    StaffHeadcount.objects.create(
        wave=invitation.wave,
        organisation=invitation.organisation,
        staff_group=invitation.staff_group,
        count=1,
    )
    results, errors = submit_together(drafts)
    assert not errors and len(results) == 4
    assert Response.objects.filter(awaiting_confirmation=False).count() == 1
    assert Response.objects.filter(awaiting_confirmation=True).count() == 3


def test_a_link_with_two_places_left_takes_two_of_four_simultaneous_submits(postgres, slow_checks):
    _, link, drafts = open_drafts(4)
    OpenLink.objects.filter(pk=link.pk).update(max_responses=2)
    results, errors = submit_together(drafts)
    assert len(results) == 2
    assert len(errors) == 2 and all(isinstance(e, RespondentProblem) for e in errors)
    assert {e.status for e in errors} == {410}
    assert Response.objects.count() == 2
