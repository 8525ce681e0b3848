"""The staff figures the follow-up shortlist is chosen from, read through a registry.

The figures are those of the wave's latest comparison run: a release computed once from the
closed staff survey and protected with the rest of the run. Runs belong to the reports part,
which outcomes may not import (layers: poet ← surveys ← outcomes ← reports), so reports registers
its reader here when it starts (``ReportsConfig.ready``), as the survey engine takes the
follow-up's link starter. With no reader registered, there are no figures yet.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from poet.models import Wave


@dataclass(frozen=True)
class StaffFigures:
    """What the shortlist reads of one stored release: records as the run keeps them."""

    k: int  # the minimum reporting group size the release was protected with
    n_staff: int
    computed_at: datetime.datetime | None
    summary: list[dict] = field(default_factory=list)  # per outcome and measure
    consensus: list[dict] = field(default_factory=list)  # agreement per outcome and measure
    top_picks: list[dict] = field(default_factory=list)  # per outcome and audience


Reader = Callable[[Wave], StaffFigures | None]

_reader: Reader | None = None


def register_staff_figures(reader: Reader) -> None:
    """Say where the staff figures of a wave come from (called once, at start-up)."""
    global _reader
    _reader = reader


def staff_figures(wave: Wave) -> StaffFigures | None:
    """The staff figures of the wave's latest release, or None when none is computed yet."""
    return _reader(wave) if _reader is not None else None
