"""Reads of the follow-up's participants: who takes part, their answers so far and their links."""

from django.db.models import QuerySet

from outcomes.models import FollowUpSchedule, Participant, ParticipantLink, ParticipantResponse
from poet.models import Partnership


def participants_of(schedule: FollowUpSchedule) -> QuerySet[Participant]:
    """Everyone registered for the follow-up, by code, with their group and responses."""
    return (
        Participant.objects.filter(schedule=schedule)
        .select_related("user_group")
        .prefetch_related("responses")
        .order_by("code")
    )


def participant_of(schedule: FollowUpSchedule, code: str) -> Participant | None:
    return (
        Participant.objects.select_related("user_group", "consent_recorded_by")
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
