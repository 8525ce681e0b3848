"""Every API call is logged like a page view: one `poet.access` line with method, path, status,
the person's id and which token (its id and name), and never the token itself, whatever the
answer (served, refused, over the limit, invalid, failed) or wherever a caller put it."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiToken
from api.services.tokens import create_token
from poet.models import AuditEvent, Role, Wave
from poet.observability.logs import JsonFormatter, PlainFormatter, RequestIdFilter, UserErrorsQuiet
from poet.redaction import REDACTED, RedactTokens
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    return WaveFactory(status=Wave.Status.CLOSED)


@pytest.fixture
def log_output():
    """What the console handler would write, in both formats, from every logger at DEBUG."""
    streams = {"plain": io.StringIO(), "json": io.StringIO()}
    handlers = []
    for name, formatter in (("plain", PlainFormatter()), ("json", JsonFormatter())):
        handler = logging.StreamHandler(streams[name])
        handler.setFormatter(formatter)
        for f in (RequestIdFilter(), RedactTokens(), UserErrorsQuiet()):
            handler.addFilter(f)
        handlers.append(handler)
    root = logging.getLogger()
    level = root.level
    access_level = logging.getLogger("poet.access").level
    root.setLevel(logging.DEBUG)
    logging.getLogger("poet.access").setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    yield lambda: {name: stream.getvalue() for name, stream in streams.items()}
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)
    logging.getLogger("poet.access").setLevel(access_level)


def bearer(raw: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {raw}"}}


def access_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "poet.access"]


def test_each_call_is_a_request_line_with_the_person_and_the_token_by_name(client, wave, caplog):
    user = member(wave.partnership, Role.MANAGER)
    token, raw = create_token(user, name="Nightly R")
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/"
    with caplog.at_level(logging.INFO, logger="poet.access"):
        client.get(url, **bearer(raw))
        client.get("/api/v1/partnerships/no-such/", **bearer(raw))
    served, missing = access_records(caplog)
    for record, status, path in (
        (served, 200, url),
        (missing, 404, "/api/v1/partnerships/no-such/"),
    ):
        assert (record.method, record.path, record.status) == ("GET", path, status)
        assert record.user_id == user.pk
        assert record.api_token == f'{token.pk}:"Nightly R"'
        assert record.getMessage().endswith(f'user={user.pk} api_token={token.pk}:"Nightly R"')


def test_a_refused_token_is_marked_refused_without_a_person(client, wave, caplog):
    raw = create_token(member(wave.partnership, Role.MANAGER), name="old")[1]
    with caplog.at_level(logging.INFO, logger="poet.access"):
        client.get("/api/v1/partnerships/", **bearer(raw + "x"))
        client.get("/api/v1/partnerships/")  # no token at all
    refused, anonymous = access_records(caplog)
    assert refused.status == 401 and refused.user_id is None and refused.api_token == "refused"
    assert anonymous.status == 401 and not hasattr(anonymous, "api_token")


def test_a_token_name_cannot_forge_a_log_line(client, wave, caplog):
    name = 'x" user=1\n2026-12-07T09:00:00.000Z INFO [-] poet.access: GET /admin/ 200'
    token, raw = create_token(member(wave.partnership, Role.MANAGER), name=name)
    with caplog.at_level(logging.INFO, logger="poet.access"):
        client.get("/api/v1/partnerships/", **bearer(raw))
    message = access_records(caplog)[0].getMessage()
    assert "\n" not in message
    assert message.endswith(f"api_token={token.pk}:{json.dumps(name.strip())}")


def test_the_json_log_gives_the_token_as_a_field(client, wave, log_output):
    user = member(wave.partnership, Role.EVALUATOR)
    token, raw = create_token(user, name="Stata")
    client.get("/api/v1/partnerships/", **bearer(raw))
    lines = [json.loads(line) for line in log_output()["json"].splitlines()]
    access = [e for e in lines if e["logger"] == "poet.access"]
    assert access[-1]["api_token"] == f'{token.pk}:"Stata"'
    assert access[-1]["user_id"] == user.pk and access[-1]["status"] == 200


def test_the_token_is_never_in_the_logs_or_the_audit_log(
    client, wave, settings, log_output, monkeypatch
):
    """Made on the page and by the command, then used for every kind of answer, and even put
    by a careless caller in a query string or an address: no log line nor audit event holds the
    token or its secret part; the request lines never needed redacting."""
    settings.API_RATE_LIMIT = "8/min"
    user = member(wave.partnership, Role.ADMINISTRATOR)
    client.force_login(user)
    client.post(reverse("api_tokens"), {"name": "from the page", "days": "30"})
    page_token = ApiToken.objects.get(name="from the page")
    out = io.StringIO()
    call_command("create_api_token", user.username, "--name", "from the command", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1].strip()
    assert raw.startswith("poet_") and ApiToken.objects.filter(name="from the command").exists()
    client.logout()
    p, w = wave.partnership.slug, wave.slug
    calls = [
        f"/api/v1/partnerships/{p}/",  # 200
        f"/api/v1/partnerships/{p}/waves/nope/",  # 404
        "/api/v1/partnerships/?limit=many",  # 422
        f"/api/v1/partnerships/{p}/waves/{w}/response-counts/",  # 500, below
    ]
    import api.api

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(api.api, "response_rates", broken)
    for url in calls:
        client.get(url, **bearer(raw))
    client.get("/api/v1/partnerships/", **bearer(raw[:-1]))  # 401
    while client.get("/api/v1/partnerships/", **bearer(raw)).status_code != 429:
        pass
    logged = log_output()
    assert "API call failed" in logged["plain"] and "RuntimeError" in logged["plain"]
    assert logged["plain"].count("poet.access") >= 10
    assert REDACTED not in logged["plain"], "a token reached a log line (redacted on the way)"
    # a careless caller: the token in a query string and in an address
    client.get(f"/api/v1/partnerships/?token={raw}", **bearer(raw))
    client.get(f"/api/v1/partnerships/{raw}/", **bearer(raw))
    logged = log_output()
    secret = raw.removeprefix("poet_")
    audit = [
        json.dumps([e.action, e.target, e.reason, e.detail], default=str)
        for e in AuditEvent.objects.all()
    ]
    assert any("api_token.created" in e for e in audit)
    for text in (logged["plain"], logged["json"], *audit):
        assert secret not in text
        assert page_token.hashed not in text  # not even its fingerprint
    assert logged["plain"].count(REDACTED) >= 2
