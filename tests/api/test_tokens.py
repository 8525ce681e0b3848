"""Personal API tokens: made on a page (shown once), revoked there, or made by a command."""

from __future__ import annotations

import datetime
import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from poet.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"poet_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def person(client):
    user = UserFactory(username="ana")
    client.force_login(user)
    return user


def make(client, name="R on my laptop", days="90"):
    return client.post(reverse("api_tokens"), {"name": name, "days": days})


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(client, person):
    response = make(client)
    assert response.status_code == 200
    secret = TOKEN_RE.search(response.content.decode()).group(0)
    assert "shown only this once" in response.content.decode()
    token = ApiToken.objects.get(user=person)
    assert token.name == "R on my laptop"
    assert token.hashed == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(token.__dict__)
    assert abs(token.expires_on - (timezone.now() + datetime.timedelta(days=90))) < (
        datetime.timedelta(minutes=1)
    )
    again = client.get(reverse("api_tokens")).content.decode()
    assert secret not in again
    assert "R on my laptop" in again and f"poet_{token.prefix}" in again
    assert AuditEvent.objects.filter(action="api_token.created", actor=person).exists()


def test_the_form_says_what_is_wrong(client, person):
    response = make(client, name="", days="999")
    page = response.content.decode()
    assert "Enter a name for the token" in page
    assert "A token lasts at most 366 days" in page
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_and_keeps_it_listed(client, person):
    make(client)
    token = ApiToken.objects.get()
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    page = response.content.decode()
    assert "is revoked" in page and "Revoked" in page
    token.refresh_from_db()
    assert token.revoked_on is not None and not token.is_active
    assert AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_nobody_revokes_another_persons_token(client, person):
    other = UserFactory(username="bo")
    from api.services.tokens import create_token

    token, _ = create_token(other, name="theirs")
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_on is None
    assert "theirs" not in client.get(reverse("api_tokens")).content.decode()


def test_the_command_prints_a_working_token():
    user = UserFactory(username="robot")
    out = StringIO()
    call_command("create_api_token", "robot", "--name", "HR sync", "--days", "7", stdout=out)
    raw = out.getvalue().strip()
    assert TOKEN_RE.fullmatch(raw)
    token = ApiToken.objects.get(user=user)
    assert token.name == "HR sync"
    assert token.hashed == hashlib.sha256(raw.encode()).hexdigest()
    assert token.expires_on - timezone.now() < datetime.timedelta(days=7, minutes=1)
    assert token.second_factor  # made on the server: works where two-factor is required


def test_the_command_refuses_an_unknown_person_or_bad_days():
    UserFactory(username="robot")
    with pytest.raises(CommandError, match="no user called"):
        call_command("create_api_token", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="1 to 366 days"):
        call_command("create_api_token", "robot", "--name", "x", "--days", "0")


def test_every_signed_in_page_links_to_the_tokens_page(client, person):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("api_tokens")}">API tokens</a>' in page
