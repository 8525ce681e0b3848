"""Background jobs as the job page shows them (`Right.VIEW`): what a script polls after starting
a comparison, a report file or an import — status, progress, the refusal's every problem, and
where the finished file is."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Router, Schema

from api.api import english_display
from api.endpoints.common import MAX_ID, READ_ERRORS
from poet.models import Job
from poet.permissions import Right, partnership_access
from poet.services.jobs import job_title
from reports.selectors.downloads import ANSWERS_JOB, REPORT_JOB

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str  # comparison, report.download, answers.download, answers.import, …
    title: str  # what it is doing, in words ("importing answers")
    status: str  # queued, running, succeeded or failed
    status_label: str
    finished: bool
    progress: int  # 0–100
    message: str  # the latest progress message, or what was done
    error: str  # why it failed, in the pages' words
    problems: list[str]  # a refused import's every bad row
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    url: str  # poll here
    file_url: str | None  # a finished download's file: fetch it here


def job_url(job: Job) -> str:
    return reverse("api-v1:get_job", kwargs={"partnership": job.partnership.slug, "job_id": job.pk})


def _file_url(job: Job) -> str | None:
    result = job.result or {}
    finished = job.status == Job.Status.SUCCEEDED and job.wave is not None
    if job.kind not in (REPORT_JOB, ANSWERS_JOB) or not finished or job.wave is None:
        return None
    if not result.get("file") or result.get("expired_at"):
        return None
    kwargs = {"partnership": job.partnership.slug, "wave": job.wave.slug, "job_id": job.pk}
    return reverse("api-v1:fetch_report_file", kwargs=kwargs)


def job_out(job: Job) -> dict:
    result = job.result if isinstance(job.result, dict) else {}
    problems = result.get("problems") if job.status == Job.Status.FAILED else None
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job_title(job),
        "status": job.status,
        "status_label": english_display(job, "status"),
        "finished": job.is_finished,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "problems": [str(p) for p in problems or []],
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "url": job_url(job),
        "file_url": _file_url(job),
    }


@router.get(
    "/partnerships/{partnership}/jobs/{job_id}/",
    response={200: JobOut, **READ_ERRORS},
    summary="A background job: status, progress, and what went wrong or where its file is",
)
def get_job(
    request: HttpRequest,
    partnership: str,
    job_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008 - how ninja bounds a path value
):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return job_out(get_object_or_404(Job, pk=job_id, partnership=access.partnership))
