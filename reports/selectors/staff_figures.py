"""The staff figures of a wave's latest comparison run, for the follow-up shortlist.

Outcomes may not import reports, so this reader is registered with
`outcomes.selectors.staff_figures` in `ReportsConfig.ready`.
"""

from outcomes.selectors.staff_figures import StaffFigures
from poet.models import Wave
from reports.selectors.runs import latest_run

# What the shortlist reads of a run: its small JSON tables, never the per-cell members or the
# disclosure note (hundreds of kilobytes at national scale), so the page costs the same at any size.
FIELDS = ("wave", "k", "n_staff", "finished_at", "staff_summary", "staff_consensus", "top_picks")


def latest_staff_figures(wave: Wave) -> StaffFigures | None:
    """What the shortlist reads of the wave's latest run; None when no run is computed yet."""
    run = latest_run(wave, only=FIELDS)
    if run is None:
        return None
    return StaffFigures(
        k=run.k,
        n_staff=run.n_staff,
        computed_at=run.finished_at,
        summary=run.staff_summary,
        consensus=run.staff_consensus,
        top_picks=run.top_picks,
    )
