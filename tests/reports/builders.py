"""A wave with staff and user/carer answers to outcome and process items, built fast."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from outcomes.models import FollowUpSchedule, Participant, ParticipantResponse
from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave
from surveys.models import Answer, Item, Questionnaire, Response, Section
from tests.factories import WaveFactory

DAY = datetime.date(2026, 11, 2)


@dataclass
class Built:
    wave: Wave
    items: dict[str, Item] = field(default_factory=dict)
    staff: list[Response] = field(default_factory=list)
    users: list[Response] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    staff_groups: list[StaffGroup] = field(default_factory=list)
    user_group: UserGroup | None = None


def build_wave(
    *,
    outcomes: int = 3,
    staff: int = 12,
    users: int = 10,
    carers: int = 0,
    k: int = 5,
    seed: int = 1,
    wave: Wave | None = None,
) -> Built:
    """Staff in two organisations and two groups; each answers every item with 1..5 (1 in 10 DK)."""
    rng = random.Random(seed)
    wave = wave or WaveFactory()
    p = wave.partnership
    p.minimum_group_size = k
    p.save(update_fields=["minimum_group_size"])
    built = Built(wave=wave)
    built.organisations = [
        Organisation.objects.create(partnership=p, name=f"Org {c}") for c in "AB"
    ]
    built.staff_groups = [
        StaffGroup.objects.create(partnership=p, name=f"Nurses {c}") for c in "XY"
    ]
    built.user_group = UserGroup.objects.create(partnership=p, name="Older people")
    staff_q = Questionnaire.objects.create(wave=wave, title="Staff")
    users_q = Questionnaire.objects.create(
        wave=wave, title="Follow-up", audience=Questionnaire.For.FOLLOW_UP
    )
    for questionnaire in (staff_q, users_q):
        section = Section.objects.create(questionnaire=questionnaire, title="Outcomes")
        for i in range(outcomes):
            statement, _ = OutcomeStatement.objects.get_or_create(
                partnership=p, code=f"O-{i}", defaults={"text": f"I can do thing {i}"}
            )
            for measure in ("importance", "achievement"):
                item = Item.objects.create(
                    section=section,
                    code=f"O-{i}.{measure}",
                    kind=Item.Kind.LIKERT,
                    text="How?",
                    outcome=statement,
                    measure=measure,
                )
                built.items[f"{questionnaire.audience}:{item.code}"] = item
    process = Section.objects.create(questionnaire=staff_q, title="Working together")
    for domain in ("trust", "vision"):
        for j in range(2):
            item = Item.objects.create(
                section=process,
                code=f"{domain}-{j}",
                kind=Item.Kind.LIKERT,
                text="Agree?",
                domain=domain,
            )
            built.items[f"staff:{item.code}"] = item
    top = Item.objects.create(
        section=process, code="TOP3", kind=Item.Kind.MULTIPLE, text="Pick three", max_choices=3
    )
    answers = []
    for n in range(staff):
        response = Response.objects.create(
            wave=wave,
            questionnaire=staff_q,
            audience=Audience.STAFF,
            organisation=built.organisations[n % 2],
            staff_group=built.staff_groups[(n // 2) % 2],
            submitted_on=DAY,
        )
        built.staff.append(response)
        for key, item in built.items.items():
            if key.startswith("staff:"):
                answers.append(_answer(response, item, rng))
        picks = rng.sample([f"O-{i}" for i in range(outcomes)], min(3, outcomes))
        answers.append(Answer(response=response, item=top, choices=picks))
    for n in range(users + carers):
        response = Response.objects.create(
            wave=wave,
            questionnaire=users_q,
            audience=Audience.SERVICE_USER if n < users else Audience.CARER,
            user_group=built.user_group,
            submitted_on=DAY,
        )
        built.users.append(response)
        for key, item in built.items.items():
            if key.startswith("follow_up:"):
                answers.append(_answer(response, item, rng))
    Answer.objects.bulk_create(answers)
    return built


def _answer(response: Response, item: Item, rng: random.Random) -> Answer:
    if rng.random() < 0.1:
        return Answer(response=response, item=item, dont_know=True)
    return Answer(response=response, item=item, number=float(rng.randint(1, 5)))


def participant_for(response: Response, *, withdrawn: bool = False, code: str = "P-001"):
    schedule, _ = FollowUpSchedule.objects.get_or_create(wave=response.wave)
    participant = Participant.objects.create(
        schedule=schedule,
        code=code,
        audience=response.audience,
        user_group=response.user_group,
        withdrawn_on=DAY if withdrawn else None,
    )
    ParticipantResponse.objects.create(
        participant=participant, response=response, capture=ParticipantResponse.Capture.SELF
    )
    return participant
