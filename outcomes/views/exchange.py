"""Exchange with qualitative software from the codebook page (issue 16, item 7): download the
wave's REFI-QDA project (.qdpx) and codebook (.qdc), and import a .qdc codebook. Evaluators
only, as the codebook. The downloads are plain links (GETs that change nothing but the audit
log). Thin: the rules are in `outcomes.services.exchange`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from outcomes.forms.exchange import CodebookImportForm
from outcomes.services import exchange as service
from outcomes.views.codebook import follow_up_of, page_context, page_url
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import run_form


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@wave_view(Right.EVALUATE)
def download_project(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The wave's REFI-QDA project (.qdpx), audited."""
    schedule = follow_up_of(wave)
    try:
        data = service.export_project(schedule, actor=request.user)
    except service.ExchangeError as error:
        messages.info(request, str(error))
        return redirect(page_url(wave, "codebook"))
    return _download(data, f"{service.file_stem(schedule)}.qdpx", "application/zip")


@wave_view(Right.EVALUATE)
def download_codebook(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The wave's codebook as a REFI-QDA codebook (.qdc), audited."""
    schedule = follow_up_of(wave)
    try:
        data = service.export_codebook(schedule, actor=request.user)
    except service.ExchangeError as error:
        messages.info(request, str(error))
        return redirect(page_url(wave, "codebook"))
    return _download(data, f"{service.file_stem(schedule)}-codebook.qdc", "application/xml")


@wave_view(Right.EVALUATE)
def import_codebook(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Upload a .qdc: its themes and sub-themes are added; themes already there are reported."""
    schedule = follow_up_of(wave)
    posted = request.method == "POST"
    form = CodebookImportForm(request.POST if posted else None, request.FILES if posted else None)
    imported, result = run_form(
        request,
        form,
        lambda data: service.import_codebook(schedule, data["codebook"], actor=request.user),
        refused=service.ExchangeError,
        field="codebook",
    )
    if imported:  # the report shows on the page, with an empty form for another file
        form = CodebookImportForm()
    context = page_context(access, wave, schedule, form=form, result=result)
    return render(request, "outcomes/codebook/import.html", context)
