"""Column contracts of the frames the analysis reads, and the checks that enforce them.

The analysis knows nothing of Django: callers (Celery tasks, commands, benchmarks, tests) hand it
long pandas frames in these shapes. Checking the contract up front turns bad input into one clear
``FrameError`` instead of a wrong number further down.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

STAFF = "staff"
SERVICE_USER = "service_user"
CARER = "carer"
AUDIENCES: tuple[str, ...] = (STAFF, SERVICE_USER, CARER)
USER_AUDIENCES: tuple[str, ...] = (SERVICE_USER, CARER)

IMPORTANCE = "importance"
ACHIEVEMENT = "achievement"
MEASURES: tuple[str, ...] = (IMPORTANCE, ACHIEVEMENT)

LIKERT_VALUES: tuple[int, ...] = (1, 2, 3, 4, 5)

# One row per answer to an outcome measure; ``value`` NaN is "don't know" (missing, never counted).
OUTCOME_ANSWER_COLUMNS: tuple[str, ...] = (
    "respondent",
    "audience",
    "organisation",
    "group",
    "outcome",
    "measure",
    "value",
)
# One row per answer to a process item of the staff survey.
PROCESS_ANSWER_COLUMNS: tuple[str, ...] = (
    "respondent",
    "organisation",
    "staff_group",
    "domain",
    "item",
    "value",
)
# One row per pick of "the three outcomes that matter most".
TOP_PICK_COLUMNS: tuple[str, ...] = ("respondent", "audience", "outcome")

_EXAMPLES = 5


class FrameError(ValueError):
    """An input frame breaks its column contract; the message names the rows at fault."""


def _rows(mask: np.ndarray | pd.Series, frame: pd.DataFrame) -> str:
    labels = list(frame.index[np.asarray(mask, dtype=bool)][:_EXAMPLES])
    more = int(np.asarray(mask).sum()) - len(labels)
    text = ", ".join(str(label) for label in labels)
    return f"rows {text}" + (f" and {more} more" if more > 0 else "")


def require_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> pd.DataFrame:
    """The frame reduced to ``columns``; a frame with no rows may lack the header altogether."""
    if not isinstance(frame, pd.DataFrame):
        raise FrameError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing and len(frame) == 0:
        # An empty frame without a header is still "no answers", not a broken contract.
        frame = frame.reindex(columns=list(columns))
    elif missing:
        raise FrameError(f"{name} is missing columns: {', '.join(missing)}")
    return frame.loc[:, list(columns)]


def _values(frame: pd.DataFrame, name: str) -> np.ndarray:
    try:
        values = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise FrameError(f"{name}.value must be numeric 1-5 or NaN for don't know: {exc}") from exc
    bad = ~np.isnan(values) & ~np.isin(values, LIKERT_VALUES)
    if bad.any():
        raise FrameError(f"{name}.value must be 1-5 or NaN (don't know): {_rows(bad, frame)}")
    return values


def _require_present(
    frame: pd.DataFrame,
    columns: Sequence[str],
    name: str,
    where: npt.NDArray[np.bool_] | None = None,
) -> None:
    for column in columns:
        values = frame[column]
        missing = (values.isna() | (values == "")).to_numpy(dtype=bool).copy()
        if where is not None:
            missing &= where
        if missing.any():
            raise FrameError(f"{name}.{column} is empty: {_rows(missing, frame)}")


def _require_in(frame: pd.DataFrame, column: str, allowed: Sequence[str], name: str) -> None:
    bad = ~frame[column].isin(allowed).to_numpy()
    if bad.any():
        raise FrameError(
            f"{name}.{column} must be one of {', '.join(allowed)}: {_rows(bad, frame)}"
        )


def _require_unique(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    duplicated = frame.duplicated(list(columns)).to_numpy()
    if duplicated.any():
        raise FrameError(
            f"{name} has more than one row per {'+'.join(columns)}: {_rows(duplicated, frame)}"
        )


def validate_outcome_answers(frame: pd.DataFrame, *, check_unique: bool = True) -> pd.DataFrame:
    """Check an ``outcome_answers`` frame and return it reduced to the contract columns.

    A respondent answering one outcome measure twice would be counted as two people and could lift
    a group over the suppression threshold, so uniqueness is checked unless the caller already
    guarantees it (a database constraint): ``check_unique=False`` skips that one costly pass.
    """
    name = "outcome_answers"
    frame = require_columns(frame, OUTCOME_ANSWER_COLUMNS, name)
    values = _values(frame, name)
    _require_present(frame, ("respondent", "outcome"), name)
    _require_in(frame, "audience", AUDIENCES, name)
    _require_in(frame, "measure", MEASURES, name)
    is_staff = (frame["audience"] == STAFF).to_numpy()
    _require_present(frame, ("organisation", "group"), name, where=is_staff)
    if check_unique:
        _require_unique(frame, ("respondent", "outcome", "measure"), name)
    return frame.assign(value=values)


def validate_process_answers(frame: pd.DataFrame, *, check_unique: bool = True) -> pd.DataFrame:
    """Check a ``process_answers`` frame (staff only) and return the contract columns."""
    name = "process_answers"
    frame = require_columns(frame, PROCESS_ANSWER_COLUMNS, name)
    values = _values(frame, name)
    _require_present(frame, ("respondent", "organisation", "staff_group", "domain", "item"), name)
    if check_unique:
        _require_unique(frame, ("respondent", "item"), name)
    return frame.assign(value=values)


def validate_top_picks(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a ``top_picks`` frame; a respondent picking the same outcome twice counts once."""
    name = "top_picks"
    frame = require_columns(frame, TOP_PICK_COLUMNS, name)
    _require_present(frame, TOP_PICK_COLUMNS, name)
    _require_in(frame, "audience", AUDIENCES, name)
    return frame.drop_duplicates(["respondent", "outcome"])


def empty_outcome_answers() -> pd.DataFrame:
    """An ``outcome_answers`` frame with no rows (handy for callers and tests)."""
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in OUTCOME_ANSWER_COLUMNS})
    return frame.astype({"value": "float64"})
