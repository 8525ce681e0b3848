"""Business rules of the staff survey."""

from poet.models import Job, Wave
from poet.services import create_job, enqueue

RECOUNT = "surveys.recount_responses"


def start_recount(wave: Wave, *, user=None) -> Job:
    job = create_job(RECOUNT, partnership=wave.partnership, wave=wave, created_by=user)
    enqueue(job)
    return job
