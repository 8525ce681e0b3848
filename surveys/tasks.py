from celery import shared_task

from poet.services import run_job
from surveys.selectors import submitted_response_counts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recount_responses(job_id: int) -> int | None:
    """Recount a wave's submitted responses by organisation."""

    def work(job, progress):
        progress(0.1, "Counting responses")
        return {"by_organisation": submitted_response_counts(job.wave)}

    job = run_job(job_id, work)
    return job.pk if job else None
