"""Metrics for Prometheus an operator can protect, and error reports without tokens or personal
data (issue 20, item 3)."""

from __future__ import annotations

import datetime
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sentry_sdk
from django.db import connection
from django.test import Client
from django.utils import timezone
from sentry_sdk.transport import Transport

from poet.models import Job
from tests.conftest import require
from tests.factories import PartnershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Xy3_kQ9-abcdefghijklmnopqrstuvwx"
urlpatterns = __import__("tests.operations.test_logs", fromlist=["urlpatterns"]).urlpatterns


def _metrics(remote="127.0.0.1", **headers):
    return Client(REMOTE_ADDR=remote).get("/metrics", headers=headers)


@pytest.mark.django_db
def test_metrics_are_served_to_the_allowed_addresses_only(settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.20.0.0/16"]
    assert _metrics("127.0.0.1").status_code == 200
    assert _metrics("10.20.3.4").status_code == 200
    refused = _metrics("203.0.113.5")
    assert refused.status_code == 403 and b"poet_" not in refused.content
    # A client cannot claim an allowed address: X-Forwarded-For is believed only from proxies.
    assert _metrics("203.0.113.5", **{"X-Forwarded-For": "127.0.0.1"}).status_code == 403


@pytest.mark.django_db
def test_behind_a_proxy_the_address_it_saw_counts_not_the_proxys_own(settings):
    settings.TRUSTED_PROXIES = 1
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert _metrics("127.0.0.1", **{"X-Forwarded-For": "203.0.113.5"}).status_code == 403
    assert _metrics("127.0.0.1", **{"X-Forwarded-For": "127.0.0.1"}).status_code == 200


@pytest.mark.django_db
def test_metrics_with_the_bearer_token_from_anywhere_and_any_host(settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = "s3cret-metrics-token-0123456789"
    assert _metrics().status_code == 403
    assert _metrics(Authorization="Bearer wrong").status_code == 403
    good = {"Authorization": "Bearer s3cret-metrics-token-0123456789"}
    assert _metrics("198.51.100.7", **good).status_code == 200
    # Scraped inside a private network by a name not in ALLOWED_HOSTS, over plain HTTP.
    assert _metrics("198.51.100.7", Host="web:8000", **good).status_code == 200
    assert Client().post("/metrics", headers=good).status_code == 405


def _requests_counted(text: str, labels: str) -> float:
    """The request counter's value for one set of labels (0 before its first request)."""
    found = re.search(r"poet_http_requests_total\{" + re.escape(labels) + r"\} ([0-9.]+)", text)
    return float(found[1]) if found else 0.0


@pytest.mark.django_db
def test_metrics_count_requests_and_jobs_by_kind_state_and_duration(client):
    # The counters live as long as the process: earlier tests' requests count too.
    login = 'method="GET",status="200",view="login"'
    unmatched = 'method="GET",status="404",view="unmatched"'
    before = _metrics().content.decode()
    client.get("/accounts/login/")
    client.get("/no-such-page/")
    partnership = PartnershipFactory()
    now = timezone.now()
    Job.objects.create(kind="reports.download", partnership=partnership)
    for seconds, status in [(3, Job.Status.SUCCEEDED), (40, Job.Status.SUCCEEDED)]:
        Job.objects.create(
            kind="reports.download",
            partnership=partnership,
            status=status,
            started_at=now - datetime.timedelta(seconds=seconds),
            finished_at=now,
        )
    Job.objects.create(
        kind="surveys.invitations",
        partnership=partnership,
        status=Job.Status.FAILED,
        started_at=now - datetime.timedelta(seconds=2),
        finished_at=now,
    )
    text = _metrics().content.decode()
    assert _requests_counted(text, login) - _requests_counted(before, login) == 1
    assert _requests_counted(text, unmatched) - _requests_counted(before, unmatched) == 1
    assert 'poet_jobs{kind="reports.download",state="queued"} 1.0' in text
    assert 'poet_jobs_failed_total{kind="surveys.invitations"} 1.0' in text
    bucket = 'poet_job_duration_seconds_bucket{kind="reports.download",le="%s",state="succeeded"}'
    assert f"{bucket % '5.0'} 1.0" in text and f"{bucket % '60.0'} 2.0" in text
    assert 'poet_job_duration_seconds_count{kind="reports.download",state="succeeded"} 2.0' in text


@pytest.mark.django_db
def test_metrics_give_the_brokers_queue_length_when_there_is_a_broker(settings):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker.startswith("redis://"), "the test needs Redis (CELERY_BROKER_URL)")
    settings.CELERY_BROKER_URL = broker
    assert re.search(r'poet_celery_queue_length\{queue="celery"\} \d', _metrics().content.decode())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorns_workers_counts_add_up_in_one_scrape(tmp_path):
    """With several gunicorn workers every request is counted once, whichever worker answered."""
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (DATABASE_URL)")
    s = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "gunicorn", "-c", "poet/gunicorn.conf.py", "poet.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "3"]
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail((tmp_path / "gunicorn.log").read_text())
                time.sleep(0.2)
        before = _login_count(urllib.request.urlopen(f"{base}/metrics", timeout=30).read())
        for _ in range(30):
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=30)
        text = urllib.request.urlopen(f"{base}/metrics", timeout=30).read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    assert _login_count(text.encode()) == before + 30, text
    lines = (tmp_path / "gunicorn.log").read_text().splitlines()
    access = [x for x in lines if " poet.access: GET /accounts/login/ 200 " in x]
    assert len(access) >= 31 and all(
        re.match(r"\d{4}-\S+Z INFO \[[0-9a-f]{32}\] poet.access: ", x) for x in access
    )


def _login_count(text: bytes) -> float:
    counted = re.search(rb'poet_http_requests_total\{.*view="login"\} (\S+)', text)
    assert counted, text
    return float(counted[1])


class _Captured(Transport):
    events: list = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.type in ("event", "transaction"):
                _Captured.events.append(item.payload.json)


@pytest.fixture
def sentry():
    _Captured.events = []
    sentry_sdk.init()  # drop any earlier client
    from poet.observability.sentry import init_sentry

    init_sentry(
        "https://public@sentry.invalid/1",
        environment="test",
        traces_sample_rate=0.0,
        transport=_Captured,  # its default integrations on: logging's ERROR lines become events
    )
    yield _Captured.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.test_metrics_and_errors")
def test_an_error_report_holds_no_token_cookie_or_personal_data(sentry):
    user = UserFactory(email="ada.lovelace@example.org", username="ada")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.get(f"/broken/?token={TOKEN}", headers={"Referer": f"https://x.org/s/{TOKEN}/"})
    client.get("/missing/")
    client.get("/forbidden/")
    client.get("/suspicious/")
    sentry_sdk.flush()
    assert len(sentry) == 1, "a real fault is reported once; a 404, a 403 and a 400 are not"
    text = str(sentry[0])
    assert "ValueError" in text
    for secret in (TOKEN, "ada.lovelace", client.cookies["sessionid"].value):
        assert secret not in text
    assert sentry[0].get("user", {}).get("id") in (None, str(user.pk), user.pk)
    assert "cookies" not in sentry[0].get("request", {})
