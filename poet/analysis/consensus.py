"""How far staff agree among themselves, and which outcomes each audience puts first.

Staff consensus feeds the follow-up schedule (a *contested* outcome is worth asking users and
carers about); top picks show what each audience names as mattering most.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .counts import outcome_counts_from
from .disclosure import PRIMARY, LinkedTable, protect
from .frames import AUDIENCES, MEASURES, STAFF, FrameError, require_columns, validate_top_picks
from .release import Release
from .staff import staff_total_reasons
from .statistics import COUNT_COLUMNS, VALUES, count_matrix, median, outcome_counts, percentile
from .suppression import blank, check_k

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
    "suppression",
)
TOP_PICK_COUNT_COLUMNS: tuple[str, ...] = (
    "audience",
    "outcome",
    "n_respondents",
    "n_picking",
    "share",
    "suppressed",
    "suppression",
)


def staff_consensus(
    outcome_answers: pd.DataFrame,
    *,
    k: int,
    check_unique: bool = True,
    release: Release | None = None,
) -> pd.DataFrame:
    """Per outcome and measure, how closely staff agree.

    ``q1``/``q3``/``iqr`` match ``np.percentile(values, [25, 75])`` (linear); ``share_within_one``
    is the share (0..1) of staff answers within +-1 of the staff median (a median of 3.5 takes in
    3 and 4); ``contested`` when that share is below two thirds. Hidden as the release hides the
    all-staff figure of the outcome measure (figures empty, ``contested`` <NA>). One row per
    outcome and measure the staff were asked; don't know never counts.
    """
    k = check_k(k)
    return _consensus(outcome_counts(outcome_answers, check_unique=check_unique), k, release)


def staff_consensus_from_counts(
    answer_counts: pd.DataFrame, *, k: int, release: Release | None = None
) -> pd.DataFrame:
    """``staff_consensus`` from answer counts (``counts.ANSWER_COUNT_COLUMNS``): the same table
    as from the answers counted (issue 19)."""
    k = check_k(k)
    return _consensus(outcome_counts_from(answer_counts), k, release)


def _consensus(base: pd.DataFrame, k: int, release: Release | None) -> pd.DataFrame:
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
    reason = staff_total_reasons(base, counts, k, release)
    hidden = reason != ""
    table["suppressed"] = hidden
    table["suppression"] = reason
    figures = ["n", "median", "q1", "q3", "iqr", "share_within_one", "contested"]
    return blank(table, hidden, figures)[list(CONSENSUS_COLUMNS)]


def _protect_picks(outcomes: np.ndarray, picking: np.ndarray, base: int, k: int) -> np.ndarray:
    """One audience's picks: each outcome a cell, and their sum treated as shown (with three picks
    each, it is three times the base). Below k respondents, nothing is shown."""
    if 1 <= base < k:
        return np.full(len(outcomes), PRIMARY, dtype=object)
    table = LinkedTable.of([(o,) for o in outcomes], {"outcome": 0})
    protection = protect(table, picking, k)
    decided = dict(zip(table.margins, protection.reason, strict=True))
    return np.array([decided[("outcome", o)] for o in outcomes], dtype=object)


PICKED_COLUMNS: tuple[str, ...] = ("audience", "outcome", "n_picking")


def picks_per_outcome(top_picks: pd.DataFrame | None) -> pd.DataFrame:
    """Per audience and outcome, how many respondents put it among their three (a repeated
    pick of one person once): all ``top_pick_counts_from`` needs, what the database returns
    instead of every pick (issue 19)."""
    picks = validate_top_picks(top_picks if top_picks is not None else pd.DataFrame())
    frame = picks[["audience", "outcome"]].astype(object)
    counted = frame.groupby(["audience", "outcome"], sort=True).size().rename("n_picking")
    return counted.reset_index().astype({"n_picking": "int64"})[list(PICKED_COLUMNS)]


def top_pick_counts(
    top_picks: pd.DataFrame | None,
    *,
    k: int,
    respondents: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Per audience and outcome: how many respondents put it among their three, and what share.

    The base (``n_respondents``) is ``respondents[audience]`` when given (everyone who answered
    the survey), else the respondents with at least one pick. See ``top_pick_counts_from``.
    """
    picks = validate_top_picks(top_picks if top_picks is not None else pd.DataFrame())
    if respondents is None:
        respondents = {
            str(a): int(n) for a, n in picks.groupby("audience")["respondent"].nunique().items()
        }
    return top_pick_counts_from(picks_per_outcome(picks), k=k, respondents=respondents)


def top_pick_counts_from(
    picked: pd.DataFrame, *, k: int, respondents: Mapping[str, int]
) -> pd.DataFrame:
    """``top_pick_counts`` from ``picks_per_outcome`` and each audience's respondents.

    A row is hidden when fewer than k picked it or the base is below k; because the picks of one
    audience add up to a known total (three per respondent), each audience's outcomes are
    protected as one linked table. Every outcome picked by anyone gets a row for every audience
    present (with picks, or in ``respondents``); ``share`` is 0..1.
    """
    k = check_k(k)
    picked = require_columns(picked, PICKED_COLUMNS, "picks_per_outcome")
    n_picking = pd.to_numeric(picked["n_picking"], errors="coerce")
    if n_picking.isna().any() or (n_picking < 0).any() or (n_picking % 1 != 0).any():
        raise FrameError("picks_per_outcome.n_picking must be whole numbers >= 0")
    unknown = sorted(set(picked["audience"].astype(object)) - set(AUDIENCES), key=str)
    if unknown:
        raise FrameError(f"picks_per_outcome.audience has unknown values: {unknown}")
    picked = picked[(n_picking > 0).to_numpy()].astype({"audience": object, "outcome": object})
    present = set(picked["audience"]) | set(respondents)
    audiences = [a for a in AUDIENCES if a in present]
    outcomes = sorted(picked["outcome"].unique())
    grid = pd.MultiIndex.from_product([audiences, outcomes], names=["audience", "outcome"])
    per_cell = (
        picked.groupby(["audience", "outcome"])["n_picking"].sum().reindex(grid, fill_value=0)
    )
    table = per_cell.rename("n_picking").reset_index()
    base = pd.Series(dict(respondents), dtype="int64")
    table["n_respondents"] = (
        table["audience"].map(base).fillna(0).to_numpy(dtype="int64") if len(table) else 0
    )
    table["n_picking"] = table["n_picking"].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["share"] = np.where(
            table["n_respondents"] > 0, table["n_picking"] / table["n_respondents"], np.nan
        )
    reason = np.full(len(table), "", dtype=object)
    for _, rows in table.groupby("audience", sort=False).groups.items():
        reason[rows] = _protect_picks(
            table.loc[rows, "outcome"].to_numpy(),
            table.loc[rows, "n_picking"].to_numpy(),
            int(table.loc[rows, "n_respondents"].iloc[0]),
            k,
        )
    hidden = reason != ""
    table["suppressed"] = hidden
    table["suppression"] = reason
    table = blank(table, hidden, ["n_respondents", "n_picking", "share"])
    return table[list(TOP_PICK_COUNT_COLUMNS)]
