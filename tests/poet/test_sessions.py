"""Sessions are Django's database sessions, read by `poet.sessions` with one plain query."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from poet.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "poet.sessions"


def test_what_was_saved_is_read_back():
    store = SessionStore()
    store["poet_respond"] = {"invitation": 42}
    store.save()
    again = SessionStore(store.session_key)
    assert again["poet_respond"] == {"invitation": 42}
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key():
    store = SessionStore()
    store["poet_respond"] = {"invitation": 42}
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.get("poet_respond") is None
    assert expired.session_key is None
    assert SessionStore("x" * 32).get("poet_respond") is None


def test_a_page_keeps_its_session_between_requests(client):
    session = client.session
    session["poet_respond"] = {"invitation": 7}
    session.save()
    assert client.session["poet_respond"] == {"invitation": 7}
