"""Business rules of the core, called by views, tasks, commands and the admin alike."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from poet.models import (
    MAX_K,
    MIN_K,
    AuditEvent,
    Job,
    Membership,
    Partnership,
    Role,
    StaffGroup,
    Wave,
)

logger = logging.getLogger(__name__)


def record_audit(
    action: str,
    *,
    actor=None,
    partnership: Partnership | None = None,
    target: str = "",
    reason: str = "",
    **detail,
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        partnership=partnership,
        target=target[:300],
        reason=reason,
        detail=detail,
    )


def set_minimum_group_size(partnership: Partnership, k: int, *, reason: str, actor) -> None:
    """Change k; every change is written to the audit log with its reason."""
    if not MIN_K <= k <= MAX_K:
        raise ValueError(f"The minimum group size must be between {MIN_K} and {MAX_K}.")
    if not reason.strip():
        raise ValueError("Say why the minimum group size is changing.")
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        old = locked.minimum_group_size
        if old == k:
            return
        locked.minimum_group_size = k
        locked.save(update_fields=["minimum_group_size"])
        record_audit(
            "partnership.k_changed",
            actor=actor,
            partnership=locked,
            target=str(locked),
            reason=reason.strip(),
            old=old,
            new=k,
        )
    partnership.minimum_group_size = k


# --- background jobs -------------------------------------------------------------------------


def create_job(kind: str, *, partnership, wave=None, created_by=None, **parameters) -> Job:
    return Job.objects.create(
        kind=kind,
        partnership=partnership,
        wave=wave,
        created_by=created_by if created_by and created_by.is_authenticated else None,
        parameters=parameters,
    )


def claim_job(job_id: int) -> Job | None:
    """Mark a job running, or return None when it has already finished.

    Called at the start of every task: a redelivered message (a worker killed, acks_late) finds
    the job and runs it again unless it had already finished.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == Job.Status.SUCCEEDED:
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "error"])
        return job


def report_progress(job: Job, fraction: float, message: str = "") -> None:
    job.progress = max(0, min(100, round(fraction * 100)))
    job.message = message[:300]
    Job.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message)


def finish_job(job: Job, result) -> None:
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result", "finished_at", "message"])


class JobRefused(Exception):
    """The work cannot be done, for a reason worded for the person waiting (an import's bad
    rows, say): the job fails with that message alone, its `details` (lines) kept in its result."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = list(details or [])


def fail_job(job: Job, error: str, details: list[str] | None = None) -> None:
    job.status = Job.Status.FAILED
    job.error = error[:5000]
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at"]
    if details:
        job.result = {"problems": details}
        fields.append("result")
    job.save(update_fields=fields)


def run_job(job_id: int, work) -> Job | None:
    """Run `work(job, progress)` for a claimed job and store its result or why it failed.

    `progress(fraction, message)` records how far the work is, for the person waiting.
    """
    job = claim_job(job_id)
    if job is None:
        return None
    try:
        result = work(job, lambda fraction, message="": report_progress(job, fraction, message))
    except JobRefused as refused:  # worded for the person waiting: no exception name, no trace
        fail_job(job, str(refused), refused.details)
        return job
    except Exception as exc:  # the person waiting needs the reason, not a stuck spinner
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        fail_job(job, f"{type(exc).__name__}: {exc}")
        return job
    finish_job(job, result)
    return job


WAITING_FOR_WORKERS = "Waiting for background workers; this will run when they are back."


def enqueue(task, job: Job) -> None:
    """Queue a task for a job once the job row is committed, so the worker can find it.

    When the broker is down the job stays queued, says so, and remembers its task (in `result`,
    empty until the job finishes), so `requeue_waiting_jobs` can send it once the broker is back.
    """

    def send() -> None:
        try:
            task.delay(job.pk)
        except Exception as exc:  # broker down: the job stays queued and says so
            logger.warning("Could not queue job %s: %s", job.pk, exc)
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                message=WAITING_FOR_WORKERS, result={"waiting_task": task.name}
            )

    transaction.on_commit(send)


def requeue_waiting_jobs() -> int:
    """Send again the jobs that could not be queued while the broker was down; how many went.

    Only jobs marked by `enqueue` as never sent: a job whose message reached the broker is never
    sent twice. Run every minute by celery beat (`poet.tasks.requeue_waiting_jobs`).
    """
    from celery import current_app

    sent = 0
    waiting = Job.objects.filter(
        status=Job.Status.QUEUED, message=WAITING_FOR_WORKERS, result__has_key="waiting_task"
    )
    for job in waiting:
        name = job.result["waiting_task"]
        try:
            current_app.send_task(name, args=[job.pk])
        except Exception as exc:  # still down: try again next time
            logger.warning("Job %s is still waiting for the broker: %s", job.pk, exc)
            break
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(message="", result=None)
        sent += 1
    return sent


# --- setting up a partnership ----------------------------------------------------------------


class SetupError(Exception):
    """A set-up rule was broken; the message is for the person who broke it."""


def unique_slug(model, text: str, *, max_length: int = 80, **scope) -> str:
    """A slug for `text` that no other row of `model` in `scope` has yet."""
    base = (slugify(text) or "item")[: max_length - 4].strip("-")
    slug, n = base, 2
    while model.objects.filter(slug=slug, **scope).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_partnership(name: str, *, creator, description: str = "") -> Partnership:
    """A new partnership, with the default staff groups and its creator as administrator."""
    partnership = Partnership.objects.create(
        name=name, slug=unique_slug(Partnership, name), description=description
    )
    StaffGroup.objects.bulk_create(
        StaffGroup(partnership=partnership, name=n) for n in StaffGroup.DEFAULTS
    )
    Membership.objects.create(user=creator, partnership=partnership, role=Role.ADMINISTRATOR)
    record_audit("partnership.created", actor=creator, partnership=partnership, target=name)
    return partnership


def create_wave(partnership: Partnership, name: str, *, closes_on=None, actor=None):
    wave = Wave.objects.create(
        partnership=partnership,
        name=name,
        slug=unique_slug(Wave, name, partnership=partnership),
        closes_on=closes_on,
    )
    record_audit("wave.created", actor=actor, partnership=partnership, target=name)
    return wave


def remove_named(obj, *, actor) -> None:
    """Remove an organisation or group that nothing refers to yet."""
    try:
        obj.delete()
    except ProtectedError as exc:
        raise SetupError(f"“{obj}” cannot be removed: invitations or answers refer to it.") from exc
    record_audit(
        f"{obj._meta.model_name}.removed", actor=actor, partnership=obj.partnership, target=str(obj)
    )


@transaction.atomic
def add_member(partnership: Partnership, *, email: str, name: str, role: str, actor):
    """Give someone a role; a person new to POET gets an account and a set-your-password e-mail.

    Returns (membership, created_account).
    """
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        first, _, last = name.strip().partition(" ")
        user = User(username=unique_username(email), email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    if Membership.objects.filter(user=user, partnership=partnership).exists():
        raise SetupError(f"{email} is already a member of this partnership.")
    membership = Membership.objects.create(user=user, partnership=partnership, role=role)
    record_audit("member.added", actor=actor, partnership=partnership, target=email, role=role)
    return membership, created


def unique_username(email: str) -> str:
    User = get_user_model()
    base = email.split("@")[0][:140] or "user"
    username, n = base, 2
    while User.objects.filter(username=username).exists():
        username, n = f"{base}{n}", n + 1
    return username


@transaction.atomic
def change_role(membership, role: str, *, actor) -> None:
    if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        _keep_an_administrator(membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_audit(
        "member.role_changed",
        actor=actor,
        partnership=membership.partnership,
        target=membership.user.email or membership.user.username,
        old=old,
        new=role,
    )


@transaction.atomic
def remove_member(membership, *, actor) -> None:
    if membership.role == Role.ADMINISTRATOR:
        _keep_an_administrator(membership)
    membership.delete()
    record_audit(
        "member.removed",
        actor=actor,
        partnership=membership.partnership,
        target=membership.user.email or membership.user.username,
    )


def _keep_an_administrator(membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(partnership=membership.partnership, role=Role.ADMINISTRATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise SetupError("A partnership needs at least one administrator.")
