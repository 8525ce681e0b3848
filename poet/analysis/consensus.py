"""How far staff agree among themselves, and which outcomes each audience puts first.

Staff consensus feeds the follow-up schedule (a *contested* outcome is worth asking users and
carers about); top picks show what each audience names as mattering most.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .frames import AUDIENCES, MEASURES, STAFF, validate_top_picks
from .likert import COUNT_COLUMNS, VALUES, count_matrix, median, outcome_counts, percentile
from .suppression import below_k, blank, check_k, secondary_suppression

CONTESTED_BELOW = 2 / 3  # proportional form of the Delphi "split" rule (SCIROCCO)

CONSENSUS_COLUMNS: tuple[str, ...] = (
    "outcome",
    "measure",
    "n",
    "median",
    "q1",
    "q3",
    "iqr",
    "share_within_one",
    "contested",
    "suppressed",
)
TOP_PICK_COUNT_COLUMNS: tuple[str, ...] = (
    "audience",
    "outcome",
    "n_respondents",
    "n_picking",
    "share",
    "suppressed",
)


def staff_consensus(
    outcome_answers: pd.DataFrame, *, k: int, check_unique: bool = True
) -> pd.DataFrame:
    """Per outcome and measure, how closely staff agree.

    ``q1``/``q3``/``iqr`` match ``np.percentile(values, [25, 75])`` (linear); ``share_within_one``
    is the share (0..1) of staff answers within +-1 of the staff median (a median of 3.5 takes in
    3 and 4); ``contested`` when that share is below two thirds. Fewer than k staff answers: the
    row is suppressed (figures empty, ``contested`` <NA>). One row per outcome and measure the
    staff were asked; don't know never counts.
    """
    k = check_k(k)
    base = outcome_counts(outcome_answers, check_unique=check_unique)
    staff = base[(base["audience"] == STAFF).to_numpy()]
    counts = (
        staff.groupby(["outcome", "measure"], sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    )
    counts["_rank"] = counts["measure"].map({m: i for i, m in enumerate(MEASURES)})
    counts = counts.sort_values(["outcome", "_rank"], kind="stable").reset_index(drop=True)
    c = count_matrix(counts)
    n = c.sum(axis=1)
    middle = median(c)
    q1 = percentile(c, 25)
    q3 = percentile(c, 75)
    near = np.abs(VALUES[None, :] - middle[:, None]) <= 1
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, (c * near).sum(axis=1) / n, np.nan)
    table = pd.DataFrame(
        {
            "outcome": counts["outcome"],
            "measure": counts["measure"],
            "n": n,
            "median": middle,
            "q1": q1,
            "q3": q3,
            "iqr": q3 - q1,
            "share_within_one": share,
            "contested": share < CONTESTED_BELOW,
        }
    )
    hidden = below_k(k, n)
    table["suppressed"] = hidden
    figures = ["n", "median", "q1", "q3", "iqr", "share_within_one", "contested"]
    return blank(table, hidden, figures)[list(CONSENSUS_COLUMNS)]


def top_pick_counts(
    top_picks: pd.DataFrame | None,
    *,
    k: int,
    respondents: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Per audience and outcome: how many respondents put it among their three, and what share.

    The base (``n_respondents``) is ``respondents[audience]`` when given (everyone who answered
    the survey), else the respondents with at least one pick. A row is suppressed when fewer than
    k picked it or the base is below k. Because the picks of one audience add up to a known total
    (three per respondent), the outcomes of one audience form a family for secondary suppression.
    Every outcome picked by anyone gets a row for every audience present; ``share`` is 0..1.
    """
    k = check_k(k)
    picks = validate_top_picks(top_picks if top_picks is not None else pd.DataFrame())
    audiences = [a for a in AUDIENCES if a in set(picks["audience"])]
    if respondents is not None:
        audiences = [a for a in AUDIENCES if a in set(audiences) | set(respondents)]
    outcomes = sorted(picks["outcome"].unique())
    grid = pd.MultiIndex.from_product([audiences, outcomes], names=["audience", "outcome"])
    picked = picks.groupby(["audience", "outcome"]).size().reindex(grid, fill_value=0)
    table = picked.rename("n_picking").reset_index()
    if respondents is None:
        base = picks.groupby("audience")["respondent"].nunique()
    else:
        base = pd.Series(dict(respondents), dtype="int64")
    table["n_respondents"] = (
        table["audience"].map(base).fillna(0).to_numpy(dtype="int64") if len(table) else 0
    )
    table["n_picking"] = table["n_picking"].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["share"] = np.where(
            table["n_respondents"] > 0, table["n_picking"] / table["n_respondents"], np.nan
        )
    primary = below_k(k, table["n_picking"], table["n_respondents"])
    hidden = secondary_suppression(
        table, family=["audience"], n="n_picking", suppressed=primary, tie_break=["outcome"]
    )
    table["suppressed"] = hidden
    table = blank(table, hidden, ["n_respondents", "n_picking", "share"])
    return table[list(TOP_PICK_COUNT_COLUMNS)]
