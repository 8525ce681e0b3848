"""The one task that runs every background job, and the core's scheduled work."""

import contextlib
import socket

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import beat_init, worker_ready, worker_shutdown

from poet.models import Job, WorkerHeartbeat
from poet.services import health, jobs


class JobFailed(Exception):
    """The job failed (its page says why to the person waiting). Raised after the job is marked
    failed, so Celery's own result says FAILURE and its monitoring sees the failure."""


class JobTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """The hard time limit killed the process mid-job: fail the job, saying why."""
        if isinstance(exc, TimeLimitExceeded) and args:
            jobs.fail_stopped_job(args[0], jobs.time_limit_text())


@shared_task(
    bind=True,
    name=jobs.RUN_JOB_TASK,
    base=JobTask,
    acks_late=True,
    reject_on_worker_lost=True,
    throws=(JobFailed,),  # expected: logged in one line, without a traceback
)
def run_job(self: Task, job_id: int) -> int | None:
    """Run a job by its kind (registered by each app); a finished job is never run again.

    In-process runs (no broker, or a command calling the task) do not raise for a failed job:
    whoever started it sees the job."""
    in_worker = not (self.request.is_eager or self.request.called_directly)
    job = jobs.run_job(job_id)
    if job is not None and job.status == Job.Status.FAILED and in_worker:
        raise JobFailed(f"Job {job.pk} ({job.kind}) failed: {job.error[:300]}")
    return job.pk if job else None


@shared_task
def requeue_waiting_jobs() -> int:
    """Send the jobs that could not be queued while Redis was down (run every minute by beat)."""
    return jobs.requeue_waiting_jobs()


@shared_task(ignore_result=True)  # every 30 s: no row in the result table each time
def requeue_stalled_jobs() -> int:
    """Queue again the jobs whose worker was killed: their lease lapsed (beat, every 30 s)."""
    return jobs.requeue_stalled_jobs()


@shared_task
def clear_expired() -> dict[str, int]:
    """Delete expired sessions and old heartbeats (`clearsessions`; beat, daily)."""
    return health.clear_expired()


def beat_name() -> str:
    return f"beat@{socket.gethostname()}"


@worker_ready.connect
def _worker_heartbeats(sender=None, **kwargs) -> None:
    """A worker's main process says it is alive every WORKER_HEARTBEAT_SECONDS (`/readyz`)."""
    health.start_heartbeats(sender.hostname, WorkerHeartbeat.Role.WORKER)


@worker_shutdown.connect
def _worker_gone(sender=None, **kwargs) -> None:
    with contextlib.suppress(Exception):  # the database may be why it is stopping
        health.forget_heartbeat(sender.hostname)


@beat_init.connect
def _beat_heartbeats(sender=None, **kwargs) -> None:
    """Beat says it is alive (its container's healthcheck: `manage.py heartbeat beat`)."""
    health.start_heartbeats(beat_name(), WorkerHeartbeat.Role.BEAT)
