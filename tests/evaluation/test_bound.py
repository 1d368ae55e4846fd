"""The POD-timeliness frontier: oracle scores, the one/two-week alarm rule, and the calibration of the
two-week critical value to the false-positive budget."""

import numpy as np
from scipy import stats

from surveillance.evaluation.bound import _alarms, critical_for, frontier, measure, oracle
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
