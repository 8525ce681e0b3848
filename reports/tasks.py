"""Background work of comparisons and downloads: the jobs reports registers, its scheduled task,
the PDF renderer a worker loads before forking, and the chart server each worker process stops on
its way out."""

from celery import shared_task
from celery.signals import worker_init, worker_process_shutdown

from poet.services import register_job_kind
from reports.exporters.pdf import preload_renderer, stop_chart_server
from reports.selectors.downloads import ANSWERS_JOB, REPORT_JOB
from reports.selectors.jobs import (
    answers_title,
    charts_title,
    comparison_link,
    comparison_title,
    file_link,
    report_title,
)
from reports.services.charts import CHARTS_JOB, draw_run_charts
from reports.services.comparison import JOB_KIND, compute_comparison
from reports.services.downloads import expire_downloads, generate_download

# A comparison run of a wave, computed or reused; a finished job is never redone.
register_job_kind(
    JOB_KIND,
    compute_comparison,
    title=comparison_title,
    result_link=comparison_link,
)
# A new run's charts drawn ahead of its first PDF.
register_job_kind(CHARTS_JOB, draw_run_charts, title=charts_title)
# A download's file (a report in a format, or the raw answers).
register_job_kind(REPORT_JOB, generate_download, title=report_title, result_link=file_link)
register_job_kind(ANSWERS_JOB, generate_download, title=answers_title, result_link=file_link)


@shared_task
def expire_old_downloads() -> int:
    """Delete download files older than DOWNLOAD_KEEP_DAYS (celery beat, daily)."""
    return expire_downloads()


@worker_process_shutdown.connect
def _stop_chart_server(**kwargs) -> None:
    """Each worker process starts its kaleido server on its first chart; stop it on the way out."""
    stop_chart_server()


@worker_init.connect
def _preload_pdf_renderer(**kwargs) -> None:
    """Load WeasyPrint in the worker's main process, before it forks: every process's first PDF
    is then as fast as its later ones."""
    preload_renderer()
