"""Reading a report on screen: the formative or summative report of a wave, each view in the
audit log (who read which figures, and when)."""

from __future__ import annotations

from typing import Literal

from poet.models import Wave
from poet.services import record_audit
from reports.content import BUILDERS
from reports.documents import Report


def view_report(
    wave: Wave,
    kind: Literal["formative", "summative"],
    *,
    actor,
    compare_with: Wave | None = None,
) -> Report:
    """The report of a wave as the page shows it, its viewing recorded."""
    report = BUILDERS[kind](wave, compare_with=compare_with)
    record_audit(
        "report.viewed",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        wave=wave.slug,
        kind=kind,
        run=report.run_id,
        compared_with=compare_with.slug if compare_with else None,
    )
    return report
