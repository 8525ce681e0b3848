"""Properties of compare_outcomes on arbitrary small partnerships (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poet.analysis import compare_outcomes
from tests.security.attacker import pinned_groups

from .helpers import PROPERTY_SETTINGS

COLUMNS = ["respondent", "audience", "organisation", "group", "outcome", "measure", "value"]
VALUE = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def partnerships(draw) -> pd.DataFrame:
    """Staff in up to three organisations and groups, users and carers, a few outcomes, both
    measures, with don't-know answers scattered through."""
    outcomes = draw(st.lists(st.sampled_from(["O-A", "O-B", "O-C"]), min_size=1, unique=True))
    people = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["staff", "staff", "service_user", "carer"]),
                st.sampled_from(["Council", "Trust", "Charity"]),
                st.sampled_from(["GP", "nurse", "porter"]),
            ),
            min_size=1,
            max_size=30,
        )
    )
    values = iter(draw(st.lists(VALUE, min_size=len(people) * len(outcomes) * 2, max_size=999)))
    rows = []
    for number, (audience, organisation, group) in enumerate(people):
        for outcome in outcomes:
            for measure in ("importance", "achievement"):
                value = next(values)
                rows.append(
                    (
                        f"R{number}",
                        audience,
                        organisation if audience == "staff" else None,
                        group if audience == "staff" else "older people",
                        outcome,
                        measure,
                        np.nan if value is None else float(value),
                    )
                )
    return pd.DataFrame(rows, columns=COLUMNS)


SETTINGS = settings(PROPERTY_SETTINGS, max_examples=30)
TWICE = settings(PROPERTY_SETTINGS, max_examples=20)  # two runs per example


@SETTINGS
@given(partnerships(), st.integers(1, 6))
def test_no_shown_row_describes_fewer_than_k_people(answers, k):
    table = compare_outcomes(answers, k=k, resamples=5)
    shown = table[~table["suppressed"]]
    # A shown side has k or more people, or none at all (that audience was not asked).
    for side in ("n_staff", "n_users"):
        assert ((shown[side] >= k) | (shown[side] == 0)).all()
    not_asked = shown[(shown["n_staff"] == 0) | (shown["n_users"] == 0)]
    assert not_asked[["mean_diff", "ci_low", "ci_high", "p_value", "q_value"]].isna().all().all()
    # n is a count of people: each shown n is the number of distinct respondents who answered
    answered = answers[answers["value"].notna()]
    for row in shown[shown["breakdown"] == "all"].itertuples():
        mine = answered[(answered["outcome"] == row.outcome) & (answered["measure"] == row.measure)]
        assert row.n_staff == mine.loc[mine["audience"] == "staff", "respondent"].nunique()
        assert row.n_users == mine.loc[mine["audience"] != "staff", "respondent"].nunique()
    hidden = table[table["suppressed"]]
    assert hidden.iloc[:, 4:21].isna().all().all() and (hidden["flag"] == "").all()


def _attack(answers: pd.DataFrame, table: pd.DataFrame, k: int) -> list:
    """The linear-programming attacker on each outcome measure: cells are organisation x staff
    group (staff) and audience (users); each shown row's n is one equation over them."""
    leaks = []
    answered = answers[answers["value"].notna()]
    for (outcome, measure), rows in table.groupby(["outcome", "measure"]):
        mine = answered[(answered["outcome"] == outcome) & (answered["measure"] == measure)]
        staff = mine[mine["audience"] == "staff"].groupby(["organisation", "group"]).size()
        users = mine[mine["audience"] != "staff"].groupby("audience").size()
        shown = rows[~rows["suppressed"]]
        for people, side, member in (
            (staff, "n_staff", _staff_member),
            (users, "n_users", _users_member),
        ):
            if people.empty:
                continue
            cells = list(people.index)
            # every shown row shows both sides: a breakdown on one, the total of the other
            equations = [[member(row, cell) for cell in cells] for row in shown.itertuples()]
            found = pinned_groups(np.array(equations).reshape(-1, len(cells)), people.values, k)
            leaks += [(outcome, measure, side, [cells[c] for c in p.cells]) for p in found]
    return leaks


def _staff_member(row, cell) -> int:
    if row.breakdown == "organisation":
        return int(cell[0] == row.group)
    if row.breakdown == "staff_group":
        return int(cell[1] == row.group)
    return 1


def _users_member(row, cell) -> int:
    return int(cell == row.group) if row.breakdown == "audience" else 1


@SETTINGS
@given(partnerships(), st.integers(1, 6))
def test_the_attacker_pins_no_group_below_k_from_the_shown_rows(answers, k):
    """Every shown row's n is an equation over the cells; no cell or union of cells below k
    is pinned by them (tests/security/attacker.py, written apart from the engine)."""
    table = compare_outcomes(answers, k=k, resamples=5)
    assert not _attack(answers, table, k)


@SETTINGS
@given(partnerships(), st.integers(1, 4))
def test_cliffs_delta_is_two_u_over_n1n2_minus_one(answers, k):
    table = compare_outcomes(answers, k=k, resamples=5)
    shown = table[~table["suppressed"] & (table["n_staff"] > 0) & (table["n_users"] > 0)]
    n1 = shown["n_users"].astype(float)
    n2 = shown["n_staff"].astype(float)
    expected = 2 * shown["u_statistic"] / (n1 * n2) - 1
    np.testing.assert_allclose(shown["cliffs_delta"], expected, atol=1e-12)
    assert ((shown["cliffs_delta"] >= -1) & (shown["cliffs_delta"] <= 1)).all()


@TWICE
@given(partnerships(), st.integers(1, 5), st.integers(0, 2**32 - 1), st.randoms())
def test_same_input_and_seed_give_identical_output(answers, k, seed, random):
    first = compare_outcomes(answers, k=k, resamples=20, seed=seed)
    order = list(range(len(answers)))
    random.shuffle(order)
    again = compare_outcomes(answers.iloc[order], k=k, resamples=20, seed=seed)
    pd.testing.assert_frame_equal(first, again)


@TWICE
@given(partnerships(), st.integers(1, 5))
def test_dont_know_is_never_counted(answers, k):
    """A copy of each respondent who said "don't know" to everything changes nothing."""
    table = compare_outcomes(answers, k=k, resamples=20)
    ghosts = answers.assign(respondent="ghost-" + answers["respondent"], value=np.nan)
    padded = pd.concat([answers, ghosts], ignore_index=True)
    pd.testing.assert_frame_equal(table, compare_outcomes(padded, k=k, resamples=20))


@pytest.mark.parametrize("k", [1, 3])
def test_dont_know_only_answers_give_rows_without_figures(k):
    answers = pd.DataFrame(
        [
            ("s1", "staff", "Council", "GP", "O-A", "importance", np.nan),
            ("u1", "carer", None, "older people", "O-A", "importance", np.nan),
        ],
        columns=COLUMNS,
    )
    table = compare_outcomes(answers, k=k, resamples=5)
    assert len(table) == 4 and (table["n_staff"] == 0).all() and (table["n_users"] == 0).all()
    assert table[["mean_staff", "mean_users", "mean_diff", "p_value"]].isna().all().all()
    assert (table["flag"] == "").all()
