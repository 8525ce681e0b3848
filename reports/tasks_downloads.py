"""Background work of downloads: one task per download job (ids in, files on disk)."""

from celery import shared_task
from celery.signals import worker_process_shutdown

from poet.services import run_job


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_download(job_id: int) -> int | None:
    """Make a download's file; a redelivered job that had finished is not made again."""
    from reports.downloads import generate_download

    job = run_job(job_id, generate_download)
    return job.pk if job else None


@shared_task
def expire_old_downloads() -> int:
    """Delete download files older than DOWNLOAD_KEEP_DAYS (celery beat, daily)."""
    from reports.downloads import expire_downloads

    return expire_downloads()


@worker_process_shutdown.connect
def _stop_chart_server(**kwargs) -> None:
    """Each worker process starts its kaleido server on its first chart; stop it on the way out."""
    from reports.exporters.pdf import stop_chart_server

    stop_chart_server()
