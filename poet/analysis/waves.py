"""Change between two waves of the same audience (DESIGN section 4, "Waves").

Reuses the two-sample engine of ``comparison``: the earlier wave plays the part of staff and the
later wave that of users, so mean_diff = later - earlier and U is the later wave's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import numpy as np
import pandas as pd

from .comparison import (
    DIFFERENCE_FIGURES,
    SIDE_FIGURES,
    Progress,
    compare_counts,
    outcome_figure,
    stronger,
)
from .frames import MEASURES, STAFF, USER_AUDIENCES
from .release import STAFF_SIDE, TOTAL, USERS_SIDE, Margin, Release
from .statistics import COUNT_COLUMNS, align_counts, outcome_counts
from .suppression import check_k

USERS_AND_CARERS = "users_and_carers"
WAVE_AUDIENCES: tuple[str, ...] = (STAFF, USERS_AND_CARERS, *USER_AUDIENCES)

WAVE_COLUMNS: tuple[str, ...] = (
    "outcome",
    "measure",
    "audience",
    *(f"{figure}_earlier" for figure in SIDE_FIGURES),
    *(f"{figure}_later" for figure in SIDE_FIGURES),
    *DIFFERENCE_FIGURES,
    "suppressed",
    "suppression",
)


def _audience_counts(outcome_answers: pd.DataFrame, check_unique: bool) -> pd.DataFrame:
    base = outcome_counts(outcome_answers, check_unique=check_unique)
    keys = ["outcome", "measure", "audience"]
    counts = base.groupby(keys, sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    users = counts[counts["audience"].isin(USER_AUDIENCES)]
    together = users.groupby(["outcome", "measure"], sort=True)[list(COUNT_COLUMNS)].sum()
    together = together.reset_index().assign(audience=USERS_AND_CARERS)
    return pd.concat([counts, together], ignore_index=True)


def _protect_waves(
    grid: pd.DataFrame, x: np.ndarray, y: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each wave is its own release: staff as one total, service users and carers as the two
    audiences of ``users_and_carers``. A row is hidden when either wave hides its margin."""
    margin_of = {
        STAFF: (STAFF_SIDE, (TOTAL, TOTAL)),
        USERS_AND_CARERS: (USERS_SIDE, (TOTAL, TOTAL)),
        **{audience: (USERS_SIDE, ("audience", audience)) for audience in USER_AUDIENCES},
    }
    n_rows = {"earlier": x.sum(axis=1), "later": y.sum(axis=1)}
    releases = {
        wave: Release(
            k,
            staff_cells=[(STAFF, STAFF)],
            user_cells=[(audience, "") for audience in USER_AUDIENCES],
        )
        for wave in n_rows
    }
    reasons = np.full(len(grid), "", dtype=object)
    groups = grid.groupby(["outcome", "measure"], sort=False).groups
    # Grouped by two columns, the group names are tuples; the stubs type them as Hashable.
    for (outcome, measure), rows in cast(
        "Iterable[tuple[tuple[str, str], pd.Index]]", groups.items()
    ):
        decided: dict[str, dict[str, dict[Margin, str]]] = {}
        for wave, release in releases.items():
            n = dict(zip(grid.loc[rows, "audience"], n_rows[wave][rows], strict=True))
            figure = outcome_figure(outcome, measure)
            decided[wave] = {
                STAFF_SIDE: release.protect(figure, STAFF_SIDE, {(STAFF, STAFF): n.get(STAFF, 0)}),
                USERS_SIDE: release.protect(
                    figure,
                    USERS_SIDE,
                    {(a, ""): int(n.get(a, 0)) for a in USER_AUDIENCES},
                ),
            }
        for row in rows:
            # The audience column holds str; the stubs type a cell as any scalar.
            side, margin = margin_of[cast(str, grid.at[row, "audience"])]
            reasons[row] = stronger(*(decided[w][side][margin] for w in releases))
    return reasons != "", reasons


def wave_change(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    *,
    k: int,
    resamples: int = 2000,
    seed: int = 0,
    progress: Progress | None = None,
    check_unique: bool = True,
) -> pd.DataFrame:
    """Per outcome, measure and audience (``staff``, ``users_and_carers``, ``service_user``,
    ``carer``): the figures of each wave and the change, later - earlier.

    Same statistics as ``compare_outcomes`` (bootstrap CI, Mann-Whitney U of the later wave
    against the earlier, BH q within one measure and audience, Cliff's delta), no flags. A row
    exists for each audience asked the outcome in either wave. Each wave is protected as a
    release of its own (``_protect_waves``): a row is hidden when either wave's margin is, with
    the stronger reason in ``suppression``.
    """
    k = check_k(k)
    if progress is not None:
        progress(0.0)
    before = _audience_counts(earlier, check_unique)
    after = _audience_counts(later, check_unique)
    keys = ["outcome", "measure", "audience"]
    grid = pd.concat([before[keys], after[keys]], ignore_index=True).drop_duplicates()
    grid["_measure_rank"] = grid["measure"].map({m: i for i, m in enumerate(MEASURES)})
    grid["_audience_rank"] = grid["audience"].map({a: i for i, a in enumerate(WAVE_AUDIENCES)})
    grid = grid.sort_values(["outcome", "_measure_rank", "_audience_rank"], kind="stable")
    grid = grid[keys].reset_index(drop=True)
    if progress is not None:
        progress(0.1)
    x = align_counts(before, grid, keys)
    y = align_counts(after, grid, keys)
    hidden, reason = _protect_waves(grid, x, y, k)
    table = compare_counts(
        grid,
        x,
        y,
        hidden=hidden,
        reason=reason,
        resamples=resamples,
        seed=seed,
        sample_keys=[
            ((o, m, "earlier wave", a), (o, m, "later wave", a))
            for o, m, a in grid.itertuples(index=False, name=None)
        ],
        q_family=["measure", "audience"],
        suffixes=("earlier", "later"),
        progress=None if progress is None else (lambda fraction: progress(0.1 + 0.89 * fraction)),
    )
    if progress is not None:
        progress(1.0)
    return table[list(WAVE_COLUMNS)]
