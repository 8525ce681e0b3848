"""Helpers every table uses once disclosure control has decided (``disclosure.py``,
``release.py``): the check of k, and emptying the figures of hidden rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.extensions import ExtensionArray

from .disclosure import check_k

__all__ = ["below_k", "blank", "blank_arrays", "check_k", "group_codes"]


def below_k(k: int, *n: np.ndarray | pd.Series) -> npt.NDArray[np.bool_]:
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


def blank_arrays(
    columns: Mapping[str, object], suppressed: np.ndarray
) -> dict[str, np.ndarray | ExtensionArray]:
    """``blank`` for a dict of arrays about to become a frame: figures of hidden rows emptied,
    integer counts turned into nullable Int64."""
    hidden = np.asarray(suppressed, dtype=bool)
    out: dict[str, np.ndarray | ExtensionArray] = {}
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
