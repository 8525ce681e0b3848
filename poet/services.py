"""Business rules of the core, called by views, tasks, commands and the admin alike."""

import logging

from django.db import transaction
from django.utils import timezone

from poet.models import MAX_K, MIN_K, AuditEvent, Job, Partnership

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


def fail_job(job: Job, error: str) -> None:
    job.status = Job.Status.FAILED
    job.error = error[:5000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def run_job(job_id: int, work) -> Job | None:
    """Run `work(job, progress)` for a claimed job and store its result or why it failed.

    `progress(fraction, message)` records how far the work is, for the person waiting.
    """
    job = claim_job(job_id)
    if job is None:
        return None
    try:
        result = work(job, lambda fraction, message="": report_progress(job, fraction, message))
    except Exception as exc:  # the person waiting needs the reason, not a stuck spinner
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        fail_job(job, f"{type(exc).__name__}: {exc}")
        return job
    finish_job(job, result)
    return job


def enqueue(task, job: Job) -> None:
    """Queue a task for a job once the job row is committed, so the worker can find it."""

    def send() -> None:
        try:
            task.delay(job.pk)
        except Exception as exc:  # broker down: the job stays queued and says so
            logger.warning("Could not queue job %s: %s", job.pk, exc)
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                message="Waiting for background workers; this will run when they are back."
            )

    transaction.on_commit(send)
