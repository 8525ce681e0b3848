"""Reads of the follow-up's participants: who takes part, their answers so far and their links,
and the register (search, filters, status) its page and its CSV share."""

from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from outcomes.models import (
    FollowUpSchedule,
    FollowUpSession,
    Participant,
    ParticipantLink,
    ParticipantResponse,
)
from poet.models import Audience, Partnership

# Where a participant is, in the order of the follow-up: every registered person has one.
STATUSES = [
    ("no_consent", gettext_lazy("Consent not recorded")),
    ("ready", gettext_lazy("Ready to answer")),
    ("link_given", gettext_lazy("Link given, not answered yet")),
    ("answered", gettext_lazy("Answered")),
    ("withdrawn", gettext_lazy("Withdrawn")),
]
STATUS_LABELS = dict(STATUSES)
NO_SESSION = "none"  # the session filter's value for people in no session


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to: any field left empty does not narrow it."""

    code: str = ""
    session: str = ""  # a session's id, NO_SESSION, or ""
    audience: str = ""
    status: str = ""

    @property
    def active(self) -> bool:
        return bool(self.code or self.session or self.audience or self.status)


def participants_of(schedule: FollowUpSchedule) -> QuerySet[Participant]:
    """Everyone registered for the follow-up, by code, with their group and responses."""
    return (
        Participant.objects.filter(schedule=schedule)
        .select_related("user_group")
        .prefetch_related("responses")
        .order_by("code")
    )


def register(schedule: FollowUpSchedule, narrowed: RegisterFilter | None = None):
    """The register: each participant with their session (where they gave their answers, else
    the one they are planned for) and status, by code; narrowed by code (a part of it, any
    case), session, audience and status. Never their answers."""
    answer = ParticipantResponse.objects.filter(participant=OuterRef("pk"))
    live_link = ParticipantLink.objects.filter(
        participant=OuterRef("pk"), used_on__isnull=True, replaced_on__isnull=True
    )
    rows = (
        Participant.objects.filter(schedule=schedule)
        .select_related("user_group")
        .annotate(
            answered=Exists(answer),
            register_session_id=Coalesce(
                Subquery(answer.values("session_id")[:1]),
                F("session_id"),
                output_field=BigIntegerField(),
            ),
        )
        .annotate(
            status=Case(
                When(withdrawn_on__isnull=False, then=Value("withdrawn")),
                When(answered=True, then=Value("answered")),
                When(consent_given_on__isnull=True, then=Value("no_consent")),
                When(Exists(live_link), then=Value("link_given")),
                default=Value("ready"),
                output_field=CharField(),
            )
        )
        .order_by("code")
    )
    narrowed = narrowed or RegisterFilter()
    if narrowed.code:
        rows = rows.filter(code__icontains=narrowed.code.strip())
    if narrowed.session == NO_SESSION:
        rows = rows.filter(register_session_id__isnull=True)
    elif narrowed.session.isdigit():
        rows = rows.filter(register_session_id=int(narrowed.session))
    if narrowed.audience in (Audience.SERVICE_USER, Audience.CARER):
        rows = rows.filter(audience=narrowed.audience)
    if narrowed.status in STATUS_LABELS:
        rows = rows.filter(status=narrowed.status)
    return rows


def session_labels(schedule: FollowUpSchedule) -> dict[int, str]:
    return {s.pk: s.label for s in FollowUpSession.objects.filter(schedule=schedule)}


def participant_of(schedule: FollowUpSchedule, code: str) -> Participant | None:
    return (
        Participant.objects.select_related("user_group", "consent_recorded_by", "session")
        .filter(schedule=schedule, code=code)
        .first()
    )


def answer_set_of(participant: Participant) -> ParticipantResponse | None:
    """The participant's one set of answers, with how and where it was given, or None."""
    return (
        ParticipantResponse.objects.filter(participant=participant)
        .select_related("response__questionnaire", "session")
        .first()
    )


def links_of(participant: Participant) -> QuerySet[ParticipantLink]:
    return participant.links.order_by("-created_at")


def response_count(participant: Participant) -> int:
    return participant.responses.count()


def has_user_groups(partnership: Partnership) -> bool:
    """Participants belong to a user group: without any, nobody can be registered."""
    return partnership.user_groups.exists()


def registered_count(schedule: FollowUpSchedule) -> int:
    return Participant.objects.filter(schedule=schedule).count()
