"""Starting the survey's background jobs, which the evaluator watches on the job page: sending
invitations, sending reminders now, recounting responses. The work itself is in `surveys.tasks`
(thin callers of `surveys.services.invitations` and `surveys.selectors.response_rates`)."""

from poet.models import Job, Wave
from poet.services import create_job, enqueue, record_audit
from surveys import tasks
from surveys.errors import SurveyError
from surveys.selectors.opening import is_accepting_answers
from surveys.services.invitations import unsent_invitations

SEND_INVITATIONS = "surveys.send_invitations"
SEND_REMINDERS = "surveys.send_reminders"
RECOUNT = "surveys.recount_responses"


def start_sending_invitations(wave: Wave, *, user=None) -> Job:
    """Queue the invitation e-mails as a background job the evaluator can watch."""
    if not is_accepting_answers(wave):
        raise SurveyError("Open the wave before sending invitations.")
    if not unsent_invitations(wave).exists():
        raise SurveyError("Everyone on the staff list has already been sent an invitation.")
    job = create_job(SEND_INVITATIONS, partnership=wave.partnership, wave=wave, created_by=user)
    record_audit(
        "invitations.send_started", actor=user, partnership=wave.partnership, target=str(wave)
    )
    enqueue(tasks.send_invitations, job)
    return job


def start_sending_reminders(wave: Wave, *, user=None) -> Job:
    """Queue reminders now, to everyone who has not finished and was not e-mailed today."""
    if not is_accepting_answers(wave):
        raise SurveyError("Reminders are sent only while the wave is open.")
    job = create_job(SEND_REMINDERS, partnership=wave.partnership, wave=wave, created_by=user)
    record_audit(
        "invitations.remind_started", actor=user, partnership=wave.partnership, target=str(wave)
    )
    enqueue(tasks.send_reminders, job)
    return job


def start_recount(wave: Wave, *, user=None) -> Job:
    """Queue a recount of the wave's submitted responses by organisation."""
    job = create_job(RECOUNT, partnership=wave.partnership, wave=wave, created_by=user)
    enqueue(tasks.recount_responses, job)
    return job
