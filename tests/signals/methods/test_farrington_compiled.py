"""The compiled engine (C) against the numpy reference engine (which R's agreement tests pinned first): the same
thresholds, expectations, p-values and alarms on every control, dated or not, with missing weeks, large and
fractional counts; R's result where a season level is never observed; the numpy engine where C is unavailable."""

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from surveillance.signals.methods import farrington_compiled
from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible
from surveillance.signals.methods.farrington_compiled import SUMMED_MEAN, nbinom_quantile

IMPROVED = FarringtonControl(no_periods=10, b=4, w=3, past_weeks_not_included=26, p_threshold_trend=1, alpha=0.1,
                             threshold_method="nbPlugin")
CONTROLS = {
    "default": FarringtonControl(),
    "improved": IMPROVED,
    "improved-muan": replace(IMPROVED, threshold_method="muan", alpha=0.01),
    "improved-delta": replace(IMPROVED, threshold_method="delta"),
    "trend-tested": replace(IMPROVED, p_threshold_trend=0.05, b=3),
    "no-reweight": replace(IMPROVED, reweight=False),
    "no-trend": FarringtonControl(trend=False, b=3, w=2),
    "sqrt": FarringtonControl(powertrans="1/2", no_periods=4),
    "none": FarringtonControl(powertrans="none", b=2),
}


def _series(n_series: int, weeks: int, seed: int) -> np.ndarray:
    """Seasonal, over-dispersed counts at levels from ~0.5 to ~2,000 a week, some with a trend."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    level = rng.lognormal(np.log(15), 1.5, n_series)[:, None]
    season = 1 + rng.uniform(0, 0.7, n_series)[:, None] * np.cos(2 * np.pi * (t - rng.integers(0, 52, n_series)[:, None]) / 52)
    trend = np.exp(rng.normal(0, 0.002, n_series)[:, None] * t)
    mean = level * season * trend
    size = rng.uniform(1, 30, n_series)[:, None]
    return rng.negative_binomial(size, size / (size + mean)).astype(float)


@pytest.fixture(autouse=True)
def _compiled_engine_is_built() -> None:
    """These tests compare two engines: were the C library missing, "compiled" would silently be numpy."""
    assert farrington_compiled.available(), "the C kernel did not build (make install builds it; needs cc)"


def _same(a, b, label: str) -> None:
    for name in ("expected", "threshold", "pvalue", "phi", "se_eta"):
        x, y = getattr(a, name), getattr(b, name)
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=f"{label} {name}: NaN in one engine only")
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-300, err_msg=f"{label} {name}")
    for name in ("alarm", "trend", "converged"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=f"{label} {name}")


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_the_compiled_engine_gives_the_numpy_engines_results(name: str) -> None:
    control = CONTROLS[name]
    counts = _series(40, 52 * 7, seed=len(name))
    counts[3, -200:-150] = 0.0  # a stretch of zeros
    counts[5, -30:] += 60  # an outbreak
    compiled = farrington_flexible(counts, control, last=30, engine="compiled")
    reference = farrington_flexible(counts, control, last=30, engine="numpy")
    _same(compiled, reference, name)
    assert np.isfinite(compiled.threshold).mean() > 0.5 and compiled.alarm.any()


def test_dated_series_missing_weeks_and_counts_beyond_the_lookup_table() -> None:
    counts = _series(30, 52 * 8, seed=11)
    counts[0] *= 40  # thousands a week: logarithms and powers computed, not looked up
    counts[1] += 0.5  # fractional counts (a rate or an imputed value)
    counts[2, -300:-280] = np.nan
    counts[4, ::9] = np.nan
    dates = [date(2017, 1, 2) + timedelta(weeks=i) for i in range(counts.shape[1])]
    for control in (FarringtonControl(), IMPROVED):
        compiled = farrington_flexible(counts, control, last=49, dates=dates, engine="compiled")
        reference = farrington_flexible(counts, control, last=49, dates=dates, engine="numpy")
        _same(compiled, reference, f"dated {control.threshold_method}")
        assert np.isfinite(compiled.threshold[:5]).all(axis=1).any()


R_SCRIPT = """
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
obs <- as.matrix(read.csv(args[1]))
n <- nrow(obs)
control <- list(range = (n - 2):n, b = as.integer(args[3]), w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
                thresholdMethod = "delta", alpha = 0.05, trend = TRUE, glmWarnings = FALSE)
r <- farringtonFlexible(sts(observed = obs, frequency = 52, start = c(2000, 1)), control = control)
write.csv(data.frame(upper = c(upperbound(r)), expected = c(r@control$expected)), args[2], row.names = FALSE)
"""


@pytest.mark.r
def test_a_season_level_never_observed_is_left_out_as_r_leaves_out_an_aliased_column(tmp_path) -> None:
    """With b = 1 a season level is one stretch of weeks a year back; when all of it is missing, R's glm drops
    the level's column (aliased) and counts one parameter fewer. Both engines; the numpy one once gave a
    threshold 4e-4 off R's here, and one that depended on the other series in its batch."""
    import subprocess

    import pandas as pd

    from tests.signals.reference_r import require_r

    counts = _series(2, 52 * 7, seed=5)
    counts[0, -51:-44] = np.nan  # level 1 of the last three evaluated weeks' fits
    (tmp_path / "run.R").write_text(R_SCRIPT)
    for b in (1, 2):
        pd.DataFrame(counts.T).to_csv(tmp_path / "in.csv", index=False)
        subprocess.run([require_r(), str(tmp_path / "run.R"), str(tmp_path / "in.csv"), str(tmp_path / "out.csv"), str(b)],
                       check=True, capture_output=True, text=True)
        r = pd.read_csv(tmp_path / "out.csv").to_numpy().reshape(2, 3, 2)  # series x weeks x (upper, expected)
        control = FarringtonControl(no_periods=10, b=b, w=3, past_weeks_not_included=26)
        for engine in ("compiled", "numpy"):
            ours = farrington_flexible(counts, control, last=3, engine=engine)
            label = f"b={b} {engine}"
            np.testing.assert_array_equal(np.isnan(ours.threshold), np.isnan(r[..., 0]), err_msg=label)
            np.testing.assert_allclose(ours.threshold, r[..., 0], rtol=1e-9, err_msg=label)
            np.testing.assert_allclose(ours.expected, r[..., 1], rtol=1e-9, err_msg=label)


def test_fits_without_residual_degrees_of_freedom_give_the_numpy_engines_nan_not_an_error() -> None:
    counts = _series(3, 52 * 7, seed=8)
    weeks = np.arange(counts.shape[1] - 6)
    counts[0, :-6] = np.where(weeks % 13 == 0, counts[0, :-6], np.nan)  # a handful of observed weeks a year
    counts[1, :-6] = np.where(weeks % 5 == 0, counts[1, :-6], np.nan)
    for control in (FarringtonControl(), IMPROVED, FarringtonControl(b=1, w=0, trend=False)):
        compiled = farrington_flexible(counts, control, last=3, engine="compiled")
        reference = farrington_flexible(counts, control, last=3, engine="numpy")
        _same(compiled, reference, str(control))
        assert np.isfinite(compiled.threshold[:2]).any() or np.isinf(compiled.phi).any()


def test_an_unknown_engine_is_an_error() -> None:
    with pytest.raises(ValueError, match="engine must be"):
        farrington_flexible(np.ones((1, 400)), FarringtonControl(), last=1, engine="fortran")


def test_negative_binomial_quantiles_are_scipys() -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    mean = rng.lognormal(np.log(8), 1.4, n)
    phi = 1 + rng.lognormal(np.log(0.5), 1.5, n)
    size, prob = mean / (phi - 1), 1 / phi
    for q in (0.9, 0.95, 0.99, 0.999):
        out = nbinom_quantile(q, size, prob)
        summed = ~np.isnan(out)
        assert summed.mean() > 0.9 and np.isnan(out[mean >= SUMMED_MEAN]).all()
        np.testing.assert_array_equal(out[summed], stats.nbinom.ppf(q, size[summed], prob[summed]), err_msg=str(q))


def test_without_the_c_library_the_numpy_engine_answers_and_says_so(monkeypatch, caplog) -> None:
    counts = _series(5, 52 * 6, seed=2)
    expected = farrington_flexible(counts, IMPROVED, last=10, engine="numpy")
    monkeypatch.setattr(farrington_compiled, "LIBRARY", farrington_compiled.LIBRARY.with_name("missing.so"))
    monkeypatch.setenv("CC", "no-such-compiler")
    farrington_compiled.library.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            result = farrington_flexible(counts, IMPROVED, last=10)
        assert not farrington_compiled.available()
    finally:
        farrington_compiled.library.cache_clear()
    assert "compiled Farrington engine is unavailable" in caplog.text
    _same(result, expected, "fallback")
    assert np.isnan(nbinom_quantile(0.9, np.ones(3), np.full(3, 0.5))).all()  # scipy then answers every quantile
