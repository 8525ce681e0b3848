"""The API's rate limit per personal token (API_RATE_LIMIT): a 429 problem with Retry-After past
it, counted per token in the shared cache, so several gunicorn workers enforce one limit."""

from __future__ import annotations

import os
import secrets
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from api.services.tokens import create_token
from poet.models import Role
from tests.conftest import _database_url, require
from tests.factories import WaveFactory, member
from tests.poet.test_demo_and_settings import production_check

URL = "/api/v1/partnerships/"


def bearer(raw: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {raw}"}}


@pytest.fixture
def person(db):
    return member(WaveFactory().partnership, Role.MANAGER)


def test_past_the_limit_a_token_gets_a_429_problem_with_retry_after(client, person, settings):
    settings.API_RATE_LIMIT = "3/min"
    raw = create_token(person, name="script")[1]
    assert [client.get(URL, **bearer(raw)).status_code for _ in range(3)] == [200] * 3
    refused = client.get(URL, **bearer(raw))
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert (body["status"], body["title"]) == (429, "Too Many Requests")
    assert "3 calls a minute" in body["detail"] and "Retry-After" in body["detail"]


def test_the_limit_is_per_token_and_refused_tokens_use_none_of_it(client, person, settings):
    settings.API_RATE_LIMIT = "2/min"
    first = create_token(person, name="first")[1]
    second = create_token(person, name="second")[1]
    for _ in range(5):
        assert client.get(URL, **bearer(first + "x")).status_code == 401  # not counted
    assert [client.get(URL, **bearer(first)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(URL, **bearer(second)).status_code == 200  # its own allowance


def test_the_next_window_gives_a_new_allowance(client, person, settings, monkeypatch):
    import api.throttling

    settings.API_RATE_LIMIT = "1/hour"
    raw = create_token(person, name="script")[1]
    now = 1_800_000_000.0  # a whole number of hours
    monkeypatch.setattr(api.throttling.time, "time", lambda: now + 600)
    assert client.get(URL, **bearer(raw)).status_code == 200
    refused = client.get(URL, **bearer(raw))
    assert refused.status_code == 429 and refused["Retry-After"] == "3000"
    monkeypatch.setattr(api.throttling.time, "time", lambda: now + 3600)
    assert client.get(URL, **bearer(raw)).status_code == 200


def test_the_openapi_document_names_429_and_its_header_on_every_operation(client):
    schema = client.get("/api/v1/schema/").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if operation.get("security"):
                answer = operation["responses"]["429"]
                assert "Retry-After" in answer["headers"], (method, path)
                assert "application/problem+json" in answer["content"], (method, path)


@pytest.mark.parametrize("rate", ["120/min", "5/s", "600/10min", "1000/day", " 60 / hour "])
def test_a_rate_is_calls_per_period(rate):
    result = production_check(SECRET_KEY=secrets.token_urlsafe(50), API_RATE_LIMIT=rate)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("rate", ["120", "0/min", "many/min", "10/fortnight", "10/0s", "-1/s"])
def test_a_rate_that_is_not_one_stops_the_start(rate):
    result = production_check(SECRET_KEY=secrets.token_urlsafe(50), API_RATE_LIMIT=rate)
    assert result.returncode != 0
    assert "API_RATE_LIMIT" in result.stderr and "calls/period" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_gunicorns_workers_share_one_limit_through_redis(tmp_path, monkeypatch):
    """Two gunicorn workers behind one port, the cache in Redis: 40 concurrent calls with one
    token get exactly the limit's 10 answers, whichever worker answered each."""
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (DATABASE_URL)")
    port = os.environ.get("POET_REDIS_PORT", "")
    require(bool(port), "the test needs the test Redis (POET_REDIS_PORT, scripts/test)")
    from benchmarks.load import start_gunicorn, stop_gunicorn

    raw = create_token(member(WaveFactory().partnership, Role.MANAGER), name="script")[1]
    monkeypatch.setenv("CACHE_URL", f"redis://127.0.0.1:{port}/1")
    monkeypatch.setenv("API_RATE_LIMIT", "10/hour")
    subprocess.run(["redis-cli", "-p", port, "-n", "1", "flushdb"], check=True)
    process, http_port = start_gunicorn(_database_url(), 2, tmp_path / "gunicorn.log")

    def call(_: int) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{http_port}{URL}", headers={"Authorization": f"Bearer {raw}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status = answer.status
        except urllib.error.HTTPError as refused:
            status = refused.code
        return status

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(call, range(40)))
    finally:
        stop_gunicorn(process)
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 30, statuses
    counters = subprocess.run(
        ["redis-cli", "-p", port, "-n", "1", "--scan", "--pattern", "*poet:api-rate:*"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(counters) == 1, counters  # one counter for the token, in Redis
    value = subprocess.run(
        ["redis-cli", "-p", port, "-n", "1", "get", counters[0]], capture_output=True, text=True
    )
    assert value.stdout.strip() == "40"


def test_every_operation_that_needs_a_token_is_limited():
    """However an endpoint module declares its operations (api/endpoints/ adds routers), each one
    that takes a token counts against the token's limit."""
    import poet.urls  # noqa: F401 (the URLconf adds every router to the API)
    from api.api import api
    from api.throttling import TokenRateThrottle

    operations = [
        (path, operation)
        for router in api._get_bound_routers()
        for path, view in router.path_operations.items()
        for operation in view.operations
    ]
    assert len(operations) >= 5
    for path, operation in operations:
        if operation.auth_callbacks:
            throttles = operation.throttle_objects
            assert any(isinstance(t, TokenRateThrottle) for t in throttles), (path, throttles)
