"""The counts-based primitives against NumPy and SciPy on the expanded answers."""

from __future__ import annotations

import zlib
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from poet.analysis.statistics import (
    VALUES,
    benjamini_hochberg,
    bootstrap_mean_diff,
    category_counts,
    cliffs_delta,
    describe,
    mann_whitney,
    median,
    percentile,
    resample_sum_distribution,
    resampled_means,
    stable_hash,
)

from .helpers import PROPERTY_SETTINGS, reference_ci, resample_sum_probabilities


def expand(counts: np.ndarray) -> np.ndarray:
    return np.repeat(VALUES, counts)


count_rows = arrays(np.int64, (5,), elements=st.integers(0, 12))


def random_counts(rng: np.random.Generator, rows: int, high: int = 30) -> np.ndarray:
    counts = rng.integers(0, high, size=(rows, 5))
    counts[rng.random((rows, 5)) < 0.3] = 0  # gaps between categories
    return counts


def test_describe_matches_numpy_on_generated_counts():
    rng = np.random.default_rng(1)
    counts = np.vstack([random_counts(rng, 300), [[0, 0, 7, 0, 0], [0, 1, 0, 0, 0], [0] * 5]])
    got = describe(counts)
    for i, row in enumerate(counts):
        values = expand(row)
        assert got["n"][i] == len(values)
        if len(values) == 0:
            assert np.isnan([got[f][i] for f in ("mean", "sd", "median", "pct_positive")]).all()
            continue
        assert got["mean"][i] == pytest.approx(np.mean(values), rel=1e-12)
        assert got["median"][i] == np.median(values)
        assert got["pct_positive"][i] == pytest.approx(100 * np.mean(values >= 4), rel=1e-12)
        if len(values) >= 2:
            assert got["sd"][i] == pytest.approx(np.std(values, ddof=1), rel=1e-10, abs=1e-12)
        else:
            assert np.isnan(got["sd"][i])


@PROPERTY_SETTINGS
@given(count_rows)
def test_median_and_percentiles_match_numpy(row):
    values = expand(row)
    counts = row[None, :]
    if len(values) == 0:
        assert np.isnan(median(counts)[0]) and np.isnan(percentile(counts, 25)[0])
        return
    assert median(counts)[0] == np.median(values)
    for q in (0, 2.5, 25, 50, 75, 97.5, 100):
        assert percentile(counts, q)[0] == pytest.approx(np.percentile(values, q), abs=1e-12)
    assert percentile(counts, 25)[0] == np.percentile(values, 25)
    assert percentile(counts, 75)[0] == np.percentile(values, 75)


def assert_mwu_matches_scipy(x_counts: np.ndarray, y_counts: np.ndarray) -> None:
    u, p = mann_whitney(x_counts, y_counts)
    for i in range(len(x_counts)):
        x, y = expand(x_counts[i]), expand(y_counts[i])
        if len(x) == 0 or len(y) == 0:
            assert np.isnan(u[i]) and np.isnan(p[i])
            continue
        expected = stats.mannwhitneyu(x, y, method="asymptotic")
        assert u[i] == pytest.approx(expected.statistic, abs=1e-9)
        if np.isnan(expected.pvalue):
            assert np.isnan(p[i])
        else:
            assert p[i] == pytest.approx(expected.pvalue, abs=1e-9)


def test_mann_whitney_matches_scipy_on_generated_counts():
    rng = np.random.default_rng(2)
    x = random_counts(rng, 400)
    y = random_counts(rng, 400)
    y[:50] = rng.integers(0, 400, size=(50, 5))  # unequal, larger samples
    assert_mwu_matches_scipy(x, y)


def test_mann_whitney_edge_cases_match_scipy():
    x = np.array(
        [
            [0, 0, 5, 0, 0],  # all identical on both sides: s = 0
            [0, 0, 1, 0, 0],  # n = 1 each
            [0, 0, 1, 0, 0],  # n = 1, different values
            [1, 0, 0, 0, 0],  # complete separation
            [0, 0, 0, 0, 0],  # empty side
        ]
    )
    y = np.array(
        [
            [0, 0, 4, 0, 0],
            [0, 0, 1, 0, 0],
            [0, 0, 0, 1, 0],
            [0, 0, 0, 0, 9],
            [0, 3, 0, 0, 0],
        ]
    )
    assert_mwu_matches_scipy(x, y)
    _, p = mann_whitney(x[:1], y[:1])
    assert p[0] == 1.0


@PROPERTY_SETTINGS
@given(count_rows, count_rows)
def test_mann_whitney_property_matches_scipy(x, y):
    assert_mwu_matches_scipy(x[None, :], y[None, :])


@PROPERTY_SETTINGS
@given(count_rows, count_rows)
def test_cliffs_delta_is_two_u_over_n1n2_minus_one(x, y):
    u, _ = mann_whitney(x[None, :], y[None, :])
    nx, ny = x.sum(), y.sum()
    delta = cliffs_delta(u, np.array([nx]), np.array([ny]))[0]
    if nx == 0 or ny == 0:
        assert np.isnan(delta)
        return
    xs, ys = expand(x), expand(y)
    brute = np.mean(np.sign(xs[:, None] - ys[None, :]))
    assert delta == pytest.approx(2 * u[0] / (nx * ny) - 1, abs=1e-12)
    assert delta == pytest.approx(brute, abs=1e-12)


def test_benjamini_hochberg_matches_scipy_per_family():
    rng = np.random.default_rng(3)
    p = rng.random(500) ** 3
    p[rng.random(500) < 0.1] = np.nan
    p[:20] = 0.04  # ties
    family = rng.choice(["a", "b", "c", "d"], size=500)
    family[0] = "alone"
    q = benjamini_hochberg(p, family)
    for label in np.unique(family):
        members = (family == label) & np.isfinite(p)
        if members.any():
            expected = stats.false_discovery_control(p[members])
            np.testing.assert_allclose(q[members], expected, rtol=0, atol=1e-12)
    assert np.isnan(q[~np.isfinite(p)]).all()


def test_benjamini_hochberg_empty_and_all_missing():
    assert len(benjamini_hochberg(np.array([]), np.array([]))) == 0
    assert np.isnan(benjamini_hochberg(np.array([np.nan, np.nan]), np.array(["a", "a"]))).all()


def test_stable_hash_is_crc32_of_the_joined_key():
    assert stable_hash("O-HOME", "importance", "all", "all") == zlib.crc32(
        b"O-HOME\x1fimportance\x1fall\x1fall"
    )


def test_bootstrap_follows_the_documented_scheme():
    rng = np.random.default_rng(4)
    x_values = rng.integers(1, 6, size=40).astype(float)
    y_values = rng.integers(1, 6, size=17).astype(float)
    x = np.array([[(x_values == v).sum() for v in range(1, 6)]])
    y = np.array([[(y_values == v).sum() for v in range(1, 6)]])
    key_x = ("O-01", "importance", "staff", "organisation", "Council")
    key_y = ("O-01", "importance", "users", "all", "all")
    low, high = bootstrap_mean_diff(x, y, [(key_x, key_y)], resamples=500, seed=11)
    expected = reference_ci(x_values, y_values, key_x, key_y, seed=11, resamples=500)
    assert (low[0], high[0]) == pytest.approx(expected, abs=1e-12)
    assert low[0] < np.mean(y_values) - np.mean(x_values) < high[0]


def test_a_sample_in_several_rows_is_one_stream_and_rows_keep_no_order():
    """All users compared with three staff groups: one users' sample, drawn once from its own
    key; each interval is that of its two samples alone, whatever the rows around it."""
    rng = np.random.default_rng(6)
    groups = [rng.integers(1, 6, size=n).astype(float) for n in (30, 45, 12)]
    users = rng.integers(1, 6, size=60).astype(float)

    def counts(values):
        return [(values == v).sum() for v in range(1, 6)]

    x = np.array([counts(g) for g in groups])
    y = np.array([counts(users)] * 3)
    users_key = ("O-01", "achievement", "users", "all", "all")
    keys = [(("O-01", "achievement", "staff", "staff_group", g), users_key) for g in "ABC"]
    low, high = bootstrap_mean_diff(x, y, keys, resamples=300, seed=2)
    for row, values in enumerate(groups):
        expected = reference_ci(values, users, keys[row][0], users_key, seed=2, resamples=300)
        assert (low[row], high[row]) == pytest.approx(expected, abs=1e-12)
    order = [2, 0, 1]
    low2, high2 = bootstrap_mean_diff(
        x[order], y[order], [keys[i] for i in order], resamples=300, seed=2, threads=1
    )
    np.testing.assert_array_equal(low2, low[order])
    np.testing.assert_array_equal(high2, high[order])
    # One key with other counts is another sample (its own people), not the first one's draws.
    other = np.array([counts(users[:20])])
    alone = bootstrap_mean_diff(x[:1], other, [keys[0]], resamples=300, seed=2)
    expected = reference_ci(groups[0], users[:20], keys[0][0], users_key, seed=2, resamples=300)
    assert (alone[0][0], alone[1][0]) == pytest.approx(expected, abs=1e-12)


def _exact_sum_distribution(counts: list[int]) -> dict[int, Fraction]:
    """P(sum of (answer - 1) over n answers drawn with replacement = s), in exact fractions."""
    n = sum(counts)
    proportions = [Fraction(c, n) for c in counts]
    dist = {0: Fraction(1)}
    for _ in range(n):
        step: dict[int, Fraction] = {}
        for total, p_total in dist.items():
            for x, p_x in enumerate(proportions):
                if p_x:
                    step[total + x] = step.get(total + x, Fraction(0)) + p_total * p_x
        dist = step
    return dist


@pytest.mark.parametrize(
    "counts",
    [
        [1, 0, 0, 0, 0],  # one answer
        [0, 0, 0, 0, 1],
        [0, 0, 9, 0, 0],  # every answer the same: the mean never moves
        [4, 0, 0, 0, 4],  # only 1s and 5s: sums on a lattice of 4
        [5, 0, 5, 0, 5],
        [1, 0, 3, 2, 1],
        [3, 1, 4, 1, 5],
        [0, 2, 0, 11, 1],
    ],
)
def test_a_resamples_sum_has_the_exact_distribution_of_n_draws(counts):
    n, low, probabilities = resample_sum_distribution(np.array(counts))
    exact = _exact_sum_distribution(counts)
    assert n == sum(counts)
    covered = range(low, low + len(probabilities))
    assert set(exact) <= set(covered)  # nothing possible is left out
    for j, p in enumerate(probabilities):
        assert p == pytest.approx(float(exact.get(low + j, 0)), abs=1e-15)


@pytest.mark.parametrize(
    "counts",
    [
        [30, 50, 100, 120, 60],
        [500, 10, 0, 700, 800],
        [1000, 0, 0, 0, 1000],
        [0, 0, 2000, 0, 0],
        [1, 0, 1999, 0, 0],
        [0, 1, 0, 0, 0],
    ],
)
def test_a_large_samples_window_holds_all_of_the_distribution_a_float_can_tell(counts):
    """Only the window around the mean is computed (Bernstein's bound): it equals the full
    n-fold convolution inside, but for probabilities within the rounding noise of P^n (below
    (n + 10) x 1e-15 of the largest, set to 0), and what lies outside is below what a float
    can resolve."""
    n, low, probabilities = resample_sum_distribution(np.array(counts))
    full = resample_sum_probabilities(np.array(counts))
    assert len(full) == 4 * n + 1 and low >= 0 and low + len(probabilities) <= len(full)
    inside = full[low : low + len(probabilities)]
    noise = (n + 10) * 1e-15 * full.max()
    np.testing.assert_allclose(probabilities, inside, rtol=0, atol=max(1e-13, noise))
    assert full.sum() - inside.sum() < 1e-12
    assert np.abs(probabilities - inside).sum() < 1e-9
    assert probabilities.sum() == pytest.approx(1, abs=1e-12)
    assert (probabilities >= 0).all()


def test_resampled_means_follow_the_multinomial_resampling_distribution():
    """The means drawn are distributed as the means of multinomial draws of the counts (the
    bootstrap's definition): chi-square against the exact distribution, and the mean and
    variance of 200,000 draws against n p and the resample mean's variance."""
    counts = np.array([7, 3, 12, 20, 8])
    n = int(counts.sum())
    means = resampled_means(
        counts, ("O-01", "importance", "staff", "all", "all"), resamples=200_000, seed=3
    )
    sums = np.rint(means * n).astype(int) - n
    _, low, probabilities = resample_sum_distribution(counts)
    observed = np.bincount(sums - low, minlength=len(probabilities))
    expected = probabilities * len(means)
    big = expected >= 5
    observed_big = np.r_[observed[big], observed[~big].sum()]
    expected_big = np.r_[expected[big], expected[~big].sum()]
    assert (
        stats.chisquare(observed_big, expected_big * observed_big.sum() / expected_big.sum()).pvalue
        > 0.001
    )
    values = np.arange(1, 6)
    p = counts / n
    assert means.mean() == pytest.approx(
        p @ values, abs=4 * np.sqrt((p @ values**2 - (p @ values) ** 2) / n / len(means))
    )
    multinomial = np.random.default_rng(9).multinomial(n, p, size=200_000) @ values / n
    assert stats.ks_2samp(means, multinomial).pvalue > 0.001
    assert means.var() == pytest.approx(multinomial.var(), rel=0.02)


def test_a_sample_needs_an_answer():
    with pytest.raises(ValueError, match="at least one answer"):
        resample_sum_distribution(np.zeros(5))


def test_every_resample_of_identical_answers_has_their_mean():
    means = resampled_means(np.array([0, 0, 0, 2500, 0]), ("a",), resamples=5000, seed=1)
    assert (means == 4.0).all()


def test_bootstrap_cost_does_not_depend_on_n_and_empty_sides_are_nan():
    x = np.array([[10**6, 2 * 10**6, 0, 5, 10**6], [0, 0, 0, 0, 0]])
    y = np.array([[1, 2, 3, 4, 5], [1, 1, 1, 1, 1]])
    keys = [(("a", "x"), ("a", "y")), (("b", "x"), ("b", "y"))]
    low, high = bootstrap_mean_diff(x, y, keys, resamples=100, seed=0)
    assert np.isfinite([low[0], high[0]]).all()
    assert np.isnan([low[1], high[1]]).all()
    low, high = bootstrap_mean_diff(x, y, keys, resamples=0, seed=0)
    assert np.isnan(low).all() and np.isnan(high).all()


def test_category_counts_drops_dont_know_but_keeps_the_key():
    frame = pd.DataFrame(
        {
            "k": ["a", "a", "a", "b", "b", None],
            "value": [1.0, 5.0, 5.0, np.nan, np.nan, 3.0],
        }
    )
    counts = category_counts(frame, ["k"])
    assert counts["k"].iloc[:2].tolist() == ["a", "b"]
    assert pd.isna(counts["k"].iloc[2])
    np.testing.assert_array_equal(
        counts[["c1", "c2", "c3", "c4", "c5"]].to_numpy(),
        [[1, 0, 0, 0, 2], [0, 0, 0, 0, 0], [0, 0, 1, 0, 0]],
    )
    shuffled = category_counts(frame.sample(frac=1, random_state=1), ["k"])
    pd.testing.assert_frame_equal(counts, shuffled)


def test_bootstrap_gives_the_same_figures_on_any_number_of_threads():
    rng = np.random.default_rng(8)
    x = rng.integers(0, 40, size=(60, 5))
    y = rng.integers(0, 90, size=(60, 5))
    x[3] = 0  # an empty side: no interval, on every thread count
    keys = [((f"O-{i:02d}", "staff"), (f"O-{i:02d}", "users")) for i in range(60)]
    one = bootstrap_mean_diff(x, y, keys, resamples=4000, seed=5, threads=1)
    for threads in (2, 3, None):
        many = bootstrap_mean_diff(x, y, keys, resamples=4000, seed=5, threads=threads)
        np.testing.assert_array_equal(many[0], one[0])
        np.testing.assert_array_equal(many[1], one[1])
    assert np.isnan([one[0][3], one[1][3]]).all()
    expected = reference_ci(
        np.repeat(np.arange(1, 6), x[7]).astype(float),
        np.repeat(np.arange(1, 6), y[7]).astype(float),
        *keys[7],
        seed=5,
        resamples=4000,
    )
    assert (one[0][7], one[1][7]) == pytest.approx(expected, abs=1e-12)


def test_bootstrap_reports_progress_in_order_when_threaded():
    x = np.full((40, 5), 20)
    y = np.full((40, 5), 30)
    keys = [((str(i), "x"), (str(i), "y")) for i in range(40)]
    seen: list[float] = []
    bootstrap_mean_diff(x, y, keys, resamples=6000, seed=0, threads=2, progress=seen.append)
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] < 1 and len(seen) == 9


def test_a_row_key_that_is_not_a_pair_of_sample_keys_is_refused():
    """The single row key of before issue 19 would be read as two keys of characters."""
    x = np.array([[1, 2, 3, 4, 5]])
    with pytest.raises(TypeError, match="pair"):
        bootstrap_mean_diff(x, x, [("O-01", "importance")], resamples=10, seed=0)
    with pytest.raises(TypeError, match="pair"):
        bootstrap_mean_diff(x, x, [("O-01", "importance", "all", "all")], resamples=10, seed=0)
