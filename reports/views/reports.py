"""The formative and summative report pages: thin views over `reports.content` builders.

Both read the wave's latest stored comparison run only; every view is written to the audit log.
?compare=<earlier-wave-slug> adds change since that wave. Each page also offers its report as a
file: a button per format starts the same download job as the downloads page (the file in the
language the page is read in) and lands on the job's page, which offers the file when it is made.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from reports.content.display import display_report
from reports.content.glossary import KEY as GLOSSARY
from reports.exporters import report_formats
from reports.forms.downloads import DownloadForm
from reports.selectors.downloads import earlier_waves
from reports.selectors.runs import latest_run
from reports.services.downloads import DownloadError, start_download
from reports.services.reports import view_report


def _compare_with(access: Access, wave: Wave, slug: str) -> tuple[Wave | None, str]:
    """The earlier wave asked for with ?compare=, or None and a message saying why not."""
    if not slug:
        return None, ""
    other = earlier_waves(wave).filter(slug=slug).first()
    if other is None:
        return None, _(
            "That wave cannot be compared with this one (change is shown since an earlier wave "
            "with results): showing this wave alone."
        )
    return other, ""


DOWNLOAD_ERRORS = {
    "format": gettext_lazy("Choose one of the file formats offered."),
    "compare_with": gettext_lazy(
        "Change can only be shown since an earlier wave with results: choose it "
        "again under “Show change since an earlier wave”."
    ),
}


BUTTON_ORDER = ("pdf", "html", "xlsx", "csv")  # to read and share first, to analyse after


def _download_buttons() -> list[dict[str, str]]:
    """One button per report format the downloads page offers, named by the format."""
    formats = sorted(
        report_formats(),
        key=lambda e: (
            BUTTON_ORDER.index(e.identifier) if e.identifier in BUTTON_ORDER else len(BUTTON_ORDER)
        ),
    )
    return [{"format": e.identifier, "label": e.verbose_name} for e in formats]


def _start_download(
    request: HttpRequest, access: Access, wave: Wave, kind: str, page_url: str
) -> tuple[HttpResponse | None, list[str]]:
    """A posted download button: the job page of the new download, or the reasons it was not
    started (the same form and service as the downloads page, so the same checks)."""
    form = DownloadForm(
        {
            "kind": kind,
            "format": request.POST.get("format", ""),
            "compare_with": request.POST.get("compare", ""),
        },
        wave=wave,
        can_evaluate=False,
        language=translation.get_language(),
    )
    if not form.is_valid():
        return None, [
            str(DOWNLOAD_ERRORS.get(field, _("Choose a file format."))) for field in form.errors
        ]
    try:
        job = start_download(
            wave,
            kind,
            form.cleaned_data["format"],
            request.user,
            compare_with=form.cleaned_data["compare_with_wave"],
            language=form.cleaned_data["language"],
        )
    except DownloadError as error:
        return None, [str(error)]
    job_url = reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
    return redirect(f"{job_url}?{urlencode({'next': page_url})}"), []


def _report(
    request: HttpRequest, access: Access, wave: Wave, kind: Literal["formative", "summative"]
) -> HttpResponse:
    compare_with, compare_error = _compare_with(
        access, wave, request.GET.get("compare", "").strip()
    )
    page_url = request.get_full_path()
    download_errors: list[str] = []
    if request.method == "POST":
        started, download_errors = _start_download(request, access, wave, kind, page_url)
        if started is not None:
            return started
    report = view_report(wave, kind, actor=request.user, compare_with=compare_with)
    # The glossary appendix is for the files; on screen its tables link to the glossary page.
    sections = [s for s in display_report(report) if s["key"] != GLOSSARY]
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "report": report,
        "run": latest_run(wave) if report.run_id else None,
        "sections": sections,
        "charts": any(b["kind"] == "chart" for s in sections for b in s["blocks"]),
        "compare_with": compare_with,
        "compare_error": compare_error,
        "other_waves": list(earlier_waves(wave)),
        "can_run": access.can(Right.EVALUATE),
        "download_buttons": _download_buttons(),
        "download_errors": download_errors,
    }
    return render(request, "reports/report/page.html", context)


@require_http_methods(["GET", "POST"])
@wave_view(Right.VIEW_REPORTS)
def formative(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """How well partners work together (DESIGN §1): the formative report of a wave."""
    return _report(request, access, wave, "formative")


@require_http_methods(["GET", "POST"])
@wave_view(Right.VIEW_REPORTS)
def summative(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Are the outcomes explicit, right and achieved: the summative report of a wave."""
    return _report(request, access, wave, "summative")
