"""Farrington's baseline with the last weeks' evidence accumulated: quiet series stay quiet, an outbreak
too small in any one week for Farrington is found over its weeks, and the window behind it is kept."""

import numpy as np

from surveillance.evaluation.scenarios import FIRST_WEEK
from surveillance.signals.methods.accumulated import AccumulatedControl, farrington_accumulated, mid_p_scores
from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible

WEEKS = 6 * 52 + 20


def _dates(n: int) -> list:
    from datetime import timedelta

    return [FIRST_WEEK + timedelta(weeks=i) for i in range(n)]


def test_mid_p_scores() -> None:
    z = mid_p_scores(np.array([0.0, 5.0, 10.0, np.nan]), np.full(4, 5.0), np.array([1.0, 1.0, 2.0, 1.0]))
    assert z[0] < -2 and abs(z[1]) < 0.2 and 1.3 < z[2] < 1.6 and np.isnan(z[3])  # NB sd sqrt(10): (10 - 5) / 3.2


def test_quiet_series_raise_few_alarms() -> None:
    rng = np.random.default_rng(11)
    counts = rng.poisson(6.0, (200, WEEKS)).astype(float)
    result = farrington_accumulated(counts, last=30, dates=_dates(WEEKS))
    assert result.alarm.shape == (200, 30)
    assert result.alarm.mean() < 0.02  # alpha 1%, over the windows together


def test_an_outbreak_spread_over_three_weeks_is_found_where_farrington_sees_no_week() -> None:
    rng = np.random.default_rng(12)
    counts = rng.poisson(10.0, (60, WEEKS)).astype(float)
    counts[:, -3:] = [17, 17, 17]  # each week alone is within Farrington's 1% limit for a mean of 10
    control = AccumulatedControl()
    weekly = farrington_flexible(counts, FarringtonControl(**{**control.farrington.__dict__, "alpha": 0.01}), last=3,
                                 dates=_dates(WEEKS))
    ours = farrington_accumulated(counts, control, last=3, dates=_dates(WEEKS))
    assert weekly.alarm[:, -1].mean() < 0.5
    assert ours.alarm[:, -1].mean() > 0.9 and (ours.window[ours.alarm[:, -1], -1] >= 2).all()
    y = counts[:, -3:]
    defined = ~np.isnan(ours.threshold)
    # the threshold is the count that would have alarmed, the weeks before as they were
    assert not (ours.alarm & (y < ours.threshold)).any() and not (~ours.alarm & defined & (y >= ours.threshold)).any()
