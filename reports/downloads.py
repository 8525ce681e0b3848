"""Report and answers downloads: a background job makes the file, then people fetch it.

A download is a `poet.Job` (kind `report.download` or `answers.download`) whose parameters say
which report, format and earlier wave; its result names the file, stored under
`MEDIA_ROOT/downloads/<partnership>/<job>/`. Making the file and every fetch of it go in the
audit log (`report.downloaded` / `answers.downloaded`, with `step` "generated" or "fetched").
Reports are built from the stored comparison run, never from raw answers; the tidy answers file
is streamed from the database (see `reports/exporters/csv.py`).
"""

from __future__ import annotations

import datetime
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from poet.models import Job, Wave
from poet.services import create_job, enqueue, record_audit
from reports.documents import Report
from reports.exporters import get_exporter, report_formats
from reports.exporters.base import Progress, no_progress

REPORT_JOB = "report.download"
ANSWERS_JOB = "answers.download"
REPORT_KINDS = {"formative": "Formative report", "summative": "Summative report"}
ANSWERS = "answers"  # the kind for the tidy raw answers (DESIGN §5)


class DownloadError(Exception):
    """The download cannot be made or fetched; the message is for the person asking."""


@dataclass(frozen=True)
class DownloadFile:
    path: Path
    filename: str
    content_type: str


def report_format_choices() -> list[tuple[str, str]]:
    return [(e.identifier, e.verbose_name) for e in report_formats()]


def build_report(wave: Wave, kind: str, *, compare_with: Wave | None = None) -> Report:
    """The formative or summative report of a wave, from its latest comparison run."""
    from reports.selectors import latest_run

    if kind not in REPORT_KINDS:
        raise DownloadError(f"There is no {kind!r} report; choose formative or summative.")
    if latest_run(wave) is None:
        raise DownloadError(
            f"{wave} has no finished comparison run yet, so there is no report to make: "
            "run the comparison first."
        )
    if kind == "formative":
        from reports.content.formative import build_formative

        return build_formative(wave, compare_with=compare_with)
    from reports.content.summative import build_summative

    return build_summative(wave, compare_with=compare_with)


def earlier_waves(wave: Wave):
    """Waves of the same partnership a report may compare with (not the wave itself)."""
    return Wave.objects.filter(partnership=wave.partnership).exclude(pk=wave.pk).order_by("-pk")


def start_download(
    wave: Wave, kind: str, format: str, user, compare_with: Wave | None = None
) -> Job:
    """Queue the making of a file; `kind` is formative, summative or answers."""
    from reports.selectors import latest_run

    if compare_with is not None and compare_with.partnership_id != wave.partnership_id:
        raise DownloadError("An earlier wave must belong to the same partnership.")
    if kind == ANSWERS:
        job = create_job(
            ANSWERS_JOB,
            partnership=wave.partnership,
            wave=wave,
            created_by=user,
            report=ANSWERS,
            format="answers_csv",
        )
    else:
        if kind not in REPORT_KINDS:
            raise DownloadError("Choose the formative or the summative report.")
        if format not in dict(report_format_choices()):
            raise DownloadError("Choose a file format.")
        if latest_run(wave) is None:
            raise DownloadError(
                "There is no finished comparison for this wave yet, so there is no report to "
                "download: run the comparison first."
            )
        job = create_job(
            REPORT_JOB,
            partnership=wave.partnership,
            wave=wave,
            created_by=user,
            report=kind,
            format=format,
            compare_with=compare_with.slug if compare_with else None,
        )
    enqueue(job)
    return job


def _folder(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "downloads" / job.partnership.slug / str(job.pk)


def write_report(
    wave: Wave,
    kind: str,
    format: str,
    output,
    *,
    compare_with: Wave | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Build a report and write it in a format to a binary file (the command and jobs share it)."""
    report = build_report(wave, kind, compare_with=compare_with)
    progress(0.1, "Report built")
    exporter = get_exporter(format)
    exporter.render(report, output, lambda f, m="": progress(0.1 + 0.9 * f, m))
    return report


def generate_download(job: Job, progress: Progress) -> dict:
    """The work of a download job: write the file next to its temporary name, then rename it."""
    params = job.parameters
    wave = job.wave
    kind, format = params["report"], params["format"]
    exporter = get_exporter(format)
    folder = _folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    if kind == ANSWERS:
        filename = exporter.filename(wave.partnership.slug, wave.slug)
    else:
        filename = exporter.filename(wave.partnership.slug, wave.slug, kind)
    final = folder / filename
    partial = folder / (filename + ".part")
    run_id = None
    with open(partial, "wb") as out:
        if kind == ANSWERS:
            exporter.render(wave, out, progress)
        else:
            compare = params.get("compare_with")
            compare_with = (
                Wave.objects.get(partnership=wave.partnership, slug=compare) if compare else None
            )
            report = write_report(
                wave, kind, format, out, compare_with=compare_with, progress=progress
            )
            run_id = report.run_id
    os.replace(partial, final)
    record_audit(
        "answers.downloaded" if kind == ANSWERS else "report.downloaded",
        actor=job.created_by,
        partnership=wave.partnership,
        target=str(wave),
        step="generated",
        job=job.pk,
        wave=wave.slug,
        kind=kind,
        format=format,
        run=run_id,
    )
    return {
        "file": str(final.relative_to(settings.MEDIA_ROOT)),
        "filename": filename,
        "content_type": exporter.content_type,
        "size": final.stat().st_size,
        "generated_at": timezone.now().isoformat(),
    }


def download_file(job: Job, *, user=None) -> DownloadFile:
    """The finished file of a download job, recorded in the audit log as fetched."""
    if job.kind not in {REPORT_JOB, ANSWERS_JOB} or job.status != Job.Status.SUCCEEDED:
        raise DownloadError("This file is not ready.")
    result = job.result or {}
    if result.get("expired_at"):
        raise DownloadError(
            f"Downloaded files are kept for {settings.DOWNLOAD_KEEP_DAYS} days and this one has "
            "been deleted: make it again."
        )
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / result.get("file", "")).resolve()
    if root not in path.parents or not path.is_file():
        raise DownloadError("This file is no longer here: make it again.")
    record_audit(
        "answers.downloaded" if job.kind == ANSWERS_JOB else "report.downloaded",
        actor=user,
        partnership=job.partnership,
        target=str(job.wave),
        step="fetched",
        job=job.pk,
        wave=job.wave.slug if job.wave else "",
        kind=job.parameters.get("report"),
        format=job.parameters.get("format"),
    )
    return DownloadFile(path, result["filename"], result["content_type"])


def recent_downloads(wave: Wave, *, include_answers: bool, limit: int = 10) -> list[Job]:
    kinds = [REPORT_JOB, ANSWERS_JOB] if include_answers else [REPORT_JOB]
    return list(Job.objects.filter(wave=wave, kind__in=kinds).select_related("created_by")[:limit])


def expire_downloads(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of downloads made more than DOWNLOAD_KEEP_DAYS ago (run daily by beat).

    Report files and raw answers should not pile up on disk after people have fetched them; the
    job row stays, marked expired, so the downloads page and the audit log still tell who made
    what and when. Returns how many files went.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.DOWNLOAD_KEEP_DAYS)
    old = Job.objects.filter(
        kind__in=[REPORT_JOB, ANSWERS_JOB],
        status=Job.Status.SUCCEEDED,
        finished_at__lt=cutoff,
    ).select_related("partnership")
    count = 0
    for job in old.iterator():
        result = job.result or {}
        if result.get("expired_at"):
            continue
        shutil.rmtree(_folder(job), ignore_errors=True)
        job.result = {**result, "expired_at": timezone.now().isoformat()}
        job.save(update_fields=["result"])
        count += 1
    return count
