"""What the job page says of reports' jobs, and where their results are once finished."""

from django.urls import reverse

from poet.models import Job


def report_title(job: Job) -> str:
    report = job.parameters.get("report", "")
    return f"making the {report} report ({str(job.parameters.get('format', '')).upper()})"


def file_link(job: Job) -> tuple[str, str] | None:
    """A finished download offers its file (the page that serves it checks who may have it)."""
    if job.wave is None or not (job.result or {}).get("file"):
        return None
    kwargs = {"partnership": job.partnership.slug, "wave": job.wave.slug, "job_id": job.pk}
    name = (job.result or {}).get("filename", "the file")
    return f"Download {name}", reverse("reports:download_file", kwargs=kwargs)


def comparison_link(job: Job) -> tuple[str, str] | None:
    if job.wave is None:
        return None
    kwargs = {"partnership": job.partnership.slug, "wave": job.wave.slug}
    return "See the comparison", reverse("reports:comparison", kwargs=kwargs)
