"""Report and answers files: a background job makes the file, then people fetch it; commands and
the comparison page write theirs straight away. Every one goes in the audit log, written here.

A download is a `poet.Job` (kind `report.download` or `answers.download`, see
`reports.selectors.downloads`) whose parameters say which report, format, earlier wave and
language (`language`, one of `settings.LANGUAGES`: the job's work runs inside
`translation.override(language)`, so every word the report writes through gettext is in that
language, and a file of one language is never another's: each job has its own file, named with
its language); its result names the file, stored under
`MEDIA_ROOT/downloads/<partnership>/<job>/`. Making the file and every fetch of it go in the
audit log (`report.downloaded` / `answers.downloaded`, with `step` "generated" or "fetched").
Reports are built from the stored comparison run, never from raw answers; the tidy answers file
is streamed from the database (see `reports/exporters/csv.py`).
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from io import TextIOBase
from pathlib import Path
from typing import BinaryIO, TextIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from poet.models import Job, Wave
from poet.services import JobRefused, create_job, enqueue, record_audit
from reports.content import BUILDERS, report_header
from reports.documents import Report
from reports.exporters import get_answers_exporter, get_exporter, report_format_choices
from reports.exporters.base import Progress, no_progress
from reports.models import ComparisonRun
from reports.selectors.downloads import (
    ANSWERS,
    ANSWERS_JOB,
    REPORT_JOB,
    REPORT_KINDS,
    report_language,
)
from reports.selectors.runs import latest_run

COMPARISON_CSV = "comparison_csv"  # the comparison page's table, not a report format


class DownloadError(Exception):
    """The download cannot be made or fetched; the message is for the person asking."""


@dataclass(frozen=True)
class DownloadFile:
    path: Path
    filename: str
    content_type: str


@dataclass(frozen=True)
class DownloadStream:
    """A file made while it is sent: its chunks, name and type."""

    chunks: Iterator[bytes]
    filename: str
    content_type: str


def build_report(wave: Wave, kind: str, *, compare_with: Wave | None = None) -> Report:
    """The formative or summative report of a wave, from its latest comparison run."""
    if kind not in REPORT_KINDS:
        raise DownloadError(
            _("There is no %(kind)r report; choose formative or summative.") % {"kind": kind}
        )
    if latest_run(wave) is None:
        raise DownloadError(
            _(
                "%(wave)s has no finished comparison run yet, so there is no report to make: "
                "run the comparison first."
            )
            % {"wave": wave}
        )
    return BUILDERS[kind](wave, compare_with=compare_with)


def record_download(
    wave: Wave, *, kind: str, format: str, step: str, actor=None, **details
) -> None:
    """The one place a made or fetched file goes in the audit log (`report.downloaded` or
    `answers.downloaded`); ``details`` say which job, run or command."""
    record_audit(
        "answers.downloaded" if kind == ANSWERS else "report.downloaded",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        step=step,
        wave=wave.slug,
        kind=kind,
        format=format,
        **details,
    )


def report_filename(format: str, wave: Wave, kind: str, language: str) -> str:
    """The report file's name; a report in another language than English says which
    (`…-summative-cy.pdf`), so the files of both languages can sit side by side."""
    filename = get_exporter(format).filename(wave.partnership.slug, wave.slug, kind)
    if language == settings.LANGUAGE_CODE:
        return filename
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-{language}{dot}{extension}"


def start_download(
    wave: Wave,
    kind: str,
    format: str,
    user,
    compare_with: Wave | None = None,
    language: str | None = None,
) -> Job:
    """Queue the making of a file; `kind` is formative, summative or answers; a report is
    written in `language` (one of `settings.LANGUAGES`, English when not given)."""
    language = _checked_language(language)
    if compare_with is not None and compare_with.partnership_id != wave.partnership_id:
        raise DownloadError(_("An earlier wave must belong to the same partnership."))
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
            raise DownloadError(_("Choose the formative or the summative report."))
        if format not in dict(report_format_choices()):
            raise DownloadError(_("Choose a file format."))
        if latest_run(wave) is None:
            raise DownloadError(
                _(
                    "There is no finished comparison for this wave yet, so there is no report to "
                    "download: run the comparison first."
                )
            )
        job = create_job(
            REPORT_JOB,
            partnership=wave.partnership,
            wave=wave,
            created_by=user,
            report=kind,
            format=format,
            compare_with=compare_with.slug if compare_with else None,
            language=language,
        )
    enqueue(job)
    return job


def _folder(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "downloads" / job.partnership.slug / str(job.pk)


def write_report(
    wave: Wave,
    kind: str,
    format: str,
    output: BinaryIO,
    *,
    compare_with: Wave | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Build a report and write it in a format to a binary file (the command and jobs share it)."""
    report = build_report(wave, kind, compare_with=compare_with)
    progress(0.1, _("Report built"))
    exporter = get_exporter(format)
    exporter.render(report, output, lambda f, m="": progress(0.1 + 0.9 * f, m))
    return report


def _checked_language(language: str | None) -> str:
    """The report's language: one of the interface's (`settings.LANGUAGES`), English by default."""
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise DownloadError(_("Choose English or Welsh for the report."))
    return language


def export_report(
    wave: Wave,
    kind: str,
    format: str,
    output: BinaryIO,
    *,
    compare_with: Wave | None = None,
    language: str | None = None,
) -> Report:
    """A report written to a file by the `export_report` command, in the audit log; in
    `language` like a download job's."""
    language = _checked_language(language)
    with translation.override(language):
        report = write_report(wave, kind, format, output, compare_with=compare_with)
    record_download(
        wave,
        kind=kind,
        format=format,
        step="generated",
        via="command",
        run=report.run_id,
        compared_with=compare_with.slug if compare_with else None,
        language=language,
    )
    return report


def _wave_of(job: Job) -> Wave:
    if job.wave is None:  # every download job is made for a wave
        raise JobRefused(_("This download no longer has its wave."))
    return job.wave


def generate_download(job: Job, progress: Progress) -> dict:
    """The work of a download job, in the report's language: every word written through gettext
    while it runs (headings, labels, dates, progress messages) is in that language."""
    with translation.override(report_language(job)):
        return _generate_download(job, progress)


def _generate_download(job: Job, progress: Progress) -> dict:
    """Write the file next to its temporary name, then rename it."""
    params = job.parameters
    wave = _wave_of(job)
    kind, format = params["report"], params["format"]
    folder = _folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    answers = get_answers_exporter(format) if kind == ANSWERS else None
    if answers is not None:
        filename = answers.filename(wave.partnership.slug, wave.slug)
    else:
        filename = report_filename(format, wave, kind, report_language(job))
    final = folder / filename
    partial = folder / (filename + ".part")
    run_id = None
    with open(partial, "wb") as out:
        if answers is not None:
            answers.render(wave, out, progress)
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
    record_download(
        wave,
        kind=kind,
        format=format,
        step="generated",
        actor=job.created_by,
        job=job.pk,
        run=run_id,
        language=None if answers is not None else report_language(job),
    )
    return {
        "file": str(final.relative_to(settings.MEDIA_ROOT)),
        "filename": filename,
        "content_type": (answers or get_exporter(format)).content_type,
        "size": final.stat().st_size,
        "generated_at": timezone.now().isoformat(),
    }


def download_file(job: Job, *, user=None) -> DownloadFile:
    """The finished file of a download job, recorded in the audit log as fetched."""
    if job.kind not in {REPORT_JOB, ANSWERS_JOB} or job.status != Job.Status.SUCCEEDED:
        raise DownloadError(_("This file is not ready."))
    result = job.result or {}
    if result.get("expired_at"):
        raise DownloadError(
            _(
                "Downloaded files are kept for %(days)s days and this one has been deleted: "
                "make it again."
            )
            % {"days": settings.DOWNLOAD_KEEP_DAYS}
        )
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / result.get("file", "")).resolve()
    if root not in path.parents or not path.is_file():
        raise DownloadError(_("This file is no longer here: make it again."))
    record_download(
        _wave_of(job),
        kind=ANSWERS if job.kind == ANSWERS_JOB else job.parameters.get("report"),
        format=job.parameters.get("format"),
        step="fetched",
        actor=user,
        job=job.pk,
    )
    return DownloadFile(path, result["filename"], result["content_type"])


def stream_answers(wave: Wave, *, actor, via: str = "api") -> DownloadStream:
    """The tidy answers file of the downloads page, made while it is sent (never whole in
    memory or on disk), in the audit log like every file made."""
    exporter = get_answers_exporter("answers_csv")
    record_download(
        wave, kind=ANSWERS, format=exporter.identifier, step="generated", actor=actor, via=via
    )
    return DownloadStream(
        exporter.stream(wave),
        exporter.filename(wave.partnership.slug, wave.slug),
        exporter.content_type,
    )


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


# --- the comparison CSV ----------------------------------------------------------------------


def _comparison_csv(run: ComparisonRun) -> bytes:
    """The run as the comparison CSV, through the registry like every other report file."""
    output = io.BytesIO()
    report = report_header(run.wave, "comparison", run=run)
    get_exporter(COMPARISON_CSV).render(report, output)
    return output.getvalue()


def download_comparison(run: ComparisonRun, *, actor) -> bytes:
    """The comparison page's CSV of a run, each download in the audit log."""
    content = _comparison_csv(run)
    record_audit(
        "comparison.downloaded",
        actor=actor,
        partnership=run.wave.partnership,
        target=str(run.wave),
        wave=run.wave.slug,
        run=run.pk,
    )
    return content


def export_comparison(run: ComparisonRun, output: TextIO | TextIOBase) -> int:
    """The `export_comparison` command's CSV of a run to a text file, in the audit log; returns
    the rows written."""
    output.write(_comparison_csv(run).decode("utf-8"))
    record_audit(
        "comparison.exported",
        partnership=run.wave.partnership,
        target=str(run.wave),
        wave=run.wave.slug,
        run=run.pk,
        via="command",
    )
    return run.rows.count()
