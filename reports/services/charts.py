"""A new comparison run's charts drawn ahead, so that even its first PDF only reads them.

Drawing a report's charts (kaleido driving Chromium) is the largest part of a run's first PDF
(≈ 1.5 s of 4–4.5 s for a summative report, issue 19); every later PDF of the run reads the images
kept by `reports.exporters.chart_images`. So when a worker stores a new run it queues a job of
kind `report.charts` that builds the formative and summative reports of the run and keeps their
charts, in English and in the language of the person who started the run: by the time anyone
asks for a PDF, its charts are kept. Only on background workers: where jobs run in-process (the
embedded demo, most tests), drawing ahead would start Chromium inside the comparison's request,
and the first PDF draws what it needs anyway. `POET_CHARTS_AHEAD=false` turns it off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from poet.models import Job
from poet.services import JobRefused, jobs_run_in_background, start_job
from reports.exporters.pdf import keep_report_charts
from reports.models import ComparisonRun
from reports.selectors.downloads import REPORT_KINDS
from reports.selectors.runs import latest_run
from reports.services.downloads import build_report

CHARTS_JOB = "report.charts"


def draw_charts_ahead(run: ComparisonRun, language: str | None = None) -> Job | None:
    """Queue the drawing of a new run's charts (see the module's note); None where it is not
    done: turned off, or jobs run in-process."""
    if not settings.POET_CHARTS_AHEAD or not jobs_run_in_background():
        return None
    languages = [settings.LANGUAGE_CODE]
    if language in dict(settings.LANGUAGES) and language not in languages:
        languages.append(language)
    wave = run.wave
    return start_job(
        CHARTS_JOB, partnership=wave.partnership, wave=wave, run=run.pk, languages=languages
    )


def draw_run_charts(job: Job, progress: Callable[..., None]) -> dict[str, Any]:
    """The work of a `report.charts` job: keep the charts of the run's reports. A run replaced
    before its turn came is skipped: the new run's own job draws the charts people will read."""
    wave = job.wave
    if wave is None:
        raise JobRefused(_("This job no longer has its wave."))
    run_id = job.parameters.get("run")
    latest = latest_run(wave)
    if latest is None or latest.pk != run_id:
        return {"run": run_id, "drawn": 0, "skipped": "a later run replaced it"}
    wanted = [
        code for code in job.parameters.get("languages", []) if code in dict(settings.LANGUAGES)
    ]
    drawn = missing = 0
    steps = [(language, kind) for language in wanted for kind in sorted(REPORT_KINDS)]
    for step, (language, kind) in enumerate(steps, start=1):
        with translation.override(language):
            report = build_report(wave, kind)
            if report.run_id != run_id:  # replaced while this job ran
                break
            new, failed = keep_report_charts(report)
        drawn, missing = drawn + new, missing + failed
        progress(
            step / len(steps),
            _("Charts drawn for %(count)s of %(total)s reports")
            % {"count": step, "total": len(steps)},
        )
    return {"run": run_id, "drawn": drawn, "not_drawn": missing}
