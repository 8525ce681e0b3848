"""A release: everything one run of a wave shows, protected together (DESIGN section 4).

Every table of a run (comparison rows, process domains, consensus, top picks, the staff summary of
the shortlist) asks the same ``Release`` which margins of a figure it may show. The release knows
the structure an attacker knows (which organisation x staff group cells have people and how many
the staff list says; which audience x user group cells the participant register has), protects
each figure once over *all* the margins any table shows of it, and keeps every decision with its
reason: the disclosure note. Tables that show the same figure therefore hide the same things, and
an earlier release's note is what the next one is checked against over time.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import TOTAL, Earlier, LinkedTable, Protection, check_k, protect

STAFF_SIDE = "staff"
USERS_SIDE = "users"
SIDE_BREAKDOWNS: dict[str, dict[str, int]] = {
    STAFF_SIDE: {"organisation": 0, "staff_group": 1},
    USERS_SIDE: {"audience": 0},
}
NOTE_COLUMNS: tuple[str, ...] = ("figure", "side", "breakdown", "group", "n", "reason")

Cell = tuple[Hashable, Hashable]
Margin = tuple[str, Hashable]  # (breakdown, group); the total is (TOTAL, TOTAL)


@dataclass(frozen=True)
class EarlierRelease:
    """What an earlier release showed (its note) and how many people of each cell have joined
    or left since (``changed[side][cell]``, every cell of the side's structure; a side missing
    there is not compared)."""

    note: pd.DataFrame
    changed: Mapping[str, Mapping[Cell, int]] = field(default_factory=dict)


@dataclass
class _Side:
    table: LinkedTable
    ceiling: np.ndarray | None
    index: dict[Cell, int]


def _structure(cells: Iterable[Cell], ceilings: Mapping[Cell, float] | None, side: str) -> _Side:
    ordered = sorted(set(cells), key=lambda c: tuple(str(v) for v in c))
    table = LinkedTable.of(ordered, SIDE_BREAKDOWNS[side])
    ceiling = None
    if ceilings is not None:
        ceiling = np.array([float(ceilings.get(c, np.inf)) for c in ordered])
    return _Side(table, ceiling, {c: i for i, c in enumerate(ordered)})


class Release:
    """The protection of one release, figure by figure, with its disclosure note."""

    def __init__(
        self,
        k: int,
        *,
        staff_cells: Iterable[Cell] = (),
        user_cells: Iterable[Cell] = (),
        staff_ceilings: Mapping[Cell, float] | None = None,
        user_ceilings: Mapping[Cell, float] | None = None,
        earlier: Sequence[EarlierRelease] = (),
    ) -> None:
        self.k = check_k(k)
        self._cells = {STAFF_SIDE: set(staff_cells), USERS_SIDE: set(user_cells)}
        self._ceilings = {STAFF_SIDE: staff_ceilings, USERS_SIDE: user_ceilings}
        self._sides: dict[str, _Side] = {}
        self._earlier = list(earlier)
        # (side, people per cell, (shown, changed) of each earlier release), all as bytes
        self._cache: dict[tuple[str, bytes, tuple[tuple[bytes, bytes], ...]], Protection] = {}
        self._decisions: dict[tuple[str, str], pd.DataFrame] = {}

    def add_cells(self, side: str, cells: Iterable[Cell]) -> None:
        """Cells found in the data (an organisation answering through an import, say); only
        before the first figure of the side is protected, so every figure sees one structure."""
        new = set(cells) - self._cells[side]
        if not new:
            return
        if side in self._sides:
            raise RuntimeError(f"the {side} structure is fixed once a figure has been protected")
        self._cells[side] |= new

    def side(self, side: str) -> _Side:
        if side not in self._sides:
            self._sides[side] = _structure(self._cells[side], self._ceilings[side], side)
        return self._sides[side]

    def margins(self, side: str) -> tuple[Margin, ...]:
        return self.side(side).table.margins

    def protect(self, figure: str, side: str, people: Mapping[Cell, int]) -> dict[Margin, str]:
        """Decisions for one figure: margin -> reason ('' when shown). ``people``: how many
        people each cell has behind this figure (cells not named have none)."""
        key = (figure, side)
        if key in self._decisions:
            frame = self._decisions[key]
            margins: Iterable[Margin] = zip(frame["breakdown"], frame["group"], strict=True)
            return dict(zip(margins, frame["reason"], strict=True))
        structure = self.side(side)
        unknown = set(people) - set(structure.index)
        if unknown:
            raise ValueError(f"{side} cells not in the release's structure: {sorted(unknown)}")
        n = np.zeros(len(structure.index), dtype="int64")
        for cell, count in people.items():
            n[structure.index[cell]] = int(count)
        found = [self._earlier_of(e, figure, side, structure) for e in self._earlier]
        earlier = [e for e in found if e is not None]
        cache_key = (
            side,
            n.tobytes(),
            tuple((e.shown.tobytes(), e.changed.tobytes()) for e in earlier),
        )
        protection = self._cache.get(cache_key)
        if protection is None:
            ceiling = structure.ceiling
            if (n == 0).any():
                # A cell with staff but nobody behind this figure (they answered "don't know", or
                # another question) is taken as known to be empty: the stronger attacker, who
                # knows who answered what, so that cell cannot cover a neighbour left alone.
                ceiling = np.where(n == 0, 0.0, np.inf if ceiling is None else ceiling)
            protection = protect(structure.table, n, self.k, ceiling=ceiling, earlier=earlier)
            self._cache[cache_key] = protection
        margins = structure.table.margins
        self._decisions[key] = pd.DataFrame(
            {
                "figure": figure,
                "side": side,
                "breakdown": [m[0] for m in margins],
                "group": [m[1] for m in margins],
                "n": structure.table.margin_counts(n),
                "reason": protection.reason,
            }
        )
        return dict(zip(margins, protection.reason, strict=True))

    @staticmethod
    def _earlier_of(
        earlier: EarlierRelease, figure: str, side: str, structure: _Side
    ) -> Earlier | None:
        note = earlier.note
        mine = note[(note["figure"] == figure) & (note["side"] == side)]
        if mine.empty:
            return None
        shown_then = {
            (b, g)
            for b, g, r in zip(mine["breakdown"], mine["group"], mine["reason"], strict=True)
            if not r
        }
        shown = np.array([m in shown_then for m in structure.table.margins], dtype=bool)
        changes = earlier.changed.get(side)
        if changes is None:
            return None
        changed = np.array([int(changes.get(c, 0)) for c in structure.index], dtype="int64")
        return Earlier(shown=shown, changed=changed)

    def note(self) -> pd.DataFrame:
        """Every margin of every figure protected so far: its people and why it is hidden."""
        if not self._decisions:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in NOTE_COLUMNS}).astype(
                {"n": "int64"}
            )
        frame = pd.concat(list(self._decisions.values()), ignore_index=True)
        return frame[list(NOTE_COLUMNS)]


def release_for(
    k: int,
    release: Release | None,
    *,
    staff_cells: Iterable[Cell] = (),
    user_cells: Iterable[Cell] = (),
) -> Release:
    """The caller's release with the cells of its data added, or a release of its own."""
    if release is None:
        return Release(k, staff_cells=staff_cells, user_cells=user_cells)
    if release.k != check_k(k):
        raise ValueError(f"k={k} differs from the release's k={release.k}")
    release.add_cells(STAFF_SIDE, staff_cells)
    release.add_cells(USERS_SIDE, user_cells)
    return release


__all__ = [
    "NOTE_COLUMNS",
    "STAFF_SIDE",
    "TOTAL",
    "USERS_SIDE",
    "EarlierRelease",
    "Release",
    "release_for",
]
