"""Mann-Kendall trend test and Sen's slope for series with non-detects (left-censored values).

A non-detect "<L" is not a number, and substituting L/2 invents a trend whenever the detection limit
changes over time. Here a non-detect is an interval [0, L): a pair of values counts in Kendall's S
only when its order is certain (a detected x above the other's limit L), otherwise it is a tie.
This is Helsel's (2012, "Statistics for Censored Environmental Data", ch. 11-12) treatment of
Kendall's S for censored data; the variance is the Mann-Kendall variance with tie groups for equal
detected values and for non-detects of the same limit. Without non-detects it is the plain test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class Trend:
    s: float  # Kendall's S: concordant minus discordant pairs whose order is certain
    var_s: float
    tau: float  # S over the number of pairs
    z: float
    p_value: float  # two-sided, normal approximation with continuity correction
    sen_slope: float  # median slope over pairs of detected values, per period
    n: int
    censored: int


def _pair_signs(values: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """sign(x_j - x_i) for every pair i < j where the order is certain, 0 where it is not."""
    x = values[:, None]
    y = values[None, :]
    cx, cy = censored[:, None], censored[None, :]
    sign = np.sign(y - x)
    # x censored (< x), y detected: y is certainly larger only when y >= x's limit
    sign = np.where(cx & ~cy, np.where(y >= x, 1.0, 0.0), sign)
    sign = np.where(~cx & cy, np.where(x >= y, -1.0, 0.0), sign)
    sign = np.where(cx & cy, 0.0, sign)
    return np.triu(sign, k=1)


def _tie_term(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    t = counts[counts > 1].astype(float)
    return float((t * (t - 1) * (2 * t + 5)).sum())


def mann_kendall(values: np.ndarray, censored: np.ndarray | None = None) -> Trend:
    """Mann-Kendall on ``values`` in time order; ``censored`` marks non-detects, their value being the limit."""
    v = np.asarray(values, dtype=float)
    c = np.zeros(len(v), dtype=bool) if censored is None else np.asarray(censored, dtype=bool)
    n = len(v)
    if n < 3:
        return Trend(0.0, 0.0, 0.0, 0.0, 1.0, float("nan"), n, int(c.sum()))
    s = float(_pair_signs(v, c).sum())
    ties = _tie_term(v[~c]) + _tie_term(v[c])
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    z = 0.0 if var_s <= 0 or s == 0 else (s - np.sign(s)) / np.sqrt(var_s)
    p = float(2 * norm.sf(abs(z)))
    return Trend(s, float(var_s), s / (n * (n - 1) / 2), float(z), p, sen_slope(v, c), n, int(c.sum()))


def sen_slope(values: np.ndarray, censored: np.ndarray | None = None) -> float:
    """Median of (x_j - x_i) / (j - i) over pairs of detected values (NaN with fewer than two)."""
    v = np.asarray(values, dtype=float)
    keep = np.ones(len(v), dtype=bool) if censored is None else ~np.asarray(censored, dtype=bool)
    t = np.flatnonzero(keep).astype(float)
    x = v[keep]
    if len(x) < 2:
        return float("nan")
    i, j = np.triu_indices(len(x), k=1)
    return float(np.median((x[j] - x[i]) / (t[j] - t[i])))


def censored_median(values: np.ndarray, censored: np.ndarray) -> tuple[float, bool]:
    """The median of values with non-detects ("<L" sorted at L, below a detected L). With an even count
    and a non-detect among the two middle observations, the median is only known to lie below the
    upper one: that value, censored."""
    v = np.asarray(values, dtype=float)
    c = np.asarray(censored, dtype=bool)
    order = np.lexsort((~c, v))  # by value, a non-detect before a detected value of the same number
    k = len(v) // 2
    if len(v) % 2 == 0:
        low, high = order[k - 1], order[k]
        if c[low] or c[high]:
            return float(v[high]), True
        return float((v[low] + v[high]) / 2), False
    return float(v[order[k]]), bool(c[order[k]])
