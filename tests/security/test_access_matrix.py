"""The access matrix: every URL of the URLconf × every kind of visitor → the expected answer.

Generated from the URLconf at collection time, so a page added tomorrow is walked tomorrow; a URL
without a rule in `tests/security/access_rules.py` fails. Supersedes the partnership-only walk of
`tests/poet/test_access.py` (which stays, and passes).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from poet.models import Membership, Role
from poet.permissions import ROLE_RIGHTS
from tests.factories import sign_in_with_code
from tests.security.access_rules import (
    ADMINISTRATOR,
    ANONYMOUS,
    ARGUMENTS,
    EVALUATOR,
    LOGIN,
    MANAGER,
    OUTSIDER,
    SUPERUSER,
    TOKEN_HOLDER,
    TOKENS,
    VISITORS,
    Route,
    Rule,
    build_side,
    named_routes,
)

pytestmark = pytest.mark.django_db

ROUTES = named_routes()
ROLES = {MANAGER: Role.MANAGER, EVALUATOR: Role.EVALUATOR, ADMINISTRATOR: Role.ADMINISTRATOR}
WHERE = "add a rule for it to RULES in tests/security/access_rules.py"


@pytest.fixture
def world():
    return build_side("alpha"), build_side("beta")


def person(visitor: str, world):
    """The account of a kind of visitor (no password: hashing one would slow the matrix)."""
    a, b = world
    user_model = get_user_model()
    if visitor in ROLES:
        user = user_model.objects.get_or_create(username=f"{visitor}")[0]
        Membership.objects.get_or_create(user=user, partnership=a.partnership, role=ROLES[visitor])
        return user
    if visitor == OUTSIDER:
        user = user_model.objects.get_or_create(username=visitor)[0]
        Membership.objects.get_or_create(
            user=user, partnership=b.partnership, role=Role.ADMINISTRATOR
        )
        return user
    if visitor == SUPERUSER:
        return user_model.objects.get_or_create(
            username="root", defaults={"is_superuser": True, "is_staff": True}
        )[0]
    return None


def visitor_client(visitor: str, world) -> Client:
    """A fresh browser of one kind of visitor."""
    a, _ = world
    client = Client()
    if visitor == TOKEN_HOLDER:
        assert client.get(f"/s/{a.values['session_token']}/").status_code == 302
    user = person(visitor, world)
    if user is not None:
        client.force_login(user)
    return client


def url_of(route: Route, values: dict, query: str = "") -> str:
    """The route with every argument filled from `values`: a new argument fails, naming the fix."""
    kwargs = {}
    for argument in route.arguments:
        key = TOKENS.get(route.name) if argument == "token" else ARGUMENTS.get(argument)
        assert key, f"URL {route.name} takes <{argument}>: add it to ARGUMENTS or TOKENS"
        kwargs[argument] = values[key]
    url = reverse(route.name, kwargs=kwargs)
    return f"{url}?{query.format(**values)}" if query else url


def expected(route: Route, rule: Rule, visitor: str) -> tuple:
    """(GET, POST) answers for a visitor: the rule's, or derived from the view's right."""
    if visitor in rule.visitors:
        return rule.visitors[visitor]
    right = route.required_right or rule.right
    if right is None:
        return rule.get, rule.post
    if visitor in (ANONYMOUS, TOKEN_HOLDER):
        return LOGIN, LOGIN
    if visitor == OUTSIDER:
        return 404, 404
    if visitor in ROLES and right not in ROLE_RIGHTS[ROLES[visitor]]:
        return 403, 403
    return rule.get, rule.post


def check(response, want, what: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    if want == LOGIN:
        assert status == 302 and location.startswith(reverse("login")), (
            f"{what}: expected a redirect to sign in, got {status} {location}"
        )
        return
    wanted = want if isinstance(want, tuple) else (want,)
    assert status in wanted, f"{what}: expected {want}, got {status} {location}"
    if status == 302:
        assert not location.startswith(reverse("login")), f"{what}: sent to sign in"


MATRIX = [r for r in ROUTES if not (r.rule and r.rule.exclude)]


def answer(client: Client, method: str, url: str, want, what: str) -> str | None:
    """Ask once, inside a savepoint (so one visitor's POST cannot change the next one's world)."""
    savepoint = transaction.savepoint()
    try:
        response = getattr(client, method)(url)
        check(response, want, what)
    except AssertionError as problem:
        return str(problem).split("\n")[0]
    finally:
        transaction.savepoint_rollback(savepoint)
    return None


@pytest.mark.parametrize("route", MATRIX, ids=[r.name or r.route for r in MATRIX])
def test_access_matrix(route: Route, world):
    """One URL × every visitor × (GET, empty POST); every wrong cell is listed."""
    rule = route.rule
    assert rule is not None, f"URL {route.name} ({route.route}) has no access rule; {WHERE}"
    a, _ = world
    url = url_of(route, a.values, rule.query)
    problems = []
    for visitor in VISITORS:
        want_get, want_post = expected(route, rule, visitor)
        for method, want in (("get", want_get), ("post", want_post)):
            client = visitor_client(visitor, world)
            problems.append(
                answer(client, method, url, want, f"{method.upper()} {url} as {visitor}")
            )
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


FOREIGN = [
    r
    for r in ROUTES
    if r.required_right is not None
    and r.name
    and r.rule is not None
    and (r.rule.foreign_query or {"job_id", "code"} & set(r.arguments))
]


@pytest.mark.parametrize("route", FOREIGN, ids=[r.name for r in FOREIGN])
def test_objects_of_another_partnership_answer_404(route: Route, world):
    """B's administrator, on B's own pages, naming A's objects (path or query string): 404."""
    a, b = world
    values = {**b.values}
    for key in (
        *("job", "participant_code", "item_code", "chosen", "session", "proposal", "source"),
        *("coded_source", "theme", "coding"),
    ):
        values[key] = a.values[key]
    rule = route.rule
    url = url_of(route, values, rule.foreign_query)
    client = visitor_client(OUTSIDER, world)
    assert client.get(url).status_code == 404, url
    assert client.post(url).status_code == 404, url
    own = url_of(route, b.values, rule.foreign_query)
    if rule.get == 404:
        return  # the page answers 404 to its own partnership too (see its rule)
    assert client.get(own).status_code != 404, f"{own}: B's own object must be found"


def test_admin_is_for_superusers_only_with_their_second_factor(world):
    for visitor in VISITORS:
        client = visitor_client(visitor, world)
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        if visitor == SUPERUSER:  # signed in, but without a code: set up an app first
            onwards = client.get(response["Location"])
            assert onwards["Location"].startswith(reverse("two_factor_setup"))
    client = Client()
    sign_in_with_code(client, person(SUPERUSER, world))
    assert client.get("/admin/").status_code == 200
