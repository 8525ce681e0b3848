"""Background work of the staff survey: thin callers of the service functions."""

from celery import shared_task

from poet.services import run_job
from surveys import invitations, questionnaires
from surveys.selectors import response_count_table, submitted_response_counts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recount_responses(job_id: int) -> int | None:
    """Recount a wave's submitted responses by organisation."""

    def work(job, progress):
        progress(0.1, "Counting responses")
        k = job.wave.partnership.minimum_group_size
        return response_count_table(submitted_response_counts(job.wave), k)

    job = run_job(job_id, work)
    return job.pk if job else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_invitations(job_id: int) -> int | None:
    """E-mail the invitations of a wave not yet sent (a job the evaluator watches)."""

    def work(job, progress):
        progress(0, "Sending invitations")
        sent = invitations.send_invitations(job.wave, progress=progress)
        progress(1, f"Sent {sent} invitation{'s' if sent != 1 else ''}.")
        return {"sent": sent}

    job = run_job(job_id, work)
    return job.pk if job else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reminders(job_id: int) -> int | None:
    """Remind, now, those of a wave who have not finished (a job the evaluator watches)."""

    def work(job, progress):
        progress(0, "Sending reminders")
        invitations.send_reminders(job.wave, gap=invitations.MANUAL_REMINDER_GAP, progress=progress)
        # No count on the page: it would say how many people have finished.
        progress(1, "Reminders sent to everyone who has not finished.")
        return {}

    job = run_job(job_id, work)
    return job.pk if job else None


@shared_task
def send_due_reminders() -> int:
    """The daily reminder round (celery beat)."""
    return invitations.send_due_reminders()


@shared_task
def close_overdue_waves() -> int:
    """Close the waves whose closing date has passed (celery beat, daily)."""
    return questionnaires.close_overdue_waves()
