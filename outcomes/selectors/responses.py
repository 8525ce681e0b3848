"""Which survey responses an analysis may count: outcomes knows who withdrew."""

from django.db.models import Exists, OuterRef, QuerySet

from outcomes.models import ParticipantResponse
from poet.models import Wave
from surveys.models import Response
from surveys.selectors.respondents import respondents


def counted_responses(wave: Wave) -> QuerySet[Response]:
    """The responses an analysis may use: the respondents (`surveys.selectors.respondents`:
    submitted, not awaiting confirmation, with an answer), but no withdrawn participant's."""
    withdrawn = ParticipantResponse.objects.filter(
        response=OuterRef("pk"), participant__withdrawn_on__isnull=False
    )
    return respondents(wave).filter(~Exists(withdrawn))
