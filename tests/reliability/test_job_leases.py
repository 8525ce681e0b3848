"""Jobs that survive any crash (issue 20, item 1), against real PostgreSQL, Redis, Celery workers
and celery beat: a worker killed whole mid-comparison, a failed job in Celery's own result table,
and `celery -A poet call`. Run them with `scripts/test` (or /work/bin/wt-test)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone
from django_celery_results.models import TaskResult

from poet.celery import app as celery_app
from poet.models import Job, Wave
from poet.services.jobs import RUN_JOB_TASK
from reports.models import ComparisonRun
from reports.services.comparison import start_comparison
from tests.conftest import ROOT, _database_url
from tests.reliability.conftest import kill_hard, wait_for
from tests.reports.builders import build_wave

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

# Short in the test, so it takes seconds; production: 60 s and 30 s (README, docs/reliability.md).
# POET_TEST_JOB_LEASE=60 POET_TEST_JOB_SWEEP=30 measures the production defaults.
LEASE = os.environ.get("POET_TEST_JOB_LEASE", "5")
SWEEP = os.environ.get("POET_TEST_JOB_SWEEP", "2")


def job_now(job: Job) -> Job:
    job.refresh_from_db()
    return job


def test_a_worker_killed_whole_mid_comparison_runs_the_job_again_once_within_two_minutes(
    workers, beat
):
    """SIGKILL to the worker's process group (main process and pool process, as a deploy or the
    OOM killer does). Redis would hand the unacknowledged message on only after the visibility
    timeout (an hour here, two by default): the lease lapses instead, beat's sweeper queues the
    job again, and a new worker runs it to the end, once."""
    built = build_wave(outcomes=2, staff=12, users=8)
    lease = {"JOB_LEASE_SECONDS": LEASE, "CELERY_VISIBILITY_TIMEOUT": "3600"}
    first = workers("doomed", comparison_delay=600, concurrency=2, **lease)
    beat(JOB_SWEEP_SECONDS=SWEEP, **lease)
    job = start_comparison(built.wave)
    wait_for(lambda: job_now(job).status == Job.Status.RUNNING, 60, "the first worker to start")

    # While it works (one long step, no progress reports) its heartbeat keeps the lease alive:
    # sweeps come and go and the job is not taken from it.
    time.sleep(float(LEASE) * 1.5 + float(SWEEP))
    job_now(job)
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
    assert job.lease_expires_at > timezone.now()
    sweeps = r"Task poet.tasks.requeue_stalled_jobs\[[^]]+\] succeeded in [0-9.]+s: 0"
    assert re.search(sweeps, first.log.read_text()), "the sweeper ran beside the job"

    kill_hard(first)
    killed_at = timezone.now()
    replacement = workers("replacement", **lease)
    wait_for(lambda: job_now(job).is_finished, 120, "the job to run again and finish")
    finished_at = timezone.now()

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.attempts == 2
    assert (finished_at - killed_at).total_seconds() < 120
    assert ComparisonRun.objects.filter(wave=built.wave).count() == 1
    assert ComparisonRun.objects.get(pk=job.result["run"]).job_id == job.pk
    runs = replacement.log.read_text().count(f"Task {RUN_JOB_TASK}[")
    assert runs == 2, "received and succeeded once each in the new worker"
    restarted = (job.started_at - killed_at).total_seconds()
    print(
        f"\nworker killed whole: job {job.pk} started again {restarted:.1f} s after the kill "
        f"and finished {(finished_at - killed_at).total_seconds():.1f} s after it "
        f"(lease {LEASE} s, sweep every {SWEEP} s)"
    )


def test_a_failed_job_is_failure_in_celerys_own_results(celery_worker, tmp_path):
    """Standard Celery monitoring (the result table, Flower) sees a failed job as FAILURE."""
    built = build_wave(outcomes=1, staff=12, users=6)
    Wave.objects.filter(pk=built.wave.pk).update(status=Wave.Status.OPEN)
    celery_app.conf.task_always_eager = False
    job = start_comparison(Wave.objects.get(pk=built.wave.pk))
    wait_for(lambda: job_now(job).is_finished, 60, "the worker to run the job")
    assert job.status == Job.Status.FAILED
    assert "still open" in job.error  # what the person waiting reads
    wait_for(lambda: TaskResult.objects.filter(task_name=RUN_JOB_TASK).exists(), 10, "a result")
    result = TaskResult.objects.get(task_name=RUN_JOB_TASK)
    assert celery_app.AsyncResult(result.task_id).state == "FAILURE"
    assert result.status == "FAILURE" and "JobFailed" in result.result
    assert f"Job {job.pk} (comparison) failed: " in result.result
    # Celery logs it as expected: one line, no second traceback (the job's own log has the cause).
    log = (tmp_path / "worker.log").read_text()
    assert f"raised expected: JobFailed('Job {job.pk} (comparison) failed: " in log


def test_celery_call_from_the_command_line_runs_a_job(celery_worker):
    """`celery -A poet call poet.tasks.run_job --args='[id]'` (AppRegistryNotReady before)."""
    built = build_wave(outcomes=1, staff=12, users=6)
    from poet.services import create_job
    from reports.services.comparison import JOB_KIND, comparison_parameters

    job = create_job(
        JOB_KIND,
        partnership=built.wave.partnership,
        wave=built.wave,
        **comparison_parameters(built.wave, resamples=50),
    )
    env = {**os.environ, "DATABASE_URL": _database_url()}
    called = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "poet", "call", RUN_JOB_TASK, f"--args=[{job.pk}]"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert called.returncode == 0, called.stderr
    task_id = called.stdout.strip()
    wait_for(lambda: job_now(job).is_finished, 60, "the worker to run the called task")
    assert job.status == Job.Status.SUCCEEDED, job.error
    wait_for(lambda: celery_app.AsyncResult(task_id).state == "SUCCESS", 10, "its result")


def stalled_jobs(count: int) -> list[int]:
    from poet.services import create_job
    from tests.factories import WaveFactory

    partnership = WaveFactory().partnership
    ids = [create_job("comparison", partnership=partnership).pk for _ in range(count)]
    Job.objects.filter(pk__in=ids).update(
        status=Job.Status.RUNNING,
        attempts=1,
        lease_token="dead",
        lease_owner="elsewhere:1",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    return ids


def test_two_sweepers_at_once_queue_each_stalled_job_once(services, monkeypatch):
    """On PostgreSQL, rows another sweeper holds are skipped, not waited for nor taken twice."""
    from poet.services import jobs

    sent: list[int] = []
    monkeypatch.setattr(jobs, "enqueue", lambda job: sent.append(job.pk))
    ids = stalled_jobs(40)

    # A row locked by someone else is skipped at once.
    locked, release = threading.Event(), threading.Event()

    def hold_first_row() -> None:
        with transaction.atomic():
            Job.objects.select_for_update().get(pk=ids[0])
            locked.set()
            release.wait(30)
        connections.close_all()

    holder = threading.Thread(target=hold_first_row)
    holder.start()
    locked.wait(10)
    began = time.monotonic()
    assert jobs.requeue_stalled_jobs() == 39
    assert time.monotonic() - began < 5
    release.set()
    holder.join()
    assert jobs.requeue_stalled_jobs() == 1

    # Two sweepers started together over new stalled jobs: each job is queued by exactly one.
    sent.clear()
    more = stalled_jobs(40)
    start, counts = threading.Barrier(2), []

    def sweep() -> None:
        start.wait()
        counts.append(jobs.requeue_stalled_jobs())
        connections.close_all()

    sweepers = [threading.Thread(target=sweep) for _ in range(2)]
    for sweeper in sweepers:
        sweeper.start()
    for sweeper in sweepers:
        sweeper.join()
    assert sum(counts) == 40
    assert sorted(sent) == sorted(more)
    assert set(Job.objects.filter(pk__in=more).values_list("status", flat=True)) == {"queued"}


def test_a_long_step_without_progress_keeps_its_lease_in_any_process(services, settings):
    """A job run in this process (a command, or a request without a broker) renews its lease from
    a thread too, so a sweeper never takes a job that is still working."""
    from poet.services import create_job, jobs, run_job
    from tests.factories import WaveFactory

    settings.JOB_LEASE_SECONDS = 1.5
    swept = []

    def long_step(job, progress):
        time.sleep(3.5)  # more than two leases without a progress report
        swept.append(jobs.requeue_stalled_jobs())
        return {"done": True}

    jobs.register_job_kind("test.long", long_step)
    try:
        job = create_job("test.long", partnership=WaveFactory().partnership)
        assert run_job(job.pk).status == Job.Status.SUCCEEDED
    finally:
        jobs._kinds.pop("test.long")
    assert swept == [0]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (Job.Status.SUCCEEDED, 1, {"done": True})
