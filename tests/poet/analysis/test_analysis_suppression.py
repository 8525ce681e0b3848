"""The helpers every table uses after disclosure control (the engine: test_disclosure.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import strategies as st

from poet.analysis.suppression import below_k, blank, check_k


def family_frame(groups: list[str], n: list[int], family: list[str] | None = None):
    return pd.DataFrame({"family": family or ["f"] * len(groups), "group": groups, "n": n})


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
