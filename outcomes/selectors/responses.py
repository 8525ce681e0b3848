"""Which survey responses an analysis may count: outcomes knows who withdrew."""

from django.db.models import Exists, OuterRef, QuerySet

from outcomes.models import ParticipantResponse
from poet.models import Wave
from surveys.models import Response


def counted_responses(wave: Wave) -> QuerySet[Response]:
    """The responses an analysis may use: submitted, not awaiting confirmation (an open-link
    response beyond its group's headcount), and not from a withdrawn participant."""
    withdrawn = ParticipantResponse.objects.filter(
        response=OuterRef("pk"), participant__withdrawn_on__isnull=False
    )
    return Response.objects.filter(
        wave=wave, submitted_on__isnull=False, awaiting_confirmation=False
    ).filter(~Exists(withdrawn))
