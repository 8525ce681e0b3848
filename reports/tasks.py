"""Background work of the reports app: comparison runs (ids in, results in the database) and
downloads (one task per download job: ids in, files on disk)."""

from celery import shared_task
from celery.signals import worker_process_shutdown

from poet.services import run_job
from reports.exporters.pdf import stop_chart_server
from reports.services.comparison import compute_comparison
from reports.services.downloads import expire_downloads, generate_download


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_comparison(job_id: int) -> int | None:
    """Compute (or reuse) the comparison run of a job's wave; a finished job is never redone."""
    job = run_job(job_id, compute_comparison)
    return job.pk if job else None


# The download tasks keep the names they were registered under in their former module
# (reports/tasks_downloads.py), so jobs queued or waiting for the broker before the move (whose
# `waiting_task` names them) and the beat schedule still find them.


@shared_task(
    name="reports.tasks_downloads.build_download", acks_late=True, reject_on_worker_lost=True
)
def build_download(job_id: int) -> int | None:
    """Make a download's file; a redelivered job that had finished is not made again."""
    job = run_job(job_id, generate_download)
    return job.pk if job else None


@shared_task(name="reports.tasks_downloads.expire_old_downloads")
def expire_old_downloads() -> int:
    """Delete download files older than DOWNLOAD_KEEP_DAYS (celery beat, daily)."""
    return expire_downloads()


@worker_process_shutdown.connect
def _stop_chart_server(**kwargs) -> None:
    """Each worker process starts its kaleido server on its first chart; stop it on the way out."""
    stop_chart_server()
