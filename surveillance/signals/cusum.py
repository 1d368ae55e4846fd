"""CUSUM for counts, as R's ``surveillance::cusum`` (``algo.cusum``) computes it, for many series at once.

The counts of the evaluated periods are standardised against a reference mean ``m`` (by default the
mean of every period before the first evaluated one) with one of R's transformations, and the
one-sided CUSUM S(t) = max(0, S(t-1) + z(t) - k) raises an alarm when S(t) >= h. The upper bound is
the count that would have raised an alarm at t given S(t-1). Parameters keep R's names and defaults:
k = 1.04, h = 2.26, trans = "standard", alpha = 0.1 (the negative-binomial dispersion of "pearsonNegBin").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRANSFORMS = ("standard", "rossi", "anscombe", "anscombe2nd", "pearsonNegBin", "none")


@dataclass(frozen=True)
class CusumResult:
    expected: np.ndarray  # m, the reference mean
    threshold: np.ndarray  # R's upperbound
    score: np.ndarray  # the CUSUM statistic S(t)
    alarm: np.ndarray


def _standardise(x: np.ndarray, m: np.ndarray, trans: str, alpha: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if trans == "rossi":
            return (x - 3 * m + 2 * np.sqrt(x * m)) / (2 * np.sqrt(m))
        if trans == "standard":
            return (x - m) / np.sqrt(m)
        if trans == "anscombe":
            return 1.5 * (x ** (2 / 3) - m ** (2 / 3)) / m ** (1 / 6)
        if trans == "anscombe2nd":
            return (x ** (2 / 3) - (m ** (2 / 3) - m ** (-1 / 3) / 9)) / (2 / 3 * m ** (1 / 6))
        if trans == "pearsonNegBin":
            return (x - m) / np.sqrt(m + alpha * m**2)
        return x


def _upperbound(m: np.ndarray, c_prev: np.ndarray, c_now: np.ndarray, h: float, k: float, trans: str, alpha: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if trans == "rossi":
            return (2 * h * m**0.5 + 2 * k * m**0.5 - 2 * c_prev * m**0.5 + 5 * m
                    - 2 * (4 * m**2 + 2 * m**1.5 * h + 2 * m**1.5 * k - 2 * m**1.5 * c_prev) ** 0.5)
        if trans == "standard":
            return np.ceil(np.sqrt(m) * (h + k - c_prev) + m)
        if trans == "anscombe":
            base = (2 / 3) * m ** (1 / 6) * (h + k - c_prev) + m ** (2 / 3)
            return np.where(base < 0, 0.0, np.abs(base) ** 1.5)
        if trans == "anscombe2nd":
            base = (2 / 3) * m ** (1 / 6) * (h + k - c_prev) + (m ** (2 / 3) - m ** (1 / 3) / 9)
            return np.where(base < 0, 0.0, np.abs(base) ** 1.5)
        if trans == "pearsonNegBin":
            return np.sqrt(m + alpha * m**2) * (h + k - c_prev) + m
        return h - c_now


def cusum(counts: np.ndarray, last: int, k: float = 1.04, h: float = 2.26, m: float | np.ndarray | None = None,
          trans: str = "standard", alpha: float = 0.1) -> CusumResult:
    """Evaluate the last ``last`` periods of each row of ``counts`` (series x periods, NaN = missing);
    ``m`` defaults to the mean of the periods before them."""
    if trans not in TRANSFORMS:
        raise ValueError(f"trans must be one of {', '.join(TRANSFORMS)} (R's anscombeNegBin and m = 'glm' are not ported)")
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n = counts.shape[1]
    if last < 1 or n - last < 1:
        raise ValueError(f"CUSUM needs at least one period before the {last} evaluated, got {n} periods")
    x = counts[:, n - last :]
    ref = counts[:, : n - last].mean(axis=1) if m is None else np.broadcast_to(np.asarray(m, dtype=float), (counts.shape[0],))
    mm = np.broadcast_to(ref[:, None], x.shape)
    z = _standardise(x, mm, trans, alpha)
    stat = np.zeros((counts.shape[0], last + 1))
    for t in range(last):
        stat[:, t + 1] = np.maximum(0.0, stat[:, t] + (z[:, t] - k))
        stat[:, t + 1] = np.where(np.isnan(z[:, t]) | np.isnan(stat[:, t]), np.nan, stat[:, t + 1])
    upper = _upperbound(mm, stat[:, :-1], stat[:, 1:], h, k, trans, alpha)
    upper = np.where(np.isnan(upper) | (upper < 0), 0.0, upper)
    score = stat[:, 1:]
    alarm = np.where(np.isnan(score), False, score >= h)
    return CusumResult(np.array(mm, dtype=float), upper, score, alarm)
