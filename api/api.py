"""The JSON API, version 1: read-only views over the same selectors and permission rules as the
pages (`poet.permissions`), authenticated by personal tokens, errors as RFC 9457 problem details.
"""

from __future__ import annotations

import datetime
import json
import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from api.models import ApiToken
from api.openapi import with_common_responses
from api.selectors.partnerships import partnerships_with_roles, waves_of
from api.services.tokens import authenticate_token
from api.throttling import TokenRateThrottle, limit_in_words
from poet.models import Role, Wave
from poet.permissions import Right, partnership_access, wave_of
from poet.two_factor import TwoFactorRequired
from surveys.selectors.response_rates import response_rates

PROBLEM = "application/problem+json"
logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer poet_…`: the token's person, with their role in each partnership."""

    openapi_description = "A personal API token, made on the API tokens page."

    def authenticate(self, request: HttpRequest, token: str):
        found = authenticate_token(token)
        if found is None:
            return None
        user = found.user
        verified = found.second_factor
        user.is_verified = lambda: verified  # type: ignore[attr-defined]  # as django-otp does
        request.user = user
        # The request line says who called with which token (never the token): poet.access.
        request.access_log_fields = {"api_token": token_label(found)}  # type: ignore[attr-defined]
        return found


def token_label(token: ApiToken) -> str:
    """'12:"R scripts"': the token's id and its name, quoted so no name can break a log line."""
    return f"{token.pk}:{json.dumps(token.name, ensure_ascii=False)}"


class PoetAPI(NinjaAPI):
    """The API whose OpenAPI document names, for every operation however it is declared, the
    answers every call may get: 401 without a valid token, 429 over the rate limit, 422 for a
    bad parameter, each an RFC 9457 problem (api/openapi.py)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return with_common_responses(super().get_openapi_schema(*args, **kwargs))


api = PoetAPI(
    title="POET API",
    version="1",
    description=(
        "Read partnerships, their waves and the response counts of a wave, with the same rights "
        "as the pages. Small numbers are hidden exactly as on the pages. Errors are RFC 9457 "
        "problem details."
    ),
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],  # per token, API_RATE_LIMIT
    urls_namespace="api-v1",
    openapi_url="/schema/",
    docs_url=None,  # the documentation page is our own (api.views.docs): works without JavaScript
)


# --- errors: RFC 9457 problem details ---------------------------------------------------------


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str


# With type about:blank, RFC 9457 wants the status phrase as the title; `detail` says what to do.
TITLES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def problem(request: HttpRequest, status: int, detail: str, **extra: object) -> HttpResponse:
    title = TITLES.get(status) or HTTPStatus(status).phrase
    body = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="POET API"'
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    if request.headers.get("Authorization"):
        request.access_log_fields = {"api_token": "refused"}  # type: ignore[attr-defined]
    return problem(
        request,
        401,
        "Send a valid personal API token as 'Authorization: Bearer <token>'. "
        "The token may be wrong, revoked or expired: make a new one on the API tokens page.",
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "There is nothing here, or you may not see it.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 403, "Your role in this partnership does not allow this.")


@api.exception_handler(TwoFactorRequired)
def second_factor_needed(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        403,
        "This partnership requires two-factor authentication: sign in with your second factor "
        "and make a new token.",
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
    errors = getattr(exc, "errors", [])
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'request'}: {e.get('msg', '')}"
        for e in errors
    )
    return problem(request, 422, detail or "The request is not valid.", errors=errors)


@api.exception_handler(Throttled)
def too_many(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Over the token's rate limit; the throttle adds Retry-After (seconds) to the answer."""
    wait = getattr(exc, "wait", None)
    when = f"in {round(wait)} seconds" if wait else "later"
    return problem(
        request,
        429,
        f"This token has made more calls than its limit of {limit_in_words()}. "
        f"Nothing was done: try again {when} (the Retry-After header says when).",
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    status = getattr(exc, "status_code", 400)
    return problem(request, status, str(exc))


@api.exception_handler(Exception)
def failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback (and so reported), answered as a problem."""
    logger.error("API call failed: %s %s", request.method, request.path, exc_info=exc)
    return problem(
        request,
        500,
        "Something went wrong on our side and nothing was changed. Try again later; if it "
        "keeps happening, tell your POET administrator the request id (X-Request-ID).",
    )


ERRORS: dict[int, type] = {401: Problem, 403: Problem, 404: Problem}


# --- schemas ------------------------------------------------------------------------------------


class PartnershipOut(Schema):
    slug: str
    name: str
    role: str  # the person's role there, in words
    minimum_group_size: int


class WaveOut(Schema):
    slug: str
    name: str
    status: str  # draft, open or closed
    status_label: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None


class OverallCounts(Schema):
    invited: int
    completed: int | None
    completed_hidden: str
    rate: int | None
    open: int | None
    open_hidden: str
    responses: int | None
    responses_hidden: str


class CountRow(Schema):
    name: str
    invited: int
    completed: int | None
    completed_hidden: str
    rate: int | None
    open: int | None
    open_hidden: str


class LanguageCountRow(Schema):
    code: str  # the language's code, e.g. "cy"
    name: str  # in English
    own_name: str  # in the language itself
    responses: int | None
    responses_hidden: str


class ResponseCounts(Schema):
    """As the wave's Responses page shows them: a hidden count is null with the reason."""

    minimum_group_size: int
    approximate: bool  # while the survey is open, counts by group are rounded to round_to
    round_to: int
    show_open: bool
    overall: OverallCounts
    by_organisation: list[CountRow]
    by_staff_group: list[CountRow]
    by_language: list[LanguageCountRow]  # empty while every response is in one language


def english(label: Any) -> str:
    """A choice's label in English, whatever the caller's language: the API speaks English."""
    with translation.override("en-gb"):
        return str(label)


def english_display(instance: Any, field: str) -> str:
    """``instance.get_<field>_display()`` in English (the API speaks English)."""
    with translation.override("en-gb"):
        return str(getattr(instance, f"get_{field}_display")())


def _partnership_out(partnership, role: str | None) -> dict:
    return {
        "slug": partnership.slug,
        "name": partnership.name,
        "role": english(Role(role).label) if role else "Site administrator",
        "minimum_group_size": partnership.minimum_group_size,
    }


def _wave_out(wave: Wave) -> dict:
    return {
        "slug": wave.slug,
        "name": wave.name,
        "status": wave.status,
        "status_label": english_display(wave, "status"),
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
    }


# --- endpoints ----------------------------------------------------------------------------------


@api.get(
    "/partnerships/",
    response={200: list[PartnershipOut], **ERRORS},
    tags=["partnerships"],
    summary="The partnerships you belong to",
)
@paginate(LimitOffsetPagination)
def list_partnerships(request: HttpRequest):
    return [_partnership_out(p, role) for p, role in partnerships_with_roles(request.user)]


@api.get(
    "/partnerships/{partnership}/",
    response={200: PartnershipOut, **ERRORS},
    tags=["partnerships"],
    summary="One partnership",
)
def get_partnership(request: HttpRequest, partnership: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return _partnership_out(access.partnership, access.role)


@api.get(
    "/partnerships/{partnership}/waves/",
    response={200: list[WaveOut], **ERRORS},
    tags=["waves"],
    summary="The waves of a partnership, with their status",
)
@paginate(LimitOffsetPagination)
def list_waves(request: HttpRequest, partnership: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return [_wave_out(w) for w in waves_of(access.partnership)]


@api.get(
    "/partnerships/{partnership}/waves/{wave}/",
    response={200: WaveOut, **ERRORS},
    tags=["waves"],
    summary="One wave",
)
def get_wave(request: HttpRequest, partnership: str, wave: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return _wave_out(wave_of(access, wave))


@api.get(
    "/partnerships/{partnership}/waves/{wave}/response-counts/",
    response={200: ResponseCounts, **ERRORS},
    tags=["waves"],
    summary="Staff survey response counts of a wave, small numbers hidden",
)
def get_response_counts(request: HttpRequest, partnership: str, wave: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    rates = response_rates(wave_of(access, wave))
    return {
        "minimum_group_size": rates["k"],
        "approximate": rates["approximate"],
        "round_to": rates["round_to"],
        "show_open": rates["show_open"],
        "overall": rates["overall"],
        "by_organisation": rates["by_organisation"],
        "by_staff_group": rates["by_staff_group"],
        "by_language": rates["by_language"],
    }
