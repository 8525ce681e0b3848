"""Answer counts: how many people gave each value to each outcome measure, per group.

A national comparison must not copy every answer out of the database (issue 19): answers take six
values (1-5 and don't know), so ``answer_counts`` - one row per outcome x measure x audience x
organisation x group x value, with how many answers - holds everything DESIGN section 4 needs and
is what one ``GROUP BY`` returns. ``outcome_counts_from`` turns it into the same wide counts frame
``statistics.outcome_counts`` makes from raw answers, so every figure is computed by the same code
and is identical whichever input it came from.

Uniqueness (one answer per respondent and outcome measure) cannot be checked on counts: the
caller guarantees it (a database constraint), as ``check_unique=False`` does for raw answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import (
    AUDIENCES,
    LIKERT_VALUES,
    MEASURES,
    OUTCOME_ANSWER_COLUMNS,
    STAFF,
    FrameError,
    require_columns,
)
from .statistics import COUNT_COLUMNS, OUTCOME_KEYS

ANSWER_COUNT_COLUMNS: tuple[str, ...] = (*OUTCOME_KEYS, "value", "count")
_NAME = "answer_counts"
_EXAMPLES = 5


def _rows(mask: np.ndarray, frame: pd.DataFrame) -> str:
    labels = list(frame.index[mask][:_EXAMPLES])
    more = int(mask.sum()) - len(labels)
    text = ", ".join(str(label) for label in labels)
    return f"rows {text}" + (f" and {more} more" if more > 0 else "")


def _numbers(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    try:
        return frame[column].to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise FrameError(f"{_NAME}.{column} must be {what}: {exc}") from exc


def _blank(values: pd.Series) -> np.ndarray:
    return (values.isna() | (values.astype(object) == "")).to_numpy(dtype=bool)


def _fail_where(bad: np.ndarray, frame: pd.DataFrame, message: str) -> None:
    if bad.any():
        raise FrameError(f"{_NAME}.{message}: {_rows(bad, frame)}")


def validate_answer_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Check an ``answer_counts`` frame and return it reduced to the contract columns, ``value``
    as float (NaN = don't know) and ``count`` as int64. Bad input raises ``FrameError`` naming the
    rows at fault, as ``validate_outcome_answers`` does for answers."""
    frame = require_columns(frame, ANSWER_COUNT_COLUMNS, _NAME)
    values = _numbers(frame, "value", "numeric 1-5 or NaN for don't know")
    _fail_where(
        ~np.isnan(values) & ~np.isin(values, LIKERT_VALUES),
        frame,
        "value must be 1-5 or NaN (don't know)",
    )
    counts = _numbers(frame, "count", "a whole number >= 0")
    whole = np.isfinite(counts) & (counts >= 0) & (counts == np.floor(counts))
    _fail_where(~whole, frame, "count must be a whole number >= 0")
    _fail_where(~frame["audience"].isin(AUDIENCES).to_numpy(), frame, "audience is not known")
    _fail_where(~frame["measure"].isin(MEASURES).to_numpy(), frame, "measure is not known")
    _fail_where(_blank(frame["outcome"]), frame, "outcome is empty")
    staff = (frame["audience"] == STAFF).to_numpy(dtype=bool)
    _fail_where(
        (_blank(frame["organisation"]) | _blank(frame["group"])) & staff,
        frame,
        "organisation and group are required for staff",
    )
    return frame.assign(value=values, count=counts.astype("int64"))


def answer_counts(outcome_answers: pd.DataFrame) -> pd.DataFrame:
    """The ``answer_counts`` of raw ``outcome_answers``, as the database's ``GROUP BY`` gives
    them: one row per key and value seen (don't know as NaN), sorted by the keys then value."""
    answers = require_columns(outcome_answers, OUTCOME_ANSWER_COLUMNS, "outcome_answers")
    keys = [*OUTCOME_KEYS, "value"]
    if len(answers) == 0:
        empty = {column: pd.Series(dtype=object) for column in OUTCOME_KEYS}
        return pd.DataFrame(
            {**empty, "value": pd.Series(dtype="float64"), "count": pd.Series(dtype="int64")}
        )
    sizes = answers.groupby(keys, dropna=False, observed=True, sort=True).size()
    return sizes.reset_index(name="count").astype({"count": "int64"})


def outcome_counts_from(counts: pd.DataFrame) -> pd.DataFrame:
    """The wide counts frame (``OUTCOME_KEYS`` then ``c1``..``c5``, one row per key, sorted by
    the keys) of an ``answer_counts`` frame: what ``statistics.outcome_counts`` gives for the
    answers counted. Rows of one key and value are added up (partial counts may come from
    parallel workers); a key seen only with don't know, or with count 0, keeps a row of zeros."""
    counts = validate_answer_counts(counts)
    keys = list(OUTCOME_KEYS)
    if len(counts) == 0:
        empty = {key: pd.Series(dtype=object) for key in keys}
        empty.update({column: pd.Series(dtype="int64") for column in COUNT_COLUMNS})
        return pd.DataFrame(empty)
    values = counts["value"].to_numpy(dtype="float64")
    n = counts["count"].to_numpy(dtype="int64")
    per_value = {
        column: np.where(values == level, n, 0)
        for column, level in zip(COUNT_COLUMNS, LIKERT_VALUES, strict=True)
    }
    wide = counts[keys].assign(**per_value)
    summed = wide.groupby(keys, dropna=False, observed=True, sort=True)[list(COUNT_COLUMNS)].sum()
    return summed.reset_index().astype(dict.fromkeys(COUNT_COLUMNS, "int64"))
