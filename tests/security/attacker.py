"""The linear-programming attacker of notes/disclosure-control.md, written apart from the engine.

It knows the cells that have people (the staff list), their sizes where the list says so, and the
figures shown. For every cell and every union of cells holding 1 to k-1 people it asks SciPy's
``linprog`` for the smallest and largest count consistent with the shown figures: equal bounds
mean the attacker has pinned that group. Unions are enumerated outright, so this is only for the
small structures tests generate (up to about 12 cells); it shares no code with the engine, so a
mistake in one is caught by the other.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

STATS: Counter = Counter()  # what the attacker tried, for docs/reliability.md


@dataclass(frozen=True)
class Pinned:
    cells: tuple[int, ...]
    people: int
    value: float


def count_range(
    equations: np.ndarray, totals: np.ndarray, ceilings: np.ndarray, union: Sequence[int]
) -> tuple[float, float]:
    """Smallest and largest possible count of ``union`` given ``equations @ x = totals``."""
    cells = equations.shape[1]
    objective = np.zeros(cells)
    objective[list(union)] = 1.0
    bounds = [(0, None if not np.isfinite(c) else float(c)) for c in ceilings]
    kwargs = {"bounds": bounds, "method": "highs"}
    if len(equations):
        kwargs.update(A_eq=equations, b_eq=totals)
    low = linprog(objective, **kwargs)
    high = linprog(-objective, **kwargs)
    assert low.status == 0, low.message
    top = np.inf if high.status == 3 else -high.fun
    return float(low.fun), float(top)


def pinned_groups(
    shown: np.ndarray,
    people: np.ndarray,
    k: int,
    *,
    ceilings: np.ndarray | None = None,
    max_union: int | None = None,
) -> list[Pinned]:
    """Every cell and union of cells with 1 to k-1 people whose count the shown figures pin.

    ``shown``: one 0/1 row per shown figure over the cells; ``people``: the true count per cell.
    """
    people = np.asarray(people, dtype="int64")
    cells = len(people)
    equations = np.asarray(shown, dtype="float64").reshape(-1, cells)
    totals = equations @ people
    top = np.full(cells, np.inf) if ceilings is None else np.asarray(ceilings, dtype="float64")
    top = np.where(top >= people, top, np.inf)
    found = []
    STATS["figures"] += 1
    STATS["cells"] += int((people > 0).sum())
    STATS["shown margins"] += len(equations)
    candidates = [c for c in range(cells) if people[c] < k]
    largest = len(candidates) if max_union is None else max_union
    for size in range(1, largest + 1):
        for union in itertools.combinations(candidates, size):
            count = int(people[list(union)].sum())
            if not 1 <= count < k:
                continue
            low, high = count_range(equations, totals, top, union)
            STATS["groups below k audited"] += 1
            if high - low < 1e-6:
                found.append(Pinned(union, count, low))
    return found
