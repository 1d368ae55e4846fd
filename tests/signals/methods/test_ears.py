import numpy as np
import pytest
from scipy.stats import norm

from surveillance.signals.methods.ears import ears
from surveillance.signals.periods import last_complete_week


def test_c1_and_c2_match_the_definition() -> None:
    rng = np.random.default_rng(1)
    counts = rng.poisson(5, size=(3, 20)).astype(float)
    counts[1, -1] = 40
    for method, lag in (("C1", 0), ("C2", 2)):
        res = ears(counts, method, alpha=0.001, last=1)
        t = counts.shape[1] - 1
        base = counts[:, t - lag - 7 : t - lag]
        expected_threshold = base.mean(axis=1) + norm.ppf(0.999) * base.std(axis=1, ddof=1)
        np.testing.assert_allclose(res.threshold[:, 0], expected_threshold)
        assert res.alarm[1, 0] and not res.alarm[0, 0]


def test_too_short_series_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(ValueError, match="needs at least 10 periods"):
        ears(np.ones((1, 9)), "C2")


def test_last_complete_week() -> None:
    from datetime import date

    assert last_complete_week(date(2026, 11, 26)) == (date(2026, 11, 16), date(2026, 11, 22))  # Thursday
    assert last_complete_week(date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 22))  # Sunday


def test_c3_matches_its_definition() -> None:
    rng = np.random.default_rng(2)
    counts = rng.poisson(6, size=(2, 30)).astype(float)
    res = ears(counts, "C3", last=1)  # alpha 0.025 by default, as R
    t = counts.shape[1] - 1

    def c2(s: int) -> np.ndarray:
        base = counts[:, s - 9 : s - 2]
        return (counts[:, s] - base.mean(axis=1)) / base.std(axis=1, ddof=1)

    sd = counts[:, t - 9 : t - 2].std(axis=1, ddof=1)
    upper = counts[:, t] + sd * (norm.ppf(0.975) - (np.maximum(0, c2(t - 2) - 1) + np.maximum(0, c2(t - 1) - 1)))
    np.testing.assert_allclose(res.threshold[:, 0], np.maximum(0, upper))
