"""Staff assumptions against user and carer reports, per outcome and measure (DESIGN section 4).

``compare_counts`` is the two-sample engine over count matrices (also used for waves);
``compare_outcomes`` builds the breakdowns of the export contract of issue 5 on top of it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .frames import (
    IMPORTANCE,
    MEASURES,
    STAFF,
)
from .likert import (
    COUNT_COLUMNS,
    align_counts,
    benjamini_hochberg,
    bootstrap_mean_diff,
    cliffs_delta,
    describe,
    mann_whitney,
    outcome_counts,
)
from .suppression import below_k, blank, check_k, secondary_suppression

Progress = Callable[[float], None]

BREAKDOWNS: tuple[str, ...] = ("all", "organisation", "staff_group", "audience")
ALL = "all"
SIGNIFICANT_Q = 0.05

FLAG_ASSUMED_NOT_VALUED = "assumed_not_valued"
FLAG_BLIND_SPOT = "blind_spot"
FLAG_OVER_ESTIMATED = "over_estimated"
FLAG_UNDER_ESTIMATED = "under_estimated"
FLAGS: tuple[str, ...] = (
    FLAG_ASSUMED_NOT_VALUED,
    FLAG_BLIND_SPOT,
    FLAG_OVER_ESTIMATED,
    FLAG_UNDER_ESTIMATED,
)

SIDE_FIGURES: tuple[str, ...] = ("n", "mean", "sd", "median", "pct_positive")
DIFFERENCE_FIGURES: tuple[str, ...] = (
    "mean_diff",
    "ci_low",
    "ci_high",
    "u_statistic",
    "p_value",
    "q_value",
    "cliffs_delta",
)

COMPARISON_COLUMNS: tuple[str, ...] = (
    "outcome",
    "measure",
    "breakdown",
    "group",
    *(f"{figure}_staff" for figure in SIDE_FIGURES),
    *(f"{figure}_users" for figure in SIDE_FIGURES),
    *DIFFERENCE_FIGURES,
    "flag",
    "suppressed",
)


def _check_run(resamples: int, seed: int) -> None:
    if isinstance(resamples, bool) or not isinstance(resamples, int | np.integer) or resamples < 0:
        raise ValueError(f"resamples must be a whole number >= 0, not {resamples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, not {seed!r}")


def _scaled(progress: Progress | None, start: float, end: float) -> Progress | None:
    if progress is None:
        return None
    return lambda fraction: progress(start + (end - start) * fraction)


def compare_counts(
    keys: pd.DataFrame,
    counts_x: np.ndarray,
    counts_y: np.ndarray,
    *,
    k: int,
    resamples: int,
    seed: int,
    stream_keys: Sequence[Sequence[object]],
    family: Sequence[str],
    family_n: np.ndarray,
    tie_break: Sequence[str],
    q_family: Sequence[str],
    suffixes: tuple[str, str] = ("x", "y"),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Compare sample y with sample x on every row of two count matrices.

    Returns ``keys`` with, per side, n/mean/sd/median/pct_positive (suffixed), then mean_diff
    (y - x), the bootstrap CI, U of y against x, p, q, Cliff's delta and ``suppressed``.

    Order matters for privacy: primary suppression (either side below k), then secondary
    suppression within ``family`` (members ranked by ``family_n``, ties by ``tie_break``), and only
    then the figures. q is Benjamini-Hochberg within ``q_family`` over the rows still shown, so a
    hidden group's p-value never shapes a shown q, and the figures are then blanked.
    """
    k = check_k(k)
    _check_run(resamples, seed)
    suffix_x, suffix_y = suffixes
    x = np.asarray(counts_x, dtype="int64").reshape(-1, len(COUNT_COLUMNS))
    y = np.asarray(counts_y, dtype="int64").reshape(-1, len(COUNT_COLUMNS))
    side_x = describe(x)
    side_y = describe(y)

    table = keys.reset_index(drop=True).copy()
    for figure in SIDE_FIGURES:
        table[f"{figure}_{suffix_x}"] = side_x[figure]
    for figure in SIDE_FIGURES:
        table[f"{figure}_{suffix_y}"] = side_y[figure]

    primary = below_k(k, side_x["n"], side_y["n"])
    table["_family_n"] = np.asarray(family_n)
    hidden = secondary_suppression(
        table, family=family, n="_family_n", suppressed=primary, tie_break=tie_break
    )
    table = table.drop(columns="_family_n")
    shown = ~hidden

    u, p = mann_whitney(y, x)
    table["mean_diff"] = side_y["mean"] - side_x["mean"]
    low = np.full(len(table), np.nan)
    high = np.full(len(table), np.nan)
    rows = np.flatnonzero(shown)
    if len(rows):
        low[rows], high[rows] = bootstrap_mean_diff(
            x[rows],
            y[rows],
            [stream_keys[row] for row in rows],
            resamples=resamples,
            seed=seed,
            progress=progress,
        )
    table["ci_low"] = low
    table["ci_high"] = high
    table["u_statistic"] = u
    table["p_value"] = p
    family_labels = (
        table[list(q_family)].astype(str).agg("\x1f".join, axis=1).to_numpy()
        if len(table)
        else np.array([], dtype=object)
    )
    table["q_value"] = benjamini_hochberg(np.where(shown, p, np.nan), family_labels)
    table["cliffs_delta"] = cliffs_delta(u, side_y["n"], side_x["n"])
    table["suppressed"] = hidden
    figures = [
        *(f"{figure}_{suffix}" for suffix in suffixes for figure in SIDE_FIGURES),
        *DIFFERENCE_FIGURES,
    ]
    return blank(table, hidden, figures)


def _cross(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    return left.merge(right, how="cross")


def _sum_counts(base: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return base.groupby(list(by), dropna=False, sort=True)[list(COUNT_COLUMNS)].sum().reset_index()


def _empty_comparison() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype="float64") for column in COMPARISON_COLUMNS})
    return frame.astype(
        {
            "outcome": object,
            "measure": object,
            "breakdown": object,
            "group": object,
            "n_staff": "Int64",
            "n_users": "Int64",
            "flag": object,
            "suppressed": bool,
        }
    )


def _flags(table: pd.DataFrame, user_proposed: frozenset[str] | set[str]) -> np.ndarray:
    q = table["q_value"].to_numpy(dtype="float64", na_value=np.nan)
    diff = table["mean_diff"].to_numpy(dtype="float64", na_value=np.nan)
    significant = q < SIGNIFICANT_Q
    importance = (table["measure"] == IMPORTANCE).to_numpy()
    proposed = (
        importance
        & (table["breakdown"] == ALL).to_numpy()
        & table["outcome"].isin(list(user_proposed)).to_numpy()
    )
    flag = np.select(
        [
            proposed,
            importance & significant & (diff < 0),
            importance & significant & (diff > 0),
            ~importance & significant & (diff < 0),
            ~importance & significant & (diff > 0),
        ],
        [
            FLAG_BLIND_SPOT,
            FLAG_ASSUMED_NOT_VALUED,
            FLAG_BLIND_SPOT,
            FLAG_OVER_ESTIMATED,
            FLAG_UNDER_ESTIMATED,
        ],
        default="",
    ).astype(object)
    flag[table["suppressed"].to_numpy(dtype=bool)] = ""
    return flag


def compare_outcomes(
    outcome_answers: pd.DataFrame,
    *,
    k: int,
    resamples: int = 2000,
    seed: int = 0,
    user_proposed: frozenset[str] | set[str] = frozenset(),
    progress: Progress | None = None,
    check_unique: bool = True,
) -> pd.DataFrame:
    """Every staff-versus-users figure of DESIGN section 4, one row per outcome x measure x
    breakdown group, in the column order of the ``export_comparison`` contract.

    Breakdowns: ``all`` (all staff vs all users and carers), ``organisation`` and ``staff_group``
    (that staff subset vs all users and carers), ``audience`` (``service_user`` or ``carer`` vs all
    staff). Every outcome x measure in the input gets a row for every organisation, staff group and
    user audience present anywhere in the input (a group that gave no answer shows as suppressed).
    Rows are sorted by outcome, measure (importance first), breakdown, group. ``progress`` is
    called with a fraction 0..1 about a dozen times. ``check_unique=False`` skips the duplicate
    check when the caller guarantees one answer per respondent, outcome and measure.
    """
    k = check_k(k)
    _check_run(resamples, seed)
    if progress is not None:
        progress(0.0)
    base = outcome_counts(outcome_answers, check_unique=check_unique)
    if progress is not None:
        progress(0.1)
    if len(base) == 0:
        if progress is not None:
            progress(1.0)
        return _empty_comparison()

    is_staff = (base["audience"] == STAFF).to_numpy()
    staff = base[is_staff]
    users = base[~is_staff]
    pairs = base[["outcome", "measure"]].drop_duplicates()
    pair_keys = ["outcome", "measure"]

    staff_all = _sum_counts(staff, pair_keys)
    users_all = _sum_counts(users, pair_keys)
    staff_org = _sum_counts(staff.rename(columns={"organisation": "g"}), [*pair_keys, "g"])
    staff_grp = _sum_counts(staff.rename(columns={"group": "g"}), [*pair_keys, "g"])
    users_aud = _sum_counts(users.rename(columns={"audience": "g"}), [*pair_keys, "g"])

    def groups(values: pd.Series) -> pd.DataFrame:
        return pd.DataFrame({"g": sorted(values.dropna().unique())})

    with_group = [*pair_keys, "g"]
    all_keys = pairs.assign(g=ALL)
    org_keys = _cross(pairs, groups(staff["organisation"]))
    grp_keys = _cross(pairs, groups(staff["group"]))
    aud_keys = _cross(pairs, groups(users["audience"]))
    blocks = (
        ("all", all_keys, staff_all, pair_keys, users_all, pair_keys),
        ("organisation", org_keys, staff_org, with_group, users_all, pair_keys),
        ("staff_group", grp_keys, staff_grp, with_group, users_all, pair_keys),
        ("audience", aud_keys, staff_all, pair_keys, users_aud, with_group),
    )
    frames, staff_counts, user_counts = [], [], []
    for breakdown, block_keys, staff_side, staff_on, user_side, user_on in blocks:
        frames.append(block_keys.rename(columns={"g": "group"}).assign(breakdown=breakdown))
        staff_counts.append(align_counts(staff_side, block_keys, staff_on))
        user_counts.append(align_counts(user_side, block_keys, user_on))
    keys = pd.concat(frames, ignore_index=True)
    x = np.concatenate(staff_counts)
    y = np.concatenate(user_counts)

    keys["_measure_rank"] = keys["measure"].map({m: i for i, m in enumerate(MEASURES)})
    keys["_breakdown_rank"] = keys["breakdown"].map({b: i for i, b in enumerate(BREAKDOWNS)})
    order = keys.sort_values(
        ["outcome", "_measure_rank", "_breakdown_rank", "group"], kind="stable"
    ).index.to_numpy()
    keys = keys.iloc[order].reset_index(drop=True)[["outcome", "measure", "breakdown", "group"]]
    x = x[order]
    y = y[order]

    # The secondary-suppression rank is the size of the subset the row breaks down: the staff
    # subset for organisation / staff_group rows, the user audience for audience rows.
    by_audience = (keys["breakdown"] == "audience").to_numpy()
    family_n = np.where(by_audience, y.sum(axis=1), x.sum(axis=1))
    stream_keys = list(keys.itertuples(index=False, name=None))
    table = compare_counts(
        keys,
        x,
        y,
        k=k,
        resamples=resamples,
        seed=seed,
        stream_keys=stream_keys,
        family=["outcome", "measure", "breakdown"],
        family_n=family_n,
        tie_break=["group"],
        q_family=["measure", "breakdown", "group"],
        suffixes=("staff", "users"),
        progress=_scaled(progress, 0.1, 0.99),
    )
    table["flag"] = _flags(table, frozenset(user_proposed))
    table = table[list(COMPARISON_COLUMNS)]
    if progress is not None:
        progress(1.0)
    return table


def priority_agreement(comparison: pd.DataFrame) -> dict[str, float | int]:
    """Rank agreement between staff and user mean importance across outcomes.

    Uses the ``all`` importance rows that are shown (not suppressed, both means present):
    Spearman's rho and Kendall's tau with their p-values; NaN when fewer than 3 outcomes remain
    (or when one side ranks every outcome the same).
    """
    rows = comparison[
        (comparison["breakdown"] == ALL)
        & (comparison["measure"] == IMPORTANCE)
        & ~comparison["suppressed"].astype(bool)
    ]
    staff = rows["mean_staff"].to_numpy(dtype="float64", na_value=np.nan)
    users = rows["mean_users"].to_numpy(dtype="float64", na_value=np.nan)
    both = np.isfinite(staff) & np.isfinite(users)
    staff, users = staff[both], users[both]
    result: dict[str, float | int] = {
        "n_outcomes": int(both.sum()),
        "spearman_rho": math.nan,
        "spearman_p": math.nan,
        "kendall_tau": math.nan,
        "kendall_p": math.nan,
    }
    if len(staff) < 3:
        return result
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore")
        spearman = stats.spearmanr(staff, users)
        kendall = stats.kendalltau(staff, users)
    result["spearman_rho"] = float(spearman.statistic)
    result["spearman_p"] = float(spearman.pvalue)
    result["kendall_tau"] = float(kendall.statistic)
    result["kendall_p"] = float(kendall.pvalue)
    return result
