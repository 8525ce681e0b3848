"""Agreement between two coders (issue 16, item 4): Cohen's kappa equal to scikit-learn's, on
fixtures and on random codings; percentage agreement by hand; the units of a source; the cases
where kappa is not defined (pure: `poet.analysis.agreement`, no database)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from poet.analysis.agreement import (
    ALL_CODED,
    NO_UNITS,
    NONE_CODED,
    agreement,
    coded_units,
    paragraphs,
)

FIXTURES = [
    ([1, 1, 0, 0, 1, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0, 1, 1, 0, 0]),
    ([1, 1, 1, 1, 0], [1, 1, 1, 0, 0]),
    ([1, 0, 1, 0], [0, 1, 0, 1]),  # never agree: kappa −1
    ([1, 1, 1, 1], [1, 1, 1, 0]),  # one coder codes every unit: kappa 0
    ([0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1]),
]


@pytest.mark.parametrize(("first", "second"), FIXTURES)
def test_kappa_equals_scikit_learn_on_fixtures(first, second):
    result = agreement([bool(x) for x in first], [bool(y) for y in second])
    assert result.kappa == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)
    assert result.kappa_note == ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_kappa_equals_scikit_learn_on_random_codings(pairs):
    first = [x for x, _ in pairs]
    second = [y for _, y in pairs]
    result = agreement(first, second)
    expected = cohen_kappa_score(first, second) if len(set(first) | set(second)) > 1 else math.nan
    if math.isnan(expected):
        assert result.kappa is None and result.kappa_note in (ALL_CODED, NONE_CODED)
    else:
        assert result.kappa == pytest.approx(expected, abs=1e-9)
    assert result.units == len(pairs)
    assert result.both + result.first_only + result.second_only + result.neither == len(pairs)


def test_percentage_agreement_by_hand():
    # units:    1  2  3  4  5  6  7  8
    first = [True, True, False, False, True, False, False, False]
    second = [True, False, False, True, True, False, False, False]
    result = agreement(first, second)
    # both coded: units 1 and 5; neither: 3, 6, 7, 8; disagree: 2 and 4 → 6 of 8 agree
    assert (result.both, result.first_only, result.second_only, result.neither) == (2, 1, 1, 4)
    assert result.percentage == 75.0
    assert result.disagreements == (1, 3)
    # by hand: pₒ = 0.75, pₑ = (3/8)(3/8) + (5/8)(5/8) = 34/64, kappa = (0.75 − 34/64)/(1 − 34/64)
    assert result.kappa == pytest.approx((0.75 - 34 / 64) / (1 - 34 / 64))
    assert result.kappa == pytest.approx(7 / 15)


def test_no_units_leaves_both_figures_undefined():
    result = agreement([], [])
    assert result.units == 0
    assert result.percentage is None and result.kappa is None
    assert result.kappa_note == NO_UNITS


def test_every_unit_coded_by_both_has_no_kappa_but_full_agreement():
    result = agreement([True] * 4, [True] * 4)
    assert result.percentage == 100.0
    assert result.kappa is None
    assert "every unit" in result.kappa_note and "chance agreement" in result.kappa_note


def test_no_unit_coded_by_either_has_no_kappa():
    result = agreement([False] * 3, [False] * 3)
    assert result.percentage == 100.0
    assert result.kappa is None and result.kappa_note == NONE_CODED


def test_the_coders_must_code_the_same_units():
    with pytest.raises(ValueError):
        agreement([True], [True, False])


def test_a_paragraph_is_a_line_without_its_surrounding_space():
    text = "First line.\n\n  Second, indented.  \n\nThird"
    units = paragraphs(text)
    assert [text[s:e] for s, e in units] == ["First line.", "Second, indented.", "Third"]
    assert paragraphs("") == [] and paragraphs("\n \n") == []


def test_a_unit_is_coded_when_any_coding_overlaps_it():
    units = [(0, 10), (11, 20), (21, 30)]
    assert coded_units(units, [(9, 12)]) == [True, True, False]
    assert coded_units(units, [(10, 11)]) == [False, False, False]  # only the line break
    assert coded_units(units, []) == [False, False, False]
    assert coded_units(units, [(25, 26), (0, 1)]) == [True, False, True]
