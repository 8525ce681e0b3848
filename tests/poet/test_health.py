"""/livez and /readyz (issue 20, item 2) through Django's test client; with the real services
stopped and started: tests/reliability/test_health.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from poet.models import WorkerHeartbeat
from poet.selectors import health

pytestmark = pytest.mark.django_db

PROBE_HOST = "10.0.3.7"  # a load balancer's probe names the server by its address


@pytest.fixture(autouse=True)
def _forget_migrated():
    health._migrated_at = None
    yield
    health._migrated_at = None


@override_settings(SECURE_SSL_REDIRECT=True)
def test_livez_answers_any_host_over_http_without_sign_in_or_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/livez", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert client.get("/livez/", HTTP_HOST=PROBE_HOST).status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_only_the_probes_are_exempt_from_host_checks_and_the_https_redirect(client):
    assert client.get("/", HTTP_HOST=PROBE_HOST).status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="localhost").status_code == 301
    assert client.get("/livezz", HTTP_HOST=PROBE_HOST).status_code == 400


@override_settings(CELERY_BROKER_URL="")
def test_readyz_without_a_broker_checks_the_database_and_its_migrations(client):
    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


@override_settings(CELERY_BROKER_URL="")
def test_readyz_is_unavailable_while_a_migration_is_not_applied(client):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'poet' AND name LIKE '0004_%%'")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "1 not applied (run manage.py migrate)"},
    }


def test_readyz_with_a_broker_wants_a_worker_heard_from_recently(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.WORKER_HEARTBEAT_MAX_AGE = 90
    reachable = health.Check(True, "ok")
    original = health.broker
    health.broker = lambda: reachable
    try:
        checks = client.get("/readyz").json()["checks"]
        assert checks["worker"] == "none seen"
        WorkerHeartbeat.objects.create(
            name="celery@w1", role="worker", seen_at=timezone.now() - timedelta(seconds=300)
        )
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["worker"] == "last seen 300 s ago (more than 90 s)"
        WorkerHeartbeat.objects.create(name="celery@w2", role="worker", seen_at=timezone.now())
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "broker": "ok",
            "worker": "ok",
        }
    finally:
        health.broker = original


def test_readyz_with_the_broker_at_a_closed_port_is_unavailable(client, settings):
    from poet.celery import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    WorkerHeartbeat.objects.create(name="celery@w", role="worker", seen_at=timezone.now())
    previous = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_write_url = previous
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unreachable"


def test_probes_take_only_get_and_head(client):
    assert client.post("/livez").status_code == 405
    assert client.post("/readyz").status_code == 405
    assert client.head("/livez").status_code == 200


def test_the_beat_healthcheck_command_wants_its_own_recent_heartbeat(settings):
    import socket

    from django.core.management import CommandError, call_command

    name = f"beat@{socket.gethostname()}"
    with pytest.raises(CommandError, match="none seen"):
        call_command("heartbeat", "beat")
    WorkerHeartbeat.objects.create(name=name, role="beat", seen_at=timezone.now())
    call_command("heartbeat", "beat")
    WorkerHeartbeat.objects.filter(name=name).update(
        seen_at=timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE + 5)
    )
    with pytest.raises(CommandError, match="last seen"):
        call_command("heartbeat", "beat")
