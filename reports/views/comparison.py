"""Pages of comparison runs: start one (evaluators), read and download the results (reports)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from poet.analysis import hidden_text
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from reports.content.common import (
    MEASURE_LABELS,
    disclosure_section,
    label,
    outcome_texts,
    reason_of,
)
from reports.content.display import display_table
from reports.documents import Table
from reports.models import ComparisonRow
from reports.selectors.runs import latest_job, latest_run, run_rows
from reports.services.comparison import start_comparison
from reports.services.downloads import download_comparison


def _results_url(access: Access, wave: Wave) -> str:
    return reverse(
        "reports:comparison", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


@dataclass(frozen=True)
class ShownRow:
    """A stored comparison row with what the page adds: its statement, why it is hidden, and
    its measure in the reader's language."""

    row: ComparisonRow
    outcome_text: str
    hidden_text: str
    measure_label: str = ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


@wave_view(Right.VIEW_REPORTS)
def results(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The latest run's figures for all staff against all users and carers."""
    run = latest_run(wave)
    found = list(run_rows(run, "all")) if run else []
    texts = outcome_texts(wave, {row.outcome for row in found})
    rows = [
        ShownRow(
            row,
            texts.get(row.outcome, ""),
            hidden_text(reason_of(row), run.k) if run and row.suppressed else "",
            label(MEASURE_LABELS, row.measure),
        )
        for row in found
    ]
    disclosure = disclosure_section(run) if run else None
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "run": run,
        "rows": rows,
        "job": latest_job(wave),
        "can_run": access.can(Right.EVALUATE),
        "disclosure": disclosure,
        "disclosure_tables": [
            display_table(t)
            for t in (disclosure.blocks if disclosure else [])
            if isinstance(t, Table)
        ],
    }
    return render(request, "reports/results.html", context)


@wave_view(Right.EVALUATE)
def run(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Start a comparison (POST) and send the person to its progress page; GET goes back."""
    if request.method != "POST":
        return redirect(_results_url(access, wave))
    job = start_comparison(wave, request.user, language=translation.get_language())
    job_url = reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
    back = request.POST.get("next", "")
    if not back.startswith(f"/p/{access.partnership.slug}/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = _results_url(access, wave)
    return redirect(f"{job_url}?{urlencode({'next': back})}")


@wave_view(Right.VIEW_REPORTS)
def download(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The latest run as the export CSV; each download goes in the audit log."""
    run = latest_run(wave)
    if run is None:
        return redirect(_results_url(access, wave))
    response = HttpResponse(
        download_comparison(run, actor=request.user), content_type="text/csv; charset=utf-8"
    )
    filename = f"{access.partnership.slug}-{wave.slug}-comparison.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
