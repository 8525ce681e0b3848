"""Change between two waves of the same audience (DESIGN section 4, "Waves").

Reuses the two-sample engine of ``comparison``: the earlier wave plays the part of staff and the
later wave that of users, so mean_diff = later - earlier and U is the later wave's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .comparison import DIFFERENCE_FIGURES, SIDE_FIGURES, Progress, compare_counts
from .frames import MEASURES, STAFF, USER_AUDIENCES
from .likert import COUNT_COLUMNS, align_counts, outcome_counts
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
)


def _audience_counts(outcome_answers: pd.DataFrame, check_unique: bool) -> pd.DataFrame:
    base = outcome_counts(outcome_answers, check_unique=check_unique)
    keys = ["outcome", "measure", "audience"]
    counts = base.groupby(keys, sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    users = counts[counts["audience"].isin(USER_AUDIENCES)]
    together = users.groupby(["outcome", "measure"], sort=True)[list(COUNT_COLUMNS)].sum()
    together = together.reset_index().assign(audience=USERS_AND_CARERS)
    return pd.concat([counts, together], ignore_index=True)


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
    exists for each audience asked the outcome in either wave. Suppressed when either wave has
    fewer than k answers; service_user and carer form a family for secondary suppression (they
    add up to ``users_and_carers``), ranked by their smaller wave.
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
    family = np.where(grid["audience"].isin(USER_AUDIENCES), "users", grid["audience"])
    table = compare_counts(
        grid.assign(_family=family),
        x,
        y,
        k=k,
        resamples=resamples,
        seed=seed,
        stream_keys=[(o, m, "wave", a) for o, m, a in grid.itertuples(index=False, name=None)],
        family=["outcome", "measure", "_family"],
        family_n=np.minimum(x.sum(axis=1), y.sum(axis=1)),
        tie_break=["audience"],
        q_family=["measure", "audience"],
        suffixes=("earlier", "later"),
        progress=None if progress is None else (lambda fraction: progress(0.1 + 0.89 * fraction)),
    )
    if progress is not None:
        progress(1.0)
    return table[list(WAVE_COLUMNS)]
