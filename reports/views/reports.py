"""The formative and summative report pages: thin views over `reports.content` builders.

Both read the wave's latest stored comparison run only; every view is written to the audit log.
?compare=<earlier-wave-slug> adds change since that wave.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from reports.content.display import display_report
from reports.selectors.downloads import earlier_waves
from reports.selectors.runs import latest_run
from reports.services.reports import view_report


def _compare_with(access: Access, wave: Wave, slug: str) -> tuple[Wave | None, str]:
    """The earlier wave asked for with ?compare=, or None and a message saying why not."""
    if not slug:
        return None, ""
    other = earlier_waves(wave).filter(slug=slug).first()
    if other is None:
        return None, (
            "That wave cannot be compared with this one (change is shown since an earlier wave "
            "with results): showing this wave alone."
        )
    return other, ""


def _report(
    request: HttpRequest, access: Access, wave: Wave, kind: Literal["formative", "summative"]
) -> HttpResponse:
    compare_with, compare_error = _compare_with(
        access, wave, request.GET.get("compare", "").strip()
    )
    report = view_report(wave, kind, actor=request.user, compare_with=compare_with)
    sections = display_report(report)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "report": report,
        "run": latest_run(wave) if report.run_id else None,
        "sections": sections,
        "charts": any(b["kind"] == "chart" for s in sections for b in s["blocks"]),
        "compare_with": compare_with,
        "compare_error": compare_error,
        "other_waves": list(access.partnership.waves.exclude(pk=wave.pk).order_by("created_at")),
        "can_run": access.can(Right.EVALUATE),
    }
    return render(request, "reports/report/page.html", context)


@wave_view(Right.VIEW_REPORTS)
def formative(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """How well partners work together (DESIGN §1): the formative report of a wave."""
    return _report(request, access, wave, "formative")


@wave_view(Right.VIEW_REPORTS)
def summative(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Are the outcomes explicit, right and achieved: the summative report of a wave."""
    return _report(request, access, wave, "summative")
