"""A follow-up built by the product's own services, for the easy-read tests (no tests here):
a staff questionnaire naming who to contact, four library outcomes chosen, the follow-up open,
and one consenting service user with their own link."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from outcomes.models import ChosenOutcome, Participant
from outcomes.services.participants import create_link, register_participant
from outcomes.services.schedule import add_chosen_outcome, create_schedule, open_schedule
from poet.library import load_library
from poet.models import Audience, OutcomeStatement, Wave
from surveys.services.design import create_staff_questionnaire, update_texts
from tests.factories import UserGroupFactory, WaveFactory

CONTACT = "Sam Patel, evaluation lead, 0161 496 0000"
CODES = ["O-HOME", "O-SAFE", "O-STORY", "O-WELL"]


@dataclass
class FollowUp:
    wave: Wave
    participant: Participant
    token: str


def open_follow_up(*, contact: str = CONTACT) -> FollowUp:
    load_library(OutcomeStatement)
    wave = WaveFactory(partnership__name="Riverside Health and Care Partnership")
    library = {o.code: o for o in OutcomeStatement.objects.filter(partnership=None)}
    staff = create_staff_questionnaire(wave, [library[c] for c in CODES])
    update_texts(
        wave,
        title=staff.title,
        introduction=staff.introduction,
        privacy_notice=staff.privacy_notice,
        contact=contact,
    )
    schedule = create_schedule(wave)
    for code in CODES:
        add_chosen_outcome(schedule, library[code], reason=ChosenOutcome.Reason.OTHER)
    open_schedule(schedule)
    group = UserGroupFactory(partnership=wave.partnership, name="Older people")
    participant = register_participant(
        schedule,
        audience=Audience.SERVICE_USER,
        user_group=group,
        consent_given_on=timezone.localdate() - datetime.timedelta(days=1),
        consent_method=Participant.ConsentMethod.WRITTEN,
    )
    return FollowUp(wave, participant, create_link(participant))
