"""Generated answers and a direct, row-by-row reference computation of the comparison.

The reference works on the raw answer values with NumPy and SciPy, one comparison at a time, so
the vectorised counts-based code can be checked against the textbook definitions.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, settings
from scipy import stats

# No deadline (a loaded CI machine is not a failure), no example database written into the repo.
PROPERTY_SETTINGS = settings(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

ORGANISATIONS = ("Council", "NHS Trust", "Practice", "Voluntary")
STAFF_GROUPS = ("GP", "nurse", "social worker")
USER_GROUPS = ("older people", "disabled children")


def make_outcome_answers(
    rng: np.random.Generator,
    *,
    n_staff: int = 60,
    n_users: int = 30,
    outcomes: int = 4,
    dk: float = 0.1,
    organisations: tuple[str, ...] = ORGANISATIONS,
    staff_groups: tuple[str, ...] = STAFF_GROUPS,
    shift: float = 0.0,
) -> pd.DataFrame:
    """Long outcome answers: every respondent answers both measures of every outcome."""
    people = n_staff + n_users
    audience = np.array(["staff"] * n_staff, dtype=object)
    user_audience = rng.choice(["service_user", "carer"], size=n_users, p=[0.7, 0.3])
    audience = np.concatenate([audience, user_audience.astype(object)])
    organisation = np.concatenate(
        [rng.choice(organisations, size=n_staff).astype(object), np.full(n_users, None)]
    )
    group = np.concatenate(
        [
            rng.choice(staff_groups, size=n_staff).astype(object),
            rng.choice(USER_GROUPS, size=n_users).astype(object),
        ]
    )
    codes = [f"O-{i:02d}" for i in range(outcomes)]
    rows = people * outcomes * 2
    person = np.repeat(np.arange(people), outcomes * 2)
    outcome = np.tile(np.repeat(codes, 2), people)
    measure = np.tile(["importance", "achievement"], people * outcomes)
    # Users lean a little away from staff so that some differences are significant.
    bias = np.where(audience[person] == "staff", 0.0, shift)
    weights = np.array([0.1, 0.15, 0.25, 0.3, 0.2])
    value = rng.choice(np.arange(1, 6), size=rows, p=weights).astype(float)
    value = np.clip(np.round(value + bias * rng.random(rows) * 2), 1, 5)
    value[rng.random(rows) < dk] = np.nan
    return pd.DataFrame(
        {
            "respondent": [f"R{p:04d}" for p in person],
            "audience": audience[person],
            "organisation": organisation[person],
            "group": group[person],
            "outcome": outcome,
            "measure": measure,
            "value": value,
        }
    )


def staff_values(frame: pd.DataFrame, outcome: str, measure: str, breakdown: str, group: str):
    rows = frame[
        (frame["outcome"] == outcome)
        & (frame["measure"] == measure)
        & (frame["audience"] == "staff")
        & frame["value"].notna()
    ]
    if breakdown == "organisation":
        rows = rows[rows["organisation"] == group]
    elif breakdown == "staff_group":
        rows = rows[rows["group"] == group]
    return rows["value"].to_numpy()


def user_values(frame: pd.DataFrame, outcome: str, measure: str, breakdown: str, group: str):
    rows = frame[
        (frame["outcome"] == outcome)
        & (frame["measure"] == measure)
        & (frame["audience"] != "staff")
        & frame["value"].notna()
    ]
    if breakdown == "audience":
        rows = rows[rows["audience"] == group]
    return rows["value"].to_numpy()


def reference_side(values: np.ndarray) -> dict[str, float]:
    n = len(values)
    return {
        "n": n,
        "mean": float(np.mean(values)) if n else np.nan,
        "sd": float(np.std(values, ddof=1)) if n >= 2 else np.nan,
        "median": float(np.median(values)) if n else np.nan,
        "pct_positive": float(np.mean(values >= 4) * 100) if n else np.nan,
    }


def resample_sum_probabilities(counts: np.ndarray) -> np.ndarray:
    """P(the sum of (answer - 1) over a resample of n answers = s), s = 0..4n: the n-fold
    convolution of the sample's five proportions, by direct convolutions (squaring), no FFT."""
    n = int(counts.sum())
    proportions = counts / n
    result, power, exponent = np.array([1.0]), proportions, n
    while exponent:
        if exponent & 1:
            result = np.convolve(result, power)
        exponent >>= 1
        if exponent:
            power = np.convolve(power, power)
    return result


def _resampled_means(values: np.ndarray, key: tuple[str, ...], seed: int, resamples: int):
    rng = np.random.default_rng([seed, zlib.crc32("\x1f".join(key).encode("utf-8"))])
    counts = np.array([(values == v).sum() for v in range(1, 6)])
    cumulative = np.cumsum(resample_sum_probabilities(counts))
    sums = np.searchsorted(cumulative, rng.random(resamples) * cumulative[-1], side="right")
    return (len(values) + sums) / len(values)


def reference_ci(
    x: np.ndarray,
    y: np.ndarray,
    key_x: tuple[str, ...],
    key_y: tuple[str, ...],
    *,
    seed: int,
    resamples: int,
) -> tuple[float, float]:
    """The documented scheme, written out: each sample's generator from (seed, crc32 of its
    key), one uniform number per resample turned into the resample's sum by the exact
    distribution of that sum (the same as a multinomial draw of the five category counts); the
    interval is the 2.5th and 97.5th percentiles of the differences y minus x."""
    diffs = _resampled_means(y, key_y, seed, resamples) - _resampled_means(
        x, key_x, seed, resamples
    )
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(low), float(high)


def sample_keys(key: tuple[str, str, str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The samples of a comparison row: staff by organisation or staff group, else all staff;
    users and carers by audience, else all of them."""
    outcome, measure, breakdown, group = key
    staff = (breakdown, group) if breakdown in ("organisation", "staff_group") else ("all", "all")
    users = (breakdown, group) if breakdown == "audience" else ("all", "all")
    return (outcome, measure, "staff", *staff), (outcome, measure, "users", *users)


def reference_row(
    frame: pd.DataFrame,
    key: tuple[str, str, str, str],
    *,
    seed: int,
    resamples: int,
) -> dict[str, float]:
    """Every figure of one comparison row, straight from the values (before suppression)."""
    outcome, measure, breakdown, group = key
    s = staff_values(frame, *key)
    u = user_values(frame, *key)
    row = {f"{name}_staff": value for name, value in reference_side(s).items()}
    row.update({f"{name}_users": value for name, value in reference_side(u).items()})
    if len(s) and len(u):
        test = stats.mannwhitneyu(u, s, method="asymptotic")
        row["u_statistic"] = float(test.statistic)
        row["p_value"] = float(test.pvalue)
        row["mean_diff"] = float(np.mean(u) - np.mean(s))
        row["cliffs_delta"] = float(
            np.mean(np.sign(u[:, None] - s[None, :]))
        )  # P(U>S) - P(U<S) by brute force
        row["ci_low"], row["ci_high"] = reference_ci(
            s, u, *sample_keys(key), seed=seed, resamples=resamples
        )
    return row
