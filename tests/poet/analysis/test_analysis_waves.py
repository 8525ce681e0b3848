"""wave_change against direct SciPy/NumPy computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from poet.analysis import WAVE_COLUMNS, compare_outcomes, wave_change

from .helpers import make_outcome_answers, reference_ci, reference_side

SEED = 13
RESAMPLES = 200


@pytest.fixture(scope="module")
def waves() -> tuple[pd.DataFrame, pd.DataFrame]:
    earlier = make_outcome_answers(np.random.default_rng(1), n_staff=50, n_users=40, outcomes=4)
    later = make_outcome_answers(
        np.random.default_rng(2), n_staff=55, n_users=35, outcomes=4, shift=0.8
    )
    return earlier, later


def values_of(frame: pd.DataFrame, outcome: str, measure: str, audience: str) -> np.ndarray:
    rows = frame[(frame["outcome"] == outcome) & (frame["measure"] == measure)]
    if audience == "users_and_carers":
        rows = rows[rows["audience"] != "staff"]
    else:
        rows = rows[rows["audience"] == audience]
    return rows["value"].dropna().to_numpy()


def test_wave_change_matches_direct_computation(waves):
    earlier, later = waves
    table = wave_change(earlier, later, k=5, resamples=RESAMPLES, seed=SEED)
    assert list(table.columns) == list(WAVE_COLUMNS)
    audiences = ["staff", "users_and_carers", "service_user", "carer"]
    assert table["audience"].tolist() == audiences * 8
    shown = table[~table["suppressed"]]
    assert len(shown) > 0.8 * len(table)
    for row in shown.itertuples():
        before = values_of(earlier, row.outcome, row.measure, row.audience)
        after = values_of(later, row.outcome, row.measure, row.audience)
        for side, values in (("earlier", before), ("later", after)):
            for name, value in reference_side(values).items():
                assert getattr(row, f"{name}_{side}") == pytest.approx(value, rel=1e-9, nan_ok=True)
        test = stats.mannwhitneyu(after, before, method="asymptotic")
        assert row.u_statistic == pytest.approx(test.statistic, abs=1e-9)
        assert row.p_value == pytest.approx(test.pvalue, abs=1e-9)
        assert row.mean_diff == pytest.approx(np.mean(after) - np.mean(before), abs=1e-12)
        assert row.cliffs_delta == pytest.approx(
            2 * test.statistic / (len(after) * len(before)) - 1
        )
        ci = reference_ci(
            before,
            after,
            (row.outcome, row.measure, "earlier wave", row.audience),
            (row.outcome, row.measure, "later wave", row.audience),
            seed=SEED,
            resamples=RESAMPLES,
        )
        assert (row.ci_low, row.ci_high) == pytest.approx(ci, abs=1e-12)
    for _, family in shown.groupby(["measure", "audience"]):
        expected = stats.false_discovery_control(family["p_value"].to_numpy())
        np.testing.assert_allclose(family["q_value"], expected, atol=1e-12)


def test_wave_suppression_and_families(waves):
    earlier, later = waves
    table = wave_change(earlier, later, k=12, resamples=10)
    shown = table[~table["suppressed"]]
    assert (shown["n_earlier"] >= 12).all() and (shown["n_later"] >= 12).all()
    users = table[table["audience"].isin(["service_user", "carer"])]
    assert users["suppressed"].any()
    for _, family in users.groupby(["outcome", "measure"]):
        assert family["suppressed"].sum() != 1


def test_an_audience_asked_in_one_wave_only_keeps_that_wave_and_has_no_change(waves):
    earlier, later = waves
    table = wave_change(earlier[earlier["audience"] == "staff"], later, k=5, resamples=10)
    users = table[table["audience"] != "staff"]
    assert len(users) == 4 * 2 * 3
    shown = users[~users["suppressed"]]
    assert len(shown) > 0
    assert shown.filter(like="n_").min(axis=1).eq(0).all()  # one wave had nobody
    assert shown["mean_diff"].isna().all()
    assert not table.loc[table["audience"] == "staff", "suppressed"].any()


def test_wave_change_is_deterministic_and_empty_is_empty(waves):
    earlier, later = waves
    first = wave_change(earlier, later, k=5, resamples=50, seed=2)
    again = wave_change(earlier.sample(frac=1, random_state=3), later, k=5, resamples=50, seed=2)
    pd.testing.assert_frame_equal(first, again)
    empty = wave_change(pd.DataFrame(), pd.DataFrame(), k=5)
    assert list(empty.columns) == list(WAVE_COLUMNS) and len(empty) == 0


def test_waves_use_the_same_engine_as_the_comparison(waves):
    """Staff earlier vs users later through both paths gives the same U and p."""
    earlier, later = waves
    staff = earlier[earlier["audience"] == "staff"]
    users = later[later["audience"] != "staff"]
    as_waves = wave_change(staff, users.assign(audience="staff", organisation="x"), k=5)
    compared = compare_outcomes(pd.concat([staff, users]), k=5, resamples=10)
    compared = compared[compared["breakdown"] == "all"].reset_index(drop=True)
    as_waves = as_waves[as_waves["audience"] == "staff"].reset_index(drop=True)
    np.testing.assert_allclose(as_waves["u_statistic"], compared["u_statistic"])
    np.testing.assert_allclose(as_waves["p_value"], compared["p_value"])
