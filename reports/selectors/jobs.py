"""What the job page says of reports' jobs, and where their results are once finished."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poet.models import Job
from reports.selectors.downloads import REPORT_JOB, report_language

# What a report job is doing, by report and by the language it writes in when that is not the
# language of the page (None): one whole sentence each, as Welsh mutates after "yn".
REPORT_TITLES = {
    ("formative", None): gettext_lazy("making the formative report (%(format)s)"),
    ("summative", None): gettext_lazy("making the summative report (%(format)s)"),
    ("formative", "en-gb"): gettext_lazy("making the formative report in English (%(format)s)"),
    ("summative", "en-gb"): gettext_lazy("making the summative report in English (%(format)s)"),
    ("formative", "cy"): gettext_lazy("making the formative report in Welsh (%(format)s)"),
    ("summative", "cy"): gettext_lazy("making the summative report in Welsh (%(format)s)"),
}


def report_title(job: Job) -> str:
    """ "making the summative report (PDF)", naming the report's language when the page is in
    the other one."""
    report = job.parameters.get("report", "")
    format = str(job.parameters.get("format", "")).upper()
    language = report_language(job) if job.kind == REPORT_JOB else None
    if language == translation.get_language():
        language = None
    title = REPORT_TITLES.get((report, language)) or REPORT_TITLES.get((report, None))
    if title is None:
        return _("making a report (%(format)s)") % {"format": format}
    return str(title) % {"format": format}


def comparison_title(job: Job) -> str:
    return _("comparing staff with service users and carers")


def charts_title(job: Job) -> str:
    return _("drawing the charts of the latest results")


def answers_title(job: Job) -> str:
    return _("making the raw answers file")


def file_link(job: Job) -> tuple[str, str] | None:
    """A finished download offers its file (the page that serves it checks who may have it)."""
    if job.wave is None or not (job.result or {}).get("file"):
        return None
    kwargs = {"partnership": job.partnership.slug, "wave": job.wave.slug, "job_id": job.pk}
    name = (job.result or {}).get("filename") or _("the file")
    return _("Download %(name)s") % {"name": name}, reverse("reports:download_file", kwargs=kwargs)


def comparison_link(job: Job) -> tuple[str, str] | None:
    if job.wave is None:
        return None
    kwargs = {"partnership": job.partnership.slug, "wave": job.wave.slug}
    return _("See the comparison"), reverse("reports:comparison", kwargs=kwargs)
