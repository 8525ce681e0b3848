"""Background work of the core: jobs left waiting while the broker was down."""

from celery import shared_task

from poet import services


@shared_task
def requeue_waiting_jobs() -> int:
    """Send the jobs that could not be queued while Redis was down (run every minute by beat)."""
    return services.requeue_waiting_jobs()
