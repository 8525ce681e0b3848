"""Read-only queries about comparison runs, for pages, commands and the reports."""

from __future__ import annotations

from django.db.models import QuerySet

from poet.models import Job, Wave
from reports.models import COMPARISON_JOB, ComparisonRow, ComparisonRun


def latest_run(wave: Wave) -> ComparisonRun | None:
    """The run most recently computed or reused for this wave: the one to show and export."""
    return ComparisonRun.objects.filter(wave=wave).order_by("-used_at", "-pk").first()


def latest_job(wave: Wave) -> Job | None:
    """The most recent comparison job of the wave (queued, running, finished or failed)."""
    return Job.objects.filter(wave=wave, kind=COMPARISON_JOB).order_by("-created_at", "-pk").first()


def run_rows(run: ComparisonRun, breakdown: str | None = None) -> QuerySet[ComparisonRow]:
    """A run's rows in analysis order, of one breakdown (e.g. "all") when given."""
    rows = run.rows.order_by("position")
    return rows.filter(breakdown=breakdown) if breakdown else rows
