"""Recounting a wave's submitted responses by organisation, as a background job the evaluator
watches (the counting: `surveys.selectors.response_rates`; the job's work: `surveys.tasks`)."""

from poet.models import Job, Wave
from poet.services import create_job, enqueue

RECOUNT = "surveys.recount_responses"


def start_recount(wave: Wave, *, user=None) -> Job:
    """Queue a recount of the wave's submitted responses by organisation."""
    job = create_job(RECOUNT, partnership=wave.partnership, wave=wave, created_by=user)
    enqueue(job)
    return job
