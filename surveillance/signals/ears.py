"""EARS C1 and C2 (as R ``surveillance::earsC``), vectorised over many series at once.

For period t the baseline is the ``baseline`` periods ending ``lag`` periods before t
(C1: lag 0, C2: lag 2); the upper bound is mean + z(1 - alpha) * sd with the sample sd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

LAGS = {"C1": 0, "C2": 2}


@dataclass(frozen=True)
class EarsResult:
    expected: np.ndarray  # baseline mean, shape (series, evaluated periods)
    threshold: np.ndarray
    score: np.ndarray  # (observed - mean) / sd; inf where sd is 0 and observed exceeds mean
    alarm: np.ndarray


def ears(counts: np.ndarray, method: str = "C2", alpha: float = 0.001, baseline: int = 7,
         min_sigma: float = 0.0, last: int = 1) -> EarsResult:
    """Evaluate the last ``last`` periods of each row of ``counts`` (series x periods)."""
    counts = np.asarray(counts, dtype=float)
    lag = LAGS[method]
    n = counts.shape[1]
    if n < baseline + lag + last:
        raise ValueError(f"{method} needs at least {baseline + lag + last} periods, got {n}")
    windows = np.lib.stride_tricks.sliding_window_view(counts, baseline, axis=1)
    # window ending at period t - lag - 1 for each evaluated t
    idx = np.arange(n - last, n) - lag - baseline
    base = windows[:, idx, :]
    mean = base.mean(axis=2)
    sd = np.maximum(base.std(axis=2, ddof=1), min_sigma)
    threshold = mean + norm.ppf(1 - alpha) * sd
    observed = counts[:, n - last :]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(sd > 0, (observed - mean) / sd, np.where(observed > mean, np.inf, 0.0))
    return EarsResult(mean, threshold, score, observed > threshold)
