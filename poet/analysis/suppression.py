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


def group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One integer per row naming its combination of ``columns`` (missing values form a group)."""
    if len(frame) == 0:
        return np.zeros(0, dtype="int64")
    if not columns:
        return np.zeros(len(frame), dtype="int64")
    return frame.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy()


def _sort_codes(values: pd.Series) -> np.ndarray:
    return pd.factorize(values, sort=True, use_na_sentinel=False)[0]


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
    codes = group_codes(frame, family)
    size = np.bincount(codes)
    hidden_in_family = np.bincount(codes, weights=hidden).astype("int64")
    exposed = ((size >= 2) & (hidden_in_family == 1))[codes] & ~hidden
    if not exposed.any():
        return hidden
    candidates = np.flatnonzero(exposed)
    # np.lexsort sorts by the last key first: family, then n, then the tie-break columns.
    sort_keys = [_sort_codes(frame[column].iloc[candidates]) for column in reversed(tie_break)]
    sort_keys += [frame[n].to_numpy()[candidates], codes[candidates]]
    ordered = candidates[np.lexsort(sort_keys)]
    first_of_family = np.r_[True, codes[ordered][1:] != codes[ordered][:-1]]
    hidden[ordered[first_of_family]] = True
    return hidden


def blank_arrays(columns: dict[str, object], suppressed: np.ndarray) -> dict[str, object]:
    """``blank`` for a dict of arrays about to become a frame: figures of hidden rows emptied,
    integer counts turned into nullable Int64."""
    hidden = np.asarray(suppressed, dtype=bool)
    out: dict[str, object] = {}
    for name, values in columns.items():
        array = np.asarray(values)
        if array.dtype.kind in "iu":
            out[name] = pd.arrays.IntegerArray(array.astype("int64"), hidden.copy())
        elif array.dtype.kind == "f":
            out[name] = np.where(hidden, np.nan, array)
        elif array.dtype.kind == "b":
            out[name] = pd.arrays.BooleanArray(array, hidden.copy())
        else:
            out[name] = np.where(hidden, "", array.astype(object)).astype(object)
    return out


def blank(frame: pd.DataFrame, suppressed: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    """Empty every figure column of the suppressed rows: floats NaN, counts <NA> (nullable
    Int64), flags <NA> (nullable boolean), text ''."""
    arrays = {column: frame[column].to_numpy() for column in columns}
    emptied = blank_arrays(arrays, suppressed)
    return frame.assign(**emptied)
