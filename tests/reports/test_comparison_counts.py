"""Issue 19, item 1: a wave's answer counts from one GROUP BY give the comparison of its answers."""

import pandas as pd
import pytest

from poet.analysis import (
    ANSWER_COUNT_COLUMNS,
    compare_outcome_counts,
    compare_outcomes,
    outcome_counts_from,
    staff_consensus,
    staff_consensus_from_counts,
    staff_outcome_summary,
    staff_outcome_summary_from_counts,
)
from poet.analysis.statistics import outcome_counts
from reports.selectors.frames import load_outcome_answers, load_outcome_counts
from surveys.models import Answer, Response
from tests.factories import WaveFactory
from tests.reports.builders import build_wave, participant_for

pytestmark = pytest.mark.django_db


def assert_counts_give_the_answers_comparison(wave, **options) -> pd.DataFrame:
    answers = load_outcome_answers(wave)
    counts = load_outcome_counts(wave)
    assert list(counts.columns) == list(ANSWER_COUNT_COLUMNS)
    assert int(counts["count"].sum()) == len(answers)
    pd.testing.assert_frame_equal(
        outcome_counts_from(counts),
        outcome_counts(answers, check_unique=False),
        check_exact=True,
        check_dtype=False,
        check_categorical=False,
    )
    expected = compare_outcomes(answers, **options)
    got = compare_outcome_counts(counts, **options)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    k = options["k"]
    pd.testing.assert_frame_equal(
        staff_outcome_summary_from_counts(counts, k=k),
        staff_outcome_summary(answers, k=k),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        staff_consensus_from_counts(counts, k=k), staff_consensus(answers, k=k), check_exact=True
    )
    return counts


def test_counts_of_a_wave_give_the_same_comparison_as_its_answers():
    built = build_wave(outcomes=3, staff=14, users=8, carers=3, k=3)
    participant_for(built.users[0], withdrawn=True)  # a withdrawn participant never counts
    counts = assert_counts_give_the_answers_comparison(built.wave, k=3, resamples=100, seed=5)
    # One row per key and value, not per person: far fewer rows than answers.
    assert len(counts) < len(load_outcome_answers(built.wave))
    assert counts["value"].isna().any()  # don't know is counted as its own value


def test_unsubmitted_responses_are_not_counted():
    built = build_wave(outcomes=2, staff=10, users=5, k=3)
    Response.objects.filter(pk__in=[r.pk for r in built.staff[:2]]).update(submitted_on=None)
    counts = assert_counts_give_the_answers_comparison(built.wave, k=3, resamples=20)
    submitted = [*built.staff[2:], *built.users]
    counted = Answer.objects.filter(item__outcome__isnull=False, response__in=submitted).count()
    assert int(counts["count"].sum()) == counted


def test_a_wave_without_answers_has_no_counts():
    wave = WaveFactory()
    assert len(load_outcome_counts(wave)) == 0
    assert_counts_give_the_answers_comparison(wave, k=5)


def test_on_postgresql_the_group_by_matches_too(postgres):
    built = build_wave(outcomes=2, staff=12, users=6, carers=2, k=3)
    assert_counts_give_the_answers_comparison(built.wave, k=3, resamples=50, seed=3)
