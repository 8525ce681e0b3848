import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.test import override_settings

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


@override_settings(JOB_MAX_ATTEMPTS=2)
def test_a_job_whose_worker_keeps_dying_fails_after_the_last_attempt_saying_why(kind):
    """A worker killed mid-job leaves it running; the redelivered message starts it again, up to
    JOB_MAX_ATTEMPTS starts, then the job fails instead of looping."""
    job = create_job("test.kind", partnership=WaveFactory().partnership)
    calls = []
    kind["work"] = lambda job, progress: calls.append(1)
    claim_job(job.pk)  # first start: the worker dies before finishing
    claim_job(job.pk)  # second start, redelivered: dies again
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
