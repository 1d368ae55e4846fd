"""The no-repeat rule's bands. A pattern re-found period after period (a disproportionate pair over a
sliding 13 weeks, a city's failure or exceedance rate, a rising trend) is sent once; a later period's
signal of the same episode is news again only when its statistic reaches a band above every band the
episode has reached (or its warning level rises, which escalates it). Injury counts and per-sample
findings have no band: each new week's cases, each new sample, is news."""

from __future__ import annotations

import math


def doubling(signal: dict) -> int:
    """Bands of a ratio (PRR, observed/expected): a new band each time it doubles (2, 4, 8, ...)."""
    score = signal.get("score")
    return math.floor(math.log2(score)) if score is not None and score > 0 else -1


def tau_steps(signal: dict) -> int:
    """Bands of Kendall's tau of a rising trend: 0.2, 0.4, 0.6, 0.8, 1."""
    score = signal.get("score")
    return math.floor(score * 5 + 1e-9) if score is not None else -1
