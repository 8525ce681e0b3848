"""Accounts and headers: lockout, cookies, Content-Security-Policy, private /s/ headers."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

import poet.settings as production
from poet.models import Role
from tests.factories import PASSWORD, PartnershipFactory, UserFactory, member
from tests.surveys.test_answering_support import (
    SECTION_1,
    SECTION_2,
    SECTION_3,
    build_survey,
    open_link,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


# Lockout


@override_settings(AXES_ENABLED=True)
def test_five_failed_sign_ins_lock_that_username_from_that_address(client):
    user = UserFactory(username="sam")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "sam", "wrong")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    response = sign_in(client, "sam", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page
    assert "locked on this network for 30 minutes" in page
    assert "<title>Error: Sign in" in page
    assert 'value="sam"' in page

    # Even the right password is refused from there while locked...
    response = sign_in(client, "sam", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the same person from another address, and others from the same one, can sign in.
    other = UserFactory(username="alex")
    assert sign_in(client, "alex", PASSWORD).status_code == 302
    client.logout()
    response = sign_in(client, "sam", PASSWORD, ip="198.51.100.1")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert other.pk != user.pk


@override_settings(AXES_ENABLED=True)
def test_a_successful_sign_in_clears_earlier_failures(client):
    UserFactory(username="sam")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "sam", "wrong")
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "sam", "wrong").status_code == 200
    assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_lockout_settings():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert production.AXES_FAILURE_LIMIT == 5
    assert production.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert production.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# Cookies


def test_cookies_are_secure_whenever_debug_is_off():
    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.CSRF_COOKIE_SAMESITE == "Lax"
    assert production.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_session_cookie_is_http_only_lax_and_lasts_a_working_day(client):
    UserFactory(username="sam")
    response = sign_in(client, "sam", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 8 * 60 * 60


# Content-Security-Policy


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(LOGIN)
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert len(csp["script-src"]) == 2 and csp["script-src"][1].startswith("'nonce-")
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["style-src-elem"][0] == "'self'"
    assert all(source.startswith("'sha256-") for source in csp["style-src-elem"][1:])
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]


def test_the_inline_script_carries_the_nonce_of_its_response(client):
    first, second = client.get(LOGIN), client.get(LOGIN)
    nonces = []
    for response in (first, second):
        nonce = policy(response)["script-src"][1][len("'nonce-") : -1]
        scripts = re.findall(r"<script([^>]*)>", response.content.decode())
        inline = [attrs for attrs in scripts if "src=" not in attrs]
        assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_partnership_pages_carry_the_policy_too(client):
    partnership = PartnershipFactory()
    client.force_login(member(partnership, Role.EVALUATOR))
    response = client.get(reverse("partnership", kwargs={"partnership": partnership.slug}))
    assert response.status_code == 200
    assert "'nonce-" in response["Content-Security-Policy"]


# Respondent pages: no Referer, nothing cached, on every /s/ response


def assert_private(response):
    """No-store always; no Referer ever leaves the site (pages with forms use same-origin, as
    no-referrer would make browsers post `Origin: null`, which CSRF protection refuses)."""
    assert response["Referrer-Policy"] in {"no-referrer", "same-origin"}, response.request
    if response.status_code != 200 or "<form" not in response.content.decode():
        assert response["Referrer-Policy"] == "no-referrer", response.request["PATH_INFO"]
    assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_every_respondent_response_is_private(client):
    invitation, token = build_survey()
    seen = []

    def visit(method, url, data=None):
        response = getattr(client, method)(url, data or {})
        assert_private(response)
        seen.append(response.status_code)
        return response

    visit("get", "/s/not-a-real-token/")
    visit("get", "/s/open/not-a-real-token/")
    visit("get", "/s/p/not-a-real-token/")
    visit("get", "/s/resume/not-a-real-token/")
    visit("get", "/s/")  # no session yet
    start = visit("get", f"/s/{token}/")
    assert start.status_code == 302 and token not in start["Location"]
    visit("get", start["Location"])
    for number, data in enumerate([SECTION_1, SECTION_2, SECTION_3], start=1):
        url = reverse("respond:section", kwargs={"number": number})
        visit("get", url)
        visit("post", url, {"action": "continue"} if number == 1 else data)  # errors first
        visit("post", url, data)
    visit("get", reverse("respond:review"))
    visit("get", reverse("respond:easy_read"))
    visit("post", reverse("respond:review"))
    visit("post", reverse("respond:review"))  # a replay
    visit("get", reverse("respond:thanks"))
    visit("get", f"/s/{token}/")  # the link again, after submitting
    visit("get", f"/s/open/{open_link(invitation.wave)}/")
    assert all(code < 500 for code in seen)


def test_the_styles_plotly_injects_are_the_ones_the_policy_allows():
    """Plotly.js inserts MapLibre's CSS as a <style>; the policy allows exactly that text."""
    bundle = Path(settings.BASE_DIR) / "static/vendor/plotly/plotly-cartesian.min.js"
    source = bundle.read_text("utf-8")
    found = re.search(r"\.textContent='(\.maplibregl-map(?:[^'\\]|\\.)*)'", source)
    injected = [found.group(1)] if found else []
    for text in [*injected, ""]:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in production.PLOTLY_STYLE_HASHES, (
            f"Plotly injects a style the policy blocks: add 'sha256-{digest}' to "
            "PLOTLY_STYLE_HASHES in poet/settings.py"
        )
