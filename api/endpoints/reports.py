"""Report files and the raw answers, as on the downloads page: start a report job (the same
`poet.Job` and exporter registry), poll it (`api.endpoints.jobs`), fetch its file with the page's
rule; and the tidy answers streamed as they are read from the database (evaluators only)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from api.endpoints.common import MAX_ID, READ_ERRORS, SLUG, WRITE_ERRORS, Refused
from api.endpoints.jobs import JobOut, job_out
from api.selectors.partnerships import waves_of
from poet.models import Job
from poet.permissions import Right, partnership_access, wave_of
from reports.exporters import report_formats
from reports.selectors.downloads import ANSWERS_JOB, REPORT_JOB, REPORT_KINDS, earlier_waves
from reports.services.downloads import (
    DownloadError,
    download_file,
    start_download,
    stream_answers,
)

router = Router(tags=["reports"])

ReportKind = Enum("ReportKind", {kind: kind for kind in REPORT_KINDS}, type=str)  # type: ignore[misc]
ReportFormat = Enum(  # type: ignore[misc]
    "ReportFormat", {e.identifier: e.identifier for e in report_formats()}, type=str
)

ReportLanguage = Enum(  # type: ignore[misc]
    "ReportLanguage", {code: code for code, _name in settings.LANGUAGES}, type=str
)


def _file_of(*types: str, description: str) -> dict[str, Any]:
    """The OpenAPI description of a file answer (ninja describes JSON only)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {200: {"description": description, "content": dict.fromkeys(types, binary)}}
    }


class ReportRequest(Schema):
    report: ReportKind
    format: ReportFormat
    # the slug of an earlier wave with results (optional)
    compare_with: str | None = Field(None, pattern=SLUG, max_length=200)
    # the language the report is written in (optional; English when not given)
    language: ReportLanguage | None = None


@router.post(
    "/partnerships/{partnership}/waves/{wave}/reports/",
    response={202: JobOut, **WRITE_ERRORS},
    summary="Start making a report file; poll the job, then fetch its file_url",
)
def start_report(request: HttpRequest, partnership: str, wave: str, body: ReportRequest):
    access = partnership_access(request.user, partnership, Right.VIEW_REPORTS)
    found = wave_of(access, wave)
    compare = None
    if body.compare_with:
        earlier = earlier_waves(found)
        compare = earlier.filter(slug=body.compare_with).first()
        if compare is None:
            # an unknown wave is not there (404); a later one, or one without results, cannot be
            # compared with (409)
            known = waves_of(access.partnership).filter(slug=body.compare_with).exists()
            choices = ", ".join(w.slug for w in earlier) or "none yet"
            raise Refused(
                409 if known else 404,
                f"{body.compare_with!r} is not an earlier wave of this partnership with a "
                f"comparison run; the waves to compare with are: {choices}.",
            )
    try:
        job = start_download(
            found,
            body.report.value,
            body.format.value,
            request.user,
            compare_with=compare,
            language=body.language.value if body.language else None,
        )
    except DownloadError as refused:
        raise Refused(409, str(refused)) from None
    return Status(202, job_out(job))


@router.get(
    "/partnerships/{partnership}/waves/{wave}/downloads/{job_id}/file/",
    response=READ_ERRORS,
    summary="The file of a finished download job (raw answers: evaluators only)",
    openapi_extra=_file_of(
        *sorted({e.content_type for e in report_formats()} | {"text/csv"}),
        description="The file, as an attachment",
    ),
)
def fetch_report_file(
    request: HttpRequest, partnership: str, wave: str, job_id: int = Path(..., ge=1, le=MAX_ID)
):  # noqa: B008
    access = partnership_access(request.user, partnership, Right.VIEW_REPORTS)
    found = wave_of(access, wave)
    job = get_object_or_404(
        Job,
        pk=job_id,
        partnership=access.partnership,
        wave=found,
        kind__in=[REPORT_JOB, ANSWERS_JOB],
    )
    if job.kind == ANSWERS_JOB and not access.can(Right.EVALUATE):
        raise Refused(404, "There is nothing here, or you may not see it.")
    try:
        stored = download_file(job, user=request.user)
    except DownloadError as refused:
        raise Refused(404, str(refused)) from None
    return FileResponse(
        open(stored.path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type,
    )


@router.get(
    "/partnerships/{partnership}/waves/{wave}/answers.csv",
    response=READ_ERRORS,
    summary="The tidy raw answers (DESIGN §5), streamed: the downloads page's file",
    openapi_extra=_file_of("text/csv", description="The answers CSV, streamed as it is read"),
)
def stream_answers_csv(request: HttpRequest, partnership: str, wave: str):
    access = partnership_access(request.user, partnership, Right.EVALUATE)
    found = stream_answers(wave_of(access, wave), actor=request.user)
    response = StreamingHttpResponse(found.chunks, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
