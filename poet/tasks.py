"""The one task that runs every background job, and the core's scheduled work."""

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded

from poet.services import jobs


class JobTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """The hard time limit killed the process mid-job: fail the job, saying why."""
        if isinstance(exc, TimeLimitExceeded) and args:
            jobs.fail_stopped_job(args[0], jobs.time_limit_text())


@shared_task(name=jobs.RUN_JOB_TASK, base=JobTask, acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> int | None:
    """Run a job by its kind (registered by each app); a finished job is never run again."""
    job = jobs.run_job(job_id)
    return job.pk if job else None


@shared_task
def requeue_waiting_jobs() -> int:
    """Send the jobs that could not be queued while Redis was down (run every minute by beat)."""
    return jobs.requeue_waiting_jobs()
