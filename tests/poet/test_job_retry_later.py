"""A job that meets a passing trouble (RetryLater) waits in the queue, saying until when, and
runs again once its time has come (beat's requeue_waiting_jobs), with back-off, then gives up."""

import datetime

import pytest
from django.utils import timezone

from poet.models import Job
from poet.services import RetryLater, create_job, jobs, requeue_waiting_jobs, run_job
from tests.factories import WaveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky():
    """A kind that meets trouble until `holder["fixed"]`; unregistered afterwards."""
    holder = {"fixed": False, "runs": 0}

    def work(job, progress):
        holder["runs"] += 1
        if not holder["fixed"]:
            raise RetryLater(
                "The server did not answer; trying again at {time}.",
                delays=[60, 300],
                final="The server never answered.",
            )
        return {"ok": True}

    jobs.register_job_kind("test.flaky", work)
    yield holder
    jobs._kinds.pop("test.flaky")


def due_now(job: Job) -> None:
    job.refresh_from_db()
    past = (timezone.now() - datetime.timedelta(seconds=1)).isoformat()
    Job.objects.filter(pk=job.pk).update(result={**job.result, "not_before": past})


def test_a_job_put_back_waits_for_its_time_then_runs_once(flaky):
    job = create_job("test.flaky", partnership=WaveFactory().partnership)
    began = timezone.localtime()
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    at = {f"{began + datetime.timedelta(seconds=60 + s):%H:%M}" for s in (0, 5)}
    assert any(job.message == f"The server did not answer; trying again at {t}." for t in at)
    assert job.attempts == 0  # a clean put-back is no crashed start (JOB_MAX_ATTEMPTS)
    assert requeue_waiting_jobs() == 0 and flaky["runs"] == 1  # not yet
    flaky["fixed"] = True
    due_now(job)
    assert requeue_waiting_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.result, flaky["runs"]) == (Job.Status.SUCCEEDED, {"ok": True}, 2)
    assert job.attempts == 1
    assert requeue_waiting_jobs() == 0 and flaky["runs"] == 2


def test_a_job_that_keeps_meeting_trouble_backs_off_then_fails_saying_why(flaky):
    job = create_job("test.flaky", partnership=WaveFactory().partnership)
    run_job(job.pk)
    due_now(job)
    began = timezone.localtime()
    requeue_waiting_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED  # the second wait is the longer one
    at = {f"{began + datetime.timedelta(seconds=300 + s):%H:%M}" for s in (0, 5)}
    assert any(t in job.message for t in at)
    due_now(job)
    requeue_waiting_jobs()
    job.refresh_from_db()
    assert (job.status, job.error, flaky["runs"]) == (
        Job.Status.FAILED,
        "The server never answered.",
        3,
    )
