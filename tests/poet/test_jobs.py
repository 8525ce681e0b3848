from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.test import override_settings
from django.utils import timezone

from poet import tasks
from poet.models import Job, Role
from poet.services import claim_job, create_job, jobs, run_job, start_job
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind():
    """A job kind whose work the test sets; unregistered afterwards."""
    holder = {}

    def work(job, progress):
        return holder["work"](job, progress)

    jobs.register_job_kind("test.kind", work)
    yield holder
    jobs._kinds.pop("test.kind")


def test_a_finished_job_is_never_run_again(kind):
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    calls = []
    kind["work"] = lambda job, progress: calls.append(1) or {"ok": True}
    run_job(job.pk)
    assert run_job(job.pk) is None
    assert calls == [1]
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts, job.progress) == (
        "succeeded",
        {"ok": True},
        1,
        100,
    )


def test_a_failed_job_says_why_and_can_run_again(kind):
    job = create_job("test.kind", partnership=WaveFactory().partnership)

    def broken(job, progress):
        progress(0.4, "Halfway")
        raise ValueError("the wave has no answers yet")

    kind["work"] = broken
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "ValueError: the wave has no answers yet"
    assert (job.progress, job.message) == (40, "Halfway")
    assert claim_job(job.pk).attempts == 2


def lapse_lease(job) -> None:
    """The worker holding the job was killed long enough ago that its lease ran out."""
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


@override_settings(JOB_MAX_ATTEMPTS=2)
def test_a_job_whose_worker_keeps_dying_fails_after_the_last_attempt_saying_why(kind):
    """A worker killed mid-job leaves it running; once its lease lapses the next delivery starts
    it again, up to JOB_MAX_ATTEMPTS starts, then the job fails instead of looping."""
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    calls = []
    kind["work"] = lambda job, progress: calls.append(1)
    claim_job(job.pk)  # first start: the worker dies before finishing
    lapse_lease(job)
    claim_job(job.pk)  # second start, redelivered: dies again
    lapse_lease(job)
    assert run_job(job.pk) is None  # third delivery: not run
    job.refresh_from_db()
    assert calls == []
    assert job.status == "failed" and job.attempts == 2
    assert "stopped before finishing 2 times" in job.error


def test_a_job_that_runs_out_of_time_says_so(kind, settings):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60

    def slow(job, progress):
        raise SoftTimeLimitExceeded()

    kind["work"] = slow
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (
        "failed",
        "This took longer than 30 minutes, so it was stopped.",
    )


def test_the_hard_time_limit_fails_the_running_job(kind):
    """The hard limit kills the process, so the worker's main process fails the job."""
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    claim_job(job.pk)
    tasks.run_job.on_failure(TimeLimitExceeded(60), "id", (job.pk,), {}, None)
    job.refresh_from_db()
    assert job.status == "failed" and "so it was stopped" in job.error


def test_a_job_of_a_kind_no_app_registered_fails_with_a_plain_reason():
    job = create_job("gone.kind", partnership=WaveFactory().partnership)
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (
        "failed",
        "POET does not know how to do this kind of work any more.",
    )


def test_starting_a_job_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="No app registered"):
        start_job("gone.kind", partnership=WaveFactory().partnership)


def test_every_app_registers_its_kinds_of_job():
    assert set(jobs.job_kinds()) >= {
        "comparison",
        "report.download",
        "answers.download",
        "answers.import",
        "surveys.recount_responses",
        "surveys.send_invitations",
        "surveys.send_reminders",
    }


def test_a_kind_is_registered_once(kind):
    with pytest.raises(ValueError, match="registered twice"):
        jobs.register_job_kind("test.kind", lambda job, progress: None)


def test_job_page_shows_progress_as_json_and_html(client):
    wave = WaveFactory()
    client.force_login(member(wave.partnership, Role.MANAGER))
    job = Job.objects.create(
        partnership=wave.partnership, wave=wave, kind="t", progress=30, message="Counting"
    )
    url = f"/p/{wave.partnership.slug}/jobs/{job.pk}/"
    data = client.get(url, headers={"Accept": "application/json"}).json()
    assert data == {
        "status": "queued",
        "status_label": "Queued",
        "progress": 30,
        "message": "Counting",
        "error": "",
        "finished": False,
    }
    page = client.get(url + "?next=https://evil.example/").content.decode()
    assert "Queued: 30% – Counting" in page
    assert 'http-equiv="refresh"' in page
    assert "evil.example" not in page


def test_the_job_page_names_the_work_and_offers_its_result(client, kind):
    """A kind says what it is doing and where its result is; the page shows both once done."""
    jobs._kinds["test.kind"] = jobs.JobKind(
        jobs._kinds["test.kind"].work,
        lambda job: f"counting {job.parameters['what']}",
        lambda job: ("See the count", "/somewhere/"),
    )
    kind["work"] = lambda job, progress: {"ok": True}
    wave = WaveFactory()
    client.force_login(member(wave.partnership, Role.MANAGER))
    job = create_job("test.kind", partnership=wave.partnership, wave=wave, what="sheep")
    url = f"/p/{wave.partnership.slug}/jobs/{job.pk}/"
    page = client.get(url).content.decode()
    assert "counting sheep" in page and "See the count" not in page  # not finished yet
    run_job(job.pk)
    page = client.get(url).content.decode()
    assert '<a class="govuk-link" href="/somewhere/" data-result>See the count</a>' in page


# Leases (issue 20, item 1): a killed worker's job is queued again once its lease lapses.


def test_a_delivery_while_another_attempt_holds_a_live_lease_runs_nothing(kind):
    """The same message delivered twice (Redis's visibility timeout, a sweep) while the job runs."""
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    calls = []
    kind["work"] = lambda job, progress: calls.append(1)
    claimed = claim_job(job.pk)
    assert claimed.lease_token and claimed.lease_expires_at > timezone.now()
    assert run_job(job.pk) is None
    job.refresh_from_db()
    assert (calls, job.status, job.attempts) == ([], "running", 1)


def test_a_lease_held_by_a_process_of_this_machine_that_died_is_taken_at_once(kind):
    """A pool process killed alone: its replacement on the same worker gets the message straight
    back (reject_on_worker_lost) and must not wait for the lease to lapse."""
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    claim_job(job.pk)
    Job.objects.filter(pk=job.pk).update(lease_owner=f"{jobs._this_machine()}:{gone.pid}")
    kind["work"] = lambda job, progress: {"ok": True}
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 2, {"ok": True})


def test_a_job_whose_lease_lapsed_is_queued_again_once_and_its_page_says_why(
    kind, client, django_capture_on_commit_callbacks
):
    wave = WaveFactory()
    job = create_job("test.kind", partnership=wave.partnership, wave=wave)
    claim_job(job.pk)  # the worker is killed here
    assert jobs.requeue_stalled_jobs() == 0  # the lease is still live
    lapse_lease(job)
    sent = []
    with django_capture_on_commit_callbacks() as callbacks:
        assert jobs.requeue_stalled_jobs() == 1
        assert jobs.requeue_stalled_jobs() == 0  # a second sweep finds it queued
    job.refresh_from_db()
    assert (job.status, job.lease_token, job.attempts) == ("queued", "", 1)
    assert len(callbacks) == 1  # one message sent

    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(f"/p/{wave.partnership.slug}/jobs/{job.pk}/").content.decode()
    assert (
        "The worker stopped before this finished, so it is being run again from the beginning "
        "(attempt 2 of 3)." in page
    )

    kind["work"] = lambda job, progress: sent.append(job.attempts) or {"ok": True}
    run_job(job.pk)
    assert run_job(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.attempts, sent) == ("succeeded", 2, [2])
    page = client.get(f"/p/{wave.partnership.slug}/jobs/{job.pk}/").content.decode()
    assert "run again from the beginning" not in page  # finished: the result matters now


@override_settings(JOB_MAX_ATTEMPTS=2)
def test_the_sweeper_fails_a_job_that_stopped_on_its_last_attempt(kind):
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    claim_job(job.pk)
    lapse_lease(job)
    claim_job(job.pk)
    lapse_lease(job)
    assert jobs.requeue_stalled_jobs() == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2)
    assert "stopped before finishing 2 times" in job.error


def test_a_late_worker_whose_lease_was_taken_stops_and_writes_nothing(kind):
    """The first worker stalled past its lease; the job was queued again and a second attempt
    claimed it. When the first wakes up, its next progress report stops it: no result, no
    failure written over the second attempt's."""
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    seen = []

    def stalls(job, progress):
        lapse_lease(job)
        jobs.requeue_stalled_jobs()
        seen.append(claim_job(job.pk).attempts)  # the new attempt takes the job
        progress(0.5, "late")  # the old attempt carries on
        return {"from": "the late worker"}

    kind["work"] = stalls
    assert run_job(job.pk) is None
    job.refresh_from_db()
    assert seen == [2]
    assert (job.status, job.attempts, job.result, job.message) == ("running", 2, None, "")

    # Its final write alone is refused too.
    late = Job.objects.get(pk=job.pk)
    late.lease_token = "someone-else"
    with pytest.raises(jobs.LeaseLost):
        jobs.finish_job(late, {"from": "the late worker"})
    job.refresh_from_db()
    assert (job.status, job.result) == ("running", None)


def test_progress_renews_the_lease(kind, settings):
    settings.JOB_LEASE_SECONDS = 5
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    expiries = []

    def work(job, progress):
        Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())
        progress(0.5, "half")
        expiries.append(Job.objects.get(pk=job.pk).lease_expires_at)
        return {}

    kind["work"] = work
    run_job(job.pk)
    assert expiries[0] > timezone.now() + timedelta(seconds=3)
    job.refresh_from_db()
    assert (job.status, job.lease_token, job.lease_expires_at) == ("succeeded", "", None)


def test_the_sweeper_and_the_daily_clearing_are_scheduled(settings):
    entries = settings.CELERY_BEAT_SCHEDULE.values()
    schedule = {entry["task"]: entry["schedule"] for entry in entries}
    assert schedule["poet.tasks.requeue_stalled_jobs"] <= 30
    daily = schedule["poet.tasks.clear_expired"]
    assert (daily.hour, daily.minute) == ({3}, {20})


def test_the_daily_clearing_deletes_expired_sessions_only(client):
    from django.contrib.sessions.models import Session

    from poet.models import WorkerHeartbeat

    client.get("/s/not-a-token/")
    session = client.session
    session["x"] = 1
    session.save()
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    WorkerHeartbeat.objects.create(
        name="celery@gone", role="worker", seen_at=timezone.now() - timedelta(days=2)
    )
    WorkerHeartbeat.objects.create(name="celery@here", role="worker", seen_at=timezone.now())
    assert tasks.clear_expired() == {"sessions": 1, "heartbeats": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == [session.session_key]
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["celery@here"]


@pytest.mark.parametrize(
    ("started_with", "thread_language", "runs_in"),
    [
        ({"language": "cy"}, "en-gb", "cy"),
        ({}, "cy", "en-gb"),  # an in-process job in a Welsh request still writes English
        ({"language": "xx"}, "cy", "en-gb"),  # not an interface language: English
    ],
)
def test_a_job_writes_in_the_language_it_was_started_with(
    kind, started_with, thread_language, runs_in
):
    from django.utils import translation

    kind["work"] = lambda job, progress: {"language": translation.get_language()}
    job = create_job("test.kind", partnership=WaveFactory().partnership, **started_with)
    with translation.override(thread_language):
        run_job(job.pk)
        assert translation.get_language() == thread_language  # the thread's own is back
    job.refresh_from_db()
    assert job.result == {"language": runs_in}
