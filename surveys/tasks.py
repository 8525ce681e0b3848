"""Background work of the staff survey: the jobs it registers, and its scheduled tasks."""

from celery import shared_task

from poet.services import register_job_kind
from surveys.selectors.response_rates import response_count_table, submitted_response_counts
from surveys.services import invitations, opening
from surveys.services.response_counts import RECOUNT


def recount_responses(job, progress):
    """Recount a wave's submitted responses by organisation."""
    progress(0.1, "Counting responses")
    k = job.wave.partnership.minimum_group_size
    return response_count_table(submitted_response_counts(job.wave), k)


def send_invitations(job, progress):
    """E-mail the invitations of a wave not yet sent (a job the evaluator watches)."""
    progress(0, "Sending invitations")
    sent = invitations.send_invitations(job.wave, progress=progress)
    progress(1, f"Sent {sent} invitation{'s' if sent != 1 else ''}.")
    return {"sent": sent}


def send_reminders(job, progress):
    """Remind, now, those of a wave who have not finished (a job the evaluator watches)."""
    progress(0, "Sending reminders")
    invitations.send_reminders(job.wave, gap=invitations.MANUAL_REMINDER_GAP, progress=progress)
    # No count on the page: it would say how many people have finished.
    progress(1, "Reminders sent to everyone who has not finished.")
    return {}


register_job_kind(RECOUNT, recount_responses, title="counting responses")
register_job_kind(invitations.SEND_INVITATIONS, send_invitations, title="sending invitations")
register_job_kind(invitations.SEND_REMINDERS, send_reminders, title="sending reminders")


@shared_task
def send_due_reminders() -> int:
    """The daily reminder round (celery beat)."""
    return invitations.send_due_reminders()


@shared_task
def close_overdue_waves() -> int:
    """Close the waves whose closing date has passed (celery beat, daily)."""
    return opening.close_overdue_waves()
