"""The POD-timeliness frontier: oracle scores, the one/two-week alarm rule, the calibration of the
two-week critical value to the false-positive budget, and the bound on critical values chosen per scenario."""

import itertools

import numpy as np
import pytest
from scipy import stats

from surveillance.evaluation.bound import (
    _alarms,
    allocation_bound,
    chosen_measures,
    critical_for,
    frontier,
    measure,
    oracle,
    tabulate,
)
from surveillance.evaluation.scenarios import EVALUATED, scenarios, simulate


def _sims(replicates: int = 10) -> list:
    chosen = [s for s in scenarios() if s.number in (3, 15, 22, 33)]
    return [oracle(simulate(sc, replicates, seed=5), EVALUATED) for sc in chosen]


def test_oracle_scores_are_the_mid_p_scores_under_the_true_baseline() -> None:
    poisson = next(s for s in scenarios() if s.phi == 1.0)
    scored = oracle(simulate(poisson, 2, seed=3), EVALUATED)
    assert scored.z.shape == (2, EVALUATED + 1)
    mu = poisson.mean(np.arange(1, 625, dtype=float))[-1]
    y = scored.sim.counts[0, -1]
    mid_p = stats.poisson.sf(y, mu) + 0.5 * stats.poisson.pmf(y, mu)
    assert np.isclose(scored.z[0, -1], stats.norm.isf(mid_p))
    assert scored.above[0, -1] == (y > mu)


def test_a_week_below_its_expected_count_never_alarms_and_either_window_can_raise_one() -> None:
    scored = _sims(2)[0]
    only_one = _alarms(scored, c1=-np.inf, c2=np.inf)
    assert (only_one == scored.above[:, 1:]).all()
    only_two = _alarms(scored, c1=np.inf, c2=-np.inf)
    assert (only_two == scored.above[:, 1:]).all()
    assert not _alarms(scored, np.inf, np.inf).any()


def test_the_two_week_critical_value_spends_exactly_the_false_positive_budget() -> None:
    scored = _sims()
    c2 = critical_for(scored, 2.8, 0.01)
    assert c2 is not None
    at = measure(scored, 2.8, c2)
    assert at.false_alarms / at.quiet_weeks <= 0.01
    below = measure(scored, 2.8, c2 - 0.01)
    assert below.false_alarms / below.quiet_weeks > 0.01
    # a one-week critical value that alone overspends the budget has no point on the frontier
    assert critical_for(scored, -10.0, 0.01) is None
    points = frontier(scored, (-10.0, 2.8, np.inf), 0.01)
    assert [p.c1 for p in points] == [2.8, np.inf]
    assert all(p.fpr <= 0.01 for p in points)


def test_the_tabulated_counts_are_those_measure_gives_pair_by_pair() -> None:
    scored = _sims(4)
    pairs = list(itertools.product((2.0, 2.6, np.inf), (2.2, 3.0, np.inf)))
    table = tabulate(scored, pairs)
    assert table.shape == (len(scored), len(pairs), 6)
    for i, s in enumerate(scored):
        for j, (c1, c2) in enumerate(pairs):
            c = measure([s], c1, c2)
            assert list(table[i, j]) == [c.false_alarms, c.quiet_weeks, c.detected, c.outbreaks, c.delay_sum,
                                         c.first_week_detected]


def _brute_force(table: np.ndarray, fpr: float, timeliness: float | None, first_week: float | None) -> float:
    best = -1.0
    for choice in itertools.product(range(table.shape[1]), repeat=table.shape[0]):
        c = table[np.arange(table.shape[0]), list(choice)].sum(axis=0)
        timely = c[4] <= timeliness * c[2] if timeliness is not None else c[5] >= first_week * c[3]
        if c[0] <= fpr * c[1] and timely:
            best = max(best, c[2] / c[3])
        assert chosen_measures(table, choice)["pod"] == round(c[2] / c[3], 4)
    return best


def test_no_choice_of_critical_values_per_scenario_beats_the_dual_bound_and_the_one_found_is_within_limits() -> None:
    scored = _sims(10)
    pairs = list(itertools.product((1.8, 2.3, 2.8, np.inf), (2.0, np.inf)))
    table = tabulate(scored, pairs)
    limits = [(0.01, 0.2, None), (0.02, 0.5, None), (0.005, 0.1, None), (0.01, None, 0.4), (0.02, None, 0.6)]
    for fpr, timeliness, first_week in limits:
        bound = allocation_bound(table, fpr, timeliness=timeliness, first_week=first_week)
        optimum = _brute_force(table, fpr, timeliness, first_week)
        assert bound.upper >= optimum - 1e-12
        if bound.found is not None:
            assert bound.found <= optimum + 1e-12
            m = chosen_measures(table, bound.choice)
            assert m["fpr"] <= fpr and m["pod"] == round(bound.found, 4)
            if timeliness is not None:
                assert m["timeliness"] is None or m["timeliness"] <= timeliness + 1e-4
            else:
                assert m["pod_first_week"] >= first_week - 1e-4
    # one scenario: the first pair overspends the budget, the second keeps it and detects most
    one = np.array([[[5, 100, 8, 10, 4, 5], [1, 100, 6, 10, 2, 4], [0, 100, 0, 10, 0, 0]]], dtype=float)
    bound = allocation_bound(one, 0.01, timeliness=0.5)
    assert bound.choice == (1,) and bound.found == 0.6 and bound.pod_first_week == 0.4
    assert 0.6 - 1e-9 <= bound.upper < 0.8
    assert allocation_bound(one, 0.01, first_week=0.5).found is None
    with pytest.raises(ValueError):
        allocation_bound(one, 0.01)
