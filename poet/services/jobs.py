"""Background work: a `Job` row someone waits for, run by one generic Celery task by its kind.

Each app registers what its kinds of job do (`register_job_kind`, from its tasks.py, imported by
its AppConfig.ready), so starting a job never imports a task and no app's services import its
tasks. The one task, `poet.tasks.run_job`, claims the job, runs its kind's work and stores the
result or why it failed.

A running job holds a lease (`JOB_LEASE_SECONDS`) that its worker renews while it works (a
heartbeat thread, and every progress report). A worker killed whole (a deploy, the OOM killer)
stops renewing it; `requeue_stalled_jobs`, run by celery beat every `JOB_SWEEP_SECONDS`, queues
the job again from the start once its lease has lapsed, long before Redis would hand the killed
worker's unacknowledged message on (the visibility timeout, hours). Every claim, renewal and
result is a write conditional on the lease token, under a row lock, so the job runs to the end
exactly once: a second delivery of a message finds the job held or finished, and a late original
worker whose lease was taken stops at its next progress report and writes nothing. After
`JOB_MAX_ATTEMPTS` starts that never finished, the job fails and says why instead of looping.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone, translation

from poet.collector import collector_relaxed
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


def jobs_run_in_background() -> bool:
    """Whether queued jobs go to background workers, not run in-process as they are queued (no
    broker: the embedded default; and most tests)."""
    return not current_app.conf.task_always_eager


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
    # Only while this attempt holds the lease, which it gives up: the job waits, nobody runs it.
    _store_outcome(job, ["status", "message", "parameters", "result", "attempts"])


def gave_up_text(attempts: int) -> str:
    return (
        f"This stopped before finishing {attempts} times (the background worker was stopped, "
        "or the work ran out of time or memory), so it was not tried again. Start it again; if "
        "it stops again, ask whoever runs POET to look at the workers' logs."
    )


def restarted_text(attempt: int) -> str:
    """Why a job is running again, for the person waiting."""
    return (
        "The worker stopped before this finished, so it is being run again from the beginning "
        f"(attempt {attempt} of {settings.JOB_MAX_ATTEMPTS})."
    )


class LeaseLost(Exception):
    """This attempt's lease lapsed and the job was queued again (or finished) elsewhere: the
    work stops here and writes nothing, so only the new attempt's result counts."""


def _this_machine() -> str:
    """The host name, and on Linux the PID namespace: a process id means something only there."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()} {namespace}".strip()


def this_process() -> str:
    return f"{_this_machine()}:{os.getpid()}"


def _holder_is_gone(owner: str) -> bool:
    """The lease holder was a process on this machine that no longer exists (a pool process
    killed, its task handed straight to its replacement): its lease means nothing."""
    machine, _, pid = owner.rpartition(":")
    if machine != _this_machine() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    try:  # a killed process nobody has reaped yet (Linux)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def lease_is_live(job: Job) -> bool:
    return (
        job.lease_expires_at is not None
        and job.lease_expires_at > timezone.now()
        and not _holder_is_gone(job.lease_owner)
    )


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS)


def claim_job(job_id: int) -> Job | None:
    """Mark a job running under a new lease held by this process, or return None when there is
    nothing to run.

    Called at the start of every run: a message delivered again (a worker killed, acks_late) or
    sent by `requeue_stalled_jobs` finds the job and runs it again unless it has finished, or
    another attempt holds a live lease on it, or it had already been started `JOB_MAX_ATTEMPTS`
    times without finishing, when it fails saying so.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == Job.Status.SUCCEEDED:
            return None
        if job.status == Job.Status.RUNNING:
            if lease_is_live(job):
                logger.info("Job %s is running (%s): not run twice", job.pk, job.lease_owner)
                return None
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                fail_job(job, gave_up_text(job.attempts))
                return None
            job.interruption = restarted_text(job.attempts + 1)
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.progress, job.message = 0, ""  # from the start
        job.lease_owner = this_process()
        job.lease_token = uuid.uuid4().hex
        job.lease_expires_at = _lease_until()
        job.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "error",
                "progress",
                "message",
                "interruption",
                "lease_owner",
                "lease_token",
                "lease_expires_at",
            ]
        )
        return job


def _held(job: Job):
    """The job's row, only while this attempt still holds its lease."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, lease_token=job.lease_token)


def renew_lease(job: Job) -> bool:
    """Push the lease on by JOB_LEASE_SECONDS; False when this attempt no longer holds it."""
    return _held(job).update(lease_expires_at=_lease_until()) == 1


class Heartbeat(threading.Thread):
    """Renews a running job's lease every third of its length, however long one step of the work
    takes; notes when the lease was lost so the next progress report stops the work."""

    def __init__(self, job: Job) -> None:
        super().__init__(name=f"job-{job.pk}-lease", daemon=True)
        self.job = job
        self.lost = threading.Event()
        self._stop_event = threading.Event()

    def run(self) -> None:
        every = max(0.5, settings.JOB_LEASE_SECONDS / 3)
        try:
            while not self._stop_event.wait(every):
                try:
                    if not renew_lease(self.job):
                        self.lost.set()
                        return
                except Exception as exc:  # the database away for a moment: try again
                    logger.warning("Could not renew the lease of job %s: %s", self.job.pk, exc)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connection

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)


def requeue_stalled_jobs() -> int:
    """Queue again the running jobs whose lease lapsed (their worker was killed): how many.

    Run by celery beat every JOB_SWEEP_SECONDS. Rows are locked and skipped when locked, so two
    sweepers never both take a job; a job started JOB_MAX_ATTEMPTS times fails, saying why.
    """
    now = timezone.now()
    lapsed = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at__isnull=True,
        started_at__lt=now - timedelta(seconds=settings.JOB_LEASE_SECONDS),
    )
    requeued = 0
    with transaction.atomic():
        stalled = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(lapsed, status=Job.Status.RUNNING)
            .order_by("pk")
        )
        for job in stalled:
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                logger.warning("Job %s (%s) stopped %s times", job.pk, job.kind, job.attempts)
                fail_job(job, gave_up_text(job.attempts))
                continue
            logger.warning(
                "Job %s (%s) lost its worker (%s, lease lapsed at %s): queued again",
                job.pk,
                job.kind,
                job.lease_owner,
                job.lease_expires_at,
            )
            job.status = Job.Status.QUEUED
            job.interruption = restarted_text(job.attempts + 1)
            job.message = "Waiting for a worker to start again"
            job.lease_owner, job.lease_token, job.lease_expires_at = "", "", None
            job.save(
                update_fields=[
                    "status",
                    "interruption",
                    "message",
                    "lease_owner",
                    "lease_token",
                    "lease_expires_at",
                ]
            )
            enqueue(job)
            requeued += 1
    return requeued


def report_progress(job: Job, fraction: float, message: str = "") -> None:
    """Store how far the work is, renewing the lease; raise LeaseLost when it was taken."""
    job.progress = max(0, min(100, round(fraction * 100)))
    job.message = message[:300]
    held = _held(job) if job.lease_token else Job.objects.filter(pk=job.pk)
    renewed = {"lease_expires_at": _lease_until()} if job.lease_token else {}
    if not held.update(progress=job.progress, message=job.message, **renewed):
        raise LeaseLost(f"job {job.pk}")


def _store_outcome(job: Job, fields: list[str]) -> None:
    """Write a finished attempt's outcome and end its lease, only while this attempt holds the
    lease (a row without one, from before leases, is written as it is)."""
    token = job.lease_token
    job.lease_owner, job.lease_token, job.lease_expires_at = "", "", None
    fields = [*fields, "lease_owner", "lease_token", "lease_expires_at"]
    if not token:
        job.save(update_fields=fields)
        return
    values = {name: getattr(job, name) for name in fields}
    held = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, lease_token=token)
    if not held.update(**values):
        raise LeaseLost(f"job {job.pk}")


def finish_job(job: Job, result) -> None:
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.result = result
    job.finished_at = timezone.now()
    _store_outcome(job, ["status", "progress", "result", "finished_at", "message"])


def fail_job(job: Job, error: str, details: list[str] | None = None) -> None:
    job.status = Job.Status.FAILED
    job.error = error[:5000]
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at"]
    if details:
        job.result = {"problems": details}
        fields.append("result")
    _store_outcome(job, fields)


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
    """Run a claimed job's work by its kind and store its result or why it failed.

    A thread renews the lease while the work runs (in a worker, a command or a request alike),
    except inside a transaction, where no other connection could see the claim (tests): there
    progress reports renew it. None when there was nothing to run, or when this attempt lost its
    lease to another part-way (it then wrote nothing)."""
    job = claim_job(job_id)
    if job is None:
        return None
    in_transaction = transaction.get_connection().in_atomic_block
    beat = None if in_transaction else Heartbeat(job)
    if beat is not None:
        beat.start()
    try:
        return _run_claimed(job, beat)
    except LeaseLost:
        logger.warning(
            "Job %s (%s): this attempt's lease was taken by another; it stopped, writing nothing",
            job.pk,
            job.kind,
        )
        return None
    finally:
        if beat is not None:
            beat.stop()


def job_language(job: Job) -> str:
    """The language a job writes in (its messages, a report's words): the `language` it was
    started with when that is one of the interface's, else English — never whatever the worker
    thread last served (an in-process job runs in the request's thread)."""
    wanted = (job.parameters or {}).get("language")
    codes = [code for code, _ in settings.LANGUAGES]
    return wanted if wanted in codes else settings.LANGUAGE_CODE


def _run_claimed(job: Job, beat: Heartbeat | None) -> Job:
    with translation.override(job_language(job)), collector_relaxed():
        return _run_in_language(job, beat)


def _run_in_language(job: Job, beat: Heartbeat | None) -> Job:
    registered = _kinds.get(job.kind)
    if registered is None:
        logger.error("Job %s has the kind %r, which no app registered", job.pk, job.kind)
        fail_job(job, "POET does not know how to do this kind of work any more.")
        return job

    def progress(fraction: float, message: str = "") -> None:
        if beat is not None and beat.lost.is_set():
            raise LeaseLost(f"job {job.pk}")
        report_progress(job, fraction, message)

    try:
        result = registered.work(job, progress)
    except LeaseLost:
        raise
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
    if beat is not None and beat.lost.is_set():
        raise LeaseLost(f"job {job.pk}")
    finish_job(job, result)
    return job
