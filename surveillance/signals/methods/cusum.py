"""CUSUM for counts, as R's ``surveillance::cusum`` (``algo.cusum``) computes it, for many series at once.

The counts of the evaluated periods are standardised against a reference mean ``m`` (by default the
mean of every period before the first evaluated one) with one of R's transformations, and the
one-sided CUSUM S(t) = max(0, S(t-1) + z(t) - k) raises an alarm when S(t) >= h. The upper bound is
the count that would have raised an alarm at t given S(t-1). Parameters keep R's names and defaults:
k = 1.04, h = 2.26, trans = "standard", alpha = 0.1 (the negative-binomial dispersion of "pearsonNegBin"
and "anscombeNegBin"); m = "glm" fits R's Poisson GLM with one annual harmonic to the periods before.

"anscombeNegBin" uses the Anscombe residual of the negative binomial, 3/2 [y^(2/3) F(-alpha y) -
m^(2/3) F(-alpha m)] / (m + alpha m^2)^(1/6) with F = 2F1(2/3, 1/3; 5/3; .), read off R's own table of F
the way R reads it (nearest grid point above -10, linear between the integer points below), so that
the statistic is R's to the last digit rather than the exact function's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import hyp2f1

from surveillance.signals.methods.controls import TRANSFORMS, CusumControl

# R's surveillance.gvar.z / .hyp: 2F1(2/3, 1/3; 5/3; z) on 0, -0.01, ..., -10, then -11, ..., -100
_GRID_Z = np.concatenate([-np.arange(1001) / 100, -np.arange(11, 101, dtype=float)])
_GRID_F = hyp2f1(2 / 3, 1 / 3, 5 / 3, _GRID_Z)


def hypgeom2f1_special(x: np.ndarray) -> np.ndarray:
    """R's ``hypgeom2F1special``: the table value at the nearest grid point for x >= -10, linear
    interpolation between the integer grid points below; NaN below -100 (R fails there)."""
    x = np.asarray(x, dtype=float)
    below = np.searchsorted(-_GRID_Z, -x)  # first grid index with z <= x
    lo = np.clip(below - 1, 0, len(_GRID_Z) - 1)
    hi = np.clip(below, 0, len(_GRID_Z) - 1)
    nearest = np.where(np.abs(_GRID_Z[hi] - x) < np.abs(_GRID_Z[lo] - x), hi, lo)  # ties: the first, as which.min
    out = _GRID_F[nearest]
    # below -10: R interpolates between the two grid points around x (the z of idxLow is the lower one)
    low = np.where(x - _GRID_Z[nearest] < 0, nearest + 1, nearest)
    up = low - 1
    valid = low < len(_GRID_Z)
    low_c = np.clip(low, 0, len(_GRID_Z) - 1)
    interp = _GRID_F[low_c] + (_GRID_F[np.clip(up, 0, None)] - _GRID_F[low_c]) * (x - _GRID_Z[low_c])
    out = np.where(x >= -10, out, np.where(valid, interp, np.nan))
    return np.where(np.isnan(x), np.nan, out)


def anscombe_negbin(y: np.ndarray, mu: np.ndarray, alpha: float) -> np.ndarray:
    """R's ``anscombeNB``: the negative-binomial Anscombe residual of ``y`` about ``mu``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        up = 1.5 * y ** (2 / 3) * hypgeom2f1_special(-alpha * y) - 1.5 * mu ** (2 / 3) * hypgeom2f1_special(-alpha * mu)
        return up / (mu + alpha * mu**2) ** (1 / 6)


def glm_reference(counts: np.ndarray, last: int, start: int = 1, frequency: int = 52, max_iter: int = 50) -> np.ndarray:
    """R's ``m = "glm"``: per series, a Poisson GLM x ~ 1 + cos(2 pi t / p) + sin(2 pi t / p) on the periods
    before the evaluated ones (t counted from the series' ``start`` period), predicted for the evaluated
    ones. All series are fitted together by IRLS on the shared design."""
    n = counts.shape[1]
    t = start + np.arange(n, dtype=float)
    design = np.column_stack([np.ones(n), np.cos(2 * np.pi / frequency * t), np.sin(2 * np.pi / frequency * t)])
    x_fit, y = design[: n - last], counts[:, : n - last]
    seen = ~np.isnan(y)
    y0 = np.where(seen, y, 0.0)
    eta = np.log(np.where(seen, y0 + 0.1, 1.0))  # R's poisson()$mustart: y + 0.1
    beta = np.zeros((counts.shape[0], 3))
    for _ in range(max_iter):
        mu = np.exp(eta)
        w = np.where(seen, mu, 0.0)
        z = eta + (y0 - mu) / mu
        xtwx = np.einsum("ti,st,tj->sij", x_fit, w, x_fit)
        xtwz = np.einsum("ti,st->si", x_fit, w * z)
        new = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        done = np.abs(new - beta).max() < 1e-12
        beta = new
        eta = beta @ x_fit.T
        if done:
            break
    return np.exp(beta @ design[n - last :].T)


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
        if trans == "anscombeNegBin":
            return anscombe_negbin(x, m, alpha)
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
        return h - c_now  # anscombeNegBin and none, as R


def cusum(counts: np.ndarray, last: int, k: float = CusumControl.k, h: float = CusumControl.h,
          m: float | np.ndarray | str | None = CusumControl.m, trans: str = CusumControl.trans,
          alpha: float = CusumControl.alpha, start: int = 1, frequency: int = 52) -> CusumResult:
    """Evaluate the last ``last`` periods of each row of ``counts`` (series x periods, NaN = missing);
    ``m`` defaults to the mean of the periods before them; ``m="glm"`` fits R's seasonal Poisson GLM
    (``start``: the period number of the first count within its year, ``frequency``: periods a year)."""
    if trans not in TRANSFORMS:
        raise ValueError(f"trans must be one of {', '.join(TRANSFORMS)}")
    if isinstance(m, str) and m != "glm":
        raise ValueError(f"m must be a number, None or 'glm', not {m!r}")
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n = counts.shape[1]
    if last < 1 or n - last < 1:
        raise ValueError(f"CUSUM needs at least one period before the {last} evaluated, got {n} periods")
    x = counts[:, n - last :]
    if isinstance(m, str):
        mm = glm_reference(counts, last, start, frequency)
    else:
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


def cusum_with(counts: np.ndarray, last: int, control: CusumControl, start: int = 1, frequency: int = 52) -> CusumResult:
    """``cusum`` with its parameters from ``control``."""
    return cusum(counts, last, control.k, control.h, control.m, control.trans, control.alpha, start, frequency)
