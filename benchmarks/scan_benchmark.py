"""Scan benchmark: the expectation-based Poisson scan (signals/methods/scan.py) at province scale, beside
Farrington flexible on the same lattice's series, in one script.

Lattice: Shaanxi's counties (reference/data/regions.csv, centroids) in circular zones of up to 6 nearest
counties within 60 km, its 11 cities and the province; a product tree of 300 leaves under 30 groups and a
root (331 nodes); windows of 1-4 weeks; 999 Monte Carlo replicates drawn, as `surveillance scan` draws them,
with a gamma frailty per leaf x city x week (overdispersion). Expected counts are synthetic (0.02-0.5 a leaf,
county and week). The reference: Farrington flexible (the compiled engine, improved control) on
one weekly series of five years per product node and city, the last week evaluated, as today's
per-series default would test them. Growth: the scan's work is nodes x zones x windows x replicates; a
national lattice (2,900 counties, random centroids over China's extent) is timed with fewer replicates and
the time per replicate is reported beside the province's.

    .venv/bin/python benchmarks/scan_benchmark.py [--replicates 999] [--national-replicates 19]

Target (issue #29): the province scan with 999 replicates in <= 30 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveillance import reference  # noqa: E402
from surveillance.signals.methods.controls import NOUFAILY  # noqa: E402
from surveillance.signals.methods.farrington import farrington_flexible  # noqa: E402
from surveillance.signals.methods.scan import Frailty, Lattice, circular_zones, scan  # noqa: E402

TARGET_S = 30.0
GROUPS, PER_GROUP = 30, 10


def product_tree() -> list[list[int]]:
    leaves = [[i] for i in range(GROUPS * PER_GROUP)]
    groups = [list(range(g * PER_GROUP, (g + 1) * PER_GROUP)) for g in range(GROUPS)]
    return leaves + groups + [list(range(GROUPS * PER_GROUP))]


def place_zones(lon: np.ndarray, lat: np.ndarray, cities: np.ndarray) -> list[tuple[int, ...]]:
    zones = circular_zones(lon, lat, max_members=6, max_km=60)
    zones += [tuple(np.flatnonzero(cities == c).tolist()) for c in np.unique(cities)]
    zones.append(tuple(range(len(lon))))
    return list(dict.fromkeys(zones))


def timed_scan(nodes: list[list[int]], zones: list[tuple[int, ...]], cities: np.ndarray, replicates: int,
               seed: int) -> dict:
    rng = np.random.default_rng(seed)
    leaves, places = GROUPS * PER_GROUP, len(cities)
    lattice = Lattice.of(nodes, leaves, zones, places)
    expected = rng.uniform(0.02, 0.5, size=(leaves, places, 4))
    observed = rng.poisson(expected).astype(float)
    # the nightly null's overdispersion: a gamma frailty per leaf x city x week, as injury_scan.lattice_frailty
    _, city = np.unique(cities, return_inverse=True)
    n_cities = int(city.max()) + 1
    group = (np.arange(leaves)[:, None, None] * n_cities + city[None, :, None]) * 4 + np.arange(4)[None, None, :]
    frailty = Frailty(group, rng.uniform(0.0, 0.3, leaves * n_cities * 4))
    start = time.perf_counter()
    result = scan(lattice, observed, expected, replicates=replicates, seed=seed, frailty=frailty)
    seconds = time.perf_counter() - start
    return {"clusters_scanned": lattice.size, "zones": len(zones), "seconds": round(seconds, 2),
            "per_replicate_s": round(seconds / max(replicates, 1), 4), "found": len(result.clusters)}


def timed_farrington(series: int) -> dict:
    rng = np.random.default_rng(2)
    weeks = 6 * 52  # Noufaily's b = 5 years back, and the weeks before
    t = np.arange(weeks)
    mean = rng.uniform(0.5, 8, size=(series, 1)) * (1 + 0.3 * np.sin(2 * np.pi * t / 52))
    counts = rng.poisson(mean).astype(float)
    control = NOUFAILY
    farrington_flexible(counts[:2], control, last=1)  # warm-up
    start = time.perf_counter()
    farrington_flexible(counts, control, last=1)
    return {"series": series, "seconds": round(time.perf_counter() - start, 2)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--replicates", type=int, default=999)
    p.add_argument("--national-replicates", type=int, default=19)
    args = p.parse_args()

    regions = reference.regions()
    counties = regions[regions["level"] == "county"]
    lon, lat = counties["longitude"].astype(float).to_numpy(), counties["latitude"].astype(float).to_numpy()
    cities = counties["jurisdiction_code"].to_numpy()
    nodes = product_tree()
    zones = place_zones(lon, lat, cities)
    print(f"province lattice: {len(nodes)} product nodes x {len(zones)} zones ({len(lon)} counties, "
          f"{len(np.unique(cities))} cities, the province) x 4 windows")
    province = timed_scan(nodes, zones, cities, args.replicates, seed=1)
    print(f"scan, {args.replicates} replicates: {province['seconds']} s ({province['clusters_scanned']:,} clusters; "
          f"{province['per_replicate_s']} s a replicate; target <= {TARGET_S:.0f} s: "
          f"{'met' if province['seconds'] <= TARGET_S else 'NOT met'})")

    farrington = timed_farrington(len(nodes) * len(np.unique(cities)))
    print(f"reference: Farrington flexible (improved control), {farrington['series']:,} product-node x city series, "
          f"last week: {farrington['seconds']} s; the scan takes {province['seconds'] / max(farrington['seconds'], 1e-9):.1f}x that")

    rng = np.random.default_rng(3)
    n = 2900
    nat_lon, nat_lat = rng.uniform(75, 134, n), rng.uniform(18, 53, n)
    nat_cities = rng.integers(0, 330, n)
    nat_zones = place_zones(nat_lon, nat_lat, nat_cities)
    national = timed_scan(nodes, nat_zones, nat_cities, args.national_replicates, seed=4)
    ratio = national["per_replicate_s"] / max(province["per_replicate_s"], 1e-9)
    print(f"national lattice ({n} counties, {len(nat_zones)} zones), {args.national_replicates} replicates: "
          f"{national['seconds']} s = {national['per_replicate_s']} s a replicate, {ratio:.0f}x the province's; "
          f"999 replicates would take about {national['per_replicate_s'] * 999:.0f} s (linear in replicates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
