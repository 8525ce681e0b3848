"""Staff figures per outcome and measure, against NumPy on the raw answers, and suppression."""

import numpy as np
import pandas as pd
import pytest

from poet.analysis import STAFF_SUMMARY_COLUMNS, FrameError, staff_outcome_summary
from tests.poet.analysis.helpers import make_outcome_answers


def reference(answers: pd.DataFrame, outcome: str, measure: str) -> dict:
    rows = answers[
        (answers["audience"] == "staff")
        & (answers["outcome"] == outcome)
        & (answers["measure"] == measure)
    ]
    values = rows["value"].dropna().to_numpy(dtype=float)
    return {
        "n": len(values),
        "mean": values.mean(),
        "sd": np.std(values, ddof=1),
        "median": np.median(values),
        "pct_positive": 100 * np.mean(values >= 4),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_figures_equal_numpy_on_the_staff_answers(seed):
    answers = make_outcome_answers(np.random.default_rng(seed), n_staff=80, n_users=40)
    table = staff_outcome_summary(answers, k=5)
    assert tuple(table.columns) == STAFF_SUMMARY_COLUMNS
    assert len(table) == answers["outcome"].nunique() * 2
    for row in table.itertuples():
        expected = reference(answers, row.outcome, row.measure)
        assert not row.suppressed
        assert row.n == expected["n"]
        for name in ("mean", "sd", "median", "pct_positive"):
            assert getattr(row, name) == pytest.approx(expected[name], rel=1e-12), name


def test_users_and_carers_never_count():
    answers = make_outcome_answers(np.random.default_rng(3), n_staff=30, n_users=50)
    staff_only = answers[answers["audience"] == "staff"]
    pd.testing.assert_frame_equal(
        staff_outcome_summary(answers, k=3), staff_outcome_summary(staff_only, k=3)
    )


def test_measures_in_order_importance_then_achievement():
    answers = make_outcome_answers(np.random.default_rng(4), outcomes=3)
    table = staff_outcome_summary(answers, k=3)
    assert list(table["measure"]) == ["importance", "achievement"] * 3
    assert list(table["outcome"]) == sorted(table["outcome"])


def staff_answers(values_by_outcome: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for outcome, values in values_by_outcome.items():
        for person, value in enumerate(values):
            rows.append((f"s{person}", "staff", "Org", "GP", outcome, "importance", value))
    return pd.DataFrame(
        rows,
        columns=["respondent", "audience", "organisation", "group", "outcome", "measure", "value"],
    )


def test_fewer_than_k_answers_are_suppressed_and_dont_know_does_not_count():
    answers = staff_answers(
        {
            "O-SHOWN": [5, 4, 4, 3, 2],
            # five staff, but two said "don't know": only three answers
            "O-HIDDEN": [5, 5, 5, np.nan, np.nan],
        }
    )
    table = staff_outcome_summary(answers, k=5).set_index("outcome")
    shown, hidden = table.loc["O-SHOWN"], table.loc["O-HIDDEN"]
    assert not shown["suppressed"] and shown["n"] == 5 and shown["pct_positive"] == 60
    assert hidden["suppressed"]
    assert pd.isna(hidden["n"])
    for name in ("mean", "sd", "median", "pct_positive"):
        assert np.isnan(hidden[name])
    # k is respected both ways: at k=3 the same row shows.
    lower = staff_outcome_summary(answers, k=3).set_index("outcome")
    assert not lower.loc["O-HIDDEN", "suppressed"] and lower.loc["O-HIDDEN", "n"] == 3


def test_no_answers_and_bad_input():
    empty = staff_outcome_summary(pd.DataFrame(), k=10)
    assert list(empty.columns) == list(STAFF_SUMMARY_COLUMNS) and len(empty) == 0
    with pytest.raises(FrameError):
        staff_outcome_summary(staff_answers({"O-A": [7]}), k=3)
    with pytest.raises(ValueError):
        staff_outcome_summary(staff_answers({"O-A": [1]}), k=0)
