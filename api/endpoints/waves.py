"""Opening and closing a wave, for evaluators (`Right.EVALUATE`), by the same services and rules
as the survey's Open and Close pages: a refusal is a 409 problem in the pages' words."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from api.api import WaveOut, _wave_out
from api.endpoints.common import WRITE_ERRORS, Refused
from poet.models import Wave
from poet.permissions import Right, partnership_access, wave_of
from surveys.errors import SurveyError
from surveys.services.opening import close_wave, open_wave

router = Router(tags=["waves"])


@router.post(
    "/partnerships/{partnership}/waves/{wave}/open/",
    response={200: WaveOut, **WRITE_ERRORS},
    summary="Open the wave to respondents (its questionnaire is frozen); open already: no change",
)
def open_wave_now(request: HttpRequest, partnership: str, wave: str):
    access = partnership_access(request.user, partnership, Right.EVALUATE)
    found = wave_of(access, wave)
    try:
        open_wave(found, actor=request.user)
    except SurveyError as refused:
        raise Refused(409, f"The wave could not open: {refused}") from None
    found.refresh_from_db()
    return _wave_out(found)


@router.post(
    "/partnerships/{partnership}/waves/{wave}/close/",
    response={200: WaveOut, **WRITE_ERRORS},
    summary="Close the wave: no more answers are accepted; closed already: no change",
)
def close_wave_now(request: HttpRequest, partnership: str, wave: str):
    access = partnership_access(request.user, partnership, Right.EVALUATE)
    found = wave_of(access, wave)
    if found.status == Wave.Status.DRAFT:
        raise Refused(409, "The wave is not open.")
    close_wave(found, actor=request.user)
    found.refresh_from_db()
    return _wave_out(found)
