"""Read-only queries about comparison runs, for pages, commands and the reports."""

from __future__ import annotations

from django.db.models import QuerySet

from poet.models import Job, Wave
from reports.models import COMPARISON_JOB, ComparisonRow, ComparisonRun


def latest_run(wave: Wave, *, only: tuple[str, ...] = ()) -> ComparisonRun | None:
    """The run most recently computed or reused for this wave: the one to show and export.

    Its `members` (the response ids behind every cell, which grow with the staff) are read only
    when asked for: pages and reports never need them, the next run's protection does. `only`
    narrows the read to the named fields (the rest still load when touched)."""
    runs = ComparisonRun.objects.filter(wave=wave).order_by("-used_at", "-pk")
    runs = runs.only(*only) if only else runs.defer("members")
    return runs.first()


def latest_job(wave: Wave) -> Job | None:
    """The most recent comparison job of the wave (queued, running, finished or failed)."""
    return Job.objects.filter(wave=wave, kind=COMPARISON_JOB).order_by("-created_at", "-pk").first()


def run_rows(run: ComparisonRun, breakdown: str | None = None) -> QuerySet[ComparisonRow]:
    """A run's rows in analysis order, of one breakdown (e.g. "all") when given."""
    rows = run.rows.order_by("position")
    return rows.filter(breakdown=breakdown) if breakdown else rows
