"""The raw answers file's labels (generalise): k-anonymous by combination, safe by subtraction."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poet.analysis.microdata import RELEASE_COLUMNS, generalise
from tests.poet.analysis.helpers import PROPERTY_SETTINGS

COLUMNS = ["audience", "organisation", "group", "n"]


def cells(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def shown(result: pd.DataFrame) -> dict[tuple, tuple]:
    return {
        (r.audience, r.organisation, r.group): (r.shown_organisation, r.shown_group)
        for r in result.itertuples()
    }


def released(frame: pd.DataFrame, result: pd.DataFrame) -> dict[tuple, int]:
    """People per released combination (audience, shown organisation, shown group)."""
    out: dict[tuple, int] = defaultdict(int)
    for n, r in zip(frame["n"], result.itertuples(), strict=True):
        out[(r.audience, r.shown_organisation, r.shown_group)] += int(n)
    return out


def check_safe(frame: pd.DataFrame, result: pd.DataFrame, k: int) -> None:
    """Every promise of the rule, checked on one result."""
    assert list(result.columns) == RELEASE_COLUMNS
    assert len(result) == len(frame)
    totals: dict = defaultdict(int)
    for audience, n in zip(frame["audience"], frame["n"], strict=True):
        totals[audience] += int(n)
    for r, n in zip(result.itertuples(), frame["n"], strict=True):
        # a label is kept or blanked, never swapped for another one
        assert r.shown_organisation in (r.organisation, None)
        assert r.shown_group in (r.group, None)
        assert r.text_withheld == (n < k)
    for (audience, org, group), n in released(frame, result).items():
        if n > 0 and totals[audience] < k:  # a whole audience below k: every label blank
            assert (org, group) == (None, None), audience
        else:
            assert n == 0 or n >= k, (audience, org, group, n)
    # the rows with a blank in a column hold 0 or at least k (no subtraction of released rows)
    for column in ("shown_organisation", "shown_group"):
        blank: dict = defaultdict(int)
        for r, n in zip(result.itertuples(), frame["n"], strict=True):
            if getattr(r, column) is None:
                blank[r.audience] += int(n)
        for audience, n in blank.items():
            assert n == 0 or n >= k or totals[audience] < k, (column, audience, n)
    # an organisation or group of at least k: its blanked part is 0 or at least k
    for label, shown_label in (
        ("organisation", "shown_organisation"),
        ("group", "shown_group"),
    ):
        total: dict = defaultdict(int)
        hidden: dict = defaultdict(int)
        for r, n in zip(result.itertuples(), frame["n"], strict=True):
            value = getattr(r, label)
            if value is None:
                continue
            total[(r.audience, value)] += int(n)
            if getattr(r, shown_label) is None:
                hidden[(r.audience, value)] += int(n)
        for key, n in hidden.items():
            assert n == 0 or n >= k or total[key] < k, (label, key, n, total[key])
    # nobody lost: the released combinations hold everyone
    assert sum(released(frame, result).values()) == int(frame["n"].sum())


def test_large_combinations_keep_both_labels():
    frame = cells(
        ("staff", "Council", "GP", 5),
        ("staff", "Council", "Nurse", 7),
        ("staff", "NHS trust", "GP", 9),
        ("service_user", None, "Older people", 6),
    )
    result = generalise(frame, 5)
    assert shown(result) == {
        ("staff", "Council", "GP"): ("Council", "GP"),
        ("staff", "Council", "Nurse"): ("Council", "Nurse"),
        ("staff", "NHS trust", "GP"): ("NHS trust", "GP"),
        ("service_user", None, "Older people"): (None, "Older people"),
    }
    assert not result["text_withheld"].any()
    check_safe(frame, result, 5)


def test_small_teams_of_one_organisation_pool_as_any_group_of_it():
    frame = cells(
        ("staff", "Council", "Social worker", 20),
        ("staff", "Council", "GP", 2),
        ("staff", "Council", "Nurse", 3),
    )
    result = generalise(frame, 5)
    assert shown(result) == {
        ("staff", "Council", "Social worker"): ("Council", "Social worker"),
        ("staff", "Council", "GP"): ("Council", None),
        ("staff", "Council", "Nurse"): ("Council", None),
    }
    assert result["text_withheld"].tolist() == [False, True, True]
    check_safe(frame, result, 5)


@pytest.mark.parametrize("k", range(3, 11))
def test_the_lone_gp_is_pooled_with_others_and_their_text_withheld(k):
    """One GP at the NHS trust, ten GPs and eleven social workers at the council (issue 13)."""
    frame = cells(
        ("staff", "NHS trust", "GP", 1),
        ("staff", "Council", "GP", 10),
        ("staff", "Council", "Social worker", 11),
    )
    result = generalise(frame, k)
    check_safe(frame, result, k)
    lone = shown(result)[("staff", "NHS trust", "GP")]
    assert lone[0] is None  # "NHS trust" never appears beside the lone GP's answers
    pool = released(frame, result)[("staff", *lone)]
    assert pool >= k
    assert "NHS trust" not in set(result["shown_organisation"])
    assert result["text_withheld"].tolist() == [True, k > 10, k > 11]
    # least loss: the GPs keep their group, the social workers both labels
    assert shown(result)[("staff", "Council", "GP")] == (None, "GP")
    assert shown(result)[("staff", "Council", "Social worker")] == ("Council", "Social worker")


def test_a_blank_pool_below_k_takes_in_a_further_combination():
    frame = cells(
        ("service_user", None, "Older people", 7),
        ("service_user", None, "Young carers", 2),
    )
    result = generalise(frame, 3)
    check_safe(frame, result, 3)
    assert set(shown(result).values()) == {(None, None)}  # 2 blank alone would be the 2


def test_a_whole_audience_below_k_is_all_blank():
    frame = cells(("carer", None, "Older people", 2), ("staff", "Council", "GP", 9))
    result = generalise(frame, 3)
    assert shown(result) == {
        ("carer", None, "Older people"): (None, None),
        ("staff", "Council", "GP"): ("Council", "GP"),
    }
    check_safe(frame, result, 3)


def test_an_organisations_small_blanked_part_cannot_be_subtracted_from_its_total():
    # Council has 22 people: if its 20 nurses kept "Council", Council's total in a report minus
    # them would give the two GPs whose organisation was blanked.
    frame = cells(
        ("staff", "Council", "Nurse", 20),
        ("staff", "Council", "GP", 2),
        ("staff", "NHS trust", "Nurse", 20),
        ("staff", "NHS trust", "GP", 2),
    )
    result = generalise(frame, 3)
    check_safe(frame, result, 3)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        generalise(cells(("staff", "A", "X", 1), ("staff", "A", "X", 2)), 3)
    with pytest.raises(ValueError):
        generalise(cells(("staff", "A", "X", -1)), 3)
    with pytest.raises(ValueError):
        generalise(cells(("staff", "A", "X", 1)), 0)
    assert generalise(cells(), 3).empty


@st.composite
def structures(draw) -> tuple[pd.DataFrame, int]:
    """Random organisation × group structures, mostly small cells, with users and carers."""
    k = draw(st.integers(1, 8))
    counts = st.one_of(st.integers(0, 3), st.integers(0, 12), st.integers(0, 30))
    rows = []
    organisations = [f"Org {c}" for c in "ABCDE"[: draw(st.integers(1, 5))]]
    groups = [f"Group {c}" for c in "VWXYZ"[: draw(st.integers(1, 5))]]
    for org in organisations:
        for group in groups:
            if draw(st.booleans()) or len(rows) == 0:
                rows.append(("staff", org, group, draw(counts)))
    for audience in ("service_user", "carer"):
        for group in ("Older people", "Young people", "Families")[: draw(st.integers(0, 3))]:
            rows.append((audience, None, group, draw(counts)))
    return cells(*rows), k


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(structures(), st.randoms(use_true_random=False))
def test_every_release_is_k_anonymous_and_deterministic(structure, rng):
    frame, k = structure
    result = generalise(frame, k)
    check_safe(frame, result, k)
    # the same answer whatever the row order, and every time
    order = list(frame.index)
    rng.shuffle(order)
    shuffled = frame.loc[order].reset_index(drop=True)
    assert shown(generalise(shuffled, k)) == shown(result)
    assert generalise(frame, k).equals(result)


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(structures())
def test_nothing_is_blanked_when_every_combination_reaches_k(structure):
    frame, k = structure
    frame = frame.assign(n=frame["n"].clip(lower=k))
    result = generalise(frame, k)
    assert (result["shown_organisation"].isna() == result["organisation"].isna()).all()
    assert (result["shown_group"] == result["group"]).all()
