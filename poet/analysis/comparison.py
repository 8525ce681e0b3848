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
    benjamini_hochberg,
    bootstrap_mean_diff,
    cliffs_delta,
    count_matrix,
    describe,
    mann_whitney,
    outcome_counts,
)
from .suppression import blank_arrays, check_k, group_codes, secondary_suppression

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

    Order matters for privacy: primary suppression (either side with 1 to k-1 people; a side
    with none was not asked and hides nothing), then secondary
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

    keys = keys.reset_index(drop=True)
    # A side of 1 to k-1 people hides the row. A side with no answers at all was not asked (an
    # outcome proposed after the staff survey, one not taken to the follow-up): it describes
    # nobody, so the other side's figures stay and the comparison figures are simply empty.
    n_x, n_y = np.asarray(side_x["n"]), np.asarray(side_y["n"])
    primary = ((n_x > 0) & (n_x < k)) | ((n_y > 0) & (n_y < k))
    # Secondary suppression hides a second member with people in it: a member with no answers
    # hides nothing, so it is chosen only when there is no other.
    family_rank = np.asarray(family_n)
    family_rank = np.where(family_rank > 0, family_rank, np.iinfo("int64").max)
    hidden = secondary_suppression(
        keys.assign(_family_n=family_rank),
        family=family,
        n="_family_n",
        suppressed=primary,
        tie_break=tie_break,
    )
    shown = ~hidden

    u, p = mann_whitney(y, x)
    low = np.full(len(keys), np.nan)
    high = np.full(len(keys), np.nan)
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
    q_families = group_codes(keys, q_family)
    columns: dict[str, object] = {}
    for suffix, side in ((suffix_x, side_x), (suffix_y, side_y)):
        for figure in SIDE_FIGURES:
            columns[f"{figure}_{suffix}"] = side[figure]
    columns["mean_diff"] = side_y["mean"] - side_x["mean"]
    columns["ci_low"] = low
    columns["ci_high"] = high
    columns["u_statistic"] = u
    columns["p_value"] = p
    columns["q_value"] = benjamini_hochberg(np.where(shown, p, np.nan), q_families)
    columns["cliffs_delta"] = cliffs_delta(u, side_y["n"], side_x["n"])
    figures = pd.DataFrame(blank_arrays(columns, hidden))
    figures["suppressed"] = hidden
    return pd.concat([keys, figures], axis=1)


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


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted integer codes of a small key column (the labels sort as ``sorted`` would)."""
    codes, labels = pd.factorize(values, sort=True)
    return codes, np.asarray(labels, dtype=object)


def _breakdown_counts(base: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Keys and staff / user count matrices of every comparison row, already in output order.

    The counted frame is scattered once into dense arrays indexed by (outcome x measure, group):
    staff by organisation and by staff group, users by audience. The all-staff and all-users
    sides are their sums, and each breakdown block is a reshape, so there is no join per block.
    Per outcome x measure the rows run: all, organisations, staff groups, audiences.
    """
    measure_rank = base["measure"].map({m: i for i, m in enumerate(MEASURES)}).to_numpy()
    outcome_code, outcome_labels = _codes(base["outcome"])
    pair_id = outcome_code * len(MEASURES) + measure_rank
    pair_ids, pair = np.unique(pair_id, return_inverse=True)
    pairs = len(pair_ids)
    counts = count_matrix(base)
    staff = (base["audience"] == STAFF).to_numpy()

    def scatter(rows: np.ndarray, column: str) -> tuple[np.ndarray, np.ndarray]:
        group, labels = _codes(base.loc[rows, column])
        dense = np.zeros((pairs, len(labels), len(COUNT_COLUMNS)), dtype="int64")
        np.add.at(dense, (pair[rows], group), counts[rows])
        return dense, labels

    by_org, organisations = scatter(staff, "organisation")
    by_group, staff_groups = scatter(staff, "group")
    by_audience, audiences = scatter(~staff, "audience")
    staff_all = by_org.sum(axis=1, keepdims=True)
    users_all = by_audience.sum(axis=1, keepdims=True)

    def repeat(side: np.ndarray, width: int) -> np.ndarray:
        return np.broadcast_to(side, (pairs, width, len(COUNT_COLUMNS)))

    blocks = (
        ("all", np.array([ALL], dtype=object), staff_all, users_all),
        ("organisation", organisations, by_org, repeat(users_all, len(organisations))),
        ("staff_group", staff_groups, by_group, repeat(users_all, len(staff_groups))),
        ("audience", audiences, repeat(staff_all, len(audiences)), by_audience),
    )
    x = np.concatenate([block[2] for block in blocks], axis=1).reshape(-1, len(COUNT_COLUMNS))
    y = np.concatenate([block[3] for block in blocks], axis=1).reshape(-1, len(COUNT_COLUMNS))
    breakdown = np.concatenate([np.full(len(block[1]), block[0], dtype=object) for block in blocks])
    group = np.concatenate([block[1] for block in blocks])
    width = len(group)
    keys = pd.DataFrame(
        {
            "outcome": np.repeat(outcome_labels[pair_ids // len(MEASURES)], width),
            "measure": np.repeat(
                np.asarray(MEASURES, dtype=object)[pair_ids % len(MEASURES)], width
            ),
            "breakdown": np.tile(breakdown, pairs),
            "group": np.tile(group, pairs),
        }
    )
    return keys, x, y


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
    user audience present anywhere in the input. A side that gave no answer (an outcome users were
    asked about but staff were not, say) shows n = 0 and no figures; the other side's figures stay.
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

    keys, x, y = _breakdown_counts(base)
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
