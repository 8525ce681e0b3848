"""A follow-up collecting answers, shared by the participants and capture tests."""

from dataclasses import dataclass

from django.utils import timezone

from outcomes.models import FollowUpSchedule, FollowUpSession, Participant
from poet.models import Audience
from surveys.models import Item, Questionnaire
from tests.factories import (
    ItemFactory,
    OutcomeStatementFactory,
    QuestionnaireFactory,
    SectionFactory,
    UserGroupFactory,
    WaveFactory,
    member,
)


@dataclass
class FollowUp:
    schedule: FollowUpSchedule
    questionnaire: Questionnaire
    user_group: object
    evaluator: object
    session: FollowUpSession

    @property
    def wave(self):
        return self.schedule.wave

    @property
    def partnership(self):
        return self.schedule.wave.partnership

    def url(self, name: str = "participants", **kwargs) -> str:
        from django.urls import reverse

        return reverse(
            f"outcomes:{name}",
            kwargs={"partnership": self.partnership.slug, "wave": self.wave.slug, **kwargs},
        )


def build_follow_up(*, status: str = FollowUpSchedule.Status.OPEN) -> FollowUp:
    """An open follow-up with a frozen questionnaire: one outcome (importance required and
    achievement, with easy-read wording) and a free-text question."""
    wave = WaveFactory(partnership__name="Riverside partnership", name="Baseline 2026")
    p = wave.partnership
    group = UserGroupFactory(partnership=p, name="Older people")
    UserGroupFactory(partnership=p, name="Carers of older people")
    schedule = FollowUpSchedule.objects.create(wave=wave, status=status, methods=["interview"])
    session = FollowUpSession.objects.create(
        schedule=schedule, method=FollowUpSchedule.Method.INTERVIEW, facilitator="Sam"
    )
    outcome = OutcomeStatementFactory(
        partnership=p, code="O-HOME", text="I can stay living in my own home"
    )
    questionnaire = QuestionnaireFactory(
        wave=wave,
        audience=Questionnaire.For.FOLLOW_UP,
        title="What matters to you",
        frozen_at=timezone.now(),
    )
    outcomes = SectionFactory(questionnaire=questionnaire, title="Outcomes", order=1)
    ItemFactory(
        section=outcomes,
        code="O-HOME.importance",
        outcome=outcome,
        measure=Item.Measure.IMPORTANCE,
        scale=Item.Scale.IMPORTANCE,
        text="How important is this to you?",
        easy_read_text="Does this matter to you?",
        required=True,
        order=1,
    )
    ItemFactory(
        section=outcomes,
        code="O-HOME.achievement",
        outcome=outcome,
        measure=Item.Measure.ACHIEVEMENT,
        scale=Item.Scale.ACHIEVEMENT,
        text="How far has this happened for you?",
        easy_read_text="Has this happened for you?",
        order=2,
    )
    other = SectionFactory(questionnaire=questionnaire, title="Anything else", order=2)
    ItemFactory(
        section=other,
        code="MISSING",
        kind=Item.Kind.TEXT,
        scale="",
        text="What matters to you that we have not asked about?",
        order=1,
    )
    return FollowUp(schedule, questionnaire, group, member(p), session)


def consented(
    follow_up: FollowUp, audience: str = Audience.SERVICE_USER, code: str = ""
) -> Participant:
    from outcomes.services.participants import register_participant

    participant = register_participant(
        follow_up.schedule,
        audience=audience,
        user_group=follow_up.user_group,
        consent_given_on=timezone.localdate(),
        consent_method=Participant.ConsentMethod.WRITTEN,
        actor=follow_up.evaluator,
    )
    if code:
        Participant.objects.filter(pk=participant.pk).update(code=code)
        participant.code = code
    return participant
