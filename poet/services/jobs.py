"""Background work: a `Job` row someone waits for, run by one generic Celery task by its kind.

Each app registers what its kinds of job do (`register_job_kind`, from its tasks.py, imported by
its AppConfig.ready), so starting a job never imports a task and no app's services import its
tasks. The one task, `poet.tasks.run_job`, claims the job, runs its kind's work and stores the
result or why it failed. A job whose worker died part-way is delivered again (acks_late); after
`JOB_MAX_ATTEMPTS` starts that never finished, it fails and says why instead of looping.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from poet.models import Job

logger = logging.getLogger(__name__)

RUN_JOB_TASK = "poet.tasks.run_job"
WAITING_FOR_WORKERS = "Waiting for background workers; this will run when they are back."


class Progress(Protocol):
    def __call__(self, fraction: float, message: str = "") -> None: ...


Work = Callable[[Job, Progress], Any]

Title = Callable[[Job], str]
ResultLink = Callable[[Job], "tuple[str, str] | None"]


@dataclass(frozen=True)
class JobKind:
    """What a kind of job does, what the person waiting is told it is doing, and where its
    result is once it has finished (link text and address), if anywhere."""

    work: Work
    title: Title
    result_link: ResultLink | None = None


_kinds: dict[str, JobKind] = {}


def register_job_kind(
    kind: str,
    work: Work,
    *,
    title: str | Title = "background work",
    result_link: ResultLink | None = None,
    replace: bool = False,
) -> None:
    """Say what a job of `kind` does: `work(job, progress)` returns the job's result.

    `replace` swaps only the work of a kind already registered (a test's slow worker)."""
    previous = _kinds.get(kind)
    if previous is not None and replace:
        _kinds[kind] = dataclasses.replace(previous, work=work)
        return
    if previous is not None and previous.work is not work:
        raise ValueError(f"Job kind {kind!r} is registered twice.")
    named = title if callable(title) else (lambda job, text=title: text)
    _kinds[kind] = JobKind(work, named, result_link)


def job_kinds() -> dict[str, Work]:
    return {kind: registered.work for kind, registered in _kinds.items()}


def job_title(job: Job) -> str:
    """What the job is doing, in the words of the person waiting ("sending invitations")."""
    registered = _kinds.get(job.kind)
    return registered.title(job) if registered else "background work"


def job_result_link(job: Job) -> tuple[str, str] | None:
    """Where a finished job's result is (link text, address), or None."""
    registered = _kinds.get(job.kind)
    if job.status != Job.Status.SUCCEEDED or registered is None or not registered.result_link:
        return None
    return registered.result_link(job)


class JobRefused(Exception):
    """The work cannot be done, for a reason worded for the person waiting (an import's bad
    rows, say): the job fails with that message alone, its `details` (lines) kept in its result."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = list(details or [])


RETRIES = "retries"  # in a job's parameters: how often RetryLater has put it back in the queue


class RetryLater(Exception):
    """A passing trouble (a server that did not answer): the job goes back in the queue and runs
    again after the next of `delays` (seconds, one per retry), its message `waiting`, where
    "{time}" is when (HH:MM); once the delays are used up it fails with `final`. Both are worded
    for the person waiting. The work must be safe to run again (it records what it has done)."""

    def __init__(self, waiting: str, *, delays: Sequence[float], final: str) -> None:
        super().__init__(waiting)
        self.waiting, self.delays, self.final = waiting, list(delays), final


def create_job(kind: str, *, partnership, wave=None, created_by=None, **parameters) -> Job:
    return Job.objects.create(
        kind=kind,
        partnership=partnership,
        wave=wave,
        created_by=created_by if created_by and created_by.is_authenticated else None,
        parameters=parameters,
    )


def start_job(kind: str, *, partnership, wave=None, created_by=None, **parameters) -> Job:
    """A new job of a registered kind, queued for the workers once the transaction commits."""
    if kind not in _kinds:
        raise ValueError(f"No app registered the job kind {kind!r}.")
    job = create_job(kind, partnership=partnership, wave=wave, created_by=created_by, **parameters)
    enqueue(job)
    return job


def enqueue(job: Job) -> None:
    """Queue a job once its row is committed, so the worker can find it.

    When the broker is down the job stays queued and says so, marked (in `result`, empty until
    the job finishes) for `requeue_waiting_jobs` to send once the broker is back.
    """

    def send() -> None:
        try:
            current_app.tasks[RUN_JOB_TASK].delay(job.pk)
        except Exception as exc:  # broker down: the job stays queued and says so
            logger.warning("Could not queue job %s: %s", job.pk, exc)
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                message=WAITING_FOR_WORKERS, result={"waiting_task": RUN_JOB_TASK}
            )

    transaction.on_commit(send)


def requeue_waiting_jobs() -> int:
    """Send again the jobs that could not be queued while the broker was down; how many went.

    Only jobs marked by `enqueue` as never sent, or by `retry_job_later` as due again: a job
    whose message reached the broker is never sent twice. Run every minute by celery beat
    (`poet.tasks.requeue_waiting_jobs`).
    """
    sent = 0
    now = timezone.now()
    waiting = Job.objects.filter(status=Job.Status.QUEUED, result__has_key="waiting_task")
    for job in waiting:
        not_before = (job.result or {}).get("not_before")  # put back by RetryLater
        if job.message != WAITING_FOR_WORKERS and not not_before:
            continue
        if not_before and datetime.datetime.fromisoformat(not_before) > now:
            continue
        # Unmarked before it is sent: a job run at once (no broker) may be put back again.
        message = "" if job.message == WAITING_FOR_WORKERS else job.message
        queued = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED)
        queued.update(message=message, result=None)
        try:
            current_app.tasks[RUN_JOB_TASK].delay(job.pk)
        except Exception as exc:  # still down: try again next time
            logger.warning("Job %s is still waiting for the broker: %s", job.pk, exc)
            queued.update(message=job.message, result=job.result)
            break
        sent += 1
    return sent


def retry_job_later(job: Job, later: RetryLater) -> None:
    """Put a job back in the queue until the next of its delays (`requeue_waiting_jobs` sends it
    then), or fail it saying so when they are used up."""
    retries = int(job.parameters.get(RETRIES, 0))
    if retries >= len(later.delays):
        fail_job(job, later.final)
        return
    at = timezone.now() + datetime.timedelta(seconds=later.delays[retries])
    job.status = Job.Status.QUEUED
    job.message = later.waiting.format(time=f"{timezone.localtime(at):%H:%M}")[:300]
    job.parameters = {**job.parameters, RETRIES: retries + 1}
    job.result = {"waiting_task": RUN_JOB_TASK, "not_before": at.isoformat()}
    job.attempts = 0  # this start ended cleanly: JOB_MAX_ATTEMPTS counts starts that crashed
    job.save(update_fields=["status", "message", "parameters", "result", "attempts"])


def gave_up_text(attempts: int) -> str:
    return (
        f"This stopped before finishing {attempts} times (the background worker was stopped, "
        "or the work ran out of time or memory), so it was not tried again. Start it again; if "
        "it stops again, ask whoever runs POET to look at the workers' logs."
    )


def claim_job(job_id: int) -> Job | None:
    """Mark a job running, or return None when there is nothing to run.

    Called at the start of every run: a redelivered message (a worker killed, acks_late) finds
    the job and runs it again unless it had already finished, or had already been started
    `JOB_MAX_ATTEMPTS` times without finishing, when it fails saying so.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == Job.Status.SUCCEEDED:
            return None
        if job.status == Job.Status.RUNNING and job.attempts >= settings.JOB_MAX_ATTEMPTS:
            fail_job(job, gave_up_text(job.attempts))
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "error"])
        return job


def report_progress(job: Job, fraction: float, message: str = "") -> None:
    job.progress = max(0, min(100, round(fraction * 100)))
    job.message = message[:300]
    Job.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message)


def finish_job(job: Job, result) -> None:
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result", "finished_at", "message"])


def fail_job(job: Job, error: str, details: list[str] | None = None) -> None:
    job.status = Job.Status.FAILED
    job.error = error[:5000]
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at"]
    if details:
        job.result = {"problems": details}
        fields.append("result")
    job.save(update_fields=fields)


def time_limit_text() -> str:
    seconds = settings.CELERY_TASK_SOFT_TIME_LIMIT
    took = (
        f"{round(seconds / 60)} minutes"
        if seconds >= 120
        else f"{seconds} second{'' if seconds == 1 else 's'}"
    )
    return f"This took longer than {took}, so it was stopped."


def fail_stopped_job(job_id: int, error: str) -> None:
    """Fail a job whose process was stopped from outside (the hard time limit): nothing else
    would, and the person waiting would see it running until the broker redelivered it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is not None and job.status == Job.Status.RUNNING:
            fail_job(job, error)


def run_job(job_id: int) -> Job | None:
    """Run a claimed job's work by its kind and store its result or why it failed."""
    job = claim_job(job_id)
    if job is None:
        return None
    registered = _kinds.get(job.kind)
    if registered is None:
        logger.error("Job %s has the kind %r, which no app registered", job.pk, job.kind)
        fail_job(job, "POET does not know how to do this kind of work any more.")
        return job
    try:
        result = registered.work(
            job, lambda fraction, message="": report_progress(job, fraction, message)
        )
    except JobRefused as refused:  # worded for the person waiting: no exception name, no trace
        fail_job(job, str(refused), refused.details)
        return job
    except RetryLater as later:  # a passing trouble: back in the queue, saying until when
        logger.warning("Job %s (%s) will be tried again: %s", job.pk, job.kind, later.__cause__)
        retry_job_later(job, later)
        return job
    except SoftTimeLimitExceeded:
        logger.error("Job %s (%s) ran out of time", job.pk, job.kind)
        fail_job(job, time_limit_text())
        return job
    except Exception as exc:  # the person waiting needs the reason, not a stuck spinner
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        fail_job(job, f"{type(exc).__name__}: {exc}")
        return job
    finish_job(job, result)
    return job
