"""The demo wave's follow-up with service users and carers: the outcomes chosen from what staff
said, three sessions, the participants (consented, pseudonymous) and their answers.

Every response of the follow-up belongs to one registered participant, entered in the session
they took part in; each session planned a few more people than came, as sessions do. Users and
carers see some outcomes differently from staff (they value being asked their story once more,
and find care plans less achieved), so the comparison has something to say.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.utils import timezone

from outcomes.models import FollowUpSchedule, FollowUpSession, Participant
from outcomes.services.capture import enter_answers
from outcomes.services.participants import register_participant
from outcomes.services.schedule import (
    add_chosen_outcome,
    close_schedule,
    create_schedule,
    open_schedule,
    save_session,
    set_methods,
)
from outcomes.services.shortlist import collect_proposals
from poet.models import Audience, OutcomeStatement, Wave
from surveys.demo import STAFF_PROFILES, Profile, answers_for
from surveys.services.answering import sections_of

SEED = 2027
Method = FollowUpSchedule.Method

# How service users and carers answer, where they differ from staff.
USER_PROFILES: dict[str, Profile] = {
    **STAFF_PROFILES,
    "O-HOME": Profile(4.7, 2.9),
    "O-STORY": Profile(4.6, 2.3),
    "O-CARER": Profile(4.3, 2.6),
    "O-PLAN": Profile(3.3, 2.1),
    "O-CONTACT": Profile(4.6, 2.6),
}

USER_PROPOSALS = ["Someone to talk to when I feel lonely.", "Help to get to the shops."]

# The sessions: (method, mode, how many days ago, facilitator, service users
# and carers who took part, how many more were planned).
DEMO_SESSIONS = [
    (Method.INTERVIEW, FollowUpSession.Mode.IN_PERSON, 21, "Sam Patel", (6, 5), 1),
    (Method.FOCUS_GROUP, FollowUpSession.Mode.IN_PERSON, 14, "Jo Evans", (5, 4), 2),
    (Method.QUESTIONNAIRE, FollowUpSession.Mode.PAPER, 7, "Sam Patel", (4, 3), 2),
]
CHOSEN_AT_MOST = 6


def add_demo_follow_up(wave: Wave, chosen: Iterable[tuple[OutcomeStatement, str, str]]) -> int:
    """Run the demo wave's follow-up from design to close with the ``chosen`` outcomes
    (outcome, reason, why); returns how many participants answered. A wave that already has a
    follow-up is left as it is."""
    if FollowUpSchedule.objects.filter(wave=wave).exists():
        return 0
    schedule = create_schedule(wave)
    set_methods(schedule, [m for m, *_ in DEMO_SESSIONS])
    for outcome, reason, note in list(chosen)[:CHOSEN_AT_MOST]:
        add_chosen_outcome(schedule, outcome, reason=reason, note=note)
    today = timezone.localdate()
    sessions = []
    for method, mode, days, facilitator, (users, carers), more in DEMO_SESSIONS:
        sessions.append(
            save_session(
                schedule,
                {
                    "method": method,
                    "mode": mode,
                    "date": today - datetime.timedelta(days=days),
                    "facilitator": facilitator,
                    "accessibility_needs": "Large print and a hearing loop.",
                    "planned_service_users": users + more,
                    "planned_carers": carers + (1 if more > 1 else 0),
                },
            )
        )
    questionnaire = open_schedule(schedule)
    items = [item for section in sections_of(questionnaire) for item in section.items.all()]
    user_groups = list(wave.partnership.user_groups.order_by("name"))
    rng = random.Random(SEED)
    answered = 0
    for session, (*_, (users, carers), _more) in zip(sessions, DEMO_SESSIONS, strict=True):
        for audience, count in ((Audience.SERVICE_USER, users), (Audience.CARER, carers)):
            for n in range(count):
                participant = register_participant(
                    schedule,
                    audience=audience,
                    user_group=user_groups[n % len(user_groups)],
                    consent_given_on=session.date,
                    consent_method=Participant.ConsentMethod.WRITTEN,
                )
                proposal = USER_PROPOSALS[answered % 2] if answered % 7 == 3 else ""
                answers = answers_for(items, rng, USER_PROFILES, proposal=proposal)
                enter_answers(
                    participant,
                    questionnaire,
                    answers,
                    session=session,
                    easy_read=session.method != Method.QUESTIONNAIRE and n % 3 == 0,
                )
                answered += 1
    close_schedule(schedule)
    collect_proposals(wave)
    return answered
