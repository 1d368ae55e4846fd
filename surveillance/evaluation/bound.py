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
    pod_first_week: float | None


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


def _windows(s: Scored) -> tuple[np.ndarray, np.ndarray]:
    """Each week's own score and the Stouffer sum of it and the week before (-inf where undefined)."""
    z = np.nan_to_num(s.z, nan=-np.inf)
    pair = np.full(z.shape, -np.inf)
    with np.errstate(invalid="ignore"):
        pair[:, 1:] = (z[:, 1:] + z[:, :-1]) / np.sqrt(2)
    return z, pair


def _alarms(s: Scored, c1: float, c2: float, windows: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    z, pair = _windows(s) if windows is None else windows
    return (s.above & ((z > c1) | (pair > c2)))[:, 1:]


def _truth(s: Scored) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What ``metrics.score`` needs besides the alarms, over the evaluated weeks: the evaluated outbreak's
    cases, all outbreaks' cases, and the evaluated outbreak's start as an index into those weeks."""
    offset = s.sim.counts.shape[1] - (s.z.shape[1] - 1)
    return s.sim.current[:, offset:], s.sim.outbreaks[:, offset:], s.sim.start - offset


def measure(scored: Sequence[Scored], c1: float, c2: float) -> Counts:
    """Counts pooled over the scored series for the critical values ``c1`` (one week) and ``c2`` (two)."""
    total = Counts()
    for s in scored:
        total = total + score(_alarms(s, c1, c2), *_truth(s))
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
        points.append(FrontierPoint(float(c1), c2, m["fpr"], m["pod"], m["timeliness"], m["pod_first_week"]))
    return points


_TABLED = ("false_alarms", "quiet_weeks", "detected", "outbreaks", "delay_sum", "first_week_detected")


def tabulate(scored: Sequence[Scored], pairs: Sequence[tuple[float, float]]) -> np.ndarray:
    """Counts (false alarms, quiet weeks, detected, outbreaks, delay sum, detected in the first week) of
    every scored scenario under every pair of critical values: an array scenarios x pairs x 6, as
    :func:`measure` counts them."""
    table = np.zeros((len(scored), len(pairs), len(_TABLED)))
    for i, s in enumerate(scored):
        windows, truth = _windows(s), _truth(s)
        for j, (c1, c2) in enumerate(pairs):
            counts = score(_alarms(s, c1, c2, windows), *truth)
            table[i, j] = [getattr(counts, name) for name in _TABLED]
    return table


@dataclass(frozen=True)
class AllocationBound:
    """How far critical values chosen scenario by scenario can go at once on POD, FPR and timing.

    ``found`` is the POD of the best choice found within the limits (``fpr``, ``timeliness``,
    ``pod_first_week``: its own; ``choice``: the pair's index for each scenario); ``upper`` is a Lagrangian
    dual bound: no choice of one pair per scenario among those tabulated reaches a higher POD within them."""

    found: float | None
    fpr: float | None
    timeliness: float | None
    pod_first_week: float | None
    choice: tuple[int, ...] | None
    upper: float


def allocation_bound(table: np.ndarray, fpr: float, *, timeliness: float | None = None,
                     first_week: float | None = None, lambdas: np.ndarray | None = None,
                     nus: np.ndarray | None = None) -> AllocationBound:
    """The best pooled POD when each scenario gets its own pair of critical values (a row of ``table``,
    from :func:`tabulate`), subject to pooled FPR <= ``fpr`` and one timing limit: mean delay <=
    ``timeliness`` weeks, or POD in the first week >= ``first_week``.

    The choices are made knowing every outcome, so the bound is optimistic for any real method. Write the
    timing limit as a sum over scenarios of a slack <= 0. For multipliers lam, nu >= 0, any choice within
    the limits has POD <= sum over scenarios of the best (POD - lam FPR - nu slack) + lam fpr, both added
    terms being >= 0; the smallest of these over the multipliers tried is ``upper``. Each multiplier pair's
    own maximiser is a choice; the one within the limits with the most POD is ``found``."""
    if (timeliness is None) == (first_week is None):
        raise ValueError("give one timing limit: timeliness or first_week")
    lambdas = np.linspace(0, 100, 201) if lambdas is None else lambdas
    nus = np.linspace(0, 5, 51) if nus is None else nus
    quiet, outbreaks = table[:, 0, 1].sum(), table[:, 0, 3].sum()
    false, detected = table[:, :, 0] / quiet, table[:, :, 2] / outbreaks
    delay, early = table[:, :, 4] / outbreaks, table[:, :, 5] / outbreaks
    # each limit as a sum over scenarios of a slack that must stay <= 0
    slack = delay - timeliness * detected if timeliness is not None else first_week * table[:, :, 3] / outbreaks - early
    rows = np.arange(table.shape[0])
    upper, best = np.inf, None
    for lam in lambdas:
        for nu in nus:
            objective = detected - lam * false - nu * slack
            upper = min(upper, float(objective.max(axis=1).sum() + lam * fpr))
            j = objective.argmax(axis=1)
            f, d = false[rows, j].sum(), detected[rows, j].sum()
            if f <= fpr and slack[rows, j].sum() <= 1e-12 and (best is None or d > best[0]):
                best = (float(d), float(f), float(delay[rows, j].sum() / d) if d else None,
                        float(early[rows, j].sum()), tuple(int(i) for i in j))
    if best is None:
        return AllocationBound(None, None, None, None, None, upper)
    return AllocationBound(*best, upper)


def chosen_measures(table: np.ndarray, choice: Sequence[int]) -> dict[str, float | None]:
    """The pooled measures of one pair per scenario (``choice``, indices into ``table``'s pairs): how a
    choice made on one set of series does on another."""
    picked = table[np.arange(table.shape[0]), list(choice)].sum(axis=0)
    counts = Counts(**{name: int(v) for name, v in zip(_TABLED, picked, strict=True)})
    return counts.measures()
