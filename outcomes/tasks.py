"""Background work of the follow-up: thin callers of the service functions (ids in)."""

from celery import shared_task

from poet.services import run_job


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_answers_file(job_id: int) -> int | None:
    """Import an uploaded answers file too large to import in the request."""
    from outcomes.services.imports import run_import

    job = run_job(job_id, run_import)
    return job.pk if job else None
