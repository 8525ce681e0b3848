"""Background work of comparison runs (ids in, results in the database)."""

from celery import shared_task

from poet.services import run_job
from reports.services import compute_comparison


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_comparison(job_id: int) -> int | None:
    """Compute (or reuse) the comparison run of a job's wave; a finished job is never redone."""
    job = run_job(job_id, compute_comparison)
    return job.pk if job else None


# Download jobs live in their own module; imported here so Celery's autodiscovery finds them.
from reports.tasks_downloads import build_download  # noqa: E402, F401
