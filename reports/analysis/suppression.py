"""Small-group suppression, primary and secondary, for any table of figures.

Primary: a row that describes fewer than *k* people is hidden. Secondary: in a family of sibling
rows that together make up a shown total (the organisations of one outcome and measure, say), a
single hidden member could be worked out by subtracting the shown siblings from the total, so the
next-smallest member is hidden too (as the GP Patient Survey does). The rules are plain functions
over a frame, so every table (comparison, process domains, top picks, waves) uses the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def check_k(k: int) -> int:
    """k is a count of people: a whole number of at least 1."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    return int(k)


def below_k(k: int, *n: np.ndarray | pd.Series) -> np.ndarray:
    """Primary suppression: True where any of the given head-counts is below k."""
    k = check_k(k)
    hidden = np.zeros(len(n[0]) if n else 0, dtype=bool)
    for counts in n:
        hidden |= np.asarray(counts) < k
    return hidden


def secondary_suppression(
    frame: pd.DataFrame,
    *,
    family: Sequence[str],
    n: str,
    suppressed: np.ndarray | pd.Series,
    tie_break: Sequence[str] = (),
) -> np.ndarray:
    """Return the suppression flags after the secondary rule.

    ``family`` names the columns whose values identify a family of siblings; ``n`` the column with
    each member's own head-count; ``suppressed`` the flags after primary suppression. In every
    family of two or more members with exactly one member hidden, the shown member with the
    smallest n is hidden as well; ties go to the first by ``tie_break`` columns (ascending), so the
    choice never depends on row order. One pass suffices: afterwards such a family has two hidden
    members, whose figures cannot be separated by subtraction.
    """
    hidden = np.asarray(suppressed, dtype=bool).copy()
    if len(frame) == 0:
        return hidden
    family = list(family)
    work = frame[[*family, n, *tie_break]].reset_index(drop=True)
    work["_hidden"] = hidden
    grouped = work.groupby(family, dropna=False, sort=False)["_hidden"]
    size = grouped.transform("size").to_numpy()
    hidden_in_family = grouped.transform("sum").to_numpy()
    exposed = (size >= 2) & (hidden_in_family == 1) & ~hidden
    if not exposed.any():
        return hidden
    candidates = work[exposed].sort_values([*family, n, *tie_break], kind="stable")
    chosen = candidates.drop_duplicates(family, keep="first").index
    hidden[chosen.to_numpy()] = True
    return hidden


def blank(frame: pd.DataFrame, suppressed: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    """Empty every figure column of the suppressed rows (count columns become nullable Int64,
    so a hidden n is <NA> rather than a float)."""
    frame = frame.copy()
    hidden = np.asarray(suppressed, dtype=bool)
    for column in columns:
        series = frame[column]
        if pd.api.types.is_integer_dtype(series.dtype):
            frame[column] = series.astype("Int64").mask(hidden)
        elif pd.api.types.is_float_dtype(series.dtype):
            frame[column] = series.mask(hidden)
        elif pd.api.types.is_bool_dtype(series.dtype):
            frame[column] = series.astype("boolean").mask(hidden)
        else:
            frame[column] = series.mask(hidden, "")
    return frame
