"""False-discovery control across the many series a night tests."""

from __future__ import annotations

import numpy as np

Q = 0.05  # the share of false alarms tolerated among a night's signals


def benjamini_hochberg(pvalues: np.ndarray, q: float = Q) -> np.ndarray:
    """True where a p-value is a discovery at false-discovery rate ``q`` (NaN p-values are not tested)."""
    p = np.asarray(pvalues, dtype=float)
    tested = ~np.isnan(p)
    out = np.zeros(p.shape, dtype=bool)
    m = int(tested.sum())
    if m == 0:
        return out
    order = np.argsort(p[tested])
    ranked = p[tested][order]
    below = ranked <= q * np.arange(1, m + 1) / m
    if not below.any():
        return out
    cutoff = ranked[np.flatnonzero(below).max()]
    out[tested] = p[tested] <= cutoff
    return out


def expected_false_alarms(discoveries: int, q: float = Q) -> float:
    """Benjamini-Hochberg bounds the expected share of false alarms among the discoveries by q."""
    return round(q * discoveries, 2)


def bh_adjusted(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values: a p-value is a discovery at ``q`` exactly when its adjusted
    value is at most ``q`` (``benjamini_hochberg``), so one night's signals at every q come from one pass.
    NaN stays NaN (not tested)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    m = int(tested.sum())
    if m == 0:
        return out
    order = np.argsort(p[tested])
    scaled = p[tested][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    values = np.empty(m)
    values[order] = np.minimum(adjusted, 1.0)
    out[tested] = values
    return out
