"""The scipy.special forms Farrington flexible uses give scipy.stats' values, edge cases included."""

import numpy as np
import pytest
from scipy import stats

from surveillance.signals.methods import distributions as d

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy.stats' own, on the edge cases
RNG = np.random.default_rng(5)
N = 50_000
EDGES = np.array([np.nan, -np.inf, -1.0, 0.0, 1e-300, 0.5, 1.0, 7.0, 1e6, np.inf])


def _equal(ours, theirs, rtol: float = 0.0) -> None:
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0)


def test_student_t_and_normal() -> None:
    df = np.concatenate([np.arange(-2, 300), RNG.uniform(0.5, 500, 1000), EDGES])
    for q in (0.5, 0.025, 0.005, 1e-9):
        _equal(d.t_isf(q, df), stats.t.isf(q, df))
    loc = np.concatenate([RNG.normal(0, 5, N), np.resize(EDGES, N)])
    scale = np.concatenate([RNG.lognormal(0, 2, N), np.resize(EDGES[::-1], N)])
    x = np.concatenate([RNG.normal(0, 8, N), np.resize(EDGES[3:], N)])
    for q in (0.9, 0.99, 1 - 1e-12):
        _equal(d.norm_ppf(q, loc, scale), stats.norm.ppf(q, loc=loc, scale=scale))
    _equal(d.norm_ppf(0.95), stats.norm.ppf(0.95))
    _equal(d.norm_sf(x, loc, scale), stats.norm.sf(x, loc=loc, scale=scale))


def test_poisson() -> None:
    mu = np.concatenate([RNG.lognormal(np.log(10), 2, N), np.resize(EDGES, N)])
    k = np.concatenate([RNG.poisson(12, N) - 1.0, np.resize(EDGES[::-1], N)])
    for q in (0.9, 0.99, 0.999):
        _equal(d.poisson_ppf(q, mu), stats.poisson.ppf(q, mu))
    _equal(d.poisson_sf(k, mu), stats.poisson.sf(k, mu))
    _equal(d.poisson_sf(k + 0.5, mu), stats.poisson.sf(k + 0.5, mu))


def test_negative_binomial_survival_to_1e_12() -> None:
    mean = RNG.lognormal(np.log(10), 1.5, N)
    phi = 1 + RNG.lognormal(np.log(0.5), 1.5, N)
    n = np.concatenate([mean / (phi - 1), np.resize(EDGES, 2000)])
    p = np.concatenate([1 / phi, np.resize(np.array([np.nan, -0.1, 0.0, 0.3, 1.0, 1.2]), 2000)])
    k = np.concatenate([RNG.poisson(mean * 1.5) - 1.0, np.resize(EDGES[::-1], 2000)])
    _equal(d.nbinom_sf(k, n, p), stats.nbinom.sf(k, n, p), rtol=1e-12)
