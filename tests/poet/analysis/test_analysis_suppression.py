"""The generic suppression rules, by example and as properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from poet.analysis.suppression import below_k, blank, check_k, secondary_suppression

from .helpers import PROPERTY_SETTINGS


def family_frame(groups: list[str], n: list[int], family: list[str] | None = None):
    return pd.DataFrame({"family": family or ["f"] * len(groups), "group": groups, "n": n})


def test_one_hidden_member_hides_the_next_smallest():
    frame = family_frame(["a", "b", "c", "d"], [3, 40, 12, 25])
    hidden = secondary_suppression(
        frame, family=["family"], n="n", suppressed=frame["n"] < 10, tie_break=["group"]
    )
    assert hidden.tolist() == [True, False, True, False]


def test_ties_go_to_the_first_group_by_name_whatever_the_row_order():
    frame = family_frame(["z", "m", "b", "x"], [30, 20, 20, 5])
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]):
        shuffled = frame.iloc[order]
        hidden = secondary_suppression(
            shuffled, family=["family"], n="n", suppressed=shuffled["n"] < 10, tie_break=["group"]
        )
        assert set(shuffled["group"][hidden]) == {"x", "b"}


def test_families_of_one_or_with_two_hidden_are_left_alone():
    frame = family_frame(
        ["a", "b", "c", "d", "e"], [2, 3, 50, 4, 60], family=["f", "f", "f", "solo", "g"]
    )
    primary = frame["n"] < 10
    hidden = secondary_suppression(frame, family=["family"], n="n", suppressed=primary)
    assert hidden.tolist() == primary.tolist()


def test_missing_family_labels_form_one_family():
    frame = pd.DataFrame({"family": [None, None, None], "n": [1, 20, 30]})
    hidden = secondary_suppression(frame, family=["family"], n="n", suppressed=frame["n"] < 5)
    assert hidden.tolist() == [True, True, False]


def test_below_k_and_check_k():
    assert below_k(5, np.array([4, 5, 9]), np.array([9, 9, 3])).tolist() == [True, False, True]
    assert check_k(np.int64(3)) == 3
    for bad in (0, -1, 2.0, True, "10"):
        with pytest.raises(ValueError):
            check_k(bad)


def test_blank_empties_every_kind_of_column():
    frame = pd.DataFrame(
        {"n": [1, 2], "mean": [1.5, 2.5], "flag": ["x", "y"], "contested": [True, False]}
    )
    out = blank(frame, np.array([True, False]), ["n", "mean", "flag", "contested"])
    assert out["n"].dtype == "Int64" and out["n"].isna().tolist() == [True, False]
    assert np.isnan(out["mean"][0]) and out["mean"][1] == 2.5
    assert out["flag"].tolist() == ["", "y"]
    assert out["contested"].isna().tolist() == [True, False]


families = st.lists(st.tuples(st.sampled_from("ABCD"), st.integers(0, 30)), min_size=0, max_size=25)


@PROPERTY_SETTINGS
@given(families, st.integers(1, 15))
def test_secondary_suppression_properties(members, k):
    frame = pd.DataFrame(members, columns=["family", "n"])
    frame["group"] = [f"g{i}" for i in range(len(frame))]
    primary = frame["n"].to_numpy() < k
    hidden = secondary_suppression(
        frame, family=["family"], n="n", suppressed=primary, tie_break=["group"]
    )
    assert (hidden >= primary).all()  # never un-hides
    frame["hidden"] = hidden
    for _, family in frame.groupby("family"):
        if len(family) >= 2:
            assert family["hidden"].sum() != 1
        added = family["hidden"].sum() - (family["n"] < k).sum()
        assert added in (0, 1)
        if added:  # the one added is a smallest shown member
            newly = family[family["hidden"] & (family["n"] >= k)]
            assert newly["n"].iloc[0] == family.loc[family["n"] >= k, "n"].min()
