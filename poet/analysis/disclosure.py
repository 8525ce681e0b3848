"""Disclosure control for linked tables: which figures of a release must be hidden, and why.

DESIGN section 4 "Small groups" and ``notes/disclosure-control.md``. A *linked table* is the set of
people behind one figure (an outcome measure, a process domain, the count of responses) split
into interior *cells* (organisation x staff group on the staff side, audience x user group on the
users' side) and the *margins* a release may show over them: each organisation, each group, the
total. n, sums, sums of squares, positive counts and Mann-Whitney U all add up over cells, so
every shown margin is one linear equation an attacker can combine with the others.

The attacker knows which cells have people and, where the staff list says so, how many (a cell's
*ceiling*). A release is safe when no cell, and no union of cells holding 1 to k-1 people, is
pinned by the shown margins: its count is the same for every non-negative solution of the
equations within the ceilings. That is decided exactly, without enumerating unions:

- the cells pinned at a bound (0 or their ceiling) are found by one linear programme over the
  feasible directions at the true counts (the bounds that are tight everywhere are the implicit
  equalities of the polytope);
- the remaining cells span the polytope's affine hull, so a union of them is pinned exactly when
  its indicator lies in the row space of the shown margins; a mixed-integer programme looks for
  such a union with 1 to k-1 people, smallest first.

Protection is primary (a margin of 1 to k-1 people), *over time* (a margin shown in an earlier
release that has changed by 1 to k-1 people since, which subtraction of the two releases would
give back), then secondary: while the audit finds a pinned union, the margin of the smallest
count among those that pin it is hidden (totals last), and the audit runs again. A release is
checked against every earlier one the same way, on the counts of people who changed.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .text import _

PRIMARY = "primary"
SECONDARY = "secondary"
OVER_TIME = "over_time"
REASONS: tuple[str, ...] = (PRIMARY, SECONDARY, OVER_TIME)

TOTAL = "all"
_TOLERANCE = 1e-7
# HiGHS's presolve (SciPy 1.17) has declared feasible unions infeasible, e.g. one person in
# "organisation minus staff group" beside the total: the audit would then miss a real leak.
# The programmes are small, so they are solved as written.
_NO_PRESOLVE = {"presolve": False}


def hidden_text(reason: str, k: int) -> str:
    """What a hidden cell says, in words, on every page and in every file."""
    if reason == SECONDARY:
        return _("hidden so a smaller group cannot be worked out")
    if reason == OVER_TIME:
        return _("hidden: fewer than %(k)s people changed since an earlier release") % {"k": k}
    return _("hidden: fewer than %(k)s people") % {"k": k}


def rule_text(k: int) -> str:
    """The rule, stated once on each page and in each file that shows figures about groups."""
    return _(
        "Figures about fewer than %(k)s people are hidden, and so is any figure from which a "
        "hidden one could be worked out, by subtraction from totals or from an earlier release."
    ) % {"k": k}


def check_k(k: int) -> int:
    """k is a count of people: a whole number of at least 1."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    return int(k)


@dataclass(frozen=True)
class LinkedTable:
    """Cells, and the margins a release may show over them (``membership[m, c]``)."""

    cells: tuple[Hashable, ...]
    margins: tuple[tuple[str, Hashable], ...]  # (breakdown, group); the total is (TOTAL, TOTAL)
    membership: npt.NDArray[np.bool_] = field(repr=False)

    def __post_init__(self) -> None:
        shape = (len(self.margins), len(self.cells))
        if self.membership.shape != shape:
            raise ValueError(f"membership must be {shape}, not {self.membership.shape}")

    @classmethod
    def of(
        cls,
        cells: Sequence[tuple[Hashable, ...]],
        breakdowns: Mapping[str, int],
        *,
        total: bool = True,
    ) -> LinkedTable:
        """Cells given as tuples of labels; ``breakdowns`` names each margin family and the
        position of its label in the cell tuple (organisation at 0, staff group at 1, say).
        Margins run: the total, then each breakdown's groups sorted by label."""
        cells = tuple(cells)
        margins: list[tuple[str, Hashable]] = []
        rows: list[np.ndarray] = []
        if total:
            margins.append((TOTAL, TOTAL))
            rows.append(np.ones(len(cells), dtype=bool))
        for breakdown, position in breakdowns.items():
            labels = [cell[position] for cell in cells]
            for label in sorted(set(labels), key=_sort_key):
                margins.append((breakdown, label))
                rows.append(np.array([value == label for value in labels], dtype=bool))
        membership = np.vstack(rows) if rows else np.zeros((0, len(cells)), dtype=bool)
        return cls(cells, tuple(margins), membership.reshape(len(margins), len(cells)))

    @classmethod
    def from_margins(
        cls,
        cells: Sequence[Hashable],
        margins: Mapping[tuple[str, Hashable], Sequence[int]],
    ) -> LinkedTable:
        """Any structure: each margin named with the positions of the cells it adds up."""
        membership = np.zeros((len(margins), len(cells)), dtype=bool)
        for row, members in enumerate(margins.values()):
            membership[row, list(members)] = True
        return cls(tuple(cells), tuple(margins), membership)

    def index(self, margin: tuple[str, Hashable]) -> int:
        return self.margins.index(margin)

    def margin_counts(self, n: np.ndarray) -> npt.NDArray[np.int64]:
        # numpy's stubs type ``@`` of arrays of unknown dtype as Any
        counts: npt.NDArray[np.int64] = self.membership.astype("int64") @ np.asarray(
            n, dtype="int64"
        )
        return counts


def _sort_key(value: Hashable) -> tuple[int, str]:
    return (0, "") if value is None else (1, str(value))


@dataclass(frozen=True)
class Earlier:
    """An earlier release of the same figure: which margins it showed, and how many people of
    each cell have joined or left since (both count: subtraction gives either back)."""

    shown: npt.NDArray[np.bool_]
    changed: npt.NDArray[np.int64]


@dataclass(frozen=True)
class Leak:
    """A union of cells an attacker can pin, and the shown margins that pin it."""

    cells: tuple[int, ...]
    people: int
    margins: tuple[int, ...]
    how: str  # "bounds" (pinned at 0 or its ceiling) or "linear" (a combination of margins)


@dataclass(frozen=True)
class Protection:
    """Per margin: hidden or not, and why ('' when shown)."""

    hidden: npt.NDArray[np.bool_]
    reason: npt.NDArray[np.object_]  # str per margin
    steps: int = 0  # secondary choices made (each followed by a fresh audit)

    @property
    def shown(self) -> npt.NDArray[np.bool_]:
        return ~self.hidden


def _ceilings(n: np.ndarray, ceiling: np.ndarray | None) -> npt.NDArray[np.float64]:
    if ceiling is None:
        return np.full(len(n), np.inf)
    top = np.asarray(ceiling, dtype="float64")
    # A list that cannot account for everyone who answered is no bound at all.
    return np.where(top >= n, top, np.inf)


def _pinned_at_bounds(a: np.ndarray, n: np.ndarray, top: np.ndarray) -> npt.NDArray[np.bool_]:
    """Cells pinned at 0 or at their ceiling by the equations ``a x = a n``.

    At the true counts ``n`` a cell at a bound is pinned unless some direction ``d`` with
    ``a d = 0`` moves it inward while every other cell at a bound stays inside. The directions
    form a cone, so one programme maximising the inward movement of all of them at once finds
    every cell that can move.
    """
    low = n <= 0
    high = n >= top
    at_bound = low | high
    pinned = np.zeros(len(n), dtype=bool)
    if not at_bound.any():
        return pinned
    cells = len(n)
    bound = np.flatnonzero(at_bound)
    # variables: d (cells), s (one per cell at a bound); maximise sum(s)
    objective = np.r_[np.zeros(cells), -np.ones(len(bound))]
    # Each cell's movement is capped at 1 but the directions are not: the cone is closed under
    # sums, so every cell that can move reaches 1 in the same optimum.
    reach = 1e4
    lower = np.r_[np.where(low, 0.0, -reach), np.zeros(len(bound))]
    upper = np.r_[np.where(high, 0.0, reach), np.ones(len(bound))]
    lower[bound[low[bound] & high[bound]]] = 0.0  # a cell with no room at all stays put
    rows = []
    for j, c in enumerate(bound):
        row = np.zeros(cells + len(bound))
        row[cells + j] = 1.0
        row[c] = -1.0 if low[c] else 1.0  # s <= d (may grow) or s <= -d (may shrink)
        rows.append(row)
    inequality = np.vstack(rows)
    equality = np.hstack([a, np.zeros((a.shape[0], len(bound)))]) if a.shape[0] else None
    result = linprog(
        objective,
        A_ub=inequality,
        b_ub=np.zeros(len(bound)),
        A_eq=equality,
        b_eq=np.zeros(a.shape[0]) if a.shape[0] else None,
        bounds=list(zip(lower, upper, strict=True)),
        method="highs",
        options=_NO_PRESOLVE,
    )
    if result.status != 0:  # pragma: no cover - the zero direction is always feasible
        raise RuntimeError(f"disclosure audit: {result.message}")
    movement = result.x[cells:]
    pinned[bound[movement <= 1e-6]] = True
    return pinned


def find_leak(
    membership: np.ndarray,
    n: Sequence[int] | np.ndarray,
    k: int,
    *,
    ceiling: np.ndarray | None = None,
) -> Leak | None:
    """The smallest pinned cell or union of 1 to k-1 people under the shown margins
    (``membership``: one row per shown margin), or None when there is none.

    ``Leak.margins`` indexes the rows of ``membership`` that take part in pinning it.
    """
    k = check_k(k)
    counts = np.asarray(n, dtype="int64")
    if len(counts) == 0:
        return None
    a = np.asarray(membership, dtype="float64").reshape(-1, len(counts))
    small = (counts >= 1) & (counts < k)
    if not small.any() or a.shape[0] == 0:
        return None
    top = _ceilings(counts, ceiling)
    pinned = _pinned_at_bounds(a, counts.astype("float64"), top)
    pinned_small = np.flatnonzero(pinned & small)
    if len(pinned_small):
        c = int(pinned_small[np.argmin(counts[pinned_small])])
        return Leak((c,), int(counts[c]), tuple(np.flatnonzero(a[:, c] > 0).tolist()), "bounds")
    free = np.flatnonzero(~pinned)
    if not (small[free]).any():
        return None
    return _linear_leak(a[:, free], counts[free], free, k)


def _linear_leak(a: np.ndarray, counts: np.ndarray, cells: np.ndarray, k: int) -> Leak | None:
    """A union of cells with 1 to k-1 people whose indicator is a combination of the rows of
    ``a``: binary z (cells), real y (margins), ``a.T y = z``."""
    margins, width = a.shape
    # Cells of k or more people can never be in a union below k.
    may = counts < k
    limit = float(margins + 1)
    objective = np.r_[counts.astype("float64"), np.zeros(margins)]
    integrality = np.r_[np.ones(width), np.zeros(margins)]
    lower = np.r_[np.zeros(width), np.full(margins, -limit)]
    upper = np.r_[may.astype("float64"), np.full(margins, limit)]
    combination = np.hstack([-np.eye(width), a.T])
    people = np.r_[counts.astype("float64"), np.zeros(margins)]
    result = milp(
        objective,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=[
            LinearConstraint(combination, 0.0, 0.0),
            LinearConstraint(people[None, :], 1.0, float(k - 1)),
        ],
        options=_NO_PRESOLVE,
    )
    if result.status != 0 or result.x is None:
        return None
    chosen = np.flatnonzero(result.x[:width] > 0.5)
    weights = result.x[width:]
    return Leak(
        tuple(int(cells[c]) for c in chosen),
        int(counts[chosen].sum()),
        tuple(np.flatnonzero(np.abs(weights) > 1e-6).tolist()),
        "linear",
    )


def _still_pins(
    membership: np.ndarray, leak: Leak, n: np.ndarray, ceiling: np.ndarray | None, k: int
) -> bool:
    """Whether the shown margins still pin this particular union."""
    if leak.how == "bounds":
        counts = np.asarray(n, dtype="int64")
        a = membership.astype("float64").reshape(-1, len(counts))
        if a.shape[0] == 0:
            return False
        pinned = _pinned_at_bounds(a, counts.astype("float64"), _ceilings(counts, ceiling))
        return bool(pinned[list(leak.cells)].all())
    target = np.zeros(membership.shape[1])
    target[list(leak.cells)] = 1.0
    a = membership.astype("float64")
    if a.shape[0] == 0:
        return False
    weights, *_ = np.linalg.lstsq(a.T, target, rcond=None)
    return bool(np.abs(a.T @ weights - target).max() < 1e-6)


def protect(
    table: LinkedTable,
    n: Sequence[int] | np.ndarray,
    k: int,
    *,
    ceiling: Sequence[float] | np.ndarray | None = None,
    earlier: Sequence[Earlier] = (),
    withheld: np.ndarray | None = None,
) -> Protection:
    """Choose the margins of one figure to hide so that nothing below k can be pinned, now or by
    subtraction from an earlier release.

    ``n``: people behind the figure in each cell (don't know is not an answer). ``ceiling``: what
    the attacker knows of each cell's size (the staff list; None or inf where unknown).
    ``withheld``: margins the caller hides anyway (they count as hidden, reason kept empty).
    A margin of 0 people hides nothing (it describes nobody).
    """
    k = check_k(k)
    counts = np.asarray(n, dtype="int64")
    if counts.shape != (len(table.cells),):
        raise ValueError(f"n must have one count per cell ({len(table.cells)}), not {counts.shape}")
    if (counts < 0).any():
        raise ValueError("n must not be negative")
    top = None if ceiling is None else np.asarray(ceiling, dtype="float64")
    membership = table.membership
    margin_n = table.margin_counts(counts)
    reason = np.full(len(table.margins), "", dtype=object)
    hidden = np.zeros(len(table.margins), dtype=bool)
    if withheld is not None:
        hidden |= np.asarray(withheld, dtype=bool)
    primary = (margin_n >= 1) & (margin_n < k) & ~hidden
    hidden |= primary
    reason[primary] = PRIMARY
    changes = [
        (np.asarray(e.shown, dtype=bool), np.asarray(e.changed, dtype="int64")) for e in earlier
    ]
    for shown_before, changed in changes:
        moved = table.margin_counts(changed)
        over = shown_before & ~hidden & (moved >= 1) & (moved < k)
        hidden |= over
        reason[over] = OVER_TIME
    # Totals last; a margin of nobody only when nothing else will do (hiding it frees a union
    # in name only: the union with it is as small); then the margin of fewest people, then the
    # first in table order.
    keep = np.array([m[0] == TOTAL for m in table.margins])
    order = np.lexsort((np.arange(len(margin_n)), margin_n, margin_n == 0, keep))
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    search = _Search(membership, counts, top, changes, k, keep, rank)
    # First without touching a total; only when that cannot succeed, with totals allowed.
    for allow_total in (False, True):
        result = search.run(hidden, reason, allow_total=allow_total)
        if result is not None:
            return result
    raise RuntimeError("disclosure control found no safe release")  # pragma: no cover


@dataclass
class _Search:
    """Greedy secondary suppression: audit, hide one margin, audit again."""

    membership: np.ndarray
    counts: np.ndarray
    top: np.ndarray | None
    changes: list[tuple[np.ndarray, np.ndarray]]
    k: int
    keep: np.ndarray
    rank: np.ndarray

    def leak(
        self, hidden: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Leak] | None:
        """The first pinned union, now or against an earlier release."""
        systems: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = [
            (~hidden, self.counts, self.top)
        ]
        systems += [(~hidden & before, changed, None) for before, changed in self.changes]
        for shown, values, bound in systems:
            rows = np.flatnonzero(shown)
            found = find_leak(self.membership[rows], values, self.k, ceiling=bound)
            if found is not None:
                return rows, values, bound, found
        return None

    def frees(
        self,
        rows: np.ndarray,
        margin: int,
        leak: Leak,
        values: np.ndarray,
        bound: np.ndarray | None,
    ) -> bool:
        return not _still_pins(self.membership[rows[rows != margin]], leak, values, bound, self.k)

    def run(
        self, hidden: np.ndarray, reason: np.ndarray, *, allow_total: bool
    ) -> Protection | None:
        hidden, reason = hidden.copy(), reason.copy()
        steps = 0
        while True:
            found = self.leak(hidden)
            if found is None:
                return Protection(hidden=hidden, reason=reason, steps=steps)
            rows, values, bound, leak = found
            by_rank = sorted({int(rows[m]) for m in leak.margins}, key=lambda m: self.rank[m])
            if not allow_total:
                by_rank = [m for m in by_rank if not self.keep[m]]
            if leak.how == "bounds" or not by_rank:
                # A union pinned at its bounds may be freed by a margin that does not contain
                # it (the tight one next door): every shown margin is a candidate.
                others = sorted((int(m) for m in rows), key=lambda m: self.rank[m])
                others = [m for m in others if allow_total or not self.keep[m]]
                by_rank = by_rank + [m for m in others if m not in by_rank]
            if not by_rank:
                return None
            # The smallest margin that frees this union alone, else the smallest of those that
            # pin it (the next audit shows what still does).
            choice = next(
                (m for m in by_rank if self.frees(rows, m, leak, values, bound)), by_rank[0]
            )
            hidden[choice] = True
            reason[choice] = SECONDARY
            steps += 1


def margin_frame(table: LinkedTable, protection: Protection, n: np.ndarray) -> pd.DataFrame:
    """The margins with their people and what protection decided, for notes and tests."""
    return pd.DataFrame(
        {
            "breakdown": [m[0] for m in table.margins],
            "group": [m[1] for m in table.margins],
            "n": table.margin_counts(np.asarray(n, dtype="int64")),
            "hidden": protection.hidden,
            "reason": protection.reason,
        }
    )
