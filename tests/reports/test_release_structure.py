"""The release structure names every counted response's cell, ids ascending, exactly as walking
the responses one by one did (issue 19 reads them as one frame instead)."""

from __future__ import annotations

import pytest

from outcomes.selectors.responses import counted_responses
from poet.models import Audience
from reports.selectors.frames import load_structure
from surveys.models import Response
from tests.reports.builders import DAY, build_wave, participant_for

pytestmark = pytest.mark.django_db


def walked(wave, *, users: bool = True) -> dict:
    """The cells as the responses say, one response at a time."""
    members: dict = {"staff": {}, "users": {}}
    rows = counted_responses(wave).values_list(
        "pk", "audience", "organisation__name", "staff_group__name", "user_group__name"
    )
    for pk, audience, organisation, staff_group, user_group in rows.order_by("pk"):
        if audience == Audience.STAFF:
            members["staff"].setdefault((organisation, staff_group), []).append(pk)
        elif users:
            members["users"].setdefault((audience, user_group or ""), []).append(pk)
    return members


def test_every_counted_response_is_in_its_cell_in_order():
    built = build_wave(outcomes=1, staff=13, users=7, carers=3)
    wave = built.wave
    users_q = built.users[0].questionnaire
    # A service user with no user group, then responses that do not count: not submitted, and
    # a withdrawn participant's.
    ungrouped = Response.objects.create(
        wave=wave, questionnaire=users_q, audience=Audience.SERVICE_USER, submitted_on=DAY
    )
    ungrouped.answers.create(item=built.items["follow_up:O-0.importance"], number=3.0)
    Response.objects.filter(pk=built.staff[4].pk).update(submitted_on=None)
    participant_for(built.users[2], withdrawn=True)

    structure = load_structure(wave)
    assert structure.members == walked(wave)
    for cells in structure.members.values():
        for ids in cells.values():
            assert ids == sorted(ids)
    assert (Audience.SERVICE_USER.value, "") in structure.members["users"]
    staff_ids = {pk for ids in structure.members["staff"].values() for pk in ids}
    assert built.staff[4].pk not in staff_ids and len(staff_ids) == 13 - 1
    user_ids = {pk for ids in structure.members["users"].values() for pk in ids}
    assert built.users[2].pk not in user_ids and len(user_ids) == 7 + 3 - 1 + 1

    staff_only = load_structure(wave, users=False)
    assert staff_only.members == walked(wave, users=False)
    assert staff_only.members["users"] == {}


def test_a_wave_without_responses_has_empty_cells():
    wave = build_wave(outcomes=1, staff=0, users=0).wave
    assert load_structure(wave).members == {"staff": {}, "users": {}}
