"""Noufaily et al. (2013)'s simulation design, from its published parameters.

Baseline weekly counts are negative binomial with mean
``mu_t = exp(theta + beta t + sum_{j=1..m} [gamma1 cos(2 pi j t / 52) + gamma2 sin(2 pi j t / 52)])`` and
variance ``phi mu_t`` (Poisson when phi = 1). Seven parameter sets, each with and without the trend and
with m = 0, 1, 2 harmonics, make 42 scenarios. Each series is 624 weeks (12 years); the last 49 (weeks
576-624) are evaluated. Four outbreaks are added in weeks 1-575 and one starts in the evaluated weeks.
An outbreak starting at week s has Poisson(k sd_s) cases, sd_s = sqrt(phi mu_s) the baseline's standard
deviation there; each case falls floor(LogNormal(0, 0.5)) weeks after s, so outbreaks span 1-4 weeks.
Baseline outbreaks have k drawn from {2, 3, 5, 10}; the evaluated outbreak has k = 1..10, each equally
often (replicates in blocks of equal k). Everything is drawn from one seeded generator, so a configuration gives the same series anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

WEEKS = 624
EVALUATED = 49  # weeks 576..624
BASELINE_OUTBREAKS = 4
BASELINE_K = (2, 3, 5, 10)
CURRENT_K = tuple(range(1, 11))
FIRST_WEEK = date(2000, 1, 3)  # a Monday: the simulated weeks are dated, as an analyst's CSV is

# Noufaily et al. (2013), Table I: theta, beta, gamma1, gamma2, phi of the seven parameter sets
PARAMETER_SETS = (
    (0.1, 0.0025, 0.6, 0.6, 1.5),
    (-2.0, 0.005, 0.1, 0.3, 2.0),
    (1.5, 0.003, 0.2, -0.4, 1.0),
    (0.5, 0.002, 0.5, 0.5, 5.0),
    (2.5, 0.001, 1.0, 0.1, 3.0),
    (3.75, 0.001, 0.1, -0.1, 1.1),
    (5.0, 0.0001, 0.05, 0.01, 1.2),
)


@dataclass(frozen=True)
class Scenario:
    number: int  # 1..42, in the paper's order
    theta: float
    beta: float
    gamma1: float
    gamma2: float
    phi: float
    m: int

    def mean(self, t: np.ndarray) -> np.ndarray:
        eta = self.theta + self.beta * t
        for j in range(1, self.m + 1):
            eta = eta + self.gamma1 * np.cos(2 * np.pi * j * t / 52) + self.gamma2 * np.sin(2 * np.pi * j * t / 52)
        return np.exp(eta)


def scenarios() -> list[Scenario]:
    """The 42 scenarios: for each parameter set, without then with the trend, m = 0, 1, 2."""
    out = []
    for theta, beta, gamma1, gamma2, phi in PARAMETER_SETS:
        for trend in (0.0, beta):
            for m in (0, 1, 2):
                out.append(Scenario(len(out) + 1, theta, trend, gamma1 if m else 0.0, gamma2 if m else 0.0, phi, m))
    return out


@dataclass(frozen=True)
class Simulated:
    """``replicates`` series of one scenario: counts (replicates x WEEKS), the current outbreak's cases by
    week (replicates x WEEKS), all outbreak cases (baseline ones too), the current outbreak's start week
    (0-based) and its k."""

    scenario: Scenario
    counts: np.ndarray
    current: np.ndarray
    outbreaks: np.ndarray
    start: np.ndarray
    k: np.ndarray

    @property
    def dates(self) -> list[date]:
        return [FIRST_WEEK + timedelta(weeks=i) for i in range(self.counts.shape[1])]


def _outbreak(rng: np.random.Generator, start: int, k: float, sd: float) -> np.ndarray:
    cases = rng.poisson(k * sd)
    weeks = start + np.floor(rng.lognormal(0.0, 0.5, cases)).astype(int)
    return np.bincount(weeks[weeks < WEEKS], minlength=WEEKS)[:WEEKS]


def simulate(scenario: Scenario, replicates: int, seed: int) -> Simulated:
    """``replicates`` series of ``scenario``; the current outbreak's k runs through 1..10 in equal blocks
    (with fewer than 10 replicates, evenly spaced: 5 give k = 1, 3, 5, 7, 9)."""
    rng = np.random.default_rng([seed, scenario.number])
    t = np.arange(1, WEEKS + 1, dtype=float)
    mu = scenario.mean(t)
    sd = np.sqrt(scenario.phi * mu)
    if scenario.phi == 1:
        base = rng.poisson(mu, (replicates, WEEKS))
    else:
        size = mu / (scenario.phi - 1)
        base = rng.negative_binomial(size, size / (size + mu), (replicates, WEEKS))
    current = np.zeros((replicates, WEEKS), dtype=int)
    extra = np.zeros((replicates, WEEKS), dtype=int)
    starts, ks = np.zeros(replicates, dtype=int), np.zeros(replicates, dtype=int)
    for r in range(replicates):
        for _ in range(BASELINE_OUTBREAKS):
            s = int(rng.integers(0, WEEKS - EVALUATED))
            extra[r] += _outbreak(rng, s, float(rng.choice(BASELINE_K)), sd[s])
        ks[r] = CURRENT_K[r * len(CURRENT_K) // replicates]
        starts[r] = int(rng.integers(WEEKS - EVALUATED, WEEKS))
        current[r] = _outbreak(rng, starts[r], ks[r], sd[starts[r]])
    return Simulated(scenario, base + extra + current, current, extra + current, starts, ks)
