"""The expectation-based Poisson scan against analytic cases: the likelihood ratio by hand, a single cell
whose null distribution is Poisson's tail, cluster sums against a plain loop, and clusters found where
they were put and nowhere on clean data."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from surveillance.signals.methods.scan import Frailty, Lattice, circular_zones, cluster_sums, llr, scan


def test_the_likelihood_ratio_by_hand() -> None:
    assert llr(np.array(10.0), np.array(4.0)) == pytest.approx(10 * math.log(10 / 4) - 6)
    assert llr(np.array(3.0), np.array(4.0)) == 0.0  # not above its expectation: no evidence of a rise
    assert llr(np.array(0.0), np.array(0.0)) == 0.0


def test_a_single_cell_p_value_is_the_poisson_tail() -> None:
    """One cell, one window: the LLR grows with the count above b, so P(max >= LLR(c)) = P(X >= c)."""
    lattice = Lattice.of([[0]], 1, [[0]], 1, windows=(1,))
    b = 4.0
    for c in (7, 9, 11):
        result = scan(lattice, np.array([[[c]]]), np.array([[[b]]]), replicates=19_999, seed=c, alpha=1.0)
        exact = stats.poisson.sf(c - 1, b)
        se = math.sqrt(exact * (1 - exact) / 19_999)
        assert result.p_value(float(llr(np.array(c), np.array(b)))) == pytest.approx(exact, abs=4 * se + 1e-4)


def test_a_p_value_under_a_shared_frailty_is_the_negative_binomial_tail() -> None:
    """Two cells sharing one gamma frailty of variance v sum to a negative binomial of size 1 / v: the
    cluster of both has that distribution's tail as its p-value, well above Poisson's. A cell of a group
    without frailty (variance 0) stays Poisson."""
    lattice = Lattice.of([[0]], 1, [[0, 1], [2]], 3, windows=(1,))
    b, v = 4.0, 0.4
    frailty = Frailty(group=np.array([[[0], [0], [1]]]), variance=np.array([v, 0.0]))
    expected = np.array([[[b / 2], [b / 2], [1e-6]]])
    size = 1 / v
    for c in (9, 13):
        observed = np.array([[[c // 2], [c - c // 2], [0]]], dtype=float)
        result = scan(lattice, observed, expected, replicates=19_999, seed=c, alpha=1.0, frailty=frailty)
        exact = stats.nbinom.sf(c - 1, size, size / (size + b))
        se = math.sqrt(exact * (1 - exact) / 19_999)
        assert result.p_value(float(llr(np.array(c), np.array(b)))) == pytest.approx(exact, abs=4 * se + 1e-4)
        assert exact > 3 * stats.poisson.sf(c - 1, b)
    with pytest.raises(ValueError, match="frailty"):
        Frailty(group=np.zeros((1, 3, 1), dtype=int), variance=np.array([-1.0]))


def test_cluster_sums_equal_a_plain_loop() -> None:
    rng = np.random.default_rng(3)
    x = rng.poisson(2.0, size=(5, 7, 6)).astype(float)
    nodes = [[0], [1], [2, 3, 4], [0, 1, 2, 3, 4]]
    zones = [[0], [1, 2], [3, 4, 5, 6], list(range(7))]
    lattice = Lattice.of(nodes, 5, zones, 7, windows=(1, 2, 4))
    got = cluster_sums(lattice, x)
    for (wi, w), (ni, leaves), (zi, places) in itertools.product(enumerate(lattice.windows), enumerate(nodes), enumerate(zones)):
        assert got[wi, ni, zi] == x[np.ix_(leaves, places)][:, :, -w:].sum()


def _province(rng: np.random.Generator, weeks: int = 4) -> tuple[Lattice, np.ndarray, np.ndarray]:
    """6 products in 2 groups x 12 places on a line (zones: runs of 1-3 neighbours, and all)."""
    nodes = [[i] for i in range(6)] + [[0, 1, 2], [3, 4, 5], list(range(6))]
    zones = [list(range(i, i + k)) for k in (1, 2, 3) for i in range(12 - k + 1)] + [list(range(12))]
    expected = rng.uniform(0.5, 3.0, size=(6, 12, weeks))
    return Lattice.of(nodes, 6, zones, 12), expected, rng.poisson(expected).astype(float)


def test_a_cluster_is_found_where_it_was_put_with_its_weeks() -> None:
    lattice, expected, observed = _province(np.random.default_rng(11))
    observed[4, 6:8, -2:] += np.random.default_rng(12).poisson(4 * expected[4, 6:8, -2:])  # product 4, places 6-7, 2 weeks: 5x
    result = scan(lattice, observed, expected, replicates=499, seed=5)
    top = result.clusters[0]
    places = set(lattice.zones[top["zone"]].indices.tolist())
    assert top["node"] == 4 and top["window"] == 2
    assert {6, 7} <= places and len(places) <= 3  # the most likely cluster may take in a chance neighbour
    assert top["p_value"] <= 0.01 and top["ratio"] > 3
    # a secondary cluster never overlaps a more significant one in both products and places
    for a, b in itertools.combinations(result.clusters, 2):
        leaves = np.intersect1d(lattice.nodes[a["node"]].indices, lattice.nodes[b["node"]].indices)
        places = np.intersect1d(lattice.zones[a["zone"]].indices, lattice.zones[b["zone"]].indices)
        assert not (leaves.size and places.size)


def test_clean_data_raises_a_cluster_about_as_often_as_alpha() -> None:
    """The family-wise false alarm rate of the whole lattice (the night's multiplicity) is held at alpha."""
    alarms = 0
    for k in range(40):
        lattice, expected, observed = _province(np.random.default_rng(100 + k))
        alarms += bool(scan(lattice, observed, expected, replicates=199, seed=k, alpha=0.05).clusters)
    assert alarms <= 6  # 40 nights at 5%: 2 expected; P(X > 6) < 0.005 under Binomial(40, 0.05)


def test_circular_zones_grow_by_nearest_neighbours_within_the_radius() -> None:
    lon = [108.0, 108.1, 108.3, 110.0]  # three places about 10-30 km apart, one far away
    lat = [34.0, 34.0, 34.0, 34.0]
    zones = circular_zones(lon, lat, max_members=3, max_km=40)
    assert (0,) in zones and (0, 1) in zones and (0, 1, 2) in zones and (3,) in zones
    assert not any(3 in z and len(z) > 1 for z in zones)  # 170 km off: alone
    assert len(zones) == len(set(zones))


def test_cases_where_the_baseline_expects_none_are_refused_not_scored_zero() -> None:
    lattice = Lattice.of([[0], [0, 1]], 2, [[0]], 1, windows=(1,))
    with pytest.raises(ValueError, match="positive expectation"):
        scan(lattice, np.array([[[2.0]], [[0.0]]]), np.array([[[0.0]], [[1.0]]]), replicates=9)
