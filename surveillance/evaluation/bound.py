"""How far detection can go on Noufaily et al.'s scenarios: the POD-timeliness frontier at a fixed
false-positive rate, for an oracle that knows each series' true baseline and for a fitted baseline.

A detector of the family studied here alarms in week t when the week's own normal score passes ``c1`` or
the Stouffer sum of weeks t-1 and t passes ``c2`` (and week t is above its expected count). For each
``c1`` the ``c2`` that brings the pooled false-positive rate to the target is found by bisection, and POD
and timeliness are read there. With the oracle's scores no detector of the family does better, so the
frontier shows what a target on POD, FPR and timeliness together asks for (docs/detectors.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surveillance.evaluation.metrics import Counts, score
from surveillance.evaluation.scenarios import Simulated
from surveillance.signals.methods.accumulated import mid_p_scores


@dataclass(frozen=True)
class Scored:
    """Weekly normal scores of the evaluated weeks and the week before them (series x weeks + 1), whether
    each week is above its expected count, and the simulation they came from."""

    z: np.ndarray
    above: np.ndarray
    sim: Simulated


@dataclass(frozen=True)
class FrontierPoint:
    c1: float
    c2: float
    fpr: float
    pod: float
    timeliness: float | None


def oracle(sim: Simulated, evaluated: int) -> Scored:
    """Scores under the scenario's own baseline mean and dispersion: no estimation error at all."""
    weeks = sim.counts.shape[1]
    t = np.arange(1, weeks + 1, dtype=float)[-(evaluated + 1):]
    y = sim.counts[:, -(evaluated + 1):].astype(float)
    mu = np.broadcast_to(sim.scenario.mean(t), y.shape)
    z = mid_p_scores(y, mu, np.full(y.shape, sim.scenario.phi))
    return Scored(z, y > mu, sim)


def fitted(sim: Simulated, evaluated: int, expected: np.ndarray, z: np.ndarray) -> Scored:
    """Scores a method computed from its own fitted baseline (``expected``, ``z``: the last
    ``evaluated + 1`` weeks)."""
    y = sim.counts[:, -(evaluated + 1):].astype(float)
    return Scored(z, y > expected, sim)


def _alarms(s: Scored, c1: float, c2: float) -> np.ndarray:
    z = np.nan_to_num(s.z, nan=-np.inf)
    pair = np.full(z.shape, -np.inf)
    with np.errstate(invalid="ignore"):
        pair[:, 1:] = (z[:, 1:] + z[:, :-1]) / np.sqrt(2)
    return (s.above & ((z > c1) | (pair > c2)))[:, 1:]


def measure(scored: Sequence[Scored], c1: float, c2: float) -> Counts:
    """Counts pooled over the scored series for the critical values ``c1`` (one week) and ``c2`` (two)."""
    total = Counts()
    for s in scored:
        weeks = s.z.shape[1] - 1
        offset = s.sim.counts.shape[1] - weeks
        total = total + score(_alarms(s, c1, c2), s.sim.current[:, offset:], s.sim.outbreaks[:, offset:],
                              s.sim.start - offset)
    return total


def critical_for(scored: Sequence[Scored], c1: float, fpr: float, steps: int = 30) -> float | None:
    """The smallest two-week critical value keeping the pooled false-positive rate at most ``fpr`` with
    ``c1``; None when ``c1`` alone exceeds it."""
    def rate(c2: float) -> float:
        counts = measure(scored, c1, c2)
        return counts.false_alarms / max(counts.quiet_weeks, 1)

    if rate(np.inf) > fpr:
        return None
    lo, hi = -5.0, 40.0
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if rate(mid) > fpr else (lo, mid)
    return hi


def frontier(scored: Sequence[Scored], singles: Sequence[float], fpr: float = 0.01) -> list[FrontierPoint]:
    """For each one-week critical value, the two-week one that spends the rest of the false-positive
    budget, and the POD and timeliness there (``np.inf`` in ``singles``: the two-week test alone)."""
    points = []
    for c1 in singles:
        c2 = critical_for(scored, c1, fpr)
        if c2 is None:
            continue
        m = measure(scored, c1, c2).measures()
        points.append(FrontierPoint(float(c1), c2, m["fpr"], m["pod"], m["timeliness"]))
    return points
