"""The few scipy.stats functions Farrington flexible needs, on scipy.special: importing scipy.stats costs about
half a second, a third of a `detect-series` run. Each returns scipy.stats' values for the arguments it is given
(NaN for invalid parameters, 1 below the support for a survival function), as tests/signals/methods/
test_distributions.py checks; the negative binomial survival function is the regularised incomplete beta, which
scipy.stats evaluates with another algorithm (relative differences below 1e-12)."""

from __future__ import annotations

import numpy as np
from scipy import special


def t_isf(q: float, df: np.ndarray) -> np.ndarray:
    """scipy.stats.t.isf(q, df): NaN where df <= 0."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, -special.stdtrit(np.where(df > 0, df, 1.0), q), np.nan)


def norm_ppf(q: float, loc: np.ndarray | float = 0.0, scale: np.ndarray | float = 1.0) -> np.ndarray:
    """scipy.stats.norm.ppf(q, loc, scale) for 0 < q < 1: NaN where scale <= 0 or loc is NaN."""
    loc, scale = np.asarray(loc, dtype=float), np.asarray(scale, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where((scale > 0) & (loc == loc), special.ndtri(q) * scale + loc, np.nan)


def norm_sf(x: np.ndarray, loc: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """scipy.stats.norm.sf(x, loc, scale): NaN where scale <= 0 or x or loc is NaN."""
    x, loc, scale = (np.asarray(v, dtype=float) for v in (x, loc, scale))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (x - loc) / scale
        return np.where((scale > 0) & (loc == loc) & ~np.isnan(z), special.ndtr(-z), np.nan)


def poisson_ppf(q: float, mu: np.ndarray) -> np.ndarray:
    """scipy.stats.poisson.ppf(q, mu) for 0 < q < 1: NaN where mu < 0 or is NaN."""
    mu = np.asarray(mu, dtype=float)
    valid = mu >= 0
    m = np.where(valid, mu, 0.0)
    vals = np.ceil(special.pdtrik(q, m))
    lower = np.maximum(vals - 1, 0)
    return np.where(valid, np.where(special.pdtr(lower, m) >= q, lower, vals), np.nan)


def poisson_sf(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """scipy.stats.poisson.sf(k, mu): P(X > k); 1 for k < 0, NaN where mu < 0 or k or mu is NaN."""
    k, mu = np.asarray(k, dtype=float), np.asarray(mu, dtype=float)
    valid = (mu >= 0) & ~np.isnan(k)
    with np.errstate(invalid="ignore"):
        inside = special.pdtrc(np.floor(np.where(valid & (k >= 0) & np.isfinite(k), k, 0.0)), np.where(valid, mu, 0.0))
    return np.where(valid, np.where(k < 0, 1.0, np.where(np.isfinite(k), inside, 0.0)), np.nan)


def nbinom_sf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """scipy.stats.nbinom.sf(k, n, p): P(X > k) = I_(1-p)(floor(k) + 1, n); 1 for k < 0, NaN where not n > 0 and
    0 < p <= 1 or k is NaN."""
    k, n, p = (np.asarray(v, dtype=float) for v in (k, n, p))
    valid = (n > 0) & (p > 0) & (p <= 1) & ~np.isnan(k)
    inside = valid & (k >= 0) & np.isfinite(k)
    with np.errstate(invalid="ignore"):
        tail = special.betainc(np.floor(np.where(inside, k, 0.0)) + 1, np.where(valid, n, 1.0), np.where(valid, 1 - p, 0.5))
    return np.where(valid, np.where(k < 0, 1.0, np.where(inside, tail, 0.0)), np.nan)
