"""Download jobs of a wave: what can be downloaded, and what was made lately.

A download is a `poet.Job` of kind `report.download` or `answers.download`; its parameters say
which report, format, earlier wave and language, and its result names the file.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from poet.models import Job, Wave
from reports.models import ComparisonRun

REPORT_JOB = "report.download"
ANSWERS_JOB = "answers.download"
REPORT_KINDS = {"formative": _("Formative report"), "summative": _("Summative report")}
ANSWERS = "answers"  # the kind for the tidy raw answers (DESIGN §5)


def earlier_waves(wave: Wave) -> QuerySet[Wave]:
    """The waves a report may show change since: the partnership's waves started before this
    one that have results (a comparison run), newest first; never a later or unfinished wave."""
    started_before = Q(created_at__lt=wave.created_at) | Q(
        created_at=wave.created_at, pk__lt=wave.pk
    )
    has_results = Exists(ComparisonRun.objects.filter(wave=OuterRef("pk")))
    return (
        Wave.objects.filter(started_before, has_results, partnership=wave.partnership)
        .exclude(pk=wave.pk)
        .order_by("-created_at", "-pk")
    )


def recent_downloads(wave: Wave, *, include_answers: bool, limit: int = 10) -> list[Job]:
    """The wave's latest download jobs; raw answers only for those who may fetch them."""
    kinds = [REPORT_JOB, ANSWERS_JOB] if include_answers else [REPORT_JOB]
    return list(Job.objects.filter(wave=wave, kind__in=kinds).select_related("created_by")[:limit])


def report_language(job: Job) -> str:
    """The language a report job writes in: its `language` parameter, English for the jobs made
    before reports could be in Welsh (or with a language no longer offered)."""
    code = (job.parameters or {}).get("language")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    """A language by its own name, as the language switch shows it ("English", "Cymraeg")."""
    return str(dict(settings.LANGUAGES).get(code, code))
