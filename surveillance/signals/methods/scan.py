"""Expectation-based Poisson scan over a lattice: product-tree nodes x place zones x windows of the last
weeks (Neill, Moore, Sabhnani & Daniel 2005; Kulldorff 1997 for the likelihood ratio; the tree-temporal
and space-time scans of TreeScan and SaTScan work the same way).

Counts ``observed[leaf, place, week]`` and their baseline expectations ``expected[leaf, place, week]``
(the last axis ends with the week evaluated) are summed over every cluster: a node of the product tree
(the leaves below it), a zone of places (a county, a county and its nearest neighbours, a city, the
province) and a window of the last 1..k weeks. Each cluster scores the Poisson log-likelihood ratio of
"counts in the cluster are raised by a factor q > 1" against "counts are as expected":

    LLR = C log(C / B) - (C - B)   if C > B, else 0

The night's multiplicity is controlled once: the p-value of a cluster is the share of replicates, drawn
from the expectations under the null (Poisson), whose *maximum* score over the whole lattice reaches
the cluster's score (Monte Carlo hypothesis testing, Dwass 1957; the p-value is (1 + k) / (1 + R)).
Secondary clusters that overlap a more significant one in both products and places are not reported
(Kulldorff's rule for secondary clusters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class Lattice:
    """What can form a cluster: ``nodes`` (n_nodes x n_leaves, 1 where the leaf is below the node),
    ``zones`` (n_zones x n_places, 1 where the place is in the zone), the window lengths in weeks."""

    nodes: sparse.csr_matrix
    zones: sparse.csr_matrix
    windows: tuple[int, ...] = (1, 2, 3, 4)

    @classmethod
    def of(cls, nodes: Sequence[Sequence[int]], n_leaves: int, zones: Sequence[Sequence[int]], n_places: int,
           windows: Sequence[int] = (1, 2, 3, 4)) -> Lattice:
        """From lists of member indices: ``nodes[i]`` the leaves of node i, ``zones[j]`` the places of zone j."""
        return cls(_membership(nodes, n_leaves), _membership(zones, n_places), tuple(sorted(set(windows))))

    @property
    def size(self) -> int:
        """Clusters scanned: nodes x zones x windows."""
        return self.nodes.shape[0] * self.zones.shape[0] * len(self.windows)


def _membership(groups: Sequence[Sequence[int]], width: int) -> sparse.csr_matrix:
    rows = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    cols = np.fromiter((i for g in groups for i in g), dtype=np.int64, count=int(rows.size))
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(len(groups), width))


def llr(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """The expectation-based Poisson log-likelihood ratio, 0 where the count is not above its expectation."""
    c, b = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = c * np.log(c / b) - (c - b)
    return np.where((c > b) & (b > 0), out, 0.0)


def _windows(lattice: Lattice, counts: np.ndarray) -> np.ndarray:
    """(leaves, places, weeks, reps) -> (leaves, places, windows, reps): each window's sum of the last weeks."""
    weeks = counts.shape[2]
    if max(lattice.windows) > weeks:
        raise ValueError(f"a window of {max(lattice.windows)} weeks needs that many weeks of counts, got {weeks}")
    recent = np.cumsum(counts[:, :, ::-1], axis=2)  # recent[:, :, k - 1]: the last k weeks
    return recent[:, :, [w - 1 for w in lattice.windows]]


def _sums(lattice: Lattice, windowed: np.ndarray) -> np.ndarray:
    """(leaves, places, windows, reps) -> (zones, nodes, windows, reps), through the two sparse memberships."""
    leaves, places, windows, reps = windowed.shape
    by_node = lattice.nodes @ windowed.reshape(leaves, -1)  # nodes x (places * windows * reps)
    nodes = by_node.shape[0]
    by_node = by_node.reshape(nodes, places, windows * reps).transpose(1, 0, 2).reshape(places, -1)
    return (lattice.zones @ by_node).reshape(lattice.zones.shape[0], nodes, windows, reps)


def cluster_sums(lattice: Lattice, counts: np.ndarray) -> np.ndarray:
    """Sums over every cluster: ``counts`` (leaves, places, weeks) -> (windows, nodes, zones)."""
    x = np.asarray(counts, dtype=float)[..., None]
    return _sums(lattice, _windows(lattice, x))[..., 0].transpose(2, 1, 0)


@dataclass
class ScanResult:
    """Every cluster's observed count, expectation and score, the null maxima, and the reported clusters."""

    observed: np.ndarray  # windows x nodes x zones
    expected: np.ndarray
    scores: np.ndarray
    null_maxima: np.ndarray  # one per replicate
    clusters: list[dict]

    def p_value(self, score: float) -> float:
        return float((1 + np.sum(self.null_maxima >= score - 1e-9)) / (1 + self.null_maxima.size))


@dataclass(frozen=True)
class Frailty:
    """Overdispersion of the baseline as a gamma frailty (mean 1) shared by groups of cells: ``group`` gives
    each cell's group (an int array the shape of the expectations), ``variance`` each group's frailty
    variance (0: Poisson). Cells of a group with expectations summing to m then sum to a negative binomial
    of mean m and variance m + variance x m**2: a series' dispersion phi, estimated where its counts are
    summed, is the variance (phi - 1) / m (the negative binomial of Farrington's nbPlugin threshold)."""

    group: np.ndarray
    variance: np.ndarray

    def __post_init__(self) -> None:
        v = np.asarray(self.variance, dtype=float)
        if not np.all(np.isfinite(v)) or np.any(v < 0):
            raise ValueError("frailty variances must be finite and not negative")


def null_maxima(lattice: Lattice, expected: np.ndarray, replicates: int, rng: np.random.Generator,
                budget: int = 20_000_000, expected_sums: np.ndarray | None = None,
                frailty: Frailty | None = None) -> np.ndarray:
    """The lattice's maximum score in each of ``replicates`` draws from the baseline: Poisson with mean
    ``expected``, or, with a ``frailty``, Poisson with the mean times each group's gamma draw (a parametric
    bootstrap of an overdispersed baseline, whose spread a Poisson null would take for clusters). Replicates
    are drawn in batches of about ``budget`` cluster values (memory), summed in single precision (counts stay
    exact below 2**24). ``expected_sums``: ``cluster_sums(lattice, expected)`` if already computed."""
    expected = np.asarray(expected, dtype=float)
    if expected_sums is None:
        expected_sums = cluster_sums(lattice, expected)
    if frailty is not None:
        group = np.asarray(frailty.group)
        variance = np.asarray(frailty.variance, dtype=float)
        if group.shape != expected.shape:
            raise ValueError(f"frailty groups {group.shape} and expectations {expected.shape} differ in shape")
        mixed = np.flatnonzero(variance > 0)
    sums_b = expected_sums.transpose(2, 1, 0)[..., None].astype(np.float32)  # zones x nodes x windows x 1
    sums_b[sums_b <= 0] = 1.0  # a cluster expecting nothing draws nothing under the null: its score stays 0
    batch = max(1, min(replicates, budget // max(lattice.size, 1)))
    maxima = np.empty(replicates)
    for start in range(0, replicates, batch):
        n = min(batch, replicates - start)
        if frailty is None:
            means = np.broadcast_to(expected[..., None], (*expected.shape, n))
        else:
            factor = np.ones((variance.size, n))
            v = variance[mixed][:, None]
            factor[mixed] = rng.gamma(1 / v, v, (mixed.size, n))
            means = expected[..., None] * factor[group]
        draws = rng.poisson(means).astype(np.float32)
        c = np.maximum(_sums(lattice, _windows(lattice, draws)), sums_b)  # not above expectation: LLR(b, b) = 0
        score = c * np.log(c / sums_b)
        score -= c
        score += sums_b
        maxima[start:start + n] = score.reshape(-1, n).max(axis=0)
    return maxima


def scan(lattice: Lattice, observed: np.ndarray, expected: np.ndarray, replicates: int = 999, seed: int = 1,
         alpha: float = 0.05, max_clusters: int = 20, frailty: Frailty | None = None) -> ScanResult:
    """Scan ``observed`` against ``expected`` (both leaves x places x weeks); report the clusters whose
    p-value against the null maxima is at most ``alpha``, most significant first, each not overlapping
    a more significant one in both products and places (at most ``max_clusters``)."""
    observed, expected = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    if observed.shape != expected.shape:
        raise ValueError(f"observed {observed.shape} and expected {expected.shape} differ in shape")
    if np.any(expected < 0) or not np.all(np.isfinite(expected)):
        raise ValueError("expected counts must be finite and not negative")
    if np.any((expected == 0) & (observed > 0)):
        raise ValueError("cases observed where none were expected: the baseline must give every cell that can have "
                         "cases a positive expectation (a floor), or the cluster's evidence would be infinite")
    c, b = cluster_sums(lattice, observed), cluster_sums(lattice, expected)
    maxima = null_maxima(lattice, expected, replicates, np.random.default_rng(seed), expected_sums=b,
                         frailty=frailty)
    result = ScanResult(c, b, llr(c, b), maxima, [])
    result.clusters = report_clusters(lattice, result, alpha, max_clusters)
    return result


def report_clusters(lattice: Lattice, result: ScanResult, alpha: float = 0.05, max_clusters: int = 20) -> list[dict]:
    """The clusters of ``result`` whose p-value is at most ``alpha``, most significant first, each not
    overlapping a more significant one in both products and places (at most ``max_clusters``)."""
    c, b, scores = result.observed, result.expected, result.scores
    order = np.argsort(scores, axis=None, kind="stable")[::-1]
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    clusters: list[dict] = []
    for flat in order:
        score = scores.flat[flat]
        p = result.p_value(score)
        if score <= 0 or p > alpha or len(clusters) >= max_clusters:
            break  # scores descend, so p-values only grow from here
        w, n, z = np.unravel_index(flat, scores.shape)
        leaves, places = lattice.nodes[n].indices, lattice.zones[z].indices
        if any(np.intersect1d(leaves, kl).size and np.intersect1d(places, kp).size for kl, kp in kept):
            continue
        kept.append((leaves, places))
        clusters.append(dict(window=lattice.windows[w], node=int(n), zone=int(z), observed=float(c[w, n, z]),
                             expected=float(b[w, n, z]), ratio=float(c[w, n, z] / b[w, n, z]),
                             llr=float(score), p_value=p))
    return clusters


def circular_zones(longitude: Sequence[float], latitude: Sequence[float], max_members: int = 6,
                   max_km: float = 60.0) -> list[tuple[int, ...]]:
    """SaTScan's circular zones: around each place's centroid, the circles holding it and its nearest
    neighbours, one more place at a time, up to ``max_members`` places or ``max_km`` of radius; each
    distinct set of places once (sorted member indices)."""
    lon, lat = np.radians(np.asarray(longitude, dtype=float)), np.radians(np.asarray(latitude, dtype=float))
    # great-circle distances (haversine), km
    dlat, dlon = lat[:, None] - lat[None, :], lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    zones: dict[tuple[int, ...], None] = {}
    for centre in range(len(lon)):
        nearest = np.argsort(km[centre], kind="stable")
        for k in range(1, min(max_members, len(lon)) + 1):
            if k > 1 and km[centre, nearest[k - 1]] > max_km:
                break
            zones.setdefault(tuple(sorted(int(i) for i in nearest[:k])), None)
    return list(zones)
