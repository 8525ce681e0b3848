"""/livez and /readyz (issue 20, item 2) from gunicorn with production settings, while the real
database, broker and worker come and go. Run with `scripts/test` (or /work/bin/wt-test)."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.reliability.conftest import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

PROBE_HOST = "10.0.3.7"  # not in ALLOWED_HOSTS: a load balancer names the server by its address


def probe(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": PROBE_HOST})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def ready(port: int) -> bool:
    return probe(port, "/readyz")[0] == 200


def test_readyz_follows_the_database_the_broker_and_the_workers(
    gunicorn, workers, redis, postgres_server
):
    assert probe(gunicorn, "/livez") == (200, {"status": "ok"})
    status, body = probe(gunicorn, "/readyz")
    assert (status, body["checks"]) == (
        503,
        {"database": "ok", "migrations": "ok", "broker": "ok", "worker": "none seen"},
    )

    workers("alive")  # its main process writes a heartbeat as soon as it is ready
    wait_for(lambda: ready(gunicorn), 30, "/readyz to see the worker")
    assert probe(gunicorn, "/readyz") == (
        200,
        {
            "status": "ok",
            "checks": {"database": "ok", "migrations": "ok", "broker": "ok", "worker": "ok"},
        },
    )

    redis["stop"]()
    status, body = probe(gunicorn, "/readyz")
    assert (status, body["status"], body["checks"]["broker"]) == (503, "unavailable", "unreachable")
    assert probe(gunicorn, "/livez")[0] == 200
    redis["start"]()
    wait_for(lambda: ready(gunicorn), 30, "/readyz after Redis is back")

    postgres_server["stop"]()
    status, body = probe(gunicorn, "/readyz")
    assert (status, body["checks"]["database"]) == (503, "unreachable")
    assert body["checks"]["worker"] == "unknown while the database is unreachable"
    assert probe(gunicorn, "/livez") == (200, {"status": "ok"})  # the process still answers
    postgres_server["start"]()
    wait_for(lambda: ready(gunicorn), 60, "/readyz after PostgreSQL is back")
