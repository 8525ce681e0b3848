"""Downloads page of a wave: choose a report, format, language and earlier wave; fetch finished
files."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from poet.models import Job, Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import run_form
from reports.forms.downloads import DownloadForm
from reports.selectors.downloads import (
    ANSWERS_JOB,
    REPORT_JOB,
    REPORT_KINDS,
    language_name,
    recent_downloads,
    report_language,
)
from reports.selectors.runs import latest_run
from reports.services.downloads import DownloadError, download_file, start_download


def _page_url(access: Access, wave: Wave) -> str:
    return reverse(
        "reports:downloads", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


@require_http_methods(["GET", "POST"])
@wave_view(Right.VIEW_REPORTS)
def index(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The form that starts a download, and the wave's recent downloads."""
    can_evaluate = access.can(Right.EVALUATE)
    form = DownloadForm(
        request.POST or None,
        wave=wave,
        can_evaluate=can_evaluate,
        language=translation.get_language(),
    )
    started, job = run_form(
        request,
        form,
        lambda data: start_download(
            wave,
            data["kind"],
            data.get("format") or "",
            request.user,
            compare_with=data["compare_with_wave"],
            language=data["language"],
        ),
        refused=DownloadError,
        field="kind",
    )
    if started and job is not None:
        job_url = reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
        return redirect(f"{job_url}?{urlencode({'next': _page_url(access, wave)})}")
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "has_run": latest_run(wave) is not None,
        "files": [_listed(job) for job in recent_downloads(wave, include_answers=can_evaluate)],
        "keep_days": settings.DOWNLOAD_KEEP_DAYS,
    }
    return render(request, "reports/downloads/index.html", context)


def _listed(job: Job) -> dict:
    """A made file as the list shows it: which report, and the language it is written in."""
    if job.kind != REPORT_JOB:
        return {"job": job, "report": "", "language": None}
    code = report_language(job)
    report = REPORT_KINDS.get(job.parameters.get("report", ""), job.parameters.get("report", ""))
    return {"job": job, "report": report, "language": (code, language_name(code))}


@wave_view(Right.VIEW_REPORTS)
def fetch(
    request: HttpRequest, access: Access, wave: Wave, job_id: int
) -> HttpResponse | FileResponse:
    """The file of a finished download job, as an attachment; raw answers need EVALUATE."""
    job = get_object_or_404(
        Job,
        pk=job_id,
        partnership=access.partnership,
        wave=wave,
        kind__in=[REPORT_JOB, ANSWERS_JOB],
    )
    if job.kind == ANSWERS_JOB and not access.can(Right.EVALUATE):
        raise Http404
    try:
        found = download_file(job, user=request.user)
    except DownloadError as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(
        open(found.path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
