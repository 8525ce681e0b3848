"""/livez and /readyz (issue 20, item 2) from gunicorn with production settings, while the real
database, broker and worker come and go. Run with `scripts/test` (or /work/bin/wt-test)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, _database_url
from tests.reliability.conftest import kill_hard, wait_for

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


def run(*command: str, **env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _database_url(), **env}
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )


def test_the_worker_and_beat_healthchecks_of_docker_compose(workers, beat):
    """The commands docker-compose.yml runs: `celery inspect ping` for the worker, `manage.py
    heartbeat beat` for beat; each fails once its process is gone."""
    worker = workers("checked")
    name = f"checked-{os.getpid()}@{socket.gethostname()}"
    ping = ("-m", "celery", "-A", "poet", "inspect", "ping", "-d", name, "--timeout", "10")
    assert run(*ping).returncode == 0
    beat_process = beat(WORKER_HEARTBEAT_SECONDS="1")
    check_beat = ("manage.py", "heartbeat", "beat")
    wait_for(lambda: run(*check_beat).returncode == 0, 30, "beat's heartbeat")

    kill_hard(worker)
    assert run(*ping).returncode != 0
    kill_hard(beat_process)
    time.sleep(4)
    checked = run(*check_beat, WORKER_HEARTBEAT_MAX_AGE="3")
    assert checked.returncode != 0
    assert "last seen" in checked.stderr
