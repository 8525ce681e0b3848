"""The access matrix of the API: every endpoint x every kind of caller, derived from the same
rights as the pages (`poet.permissions.ROLE_RIGHTS`). A new endpoint without a rule here fails."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.services.tokens import create_token, revoke_token
from poet.models import Membership, Role
from poet.permissions import ROLE_RIGHTS, Right
from tests.security.access_rules import Side, build_side, routes

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # answers everyone, token or not


def staff_list(side: Side) -> dict:
    p = side.partnership.slug
    text = f"email,organisation,staff_group\nnew@{p}.org,{p} council,{p} nurses\n"
    return {"staff_list": SimpleUploadedFile("staff.csv", text.encode(), "text/csv")}


def answers() -> dict:
    text = "respondent,audience,organisation,group,item,value\n"
    return {"answers_file": SimpleUploadedFile("answers.csv", text.encode(), "text/csv")}


@dataclass(frozen=True)
class Call:
    """How the matrix calls an endpoint, and what a caller with the right gets.

    `body` (JSON) and `files` (multipart) are made for partnership A's world, valid, so a
    caller without the right is refused for that alone."""

    right: object  # the Right it needs (as the page doing the same), or PUBLIC
    method: str = "get"
    ok: int = 200
    body: Callable[[Side], dict] | None = None
    files: Callable[[Side], dict] | None = None


# Each endpoint: the right it needs (as the page showing the same thing), or PUBLIC.
API_RULES: dict[str, Call] = {
    "api-v1:openapi-json": Call(PUBLIC),
    "api-v1:api-root": Call(PUBLIC),  # nothing there: 404 for everyone
    "api-v1:list_partnerships": Call(Right.VIEW),
    "api-v1:get_partnership": Call(Right.VIEW),
    "api-v1:list_waves": Call(Right.VIEW),
    "api-v1:get_wave": Call(Right.VIEW),
    "api-v1:get_response_counts": Call(Right.VIEW),
    # the partnership page lists them for every member
    "api-v1:list_organisations": Call(Right.VIEW),
    "api-v1:list_staff_groups": Call(Right.VIEW),
    "api-v1:list_user_groups": Call(Right.VIEW),
    # the comparison page: no run in the world yet, so 404 saying so
    "api-v1:get_comparison": Call(Right.VIEW_REPORTS, ok=404),
    "api-v1:list_comparison_rows": Call(Right.VIEW_REPORTS, ok=404),
    "api-v1:run_comparison": Call(Right.EVALUATE, "post", 202),
    "api-v1:get_job": Call(Right.VIEW),  # the job page
    # the downloads page: no run yet (409); the world's job is not a download (404)
    "api-v1:start_report": Call(
        Right.VIEW_REPORTS, "post", 409, body=lambda side: {"report": "formative", "format": "pdf"}
    ),
    "api-v1:fetch_report_file": Call(Right.VIEW_REPORTS, ok=404),
    "api-v1:stream_answers_csv": Call(Right.EVALUATE),  # raw answers: evaluators only
    # the invitations and import pages (walked before the wave is closed below)
    "api-v1:upload_staff_list": Call(
        Right.EVALUATE, "post", 201, files=lambda side: staff_list(side)
    ),
    "api-v1:import_answers_file": Call(Right.EVALUATE, "post", 202, files=lambda side: answers()),
    # the survey's Open and Close pages: open already (no change), then closed
    "api-v1:open_wave_now": Call(Right.EVALUATE, "post"),
    "api-v1:close_wave_now": Call(Right.EVALUATE, "post"),
}
PUBLIC_ANSWER = {"api-v1:openapi-json": 200, "api-v1:api-root": 404}

NO_TOKEN, BAD, REVOKED, EXPIRED = "no token", "wrong token", "revoked token", "expired token"
OUTSIDER, SUPERUSER = "administrator of B", "superuser"
ROLES = {f"{role.label} of A": role for role in (Role.MANAGER, Role.EVALUATOR, Role.ADMINISTRATOR)}
CALLERS = [NO_TOKEN, BAD, REVOKED, EXPIRED, OUTSIDER, SUPERUSER, *ROLES]


def api_routes():
    return [r for r in routes() if (r.name or "").startswith("api-v1:")]


def test_every_endpoint_has_a_rule():
    missing = [r.name for r in api_routes() if r.name not in API_RULES]
    assert not missing, f"add a rule to API_RULES for {missing}"


def expected(name: str, caller: str) -> int:
    rule = API_RULES[name].right
    if rule == PUBLIC:
        return PUBLIC_ANSWER[name]
    if caller in (NO_TOKEN, BAD, REVOKED, EXPIRED):
        return 401
    if caller == OUTSIDER:
        return 404 if name != "api-v1:list_partnerships" else 200  # B's own list
    if caller in ROLES and rule not in ROLE_RIGHTS[ROLES[caller]]:
        return 403
    return API_RULES[name].ok


def token_of(caller: str, a, b) -> str | None:
    users = get_user_model().objects
    if caller == NO_TOKEN:
        return None
    if caller == SUPERUSER:
        user = users.create(username="root", is_superuser=True, is_staff=True)
    elif caller == OUTSIDER:
        user = users.create(username="outsider")
        Membership.objects.create(user=user, partnership=b.partnership, role=Role.ADMINISTRATOR)
    else:
        user = users.create(username=caller.replace(" ", "-"))
        role = ROLES.get(caller, Role.ADMINISTRATOR)
        Membership.objects.create(user=user, partnership=a.partnership, role=role)
    token, raw = create_token(user, name=caller)
    if caller == BAD:
        return raw[:-2] + "zz"
    if caller == REVOKED:
        revoke_token(token, actor=user)
    if caller == EXPIRED:
        token.expires_on = timezone.now() - datetime.timedelta(minutes=1)
        token.save()
    return raw


def call(client: Client, url: str, rule: Call, side: Side, method: str | None = None):
    method = method or rule.method
    if rule.files is not None and method == rule.method:
        return client.post(url, rule.files(side))
    if rule.body is not None and method == rule.method:
        return getattr(client, method)(url, rule.body(side), content_type="application/json")
    return getattr(client, method)(url)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_endpoint_answers_every_caller_as_the_rules_say(caller):
    a, b = build_side("alpha"), build_side("beta")
    raw = token_of(caller, a, b)
    client = Client(headers={"Authorization": f"Bearer {raw}"} if raw else {})
    values = {"partnership": a.partnership.slug, "wave": a.wave.slug, "job_id": a.values["job"]}
    for route in api_routes():
        url = reverse(route.name, kwargs={k: values[k] for k in route.arguments})
        rule = API_RULES[route.name]
        want = expected(route.name, caller)
        got = call(client, url, rule, a)
        status = got.status_code
        assert status == want, f"{caller} {rule.method} {url}: expected {want}, got {status}"
        if got.status_code >= 400 and route.name != "api-v1:api-root":
            assert got["Content-Type"] == "application/problem+json", url
        if rule.right != PUBLIC:
            other = "get" if rule.method == "post" else "post"
            answer = call(client, url, rule, a, other).status_code
            assert answer == 405, f"{caller} {other} {url}: only {rule.method}"
