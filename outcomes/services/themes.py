"""The framework matrix as a file (issue 16, item 5): it holds coded passages, so each download
is audited."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from outcomes.models import FollowUpSchedule
from outcomes.selectors.themes import Matrix
from poet.services import record_audit
from poet.spreadsheet import neutralise


def export_framework_matrix(schedule: FollowUpSchedule, matrix: Matrix, *, actor) -> str:
    """One line per person or source, one column per theme: the first passage's words and how
    many more; cells that cannot run as formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            neutralise(v)
            for v in (_("Person or source"), _("Who"), *(t.label for t in matrix.themes))
        ]
    )
    for row in matrix.rows:
        cells = [
            (c.first + (" " + _("(and %(more)s more)") % {"more": c.more} if c.more else ""))
            if c.first
            else ""
            for c in row.cells
        ]
        writer.writerow([neutralise(v) for v in (row.label, row.audience, *cells)])
    wave = schedule.wave
    record_audit(
        "themes.matrix_exported",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        wave=wave.slug,
        rows=len(matrix.rows),
        themes=len(matrix.themes),
    )
    return out.getvalue()
