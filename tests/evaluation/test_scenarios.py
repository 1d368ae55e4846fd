"""Noufaily et al. (2013)'s simulation: the 42 scenarios from the published parameters, baseline counts
with the stated mean and variance, outbreaks of k standard deviations spread over a few weeks."""

import numpy as np

from surveillance.evaluation.scenarios import EVALUATED, WEEKS, scenarios, simulate


def test_the_42_scenarios_in_the_papers_order() -> None:
    s = scenarios()
    assert len(s) == 42 and [x.number for x in s] == list(range(1, 43))
    assert (s[0].theta, s[0].beta, s[0].m, s[0].phi) == (0.1, 0.0, 0, 1.5)
    assert (s[5].beta, s[5].m, s[5].gamma1, s[5].gamma2) == (0.0025, 2, 0.6, 0.6)  # set 1 with trend, 2 harmonics
    assert (s[41].theta, s[41].beta, s[41].m, s[41].phi) == (5.0, 0.0001, 2, 1.2)
    assert {x.phi for x in s} == {1.5, 2.0, 1.0, 5.0, 3.0, 1.1, 1.2}


def test_baseline_mean_and_variance_are_the_scenarios() -> None:
    sc = scenarios()[21]  # theta 0.5, phi 5, with trend and one harmonic
    sim = simulate(sc, 400, seed=3)
    baseline = sim.counts - sim.outbreaks
    mu = sc.mean(np.arange(1, WEEKS + 1, dtype=float))
    week = 300
    assert abs(baseline[:, week].mean() / mu[week] - 1) < 0.15
    assert abs(baseline[:, week].var() / (sc.phi * mu[week]) - 1) < 0.3


def test_outbreaks_have_k_standard_deviations_of_cases_over_a_few_weeks() -> None:
    sc = scenarios()[30]  # theta 3.75: about 42 cases a week
    sim = simulate(sc, 200, seed=4)
    assert sorted(set(sim.k)) == list(range(1, 11))
    assert ((sim.start >= WEEKS - EVALUATED) & (sim.start < WEEKS)).all()
    mu = sc.mean(np.arange(1, WEEKS + 1, dtype=float))
    expected = sim.k * np.sqrt(sc.phi * mu[sim.start])
    assert abs(sim.current.sum(axis=1).sum() / expected.sum() - 1) < 0.1
    weeks = [np.flatnonzero(row) for row in sim.current if row.any()]
    assert all(w[0] >= s for w, s in zip(weeks, sim.start[sim.current.any(axis=1)], strict=True))
    assert max(w[-1] - w[0] for w in weeks) <= 10 and np.mean([len(w) for w in weeks]) > 1.5
    assert (sim.outbreaks[:, : WEEKS - EVALUATED].sum(axis=1) > 0).mean() > 0.9  # four in the baseline years


def test_the_same_seed_gives_the_same_series() -> None:
    a, b, c = simulate(scenarios()[2], 5, 7), simulate(scenarios()[2], 5, 7), simulate(scenarios()[2], 5, 8)
    assert (a.counts == b.counts).all() and not (a.counts == c.counts).all()
    assert a.dates[0].isoweekday() == 1 and (a.dates[1] - a.dates[0]).days == 7
