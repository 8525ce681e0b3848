"""What staff said about each outcome: the figures the follow-up shortlist is chosen from.

Staff only, one row per outcome and measure, from the same category counts every other outcome
table uses (``likert.py``), so a figure here always equals the staff side of a comparison.
"""

from __future__ import annotations

import pandas as pd

from .frames import MEASURES, STAFF
from .likert import COUNT_COLUMNS, count_matrix, describe, outcome_counts
from .suppression import below_k, blank, check_k

STAFF_SUMMARY_COLUMNS: tuple[str, ...] = (
    "outcome",
    "measure",
    "n",
    "mean",
    "sd",
    "median",
    "pct_positive",
    "suppressed",
)


def staff_outcome_summary(
    outcome_answers: pd.DataFrame, *, k: int, check_unique: bool = True
) -> pd.DataFrame:
    """Per outcome and measure, over staff answers only: n, mean, SD (ddof=1), median and
    % positive (0-100, share of answers 4 or 5).

    Don't know never counts. A row about fewer than k staff answers is suppressed: it keeps its
    keys, ``suppressed`` is True and every figure is empty (n <NA>, floats NaN). Each outcome is
    its own question, answered by the same staff, so the rows are not parts of a total and need
    no secondary suppression. Rows are sorted by outcome, then importance before achievement.
    """
    k = check_k(k)
    base = outcome_counts(outcome_answers, check_unique=check_unique)
    staff = base[(base["audience"] == STAFF).to_numpy()]
    staff = staff.astype({"outcome": object, "measure": object})
    counts = (
        staff.groupby(["outcome", "measure"], sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    )
    counts["_rank"] = counts["measure"].map({m: i for i, m in enumerate(MEASURES)})
    counts = counts.sort_values(["outcome", "_rank"], kind="stable").reset_index(drop=True)
    figures = describe(count_matrix(counts))
    table = pd.DataFrame({"outcome": counts["outcome"], "measure": counts["measure"], **figures})
    hidden = below_k(k, figures["n"])
    table["suppressed"] = hidden
    table = blank(table, hidden, ["n", "mean", "sd", "median", "pct_positive"])
    return table[list(STAFF_SUMMARY_COLUMNS)]
