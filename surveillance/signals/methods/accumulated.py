"""Farrington flexible's baseline (Noufaily's improvements) with the evidence of the last few weeks
accumulated: a candidate for a better default detector, measured by ``surveillance evaluate``
(docs/detectors.md gives its figures: on Noufaily's scenarios it is no better than improved Farrington
at the same false-positive rate, so it is not the nightly default).

Outbreaks of a product or a pathogen span two to four weeks; a week-by-week threshold sees each week's
excess alone. Here each week t of a series gets its Farrington fit (reference weeks of past years, the
last 26 weeks left out, outbreaks down-weighted, negative-binomial dispersion) and from it a mid-p-value
of its count, turned into a normal score z_t. The statistic of week t is the largest Stouffer sum over
the windows ending at t, ``Z_L(t) = (z_t + ... + z_{t-L+1}) / sqrt(L)`` for L in ``windows`` (1, 2, 3 weeks:
an abrupt outbreak, and one building up), compared with the normal quantile at ``alpha / len(windows)``
(Bonferroni over the windows). An alarm also needs week t itself above its expected count, so that the
weeks after an outbreak are not flagged for the weeks before them. The window behind an alarm is kept
(``window``), so a signal can say which weeks made it. (Fricker et al. 2008 found such accumulations on a
good baseline's residuals better than EARS in every scenario; the windows' scores are combined as Kulessa
et al. 2019 combine detectors' p-values.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from scipy import stats

from surveillance.signals.methods.controls import AccumulatedControl
from surveillance.signals.methods.farrington import farrington_flexible


@dataclass(frozen=True)
class AccumulatedResult:
    """Arrays (series x evaluated periods)."""

    expected: np.ndarray  # Farrington's expected count of the week
    threshold: np.ndarray  # the count that would have raised an alarm in week t, others as they were
    score: np.ndarray  # the statistic: the largest windowed Stouffer sum
    pvalue: np.ndarray  # its p-value, Bonferroni over the windows
    alarm: np.ndarray
    window: np.ndarray  # weeks in the window that gave the largest sum (0 where undefined)
    z: np.ndarray  # each week's own score


def mid_p_scores(y: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Normal scores of the counts' mid-p-values under a negative binomial of mean ``mu`` and variance
    ``phi mu`` (Poisson where phi is 1); NaN where the baseline is undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        over = phi > 1
        size = np.where(over, mu / np.where(over, phi - 1, 1.0), 1.0)
        prob = np.where(over, 1 / np.where(over, phi, 1.0), 0.5)
        tail = np.where(over, stats.nbinom.sf(y, size, prob), stats.poisson.sf(y, mu))
        point = np.where(over, stats.nbinom.pmf(y, size, prob), stats.poisson.pmf(y, mu))
        p = np.clip(tail + 0.5 * point, 1e-300, 1.0)
        z = stats.norm.isf(p)
    return np.where(np.isfinite(mu) & np.isfinite(phi) & ~np.isnan(y), z, np.nan)


def farrington_accumulated(counts: np.ndarray, control: AccumulatedControl | None = None, last: int | None = None,
                           dates: Sequence[date] | None = None) -> AccumulatedResult:
    """Evaluate the last ``last`` periods of each row of ``counts`` (series x periods, NaN = missing)."""
    control = control or AccumulatedControl()
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    longest = max(control.windows)
    base = farrington_flexible(counts, replace(control.farrington, limit54=(0, 4)),
                               last=None if last is None else last + longest - 1, dates=dates)
    periods = base.expected.shape[1]
    y = counts[:, -periods:]
    phi = base.phi
    if control.uncertainty:  # Var(Y) = phi mu + mu^2 Var(log mu-hat): the prediction's uncertainty added
        phi = base.phi + base.expected * np.nan_to_num(base.se_eta, nan=0.0) ** 2
    z = mid_p_scores(y, base.expected, phi)
    filled = np.nan_to_num(z, nan=0.0)
    sums = np.full((len(control.windows),) + z.shape, -np.inf)
    cases = np.zeros_like(sums)
    z_cum = np.cumsum(np.concatenate([np.zeros((z.shape[0], 1)), filled], axis=1), axis=1)
    y_cum = np.cumsum(np.concatenate([np.zeros((y.shape[0], 1)), np.nan_to_num(y)], axis=1), axis=1)
    for i, length in enumerate(control.windows):
        sums[i, :, length - 1:] = (z_cum[:, length:] - z_cum[:, :-length]) / np.sqrt(length)
        cases[i, :, length - 1:] = y_cum[:, length:] - y_cum[:, :-length]
    best = sums.argmax(axis=0)
    statistic = np.take_along_axis(sums, best[None], axis=0)[0]
    window_cases = np.take_along_axis(cases, best[None], axis=0)[0]
    critical = stats.norm.isf(control.alpha / len(control.windows))
    defined = ~np.isnan(z)
    alarm = defined & (statistic > critical) & (y > base.expected) & (window_cases >= control.min_cases)
    pvalue = np.where(defined, np.minimum(1.0, stats.norm.sf(statistic) * len(control.windows)), np.nan)
    threshold = _threshold(y, base.expected, phi, filled, control, critical)
    keep = slice(longest - 1, None)
    windows = np.asarray(control.windows)[best]
    return AccumulatedResult(base.expected[:, keep], threshold[:, keep], np.where(defined, statistic, np.nan)[:, keep],
                             pvalue[:, keep], alarm[:, keep], np.where(defined, windows, 0)[:, keep], z[:, keep])


def _threshold(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, z: np.ndarray, control: AccumulatedControl,
               critical: float) -> np.ndarray:
    """For each week, the smallest count above its expected value that would have alarmed, the weeks before
    as they were (the count the signal's evidence compares with)."""
    out = np.full(y.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(mu) & np.isfinite(phi)
    if not ok.any():
        return out
    # the z a week needs, given the windows' earlier weeks: the smallest over the windows
    need = np.full(y.shape, np.inf)
    for length in control.windows:
        before = np.zeros_like(z)
        for lag in range(1, length):
            before[:, lag:] += z[:, :-lag]
        need = np.minimum(need, critical * np.sqrt(length) - before)
    # the count whose mid-p score reaches ``need``: from just below the tail quantile, a few steps up
    mu_safe, phi_safe = np.where(ok, mu, 1.0), np.where(ok, phi, 1.0)
    over = phi_safe > 1
    size = np.where(over, mu_safe / np.where(over, phi_safe - 1, 1.0), 1.0)
    target = stats.norm.sf(np.clip(need, -40, 40))
    with np.errstate(invalid="ignore"):
        quantile = np.where(over, stats.nbinom.isf(target, size, 1 / np.where(over, phi_safe, 2.0)),
                            stats.poisson.isf(target, mu_safe))
    candidate = np.maximum(np.floor(mu_safe) + 1, np.nan_to_num(quantile, nan=0.0, posinf=1e9) - 1)
    found = ~ok
    for _ in range(4):
        hit = ~found & (mid_p_scores(candidate, mu_safe, phi_safe) >= need)
        out[hit] = candidate[hit]
        found |= hit
        candidate = np.where(found, candidate, candidate + 1)
    return out
