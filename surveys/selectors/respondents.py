"""Who counts as a respondent: the one definition every figure of people uses.

A respondent is a response that was submitted (it has a day: an open-link response awaiting an
evaluator's confirmation has none) and holds at least one answer ("don't know" is an answer).
A response without answers tells nothing: it is nobody in a response rate, an open-link count,
the base of a share or a comparison. Response rates, the shortlist, the comparison's inputs and
the reports all count people through `respondents`, so no two of them can disagree about who
answered.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from poet.models import Audience, Wave
from surveys.models import Answer, Response


def answered() -> Exists:
    """True for a response with at least one answer (for ``filter`` or ``annotate``)."""
    return Exists(Answer.objects.filter(response=OuterRef("pk")))


def respondent_filter() -> Q:
    """The respondent rule as a condition on responses."""
    return Q(submitted_on__isnull=False, awaiting_confirmation=False) & Q(answered())


def respondents(wave: Wave | int, audience: str | None = None) -> QuerySet[Response]:
    """The wave's respondents (of one audience when given): submitted, counted, with answers."""
    wave_id = wave if isinstance(wave, int) else wave.pk
    found = Response.objects.filter(respondent_filter(), wave_id=wave_id)
    return found.filter(audience=audience) if audience else found


def staff_respondents(wave: Wave | int) -> QuerySet[Response]:
    """The wave's staff respondents."""
    return respondents(wave, Audience.STAFF)
