"""Farrington flexible on constructed series (the agreement with R is in test_farrington_vs_r.py)."""

import numpy as np
import pytest

from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible, template, trend_significant


def _seasonal(n_series: int, weeks: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    mean = 20 * (1 + 0.5 * np.cos(2 * np.pi * t / 52))
    return rng.poisson(np.broadcast_to(mean, (n_series, weeks))).astype(float)


def test_the_reference_weeks_are_rs_blocks() -> None:
    offsets, levels = template(FarringtonControl(b=2, w=1))
    assert offsets.tolist() == [-105, -104, -103, -53, -52, -51]  # +-w around t-52, t-104; the current window left out
    offsets, levels = template(FarringtonControl(b=1, w=3, no_periods=10, past_weeks_not_included=26))
    assert offsets.min() == -55 and offsets.max() == -27  # the 26 most recent weeks are left out
    assert set(levels[offsets <= -49]) == {10} and set(levels[offsets > -49]) <= set(range(1, 10))


def test_an_outbreak_raises_an_alarm_and_a_quiet_week_does_not() -> None:
    counts = _seasonal(3, 52 * 6)
    counts[0, -1] += 60
    result = farrington_flexible(counts, FarringtonControl(), last=1)
    assert result.alarm[:, 0].tolist() == [True, False, False]
    assert (result.threshold[:, 0] > result.expected[:, 0]).all() and result.score[0, 0] > 1


def test_limit54_and_zero_counts_give_no_alarm() -> None:
    counts = np.zeros((1, 52 * 6))
    counts[0, -1] = 4  # above any baseline of zeros, but fewer than 5 cases in 4 weeks
    result = farrington_flexible(counts, FarringtonControl(), last=1)
    assert not result.alarm[0, 0] and np.isnan(result.threshold[0, 0])


def test_too_short_a_series_is_an_error() -> None:
    with pytest.raises(ValueError, match="needs 264 periods, got 200"):
        farrington_flexible(np.ones((1, 200)), FarringtonControl(), last=1)


def test_missing_weeks_are_left_out_of_the_fit() -> None:
    counts = _seasonal(2, 52 * 6, seed=3)
    holes = counts.copy()
    holes[1, -60:-55] = np.nan
    full = farrington_flexible(counts, FarringtonControl(), last=4)
    gappy = farrington_flexible(holes, FarringtonControl(), last=4)
    np.testing.assert_allclose(gappy.threshold[0], full.threshold[0])
    assert np.isfinite(gappy.threshold[1]).all()


def test_the_trend_test_is_rs_p_below_the_threshold_without_rounding_near_one() -> None:
    df = np.array([180.0, 180.0, 180.0, 180.0])
    # pThresholdTrend = 1 keeps any trend with a t statistic, however small (2 * sf(5.6e-17) rounds to 1)
    assert trend_significant(np.array([5.6e-17, -3e-16, 0.0, np.nan]), df, 1.0).tolist() == [True, True, False, False]
    # below 1, the same decision as p < threshold: t = 1.973 is the two-sided 5% point at 180 df
    assert trend_significant(np.array([1.98, -1.98, 1.96, np.nan]), df, 0.05).tolist() == [True, True, False, False]
