"""The staff figures of a wave's latest comparison run, for the follow-up shortlist.

Outcomes may not import reports, so this reader is registered with
`outcomes.selectors.staff_figures` in `ReportsConfig.ready`.
"""

from outcomes.selectors.staff_figures import StaffFigures
from poet.models import Wave
from reports.selectors.runs import latest_run


def latest_staff_figures(wave: Wave) -> StaffFigures | None:
    """What the shortlist reads of the wave's latest run; None when no run is computed yet."""
    run = latest_run(wave)
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
