"""The header every report shares (title, partnership, wave, k, run, the wave compared with),
built once here for the formative and summative reports and the comparison table alike."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from poet.models import Wave
from reports.content.words import _
from reports.documents import Report, ReportKind
from reports.models import ComparisonRun

TITLES: dict[str, str] = {
    "formative": gettext_noop("Formative report"),
    "summative": gettext_noop("Summative report"),
    "comparison": gettext_noop("Comparison table"),
}


def report_header(
    wave: Wave,
    kind: ReportKind,
    *,
    run: ComparisonRun | None,
    compare_with: Wave | None = None,
) -> Report:
    """A report of the wave with its header filled in and no sections yet. ``run`` is the
    comparison run its figures come from (None when the wave has none: k is then the
    partnership's minimum group size)."""
    return Report(
        kind=kind,
        title=_("%(report)s: %(wave)s", report=_(TITLES[kind]), wave=wave.name),
        partnership=wave.partnership.name,
        wave=wave.name,
        k=run.k if run else wave.partnership.minimum_group_size,
        generated_at=timezone.now(),
        run_id=run.pk if run else None,
        compared_with=compare_with.name if compare_with else None,
    )
