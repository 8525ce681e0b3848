"""Background work of the staff survey: the jobs it registers, and its scheduled tasks."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task

from poet.services import JobRefused, RetryLater, register_job_kind
from surveys.selectors.response_rates import response_count_table, submitted_response_counts
from surveys.services import invitations, opening
from surveys.services.response_counts import RECOUNT


def recount_responses(job, progress):
    """Recount a wave's submitted responses by organisation."""
    progress(0.1, "Counting responses")
    k = job.wave.partnership.minimum_group_size
    return response_count_table(submitted_response_counts(job.wave), k)


@contextmanager
def _mail_server_trouble(what: str) -> Iterator[None]:
    """A mail server that does not answer: the job waits and tries again (back-off), saying
    when, in plain words; one that refuses POET: the job fails saying what to do."""
    try:
        yield
    except invitations.MailServerDown as down:
        raise RetryLater(
            invitations.mail_server_waiting_text(),
            delays=invitations.mail_retry_delays(),
            final=invitations.mail_server_gave_up_text(what),
        ) from down
    except invitations.MailServerRefused as refused:
        raise JobRefused(str(refused)) from refused


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def send_invitations(job, progress):
    """E-mail the invitations of a wave not yet sent (a job the evaluator watches)."""
    progress(0, "Sending invitations")
    with _mail_server_trouble("the invitations"):
        outcome = invitations.send_invitations(job.wave, progress=progress)
    done = f"Sent {_plural(outcome.sent, 'invitation')}."
    if outcome.refused:  # the evaluator's own list: they may see which addresses bounced
        done += (
            f" The mail server refused {_plural(len(outcome.refused), 'address')}: "
            f"{', '.join(outcome.refused[:10])}{'…' if len(outcome.refused) > 10 else ''}."
        )
    progress(1, done[:300])
    return {"sent": outcome.sent, "refused": outcome.refused}


def send_reminders(job, progress):
    """Remind, now, those of a wave who have not finished (a job the evaluator watches)."""
    progress(0, "Sending reminders")
    with _mail_server_trouble("the reminders"):
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
