"""What staff said about each outcome: the figures the follow-up shortlist is chosen from.

Staff only, one row per outcome and measure, from the same category counts every other outcome
table uses (``statistics.py``), so a figure here always equals the staff side of a comparison.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import cast

import numpy as np
import pandas as pd

from .comparison import outcome_figure
from .counts import outcome_counts_from
from .frames import MEASURES, STAFF
from .release import STAFF_SIDE, TOTAL, Cell, Release, release_for
from .statistics import COUNT_COLUMNS, count_matrix, describe, outcome_counts
from .suppression import blank, check_k

STAFF_SUMMARY_COLUMNS: tuple[str, ...] = (
    "outcome",
    "measure",
    "n",
    "mean",
    "sd",
    "median",
    "pct_positive",
    "suppressed",
    "suppression",
)


def staff_total_reasons(
    base: pd.DataFrame, counts: pd.DataFrame, k: int, release: Release | None
) -> np.ndarray:
    """Why the all-staff figure of each outcome measure in ``counts`` is hidden ('' when shown).

    The same release decision as the comparison's all-staff row: the figure is protected over
    every margin the release shows of it (organisations and staff groups too), so a total shown
    here is never the one the comparison hides to protect a small group.
    """
    staff = base[(base["audience"] == STAFF).to_numpy()]
    cells = staff[["organisation", "group"]].drop_duplicates()
    release = release_for(k, release, staff_cells=cells.itertuples(index=False, name=None))
    people = (
        staff.assign(_n=count_matrix(staff).sum(axis=1))
        .groupby(["outcome", "measure", "organisation", "group"], sort=False)["_n"]
        .sum()
    )
    by_figure: dict[tuple[str, str], dict[Cell, int]] = {}
    # The index is a MultiIndex, whose labels are tuples; the stubs type them as Hashable.
    items = cast("Iterable[tuple[tuple[str, str, Hashable, Hashable], np.int64]]", people.items())
    for (outcome, measure, organisation, group), n in items:
        by_figure.setdefault((outcome, measure), {})[(organisation, group)] = int(n)
    reasons = [
        release.protect(outcome_figure(o, m), STAFF_SIDE, by_figure.get((o, m), {}))[(TOTAL, TOTAL)]
        for o, m in zip(counts["outcome"], counts["measure"], strict=True)
    ]
    return np.array(reasons, dtype=object)


def staff_outcome_summary(
    outcome_answers: pd.DataFrame,
    *,
    k: int,
    check_unique: bool = True,
    release: Release | None = None,
) -> pd.DataFrame:
    """Per outcome and measure, over staff answers only: n, mean, SD (ddof=1), median and
    % positive (0-100, share of answers 4 or 5).

    Don't know never counts. A row about fewer than k staff answers is suppressed: it keeps its
    keys, ``suppressed`` is True and every figure is empty (n <NA>, floats NaN); the decision is
    the release's (``staff_total_reasons``), so it matches the comparison's all-staff row. Rows
    are sorted by outcome, then importance before achievement.
    """
    k = check_k(k)
    return _summary(outcome_counts(outcome_answers, check_unique=check_unique), k, release)


def staff_outcome_summary_from_counts(
    answer_counts: pd.DataFrame, *, k: int, release: Release | None = None
) -> pd.DataFrame:
    """``staff_outcome_summary`` from answer counts (``counts.ANSWER_COUNT_COLUMNS``): the same
    table as from the answers counted (issue 19)."""
    k = check_k(k)
    return _summary(outcome_counts_from(answer_counts), k, release)


def _summary(base: pd.DataFrame, k: int, release: Release | None) -> pd.DataFrame:
    staff = base[(base["audience"] == STAFF).to_numpy()]
    staff = staff.astype({"outcome": object, "measure": object})
    counts = (
        staff.groupby(["outcome", "measure"], sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    )
    counts["_rank"] = counts["measure"].map({m: i for i, m in enumerate(MEASURES)})
    counts = counts.sort_values(["outcome", "_rank"], kind="stable").reset_index(drop=True)
    figures = describe(count_matrix(counts))
    table = pd.DataFrame({"outcome": counts["outcome"], "measure": counts["measure"], **figures})
    reason = staff_total_reasons(base, counts, k, release)
    hidden = reason != ""
    table["suppressed"] = hidden
    table["suppression"] = reason
    table = blank(table, hidden, ["n", "mean", "sd", "median", "pct_positive"])
    return table[list(STAFF_SUMMARY_COLUMNS)]
