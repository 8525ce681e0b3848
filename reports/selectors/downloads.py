"""Download jobs of a wave: what can be downloaded, and what was made lately.

A download is a `poet.Job` of kind `report.download` or `answers.download`; its parameters say
which report, format and earlier wave, and its result names the file.
"""

from __future__ import annotations

from django.db.models import QuerySet

from poet.models import Job, Wave

REPORT_JOB = "report.download"
ANSWERS_JOB = "answers.download"
REPORT_KINDS = {"formative": "Formative report", "summative": "Summative report"}
ANSWERS = "answers"  # the kind for the tidy raw answers (DESIGN §5)


def earlier_waves(wave: Wave) -> QuerySet[Wave]:
    """Waves of the same partnership a report may compare with (not the wave itself)."""
    return Wave.objects.filter(partnership=wave.partnership).exclude(pk=wave.pk).order_by("-pk")


def recent_downloads(wave: Wave, *, include_answers: bool, limit: int = 10) -> list[Job]:
    """The wave's latest download jobs; raw answers only for those who may fetch them."""
    kinds = [REPORT_JOB, ANSWERS_JOB] if include_answers else [REPORT_JOB]
    return list(Job.objects.filter(wave=wave, kind__in=kinds).select_related("created_by")[:limit])
