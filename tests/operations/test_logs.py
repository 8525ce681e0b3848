"""Logs as an operator reads them (issue 20, item 3): one line per request with its time, level,
request id, method, path without tokens, status, duration and user; JSON with LOG_FORMAT=json;
the request id in the lines of a job the request started; user errors without tracebacks."""

from __future__ import annotations

import io
import json
import logging
import re
import time

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import include, path

from poet.observability import logs
from poet.services import create_job, enqueue
from tests.factories import PartnershipFactory, UserFactory

TOKEN = "Xy3_kQ9-abcdefghijklmnopqrstuvwx"
LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?P<level>[A-Z]+) \[(?P<rid>[^\]]+)\] "
    r"(?P<logger>[\w.]+): (?P<message>.*)$"
)


def _forbidden(request):
    raise PermissionDenied("not yours")


def _missing(request):
    raise Http404("no such wave")


def _suspicious(request):
    raise SuspiciousOperation("odd request")


def _broken(request):
    raise ValueError("a real fault")


def _start_job(request):
    """What a page that starts background work does: create the job, queue it."""
    job = create_job("test.unregistered", partnership=PartnershipFactory())
    enqueue(job)
    return HttpResponse(str(job.pk))


def _user_unreadable(request):
    """As when the database fails while the session's user is read."""
    from django.utils.functional import SimpleLazyObject

    request.user = SimpleLazyObject(lambda: 1 / 0)
    return HttpResponse("ok")


urlpatterns = [
    path("user-unreadable/", _user_unreadable),
    path("forbidden/", _forbidden),
    path("missing/", _missing),
    path("suspicious/", _suspicious),
    path("broken/", _broken),
    path("start-job/", _start_job),
    path("ok/", lambda request: HttpResponse("ok")),
    path("", include("poet.urls")),  # the error pages link to the site's own pages
]


@pytest.fixture
def log_output():
    """What the configured console handler (LOGGING's, as in production) writes."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if isinstance(h.formatter, logs.PlainFormatter))
    buffer = io.StringIO()
    # Swapped without setStream's flush: the stream it had may be an earlier test's captured
    # stderr, closed since.
    previous, handler.stream = handler.stream, buffer
    yield lambda: buffer.getvalue()
    handler.stream = previous


def _access_lines(text: str) -> list[dict]:
    lines = [LINE.match(line) for line in text.splitlines()]
    return [m.groupdict() for m in lines if m and m["logger"] == "poet.access"]


@pytest.mark.django_db
def test_one_line_per_request_with_time_level_id_method_path_status_duration_and_user(
    client, log_output
):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a.21"})
    assert response["X-Request-ID"] == "lb-7f3a.21"
    [line] = _access_lines(log_output())
    assert line["level"] == "INFO" and line["rid"] == "lb-7f3a.21"
    assert re.fullmatch(
        rf"GET / {response.status_code} \d+(\.\d)?ms user={user.pk}", line["message"]
    ), line


@pytest.mark.django_db
def test_the_request_line_holds_no_token_and_an_anonymous_user_is_a_dash(client, log_output):
    response = client.get(f"/s/{TOKEN}/")
    text = log_output()
    assert TOKEN not in text
    [line] = _access_lines(text)
    assert line["message"].startswith(f"GET /s/[redacted]/ {response.status_code} ")
    assert line["message"].endswith("user=-")


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [None, "", "has space", "x" * 101, "ünïcode", "a\nb"])
def test_a_request_without_a_sane_id_gets_a_new_one(client, log_output, sent):
    headers = {"X-Request-ID": sent} if sent is not None else {}
    response = client.get("/", headers=headers)
    rid = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert _access_lines(log_output())[0]["rid"] == rid


@pytest.mark.django_db
def test_log_format_json_gives_one_object_a_line_with_the_fields(client, log_output, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    root = logging.getLogger()
    handler = next(h for h in root.handlers if isinstance(h.formatter, logs.PlainFormatter))
    plain = handler.formatter
    handler.setFormatter(logs.formatter())
    try:
        user = UserFactory()
        client.force_login(user)
        client.get(f"/s/p/{TOKEN}/", headers={"X-Request-ID": "req-json-1"})
    finally:
        handler.setFormatter(plain)
    text = log_output()
    assert TOKEN not in text
    entries = [json.loads(line) for line in text.splitlines()]
    [access] = [e for e in entries if e["logger"] == "poet.access"]
    assert access["request_id"] == "req-json-1" and access["level"] == "INFO"
    assert access["method"] == "GET" and access["path"] == "/s/p/[redacted]/"
    assert isinstance(access["status"], int) and isinstance(access["duration_ms"], float)
    assert access["user_id"] == user.pk
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", access["time"])


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.test_logs")
@pytest.mark.parametrize(
    ("url", "status", "level"),
    [
        ("/forbidden/", 403, "INFO"),
        ("/missing/", 404, "INFO"),
        ("/suspicious/", 400, "WARNING"),
    ],
)
def test_user_errors_are_info_or_warning_without_a_traceback(log_output, url, status, level):
    assert Client().get(url).status_code == status
    text = log_output()
    assert "Traceback" not in text and " ERROR " not in text
    django_lines = [LINE.match(x) for x in text.splitlines()]
    levels = {m["level"] for m in django_lines if m and m["logger"].startswith("django.")}
    assert levels == {level}, text


@pytest.mark.django_db
def test_a_too_large_upload_and_a_strange_host_are_warnings_without_a_traceback(
    client, log_output, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.post("/accounts/login/", {f"f{i}": "x" for i in range(10)})
    client.get("/", headers={"Host": "203.0.113.9"})
    text = log_output()
    assert "Traceback" not in text and " ERROR " not in text, text
    assert "TooManyFieldsSent" in text or "number of fields" in text, text
    assert "Invalid HTTP_HOST header" in text, text


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.test_logs")
def test_a_real_fault_is_still_an_error_with_its_traceback(log_output):
    assert Client(raise_request_exception=False).get("/broken/").status_code == 500
    text = log_output()
    assert "Traceback" in text and "ValueError: a real fault" in text
    [line] = _access_lines(text)
    assert line["level"] == "ERROR" and line["message"].startswith("GET /broken/ 500 ")


@pytest.mark.django_db(transaction=True)  # the job is queued once its row is committed
@pytest.mark.urls("tests.operations.test_logs")
def test_a_job_started_by_a_request_logs_with_its_request_id_in_process(log_output):
    response = Client().get("/start-job/", headers={"X-Request-ID": "req-eager-5"})
    job_lines = [
        m
        for m in map(LINE.match, log_output().splitlines())
        if m and m["logger"] == "poet.services.jobs"
    ]
    assert job_lines and all(m["rid"] == "req-eager-5" for m in job_lines)
    assert f"Job {response.content.decode()} has the kind" in job_lines[0]["message"]


@pytest.mark.celery_worker
@pytest.mark.urls("tests.operations.test_logs")
def test_a_job_started_by_a_request_logs_with_its_request_id_in_a_real_worker(
    celery_worker, tmp_path
):
    response = Client().get("/start-job/", headers={"X-Request-ID": "req-worker-42"})
    job_id = response.content.decode()
    log = tmp_path / "worker.log"  # the fixture's --logfile
    deadline = time.monotonic() + 30
    wanted = f"Job {job_id} has the kind 'test.unregistered'"
    while wanted not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    [line] = [x for x in log.read_text().splitlines() if wanted in x]
    match = LINE.match(line)
    assert match and match["rid"] == "req-worker-42" and match["level"] == "ERROR", line


@pytest.mark.django_db
def test_probes_and_scrapes_that_succeed_are_not_logged_at_info(client, log_output):
    assert client.get("/metrics").status_code == 200
    assert _access_lines(log_output()) == []
    refused = Client(REMOTE_ADDR="203.0.113.5").get("/metrics")
    assert refused.status_code == 403
    [line] = _access_lines(log_output())
    assert line["message"].startswith("GET /metrics 403 ")


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.test_logs")
def test_a_user_that_cannot_be_read_does_not_cost_the_answer_or_its_line(log_output):
    assert Client().get("/user-unreadable/").status_code == 200
    [line] = _access_lines(log_output())
    assert line["message"].startswith("GET /user-unreadable/ 200 ") and line["message"].endswith(
        "user=-"
    )
