"""Staff assumptions against user and carer reports, per outcome and measure (DESIGN section 4).

``compare_counts`` is the two-sample engine over count matrices (also used for waves);
``compare_outcomes`` builds the breakdowns of the export contract of issue 5 on top of it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
import pandas as pd
from scipy import stats

from .counts import outcome_counts_from
from .disclosure import OVER_TIME, PRIMARY, SECONDARY
from .frames import (
    IMPORTANCE,
    MEASURES,
    STAFF,
)
from .release import STAFF_SIDE, TOTAL, USERS_SIDE, Cell, Release, release_for
from .statistics import (
    COUNT_COLUMNS,
    SampleKey,
    benjamini_hochberg,
    bootstrap_mean_diff,
    cliffs_delta,
    count_matrix,
    describe,
    mann_whitney,
    outcome_counts,
)
from .suppression import blank_arrays, check_k, group_codes

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
    "suppression",
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
    hidden: np.ndarray,
    reason: np.ndarray,
    resamples: int,
    seed: int,
    sample_keys: Sequence[tuple[SampleKey, SampleKey]],
    q_family: Sequence[str],
    suffixes: tuple[str, str] = ("x", "y"),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Compare sample y with sample x on every row of two count matrices.

    Returns ``keys`` with, per side, n/mean/sd/median/pct_positive (suffixed), then mean_diff
    (y - x), the bootstrap CI, U of y against x, p, q, Cliff's delta, ``suppressed`` and
    ``suppression`` (why: primary, secondary, over_time).

    ``hidden`` comes from the release's disclosure control, decided before any figure: q is
    Benjamini-Hochberg within ``q_family`` over the rows still shown, so a hidden group's p-value
    never shapes a shown q, and the figures of hidden rows are then blanked.
    """
    _check_run(resamples, seed)
    suffix_x, suffix_y = suffixes
    x = np.asarray(counts_x, dtype="int64").reshape(-1, len(COUNT_COLUMNS))
    y = np.asarray(counts_y, dtype="int64").reshape(-1, len(COUNT_COLUMNS))
    side_x = describe(x)
    side_y = describe(y)
    keys = keys.reset_index(drop=True)
    hidden = np.asarray(hidden, dtype=bool)
    shown = ~hidden

    u, p = mann_whitney(y, x)
    low = np.full(len(keys), np.nan)
    high = np.full(len(keys), np.nan)
    rows = np.flatnonzero(shown)
    if len(rows):
        low[rows], high[rows] = bootstrap_mean_diff(
            x[rows],
            y[rows],
            [sample_keys[int(row)] for row in rows],
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
    figures["suppression"] = np.where(hidden, np.asarray(reason, dtype=object), "")
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
            "suppression": object,
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


def _coded(values: pd.Series, labels: Sequence[object] | np.ndarray) -> np.ndarray:
    """Codes of ``values`` in ``labels`` (every value must be one of them)."""
    return pd.Categorical(values.astype(object), categories=list(labels)).codes.astype("int64")


def _labels(release: Release, side: str, breakdown: str) -> np.ndarray:
    return np.array([g for b, g in release.margins(side) if b == breakdown], dtype=object)


@dataclass
class _Counts:
    """Keys of every comparison row in output order, each side's counts per row, and the
    people of each cell behind each outcome x measure (what disclosure control looks at)."""

    keys: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    pairs: list[tuple[str, str]]
    staff_cells: np.ndarray  # (pairs, organisations, staff groups) people
    user_cells: np.ndarray  # (pairs, audiences, user groups) people
    user_groups: np.ndarray
    samples: list[tuple[tuple[object, ...], tuple[object, ...]]]  # per row: staff, users


def _breakdown_counts(base: pd.DataFrame, release: Release) -> _Counts:
    """The counted frame scattered once into dense arrays indexed by (outcome x measure, cell):
    staff by organisation x staff group, users by audience x user group. Every breakdown is a sum
    over one axis, so there is no join per block. Per outcome x measure the rows run: all,
    organisations, staff groups, audiences - every one the release's structure knows.
    """
    measure_rank = base["measure"].map({m: i for i, m in enumerate(MEASURES)}).to_numpy()
    outcome_code, outcome_labels = _codes(base["outcome"])
    pair_id = outcome_code * len(MEASURES) + measure_rank
    pair_ids, pair = np.unique(pair_id, return_inverse=True)
    pairs = len(pair_ids)
    counts = count_matrix(base)
    staff = (base["audience"] == STAFF).to_numpy()
    organisations = _labels(release, STAFF_SIDE, "organisation")
    staff_groups = _labels(release, STAFF_SIDE, "staff_group")
    audiences = _labels(release, USERS_SIDE, "audience")
    user_groups = np.array(
        sorted({cell[1] for cell in release.side(USERS_SIDE).index}, key=str), dtype=object
    )
    width = len(COUNT_COLUMNS)
    by_cell = np.zeros((pairs, len(organisations), len(staff_groups), width), dtype="int64")
    np.add.at(
        by_cell,
        (
            pair[staff],
            _coded(base.loc[staff, "organisation"], organisations),
            _coded(base.loc[staff, "group"], staff_groups),
        ),
        counts[staff],
    )
    by_user = np.zeros((pairs, len(audiences), len(user_groups), width), dtype="int64")
    users = ~staff
    np.add.at(
        by_user,
        (
            pair[users],
            _coded(base.loc[users, "audience"], audiences),
            _coded(base.loc[users, "group"].astype(object).fillna(""), user_groups),
        ),
        counts[users],
    )
    by_org = by_cell.sum(axis=2)
    by_group = by_cell.sum(axis=1)
    by_audience = by_user.sum(axis=2)
    staff_all = by_org.sum(axis=1, keepdims=True)
    users_all = by_audience.sum(axis=1, keepdims=True)

    def repeat(side: np.ndarray, size: int) -> np.ndarray:
        return np.broadcast_to(side, (pairs, size, width))

    blocks = (
        ("all", np.array([ALL], dtype=object), staff_all, users_all),
        ("organisation", organisations, by_org, repeat(users_all, len(organisations))),
        ("staff_group", staff_groups, by_group, repeat(users_all, len(staff_groups))),
        ("audience", audiences, repeat(staff_all, len(audiences)), by_audience),
    )
    x = np.concatenate([block[2] for block in blocks], axis=1).reshape(-1, width)
    y = np.concatenate([block[3] for block in blocks], axis=1).reshape(-1, width)
    breakdown = np.concatenate([np.full(len(block[1]), block[0], dtype=object) for block in blocks])
    group = np.concatenate([block[1] for block in blocks])
    rows = len(group)
    outcomes = outcome_labels[pair_ids // len(MEASURES)]
    measures = np.asarray(MEASURES, dtype=object)[pair_ids % len(MEASURES)]
    # Which sample each side of a row is: all staff are one sample in the "all" and audience
    # rows, all users and carers one in the "all", organisation and staff group rows; the
    # bootstrap draws each sample once.
    everyone = ("all", ALL)
    sides = [
        (
            (STAFF, *((b, g) if b in ("organisation", "staff_group") else everyone)),
            (USERS_SIDE, *((b, g) if b == "audience" else everyone)),
        )
        for b, g in zip(breakdown, group, strict=True)
    ]
    samples = [
        ((outcome, measure, *staff_side), (outcome, measure, *users_side))
        for outcome, measure in zip(outcomes, measures, strict=True)
        for staff_side, users_side in sides
    ]
    keys = pd.DataFrame(
        {
            "outcome": np.repeat(outcomes, rows),
            "measure": np.repeat(measures, rows),
            "breakdown": np.tile(breakdown, pairs),
            "group": np.tile(group, pairs),
        }
    )
    return _Counts(
        keys=keys,
        x=x,
        y=y,
        pairs=list(zip(outcomes, measures, strict=True)),
        staff_cells=by_cell.sum(axis=3),
        user_cells=by_user.sum(axis=3),
        user_groups=user_groups,
        samples=samples,
    )


_PRECEDENCE = {PRIMARY: 0, OVER_TIME: 1, SECONDARY: 2, "": 3}


def stronger(*reasons: str) -> str:
    """The reason a row is hidden when several apply: primary, then over time, then secondary."""
    return min(reasons, key=lambda r: _PRECEDENCE.get(r, 0))


def outcome_figure(outcome: str, measure: str) -> str:
    """The name of an outcome measure in a release's disclosure note."""
    return f"{outcome}.{measure}"


def _people(
    dense: np.ndarray,
    rows: Sequence[Hashable] | np.ndarray,
    columns: Sequence[Hashable] | np.ndarray,
) -> dict[Cell, int]:
    where = np.argwhere(dense > 0)
    return {(rows[i], columns[j]): int(dense[i, j]) for i, j in where}


def _protect_rows(counts: _Counts, release: Release) -> tuple[np.ndarray, np.ndarray]:
    """Hidden flag and reason of every comparison row: a row shows one staff margin and one
    users margin of its outcome measure, and is hidden when either is."""
    organisations = _labels(release, STAFF_SIDE, "organisation")
    staff_groups = _labels(release, STAFF_SIDE, "staff_group")
    audiences = _labels(release, USERS_SIDE, "audience")
    reasons: list[str] = []
    for p, (outcome, measure) in enumerate(counts.pairs):
        figure = outcome_figure(outcome, measure)
        staff = release.protect(
            figure, STAFF_SIDE, _people(counts.staff_cells[p], organisations, staff_groups)
        )
        users = release.protect(
            figure, USERS_SIDE, _people(counts.user_cells[p], audiences, counts.user_groups)
        )
        staff_all, users_all = staff[(TOTAL, TOTAL)], users[(TOTAL, TOTAL)]
        reasons.append(stronger(staff_all, users_all))
        reasons += [stronger(staff[("organisation", o)], users_all) for o in organisations]
        reasons += [stronger(staff[("staff_group", g)], users_all) for g in staff_groups]
        reasons += [stronger(staff_all, users[("audience", a)]) for a in audiences]
    reason = np.array(reasons, dtype=object)
    return reason != "", reason


def compare_outcomes(
    outcome_answers: pd.DataFrame,
    *,
    k: int,
    resamples: int = 2000,
    seed: int = 0,
    user_proposed: frozenset[str] | set[str] = frozenset(),
    progress: Progress | None = None,
    check_unique: bool = True,
    release: Release | None = None,
) -> pd.DataFrame:
    """Every staff-versus-users figure of DESIGN section 4, one row per outcome x measure x
    breakdown group, in the column order of the ``export_comparison`` contract.

    Breakdowns: ``all`` (all staff vs all users and carers), ``organisation`` and ``staff_group``
    (that staff subset vs all users and carers), ``audience`` (``service_user`` or ``carer`` vs all
    staff). Every outcome x measure in the input gets a row for every organisation, staff group and
    user audience of the release's structure (or present anywhere in the input). A side that gave
    no answer (an outcome users were asked about but staff were not, say) shows n = 0 and no
    figures; the other side's figures stay. Rows are sorted by outcome, measure (importance
    first), breakdown, group. What is hidden, and why, comes from ``release`` (disclosure control
    over the linked tables of the run; a release of its own when None). ``progress`` is called
    with a fraction 0..1 about a dozen times. ``check_unique=False`` skips the duplicate check
    when the caller guarantees one answer per respondent, outcome and measure.
    """
    k = check_k(k)
    _check_run(resamples, seed)
    if progress is not None:
        progress(0.0)
    base = outcome_counts(outcome_answers, check_unique=check_unique)
    return _compare_base(
        base,
        k=k,
        resamples=resamples,
        seed=seed,
        user_proposed=user_proposed,
        progress=progress,
        release=release,
    )


def compare_outcome_counts(
    answer_counts: pd.DataFrame,
    *,
    k: int,
    resamples: int = 2000,
    seed: int = 0,
    user_proposed: frozenset[str] | set[str] = frozenset(),
    progress: Progress | None = None,
    release: Release | None = None,
) -> pd.DataFrame:
    """``compare_outcomes`` from counts (``counts.ANSWER_COUNT_COLUMNS``: how many answers per
    outcome x measure x audience x organisation x group x value) instead of raw answers, so only
    the counts need leave the database. The same table, figure for figure, as ``compare_outcomes``
    on the answers counted; one answer per respondent and outcome measure is the caller's promise.
    """
    k = check_k(k)
    _check_run(resamples, seed)
    if progress is not None:
        progress(0.0)
    base = outcome_counts_from(answer_counts)
    return _compare_base(
        base,
        k=k,
        resamples=resamples,
        seed=seed,
        user_proposed=user_proposed,
        progress=progress,
        release=release,
    )


def _compare_base(
    base: pd.DataFrame,
    *,
    k: int,
    resamples: int,
    seed: int,
    user_proposed: frozenset[str] | set[str],
    progress: Progress | None,
    release: Release | None,
) -> pd.DataFrame:
    """Every comparison figure from the wide counts frame of ``statistics.outcome_counts``."""
    if progress is not None:
        progress(0.1)
    if len(base) == 0:
        if progress is not None:
            progress(1.0)
        return _empty_comparison()

    staff = (base["audience"] == STAFF).to_numpy()
    release = release_for(
        k,
        release,
        staff_cells=_cells(base.loc[staff, ["organisation", "group"]]),
        user_cells=_cells(
            base.loc[~staff, ["audience", "group"]].astype(object).fillna({"group": ""})
        ),
    )
    counts = _breakdown_counts(base, release)
    hidden, reason = _protect_rows(counts, release)
    table = compare_counts(
        counts.keys,
        counts.x,
        counts.y,
        hidden=hidden,
        reason=reason,
        resamples=resamples,
        seed=seed,
        sample_keys=counts.samples,
        q_family=["measure", "breakdown", "group"],
        suffixes=("staff", "users"),
        progress=_scaled(progress, 0.1, 0.99),
    )
    table["flag"] = _flags(table, frozenset(user_proposed))
    table = table[list(COMPARISON_COLUMNS)]
    if progress is not None:
        progress(1.0)
    return table


def _cells(frame: pd.DataFrame) -> set[tuple[object, object]]:
    return set(frame.drop_duplicates().itertuples(index=False, name=None))


class PriorityAgreement(TypedDict):
    """What ``priority_agreement`` returns: the outcomes compared and the two rank correlations."""

    n_outcomes: int
    spearman_rho: float
    spearman_p: float
    kendall_tau: float
    kendall_p: float


def priority_agreement(comparison: pd.DataFrame) -> PriorityAgreement:
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
    result: PriorityAgreement = {
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
