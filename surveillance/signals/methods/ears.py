"""EARS C1, C2 and C3 exactly as R ``surveillance::earsC`` computes them, vectorised over many series.

Control parameters keep R's names and defaults: ``baseline`` (7 periods), ``minSigma`` (0), ``alpha``
(0.001 for C1 and C2, 0.025 for C3). For period t:

- C1: the baseline is the ``baseline`` periods just before t; upper bound = mean + z(1-alpha) * max(sd, minSigma).
- C2: the same with the baseline ending two periods earlier (a guard band of 2).
- C3: with C2's statistic c(s) = (y(s) - mean(s)) / max(sd(s), minSigma),
  upper bound = max(0, y(t) + max(sd(t), minSigma) * (z(1-alpha) - [max(0, c(t-2)-1) + max(0, c(t-1)-1)])).

An alarm is raised when the observed count exceeds the upper bound; where a baseline holds a missing
value the bound is undefined (NaN) and no alarm is raised, as R gives NA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from surveillance.signals.methods.controls import EarsControl

GUARD = {"C1": 0, "C2": 2, "C3": 2}
EXTRA_HISTORY = {"C1": 0, "C2": 2, "C3": 4}  # R's maxLag - baseline
DEFAULT_ALPHA = {"C1": 0.001, "C2": 0.001, "C3": 0.025}


@dataclass(frozen=True)
class EarsResult:
    """Arrays of shape (series, evaluated periods); the periods are the last ``last`` ones."""

    expected: np.ndarray  # baseline mean
    threshold: np.ndarray  # R's upperbound; NaN where undefined
    score: np.ndarray  # C1/C2: (y - mean) / sd; C3: the C3 statistic c(t) + truncated c(t-1), c(t-2)
    alarm: np.ndarray  # bool; False where the threshold is undefined

    @property
    def defined(self) -> np.ndarray:
        return ~np.isnan(self.threshold)


def min_periods(method: str, baseline: int = 7) -> int:
    """Length a series needs before its first period can be evaluated."""
    return baseline + EXTRA_HISTORY[method] + 1


def _baseline_stats(counts: np.ndarray, baseline: int, guard: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample sd of the ``baseline`` periods ending ``guard`` periods before each t (NaN before)."""
    n_series, n = counts.shape
    mean = np.full((n_series, n), np.nan)
    sd = np.full((n_series, n), np.nan)
    first = baseline + guard
    if n > first:
        windows = np.lib.stride_tricks.sliding_window_view(counts, baseline, axis=1)[:, : n - first, :]
        mean[:, first:] = windows.mean(axis=2)
        sd[:, first:] = windows.std(axis=2, ddof=1)
    return mean, sd


def ears(counts: np.ndarray, method: str = EarsControl.method, alpha: float | None = EarsControl.alpha,
         baseline: int = EarsControl.baseline, min_sigma: float = EarsControl.min_sigma,
         last: int | None = None) -> EarsResult:
    """Evaluate the last ``last`` periods (default: all R would evaluate) of each row of ``counts``
    (series x periods; NaN = missing)."""
    method = method.upper()
    if method not in GUARD:
        raise ValueError(f"unknown EARS method {method!r} (C1, C2 or C3)")
    if baseline < 3:
        raise ValueError("Minimum baseline to use is 3.")
    if min_sigma < 0:
        raise ValueError("The minimum sigma parameter (minSigma) needs to be positive")
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n = counts.shape[1]
    need = min_periods(method, baseline)
    last = n - need + 1 if last is None else last
    if last < 1 or n < need + last - 1:
        raise ValueError(f"{method} with baseline {baseline} needs at least {need + max(last, 1) - 1} periods, got {n}")
    z = norm.ppf(1 - (DEFAULT_ALPHA[method] if alpha is None else alpha))
    mean, sd = _baseline_stats(counts, baseline, GUARD[method])
    sigma = np.maximum(sd, min_sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (counts - mean) / sigma
        if method == "C3":
            lag1 = np.maximum(0.0, np.roll(stat, 1, axis=1) - 1)
            lag2 = np.maximum(0.0, np.roll(stat, 2, axis=1) - 1)
            upper = np.maximum(0.0, counts + sigma * (z - (lag2 + lag1)))
            score = stat + lag1 + lag2
        else:
            upper = mean + z * sigma
            score = stat
    window = slice(n - last, n)
    threshold = upper[:, window]
    observed = counts[:, window]
    alarm = np.where(np.isnan(threshold) | np.isnan(observed), False, observed > threshold)
    return EarsResult(mean[:, window], threshold, score[:, window], alarm)


def ears_with(counts: np.ndarray, control: EarsControl, last: int | None = None) -> EarsResult:
    """``ears`` with its parameters from ``control``."""
    return ears(counts, control.method, control.alpha, control.baseline, control.min_sigma, last)
