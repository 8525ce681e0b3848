"""Figures of 1-5 answers computed from category counts.

An outcome measure takes only the values 1..5, so any group of answers is fully described by five
counts. Every figure here (n, mean, SD, median, percentiles, % positive, Mann-Whitney U and its
p-value, the bootstrap CI of a mean difference) is computed from a ``(rows, 5)`` count matrix,
vectorised over all rows at once, so the cost depends on the number of groups, not of answers.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import fft, special

from .frames import (
    AUDIENCES,
    LIKERT_VALUES,
    MEASURES,
    OUTCOME_ANSWER_COLUMNS,
    STAFF,
    FrameError,
    require_columns,
    validate_outcome_answers,
)

VALUES = np.asarray(LIKERT_VALUES, dtype="float64")
COUNT_COLUMNS: tuple[str, ...] = tuple(f"c{value}" for value in LIKERT_VALUES)
POSITIVE_FROM = 4  # % positive is the share of answers 4 or 5 (DESIGN section 4)


def category_counts(
    frame: pd.DataFrame, keys: Sequence[str], value: str = "value", *, strict: bool = False
) -> pd.DataFrame:
    """Count answers per key and Likert value in one groupby.

    Returns one row per key combination seen in ``frame`` (sorted by the keys, missing keys kept
    as NaN) with the key columns and ``c1``..``c5``. Don't-know answers (NaN) are never counted,
    but a key seen only with don't-know answers still gets a row of zeros, so callers can tell
    "asked, nobody answered" from "not asked". ``strict`` raises ``FrameError`` on a value that is
    not 1..5 or NaN (checked on the grouped values, so it costs nothing per row).
    """
    keys = list(keys)
    if len(frame) == 0:
        empty = {key: pd.Series(dtype=object) for key in keys}
        empty.update({column: pd.Series(dtype="int64") for column in COUNT_COLUMNS})
        return pd.DataFrame(empty)
    sizes = (
        frame.groupby([*keys, value], dropna=False, observed=True, sort=False)
        .size()
        .reset_index(name="_n")
    )
    answered = sizes[value].to_numpy(dtype="float64", na_value=np.nan)
    if strict and (~np.isnan(answered) & ~np.isin(answered, LIKERT_VALUES)).any():
        raise FrameError(f"{value} must be 1-5 or NaN (don't know)")
    n = sizes["_n"].to_numpy()
    per_value = {
        column: np.where(answered == level, n, 0)
        for column, level in zip(COUNT_COLUMNS, LIKERT_VALUES, strict=True)
    }
    wide = sizes[keys].assign(**per_value)
    counts = wide.groupby(keys, dropna=False, sort=True)[list(COUNT_COLUMNS)].sum()
    return counts.reset_index().astype(dict.fromkeys(COUNT_COLUMNS, "int64"))


OUTCOME_KEYS: tuple[str, ...] = ("outcome", "measure", "audience", "organisation", "group")


def _valid_outcome_counts(base: pd.DataFrame) -> bool:
    staff = (base["audience"] == STAFF).to_numpy()
    return bool(
        base["audience"].isin(AUDIENCES).all()
        and base["measure"].isin(MEASURES).all()
        and not _blank(base["outcome"]).any()
        and not (_blank(base["organisation"]) | _blank(base["group"]))[staff].any()
    )


def _blank(values: pd.Series) -> np.ndarray:
    return (values.isna() | (values == "")).to_numpy(dtype=bool)


def outcome_counts(outcome_answers: pd.DataFrame, *, check_unique: bool = True) -> pd.DataFrame:
    """Validate ``outcome_answers`` and count them per outcome, measure, audience, organisation
    and group (``category_counts``): the one pass over the answers every outcome table starts from.

    With ``check_unique=False`` (the caller guarantees one answer per respondent, outcome and
    measure) the contract is checked on the small counted frame instead of on every row, and only
    bad input pays for the row-level scan that names the rows at fault.
    """
    if check_unique:
        answers = validate_outcome_answers(outcome_answers, check_unique=True)
        return category_counts(answers, OUTCOME_KEYS)
    answers = require_columns(outcome_answers, OUTCOME_ANSWER_COLUMNS, "outcome_answers")
    try:
        base = category_counts(answers, OUTCOME_KEYS, strict=True)
    except (TypeError, ValueError):
        base = None
    if base is None or not _valid_outcome_counts(base):
        validate_outcome_answers(outcome_answers, check_unique=False)  # raises, naming the rows
        raise FrameError("outcome_answers breaks its column contract")
    return base


def align_counts(table: pd.DataFrame, keys: pd.DataFrame, on: Sequence[str]) -> np.ndarray:
    """The ``(len(keys), 5)`` counts of ``table`` for each row of ``keys`` matched on ``on``;
    zeros where a group gave no answer (so it shows, suppressed, rather than vanishing)."""
    on = list(on)
    if len(keys) == 0:
        return np.zeros((0, len(COUNT_COLUMNS)), dtype="int64")
    merged = keys[on].merge(table[[*on, *COUNT_COLUMNS]], on=on, how="left", validate="m:1")
    return merged[list(COUNT_COLUMNS)].fillna(0).to_numpy(dtype="int64")


def count_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The ``(rows, 5)`` int64 matrix of the ``c1``..``c5`` columns."""
    return frame[list(COUNT_COLUMNS)].to_numpy(dtype="int64")


def _order_statistic(counts: np.ndarray, position: np.ndarray) -> npt.NDArray[np.float64]:
    """Value at 0-based ``position`` of each row's sorted answers (NaN where out of range)."""
    cumulative = counts.cumsum(axis=1)
    n = cumulative[:, -1]
    safe = np.clip(position, 0, np.maximum(n - 1, 0))
    index = (cumulative > safe[:, None]).argmax(axis=1)
    return np.where(n > 0, VALUES[index], np.nan)


def median(counts: np.ndarray) -> npt.NDArray[np.float64]:
    """Median per row; with an even n, the mean of the two middle answers (as ``np.median``)."""
    counts = np.asarray(counts, dtype="int64")
    n = counts.sum(axis=1)
    low = _order_statistic(counts, (n - 1) // 2)
    high = _order_statistic(counts, n // 2)
    return (low + high) / 2


def percentile(counts: np.ndarray, q: float) -> np.ndarray:
    """``np.percentile(values, q)`` (linear method) per row, from counts.

    Same position rule ((n-1)q/100) and the same two-sided lerp numpy uses, so results agree
    with ``np.percentile`` on the expanded answers to the last bit.
    """
    counts = np.asarray(counts, dtype="int64")
    n = counts.sum(axis=1)
    h = (n - 1) * (q / 100)
    below = np.floor(h)
    t = h - below
    below = below.astype("int64")
    a = _order_statistic(counts, below)
    b = _order_statistic(counts, np.minimum(below + 1, n - 1))
    diff = b - a
    result = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
    return np.where(n > 0, result, np.nan)


def describe(counts: np.ndarray) -> dict[str, np.ndarray]:
    """n, mean, SD (ddof=1; NaN below n=2), median and % positive (0-100) per row of counts."""
    counts = np.asarray(counts, dtype="int64")
    c = counts.astype("float64")
    n = c.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (c @ VALUES) / n
        squares = (c * (VALUES[None, :] - mean[:, None]) ** 2).sum(axis=1)
        sd = np.where(n >= 2, np.sqrt(squares / (n - 1)), np.nan)
        positive = c[:, POSITIVE_FROM - 1 :].sum(axis=1)
        pct_positive = 100 * positive / n
    return {
        "n": counts.sum(axis=1),
        "mean": np.where(n > 0, mean, np.nan),
        "sd": sd,
        "median": median(counts),
        "pct_positive": np.where(n > 0, pct_positive, np.nan),
    }


def mann_whitney(counts_x: np.ndarray, counts_y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Whitney U of sample x against y, two-sided, per row of counts.

    Normal approximation with tie and continuity correction, written in the same order of
    operations as ``scipy.stats.mannwhitneyu(x, y, method="asymptotic")`` so statistic and p agree
    with it; NaN where either sample is empty. U_x = sum_i x_i * (y_<i + y_i / 2).
    """
    x = np.asarray(counts_x, dtype="float64")
    y = np.asarray(counts_y, dtype="float64")
    n1 = x.sum(axis=1)
    n2 = y.sum(axis=1)
    y_below = y.cumsum(axis=1) - y
    u1 = (x * (y_below + y / 2)).sum(axis=1)
    u2 = n1 * n2 - u1
    u = np.maximum(u1, u2)
    n = n1 + n2
    t = x + y
    tie_term = (t**3 - t).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        numerator = u - n1 * n2 / 2
        numerator -= 0.5
        z = numerator / s
    p = np.clip(special.ndtr(-z) * 2, 0.0, 1.0)
    empty = (n1 == 0) | (n2 == 0)
    return np.where(empty, np.nan, u1), np.where(empty, np.nan, p)


def cliffs_delta(u: np.ndarray, n_x: np.ndarray, n_y: np.ndarray) -> npt.NDArray[np.float64]:
    """P(x > y) - P(x < y) = 2 U_x / (n_x n_y) - 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # numpy's stubs type arithmetic on arrays of unknown dtype as Any
        delta: npt.NDArray[np.float64] = (
            2 * np.asarray(u, dtype="float64") / (np.asarray(n_x) * np.asarray(n_y)) - 1
        )
        return delta


def stable_hash(*parts: object) -> int:
    """CRC-32 of the parts joined by a unit separator: the same key gives the same stream on
    every machine and run (``hash()`` is salted per process)."""
    return zlib.crc32("\x1f".join(str(part) for part in parts).encode("utf-8"))


def bootstrap_generator(seed: int, *key: object) -> np.random.Generator:
    """The random stream of one sample of a comparison: depends on the run seed and the
    sample's key only, so a figure does not change when rows are reordered or other outcomes
    are added."""
    return np.random.default_rng([seed, stable_hash(*key)])


def _bootstrap_threads() -> int:
    """How many samples to resample at once: the CPUs this process may use (the transforms
    release the GIL, and each sample has a generator of its own), at most ``_MAX_THREADS``."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _MAX_THREADS))


_MAX_THREADS = 8
# Mean answers per sample from which, by default, samples are resampled on several threads: the
# transforms of large samples release the GIL; for smaller ones the Python around them holds it
# most of the time, and two threads took 0.6 s where one took 0.4 (issue 19, 2,000 staff).
_THREADED_FROM = 100_000

SampleKey = Sequence[object]


# The window of a resample's sum leaves out at most this much probability (Bernstein's bound),
# far below what a float64 CDF can resolve.
_WINDOW_TAIL = 1e-18
# The rounding noise of P^n grows with n (a power multiplies its argument's relative error by
# n): probabilities below (n + 10) times this share of the largest are noise, and set to 0.
_ROUNDING_NOISE = 1e-15


def resample_sum_distribution(counts: np.ndarray) -> tuple[int, int, npt.NDArray[np.float64]]:
    """The exact distribution of the sum of a bootstrap resample of a sample's answers.

    A resample is n answers drawn with replacement, so the sum of (answer - 1) over it is the
    sum of n independent draws from the sample's five proportions: its distribution is the
    n-fold convolution of them, computed here as the n-th power of their discrete Fourier
    transform. Returns ``(n, low, probabilities)`` with ``probabilities[j]`` = P(sum of
    (answer - 1) = low + j). Only the window around the mean that holds all but 1e-18 of the
    probability (Bernstein's inequality: n independent terms within 4 of their mean, with the
    sample's variance) is computed, so the cost grows with the square root of n, not with n;
    outside it lies less than a float can tell from 0. Probabilities within the rounding noise
    of the n-th power are set to 0: in all, the result is within 1e-9 of the exact distribution
    (tests against exact fractions and direct convolutions).
    """
    counts = np.asarray(counts, dtype="float64")
    n = int(round(counts.sum()))
    if n <= 0:
        raise ValueError("resample_sum_distribution: a sample needs at least one answer")
    proportions = counts / n
    top = 4 * n  # the largest sum of (answer - 1)
    steps = np.arange(5)
    mean = float(proportions @ steps)
    variance = float(proportions @ (steps - mean) ** 2)
    expected = n * mean
    # Bernstein: P(|sum - expected| >= t) <= 2 exp(-t^2 / (2 (n variance + 4 t / 3))), each
    # term within 4 of its mean; t solves that bound = _WINDOW_TAIL.
    log_tail = math.log(2 / _WINDOW_TAIL)
    spread = math.ceil(
        4 / 3 * log_tail + math.sqrt((4 / 3 * log_tail) ** 2 + 2 * log_tail * n * variance)
    )
    low = max(0, math.floor(expected) - spread)
    high = min(top, math.ceil(expected) + spread)
    size = fft.next_fast_len(high - low + 1, real=True)
    transform = fft.rfft(proportions, size)
    modulus = np.abs(transform)
    powered = modulus**n  # underflows to 0 far from the mean (NumPy ignores underflow)
    kept = np.flatnonzero(powered > _WINDOW_TAIL)
    # P^n by repeated squaring, shifted by `low` so that index j holds the sum low + j.
    base = transform[kept]
    spectrum_kept = np.ones(len(kept), dtype="complex128")
    exponent = n
    while exponent:
        if exponent & 1:
            spectrum_kept *= base
        exponent >>= 1
        if exponent:
            base = base * base
    spectrum = np.zeros(len(transform), dtype="complex128")
    spectrum[kept] = spectrum_kept * np.exp(2j * np.pi * ((low * kept) % size) / size)
    probabilities = fft.irfft(spectrum, size)[: high - low + 1]
    noise = _ROUNDING_NOISE * (n + 10) * probabilities.max()
    probabilities[probabilities < noise] = 0.0
    return n, low, probabilities


def resampled_means(
    counts: np.ndarray, key: SampleKey, *, resamples: int, seed: int
) -> npt.NDArray[np.float64]:
    """One sample's ``resamples`` bootstrap means, drawn from ``bootstrap_generator(seed,
    *key)``: each is the mean of a resample of the sample's answers, drawn by inverting the
    exact distribution of its sum (``resample_sum_distribution``) at one uniform number. That
    is the distribution of the mean of a multinomial draw of the five category counts, at a
    fraction of its cost (issue 19)."""
    rng = bootstrap_generator(seed, *key)
    n, low, probabilities = resample_sum_distribution(counts)
    cumulative = np.cumsum(probabilities)
    drawn = np.searchsorted(cumulative, rng.random(resamples) * cumulative[-1], side="right")
    np.minimum(drawn, len(probabilities) - 1, out=drawn)
    means: npt.NDArray[np.float64] = (n + low + drawn) / n
    return means


def bootstrap_mean_diff(
    counts_x: np.ndarray,
    counts_y: np.ndarray,
    keys: Sequence[tuple[SampleKey, SampleKey]],
    *,
    resamples: int,
    seed: int,
    level: float = 0.95,
    progress: Callable[[float], None] | None = None,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap CI of mean(y) - mean(x) per row of counts.

    ``keys[i]`` names row i's two samples (x, then y). Each sample is resampled once, by
    ``resampled_means`` from its own key, however many rows it appears in: the same staff
    (all staff, say) compared with service users and with carers is one sample, drawn once
    (issue 19: about half the draws of one stream per row, the draws being the whole cost).
    Every interval is still the percentile bootstrap of two independently resampled groups, and
    depends only on the seed, its two samples' keys and counts - not on the row order, the other
    rows or the number of ``threads`` (default: the CPUs available when the samples are large
    enough to pay for a pool, else one).
    """
    x = np.asarray(counts_x, dtype="int64")
    y = np.asarray(counts_y, dtype="int64")
    rows = len(x)
    low = np.full(rows, np.nan)
    high = np.full(rows, np.nan)
    n_x = x.sum(axis=1)
    n_y = y.sum(axis=1)
    todo = np.flatnonzero((n_x > 0) & (n_y > 0)) if resamples > 0 else np.array([], dtype=int)
    if len(todo) == 0:
        return low, high
    for pair in keys:
        if len(pair) != 2 or any(isinstance(key, str | bytes) for key in pair):
            raise TypeError(
                "bootstrap_mean_diff: each row's key is a pair (x sample key, y sample key), "
                f"each a sequence of parts, not {pair!r}"
            )
    samples: dict[tuple[tuple[object, ...], bytes], int] = {}
    drawn: list[tuple[np.ndarray, SampleKey]] = []
    pairs = np.empty((len(todo), 2), dtype="int64")
    for position, row in enumerate(todo):
        for side, counts in enumerate((x[row], y[row])):
            key = keys[row][side]
            # A sample is its key and its counts: two rows sharing a key share draws only
            # when they hold the same people's answers.
            identity = (tuple(key), counts.tobytes())
            if identity not in samples:
                samples[identity] = len(drawn)
                drawn.append((counts, key))
            pairs[position, side] = samples[identity]
    means = np.empty((len(drawn), resamples))
    checkpoints = set(np.linspace(0, len(drawn), 11, dtype=int)[1:-1].tolist())

    def draw(sample: int) -> np.ndarray:
        counts, key = drawn[sample]
        return resampled_means(counts, key, resamples=resamples, seed=seed)

    workers = _bootstrap_threads() if threads is None else max(1, int(threads))
    pool = None
    large = sum(int(counts.sum()) for counts, _key in drawn) >= _THREADED_FROM * len(drawn)
    if workers > 1 and len(drawn) > 1 and (threads is not None or large):
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bootstrap")
    try:
        sampled = (
            pool.map(draw, range(len(drawn))) if pool is not None else map(draw, range(len(drawn)))
        )
        for sample, sample_means in enumerate(sampled):
            means[sample] = sample_means
            if progress is not None and sample + 1 in checkpoints:
                progress((sample + 1) / len(drawn))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    tail = (1 - level) / 2 * 100
    diffs = means[pairs[:, 1]] - means[pairs[:, 0]]
    bounds = np.percentile(diffs, [tail, 100 - tail], axis=1)
    low[todo] = bounds[0]
    high[todo] = bounds[1]
    return low, high


def benjamini_hochberg(p: np.ndarray, family: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values within each family, all families at once.

    ``family`` holds one label per p-value; NaN p-values get NaN and do not count towards their
    family's size. Equals ``scipy.stats.false_discovery_control(p_family)`` for each family.
    """
    p = np.asarray(p, dtype="float64")
    q = np.full(len(p), np.nan)
    valid = np.flatnonzero(np.isfinite(p))
    if len(valid) == 0:
        return q
    codes = pd.factorize(pd.Series(np.asarray(family, dtype=object)[valid]))[0]
    order = np.lexsort((p[valid], codes))
    sorted_codes = codes[order]
    sorted_p = p[valid][order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    start_of_row = np.repeat(starts, sizes)
    m = np.repeat(sizes, sizes).astype("float64")
    rank = (np.arange(len(order)) - start_of_row + 1).astype("float64")
    adjusted = sorted_p * (m / rank)
    # Step-up: each adjusted p is the minimum of itself and every larger one in its family.
    reverse = pd.Series(adjusted[::-1]).groupby(sorted_codes[::-1]).cummin().to_numpy()[::-1]
    q[valid[order]] = np.clip(reverse, 0.0, 1.0)
    return q
