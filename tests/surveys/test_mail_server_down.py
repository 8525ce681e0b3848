"""Sending e-mails when the mail server is down: a real SMTP server on a local port that is not
there, then is, or falls over part-way. Nobody is e-mailed twice, the evaluator is told in plain
words when POET will try again, and sending carries on by itself once the server is back."""

import datetime
import html
import re
import time

import pytest
from django.utils import timezone

from poet.models import Job, Role, Wave
from poet.services import requeue_waiting_jobs
from surveys.models import Invitation
from surveys.services.invitations import send_due_reminders
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member
from tests.surveys.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db

PEOPLE = ["ann@example.org", "bob@example.org", "cat@example.org"]


@pytest.fixture
def smtp(settings):
    """POET's mail goes to a real SMTP server on a local port, which is down until started."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_RETRY_MINUTES = [1, 5]
    settings.SITE_URL, settings.SITE_DOMAIN = "https://poet.example.org", "poet.example.org"
    yield server
    server.stop()


@pytest.fixture
def wave():
    w = WaveFactory(status=Wave.Status.OPEN, partnership__name="Northshire Health & Care")
    organisation = OrganisationFactory(partnership=w.partnership, name="Gwasanaethau Môn – Gofal")
    group = StaffGroupFactory(partnership=w.partnership, name="Nurse")
    for email in PEOPLE:
        Invitation.objects.create(wave=w, organisation=organisation, staff_group=group, email=email)
    return w


@pytest.fixture
def evaluator(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    return client


def page_url(wave, tail=""):
    return f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/{tail}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def send(client, wave, capture) -> Job:
    with capture(execute=True):
        client.post(page_url(wave, "send/"))
    return Job.objects.get(kind="surveys.send_invitations")


def time_passes(job: Job) -> None:
    """The wait the job was given is over (what the minutes until then would do)."""
    job.refresh_from_db()
    past = (timezone.now() - datetime.timedelta(seconds=1)).isoformat()
    Job.objects.filter(pk=job.pk).update(result={**job.result, "not_before": past})


def plain_words(page: str) -> None:
    for raw in ("ConnectionRefusedError", "Errno", "SMTP", "Traceback"):
        assert raw not in page


def test_with_the_mail_server_down_sending_waits_and_carries_on_once_it_is_back(
    smtp, wave, evaluator, django_capture_on_commit_callbacks
):
    before = timezone.localtime()
    job = send(evaluator, wave, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    (hhmm,) = re.findall(r"POET will try again at (\d\d:\d\d)\.", job.message)
    assert hhmm in {f"{before + datetime.timedelta(minutes=1, seconds=s):%H:%M}" for s in (0, 5)}

    job_page = text(evaluator.get(f"/p/{wave.partnership.slug}/jobs/{job.pk}/"))
    assert f"The mail server did not answer; POET will try again at {hhmm}." in job_page
    plain_words(job_page)
    invitations_page = text(evaluator.get(page_url(wave)))
    waiting = f"The mail server did not answer; POET will try again at {hhmm}."
    assert f"Invitations are being sent: {waiting}" in invitations_page
    assert "Send invitations <span" not in invitations_page  # no second job while this one waits
    again = evaluator.post(page_url(wave, "send/"), follow=True)
    assert "The invitations are being sent already" in text(again)
    assert Job.objects.filter(kind="surveys.send_invitations").count() == 1

    # Beat's minute comes round before the time: nothing yet.
    assert requeue_waiting_jobs() == 0
    smtp.start()
    time_passes(job)
    assert requeue_waiting_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.message == "Sent 3 invitations."
    assert smtp.recipients() == PEOPLE
    for message in smtp.messages:
        assert message["Message-ID"].endswith("@poet.example.org>")
    assert not Invitation.objects.filter(last_sent_at__isnull=True).exists()


def test_a_server_falling_over_part_way_never_e_mails_anyone_twice(
    smtp, wave, evaluator, django_capture_on_commit_callbacks
):
    smtp.accept_at_most = 2
    smtp.start()
    job = send(evaluator, wave, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and "POET will try again at" in job.message
    assert Invitation.objects.filter(last_sent_at__isnull=False).count() == 2
    page = text(evaluator.get(page_url(wave)))
    assert re.search(r'data-summary="sent">2<', page)

    time_passes(job)  # still too busy: it waits longer (5 minutes, the next step of back-off)
    before = timezone.localtime()
    assert requeue_waiting_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert f"{before + datetime.timedelta(minutes=5):%H:%M}" in job.message or (
        f"{before + datetime.timedelta(minutes=5, seconds=5):%H:%M}" in job.message
    )

    smtp.accept_at_most = None
    time_passes(job)
    requeue_waiting_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert smtp.recipients() == PEOPLE  # each once
    assert all(i.tokens.count() == 1 for i in Invitation.objects.all())


def test_when_the_server_never_comes_back_the_job_stops_and_says_what_to_do(
    smtp, wave, evaluator, django_capture_on_commit_callbacks
):
    job = send(evaluator, wave, django_capture_on_commit_callbacks)
    for _ in range(2):
        time_passes(job)
        requeue_waiting_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == (
        "The mail server did not answer, so POET stopped trying after 3 tries over 6 minutes. "
        "Everyone e-mailed before it stopped is recorded and will not get a second e-mail. Ask "
        "whoever runs POET to check the mail server, then send the invitations again."
    )
    job_page = text(evaluator.get(f"/p/{wave.partnership.slug}/jobs/{job.pk}/"))
    assert job.error in job_page
    plain_words(job_page)
    # The evaluator can send again once the server is back.
    smtp.start()
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(page_url(wave, "send/"))
    assert smtp.recipients() == PEOPLE


def test_an_address_the_server_refuses_is_named_and_the_others_are_sent(
    smtp, wave, evaluator, django_capture_on_commit_callbacks
):
    smtp.refused_addresses = {"bob@example.org"}
    smtp.start()
    job = send(evaluator, wave, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == (
        "Sent 2 invitations. The mail server refused 1 address: bob@example.org."
    )
    assert smtp.recipients() == ["ann@example.org", "cat@example.org"]
    assert Invitation.objects.get(email="bob@example.org").last_sent_at is None


def test_a_server_that_refuses_poet_itself_fails_the_job_at_once_saying_so(
    smtp, wave, evaluator, django_capture_on_commit_callbacks
):
    smtp.refuse_sender = True
    smtp.start()
    job = send(evaluator, wave, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The mail server refused to send POET’s e-mails (it answered 553).")
    assert not Invitation.objects.filter(last_sent_at__isnull=False).exists()


def test_the_reminder_round_waits_for_the_mail_server_and_goes_out_once_it_is_back(
    smtp, wave, settings
):
    settings.SURVEY_REMINDER_HOUR = 0
    Invitation.objects.update(last_sent_at=timezone.now() - datetime.timedelta(days=8))
    assert send_due_reminders() == 0  # down: nothing sent, nothing recorded, no crash
    assert Invitation.objects.filter(reminders_sent=0).count() == 3
    smtp.start()
    assert send_due_reminders() == 3  # the next round, a quarter of an hour on
    assert smtp.recipients() == PEOPLE
    assert send_due_reminders() == 0


def test_reminders_sent_now_wait_for_the_mail_server_too_without_counting_anyone(
    smtp, wave, evaluator, django_capture_on_commit_callbacks
):
    Invitation.objects.update(last_sent_at=timezone.now() - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(page_url(wave, "remind/"))
    job = Job.objects.get(kind="surveys.send_reminders")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    page = text(evaluator.get(page_url(wave)))
    assert "Reminders are being sent: The mail server did not answer; POET will try again at" in (
        page
    )
    plain_words(page)
    smtp.start()
    time_passes(job)
    requeue_waiting_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "Reminders sent to everyone who has not finished."
    assert smtp.recipients() == PEOPLE


# --- a real worker -------------------------------------------------------------------------


@pytest.fixture
def worker_smtp(monkeypatch):
    """The worker process's mail goes to a real SMTP server on a local port (its own settings,
    read from the environment), down until started."""
    server = SmtpServer()
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "poet.settings")
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{server.port}")
    monkeypatch.setenv("EMAIL_TIMEOUT", "5")
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "false")
    monkeypatch.setenv("SITE_URL", "https://poet.example.org")
    yield server
    server.stop()


@pytest.fixture
def celery_worker(worker_smtp, celery_worker):
    """The shared real worker, started after `worker_smtp` has set its environment."""
    return celery_worker


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.celery_worker
def test_a_real_worker_waits_for_the_mail_server_and_sends_once_it_is_back(
    celery_worker, worker_smtp, client
):
    wave = WaveFactory(status=Wave.Status.OPEN)
    organisation = OrganisationFactory(partnership=wave.partnership)
    group = StaffGroupFactory(partnership=wave.partnership)
    for email in PEOPLE:
        Invitation.objects.create(
            wave=wave, organisation=organisation, staff_group=group, email=email
        )
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    client.post(page_url(wave, "send/"))
    job = Job.objects.get(kind="surveys.send_invitations")

    def waiting() -> bool:
        job.refresh_from_db()
        return job.status == Job.Status.QUEUED and "try again at" in job.message

    wait_for(waiting)
    assert job.message.startswith("The mail server did not answer; POET will try again at ")
    assert worker_smtp.messages == []

    worker_smtp.start()
    time_passes(job)
    assert requeue_waiting_jobs() == 1  # what celery beat does every minute

    def done() -> bool:
        job.refresh_from_db()
        return job.status in {Job.Status.SUCCEEDED, Job.Status.FAILED}

    wait_for(done)
    assert (job.status, job.message) == (Job.Status.SUCCEEDED, "Sent 3 invitations."), job.error
    assert worker_smtp.recipients() == PEOPLE
    assert all(m["Message-ID"].endswith("@poet.example.org>") for m in worker_smtp.messages)
