"""Mann-Kendall with non-detects: the plain test without them, certain pairs only with them."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from surveillance.signals.methods.trend import censored_median, mann_kendall, sen_slope


def naive_s(x: np.ndarray) -> float:
    return float(sum(np.sign(x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x))))


def test_without_non_detects_it_is_the_plain_mann_kendall_test() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=24) + np.linspace(0, 1.5, 24)
    t = mann_kendall(x)
    n = len(x)
    var = n * (n - 1) * (2 * n + 5) / 18
    assert t.s == naive_s(x)
    assert np.isclose(t.var_s, var)
    assert np.isclose(t.p_value, 2 * norm.sf((abs(t.s) - 1) / np.sqrt(var)))
    slopes = [(x[j] - x[i]) / (j - i) for i in range(n) for j in range(i + 1, n)]
    assert np.isclose(t.sen_slope, np.median(slopes))


def test_ties_reduce_the_variance() -> None:
    x = np.array([1, 2, 2, 2, 3, 4, 4, 5], dtype=float)
    n = len(x)
    expected = (n * (n - 1) * (2 * n + 5) - 3 * 2 * 11 - 2 * 1 * 9) / 18
    assert np.isclose(mann_kendall(x).var_s, expected)


def test_a_pair_counts_only_when_its_order_is_certain() -> None:
    # "<1" then 3: certainly up; "<1" then 0.5: unknown; 3 then "<1": certainly down; "<1" then "<1": tie
    assert mann_kendall(np.array([1.0, 3.0, 0.5]), np.array([True, False, False])).s == 1 + 0 - 1
    assert mann_kendall(np.array([1.0, 1.0, 2.0]), np.array([True, True, False])).s == 0 + 1 + 1


def test_a_falling_detection_limit_makes_no_trend_where_substitution_invents_one() -> None:
    # true values constant around 0.004; the laboratory's limit falls from 0.01 to 0.002 after a year
    rng = np.random.default_rng(0)
    true = rng.normal(0.004, 0.0003, 24)
    lod = np.where(np.arange(24) < 12, 0.01, 0.002)
    censored = true < lod
    reported = np.where(censored, lod, true)
    substituted = np.where(censored, lod / 2, reported)
    assert mann_kendall(substituted).p_value < 0.01  # half the limit: a spurious falling trend
    assert mann_kendall(reported, censored).p_value > 0.2  # censored: no trend


def test_censored_medians() -> None:
    assert censored_median(np.array([0.01, 0.01, 0.01, 0.05, 0.06]), np.array([True, True, True, False, False])) == (0.01, True)
    assert censored_median(np.array([0.01, 0.03, 0.04, 0.05, 0.06]), np.array([True, False, False, False, False])) == (0.04, False)
    assert censored_median(np.array([0.01, 0.03, 0.04, 0.05]), np.array([True, True, False, False])) == (0.04, True)
    assert censored_median(np.array([0.01, 0.03, 0.04, 0.05]), np.array([True, False, False, False])) == (0.035, False)
    # a non-detect "<0.02" sorts below a detected 0.02
    assert censored_median(np.array([0.02, 0.02, 0.02]), np.array([False, True, False])) == (0.02, False)


def test_sen_slope_uses_detected_pairs_only() -> None:
    x = np.array([1.0, 2.0, 0.5, 5.0])  # detected pairs: slopes 1, 4/3, 3/2
    assert np.isclose(sen_slope(x, np.array([False, False, True, False])), 4 / 3)
    assert not np.isclose(sen_slope(x), 4 / 3)
