"""Issue 19, item 1: the comparison from answer counts gives exactly what it gives from answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poet.analysis import (
    ANSWER_COUNT_COLUMNS,
    FrameError,
    answer_counts,
    compare_outcome_counts,
    compare_outcomes,
    empty_outcome_answers,
    outcome_counts_from,
    staff_consensus,
    staff_consensus_from_counts,
    staff_outcome_summary,
    staff_outcome_summary_from_counts,
    validate_answer_counts,
)
from poet.analysis.statistics import outcome_counts

from .helpers import PROPERTY_SETTINGS, make_outcome_answers, reference_row
from .test_analysis_properties import partnerships

SEED = 11
RESAMPLES = 200
SETTINGS = settings(PROPERTY_SETTINGS, max_examples=40)


def shuffled_and_split(counts: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The same counts in another order, each count cut in two rows (as partial aggregates from
    parallel workers would come back), zero-count rows included."""
    rng = np.random.default_rng(seed)
    first = counts.assign(count=rng.integers(0, counts["count"] + 1))
    second = counts.assign(count=counts["count"] - first["count"])
    both = pd.concat([first, second], ignore_index=True)
    return both.iloc[rng.permutation(len(both))].reset_index(drop=True)


@SETTINGS
@given(partnerships(), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_counts_and_answers_give_identical_comparisons(answers, k, seed):
    """Random partnerships (ties, don't-knows, single answers, empty sides): every figure, flag
    and suppression decision is the same, bit for bit, from counts as from answers."""
    expected = compare_outcomes(answers, k=k, resamples=20, seed=seed % 1000)
    counted = answer_counts(answers)
    got = compare_outcome_counts(counted, k=k, resamples=20, seed=seed % 1000)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    split = shuffled_and_split(counted, seed)
    again = compare_outcome_counts(split, k=k, resamples=20, seed=seed % 1000)
    pd.testing.assert_frame_equal(again, expected, check_exact=True)


@SETTINGS
@given(partnerships(), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_counts_and_answers_give_identical_staff_summary_and_consensus(answers, k, seed):
    split = shuffled_and_split(answer_counts(answers), seed)
    pd.testing.assert_frame_equal(
        staff_outcome_summary_from_counts(split, k=k),
        staff_outcome_summary(answers, k=k),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        staff_consensus_from_counts(split, k=k), staff_consensus(answers, k=k), check_exact=True
    )


@SETTINGS
@given(partnerships())
def test_counts_frame_is_the_one_counted_from_answers(answers):
    pd.testing.assert_frame_equal(
        outcome_counts_from(answer_counts(answers)), outcome_counts(answers), check_exact=True
    )


def test_figures_from_counts_match_scipy_on_the_raw_answers():
    answers = make_outcome_answers(
        np.random.default_rng(19), n_staff=80, n_users=40, outcomes=3, shift=0.5
    )
    table = compare_outcome_counts(answer_counts(answers), k=5, resamples=RESAMPLES, seed=SEED)
    shown = table[~table["suppressed"]]
    assert len(shown) > 0.8 * len(table)
    for row in shown.itertuples():
        key = (row.outcome, row.measure, row.breakdown, row.group)
        for column, value in reference_row(answers, key, seed=SEED, resamples=RESAMPLES).items():
            assert getattr(row, column) == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True)


def one_outcome(staff: list[float | None], users: list[float | None]) -> pd.DataFrame:
    rows = [("staff", "Council", "GP", value) for value in staff]
    rows += [("carer", None, "older people", value) for value in users]
    return pd.DataFrame(
        [
            (f"R{i}", audience, organisation, group, "O-A", "importance", value)
            for i, (audience, organisation, group, value) in enumerate(rows)
        ],
        columns=["respondent", "audience", "organisation", "group", "outcome", "measure", "value"],
    ).astype({"value": "float64"})


@pytest.mark.parametrize(
    ("staff", "users"),
    [
        ([4.0], [2.0]),  # one answer a side: no SD
        ([3.0] * 6, [3.0] * 5),  # all ties: p = 1, U = n1 n2 / 2
        ([5.0, 5.0, 1.0], [None, None]),  # users asked, every answer don't know
        ([None], [1.0, 2.0, 3.0]),  # staff asked, nobody answered
        ([1.0, 2.0, 2.0, 5.0], [2.0, 2.0, 4.0, 4.0, 5.0]),
    ],
)
def test_edge_cases_are_identical(staff, users):
    answers = one_outcome(staff, users)
    expected = compare_outcomes(answers, k=1, resamples=30, seed=2)
    got = compare_outcome_counts(answer_counts(answers), k=1, resamples=30, seed=2)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert len(got) == 4  # all, the organisation, the staff group, the audience


def test_no_counts_give_the_empty_comparison():
    expected = compare_outcomes(empty_outcome_answers(), k=5)
    counted = answer_counts(empty_outcome_answers())
    assert list(counted.columns) == list(ANSWER_COUNT_COLUMNS)
    pd.testing.assert_frame_equal(compare_outcome_counts(counted, k=5), expected)
    headerless = pd.DataFrame()
    pd.testing.assert_frame_equal(compare_outcome_counts(headerless, k=5), expected)
    pd.testing.assert_frame_equal(
        staff_outcome_summary_from_counts(counted, k=5),
        staff_outcome_summary(empty_outcome_answers(), k=5),
    )
    pd.testing.assert_frame_equal(
        staff_consensus_from_counts(counted, k=5), staff_consensus(empty_outcome_answers(), k=5)
    )


def test_a_key_counted_zero_times_keeps_its_row_of_zeros():
    counts = pd.DataFrame(
        [("O-A", "importance", "staff", "Council", "GP", 4.0, 0)],
        columns=list(ANSWER_COUNT_COLUMNS),
    )
    wide = outcome_counts_from(counts)
    assert wide[["c1", "c2", "c3", "c4", "c5"]].to_numpy().tolist() == [[0, 0, 0, 0, 0]]


def good_counts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("O-A", "importance", "staff", "Council", "GP", 4.0, 3),
            ("O-A", "importance", "carer", None, "older people", np.nan, 2),
        ],
        columns=list(ANSWER_COUNT_COLUMNS),
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value", 6.0, "value must be 1-5"),
        ("value", 2.5, "value must be 1-5"),
        ("value", "high", "value must be numeric"),
        ("count", -1, "count must be a whole number"),
        ("count", 1.5, "count must be a whole number"),
        ("count", np.nan, "count must be a whole number"),
        ("audience", "manager", "audience is not known"),
        ("measure", "urgency", "measure is not known"),
        ("outcome", "", "outcome is empty"),
        ("organisation", None, "organisation and group are required for staff"),
        ("group", "", "organisation and group are required for staff"),
    ],
)
def test_bad_counts_are_refused_naming_the_row(column, value, message):
    counts = good_counts().astype({column: object})
    counts.loc[0, column] = value
    with pytest.raises(FrameError, match=message) as caught:
        compare_outcome_counts(counts, k=1)
    if "numeric" not in message:
        assert "rows 0" in str(caught.value)


def test_a_users_row_needs_no_organisation_and_a_missing_column_is_named():
    assert len(validate_answer_counts(good_counts())) == 2
    with pytest.raises(FrameError, match="missing columns: count"):
        compare_outcome_counts(good_counts().drop(columns="count"), k=1)
