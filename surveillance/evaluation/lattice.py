"""Lattice scenarios: the injury scan against today's nightly default (Farrington flexible per product x city
with Benjamini-Hochberg across the night's series) on the product's own data shape (issue #29, part 3).

The baseline lattice is Shaanxi's (its counties and cities, the product tree: ``injury_scan.scan_layout``)
with the demo's generating model (``demo/generate.py``): its sentinel hospitals' counties and sizes, each
product's share of visits and its season, ``SERIOUS_SHARE`` of cases serious. The demo draws Poisson counts;
injury series are overdispersed, so each product's weekly counts here are negative binomial with a dispersion
phi drawn in ``DISPERSION``. ``YEARS`` years of weeks precede ``EVALUATED`` evaluated weeks; a night is
judged once a week (every night of a week sees the same complete week, and the no-repeat rule keeps the
other six quiet), at the end of each evaluated week.

Clusters of four shapes start in the first evaluated week and last ``DURATIONS`` weeks, raising the
expected cases of their cells ``SIZES`` times (Poisson extra cases, serious in ``SERIOUS_SHARE``):

- ``cell``: one product in one county;
- ``group-city``: a product group in every county of a city;
- ``product-two-cities``: one product in neighbouring counties of two cities (a circular zone of the scan);
- ``serious``: serious cases only, of one product in one city.

Where a cluster falls is drawn as a random case of the baseline would fall (a cell, group, product, city or
zone in proportion to its expected cases in the evaluated weeks). Both methods see the same series
(common random numbers). A signal is true when it covers a cell and week of the cluster. Measured per shape,
size and duration: POD (the cluster signalled in one of its weeks), weeks to detection, PPV (true signals
over all signals in the cluster's weeks); on the clean replicates, false nights (nights with any signal)
per night. Each method also gives, per night, the smallest level at which it would signal (BH-adjusted p for
the default, the Monte Carlo p for the scan), so that POD can be compared at the same false-night rate.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from surveillance.demo.generate import PRODUCT_PROFILE, SERIOUS_SHARE, DemoSpec, season_weights, sentinel_hospitals
from surveillance.signals.detectors.injury import choose_method, farrington_control, night_hits
from surveillance.signals.detectors.injury_scan import ScanLayout, lattice_baseline, scan_layout
from surveillance.signals.detectors.tuning import INJURY_COUNTS, INJURY_SCAN, NIGHT
from surveillance.signals.methods.farrington import farrington_flexible
from surveillance.signals.methods.fdr import bh_adjusted
from surveillance.signals.methods.scan import Frailty, ScanResult, cluster_sums, llr, null_maxima, report_clusters

SHAPES = ("cell", "group-city", "product-two-cities", "serious")
SIZES = (2, 3, 4, 5)
DURATIONS = (1, 2, 3)
EVALUATED = 3  # weeks; a cluster starts in the first
YEARS = 3
DISPERSION = (1.0, 2.0)
LAST_WEEK = date(2026, 11, 23)  # the Monday of the last evaluated week
METHODS = ("scan", "farrington-bh")
TARGET = dict(shape="cell", size=3, duration=2, pod=0.9, false_nights=0.05)  # issue #29's targets


@dataclass(frozen=True)
class Baseline:
    """The lattice, its weeks (Mondays), the expected cases of all severity per leaf x place x week, and
    each leaf's dispersion."""

    layout: ScanLayout
    dates: list[date]
    mean: np.ndarray
    phi: np.ndarray

    @property
    def years(self) -> int:
        """Years back of the baseline, as the nightly detectors choose them for this much history."""
        first = len(self.dates) - EVALUATED - INJURY_SCAN.weeks + 1  # the first week the scan's windows need
        method, years = choose_method(first, self.dates[first - 1])
        assert method == "farrington-flexible", method
        return years


def baseline(seed: int) -> Baseline:
    """Shaanxi's lattice with the demo's hospitals (drawn with ``seed``), products and seasons."""
    rng = np.random.default_rng([seed, 0])
    layout = scan_layout()
    weeks = 52 * YEARS + EVALUATED + INJURY_SCAN.weeks
    first = LAST_WEEK - timedelta(weeks=weeks - 1)
    dates = [first + timedelta(weeks=i) for i in range(weeks)]
    days = pd.date_range(first, periods=7 * weeks, freq="D")
    season = {k: v.reshape(weeks, 7).sum(axis=1) for k, v in season_weights(days).items()}
    hospitals = sentinel_hospitals(rng)
    spec = DemoSpec(end=LAST_WEEK)
    shares = np.array([PRODUCT_PROFILE[c][0] for c in PRODUCT_PROFILE])
    place = {c: i for i, c in enumerate(layout.codes)}
    dow = (5 * 0.95 + 2 * 1.15) / 7  # the demo's weekday factor, averaged over a week
    mean = np.zeros((len(layout.leaves), len(layout.codes), weeks))
    for h in hospitals.itertuples(index=False):
        lam = spec.injuries_per_day / len(hospitals) * h.size * dow * 0.45 / shares.sum()
        for code, (share, seas, *_rest) in PRODUCT_PROFILE.items():
            mean[layout.leaves.index(code), place[h.region_code]] += lam * share * season[seas]
    phi = rng.uniform(*DISPERSION, len(layout.leaves))
    return Baseline(layout, dates, mean, phi)


def simulate(base: Baseline, rng: np.random.Generator) -> np.ndarray:
    """Counts of both streams (all cases, then serious cases: 2 x leaves, places, weeks): negative
    binomial (a gamma-mixed Poisson) with mean ``base.mean`` and variance phi x mean."""
    phi = base.phi[:, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(phi > 1, base.mean / (phi - 1), np.inf)
    rate = np.where(np.isinf(shape), base.mean, rng.gamma(np.where(np.isinf(shape), 1.0, shape), phi - 1))
    cases = rng.poisson(rate)
    return np.concatenate([cases, rng.binomial(cases, SERIOUS_SHARE)]).astype(float)


@dataclass(frozen=True)
class Location:
    """Where a cluster is: the leaves and places whose expected cases it raises; ``serious``: only serious ones."""

    leaves: np.ndarray
    places: np.ndarray
    serious: bool = False


def _pick(rng: np.random.Generator, weights: np.ndarray) -> int:
    return int(rng.choice(len(weights), p=weights / weights.sum()))


def locate(base: Baseline, shape: str, rng: np.random.Generator) -> Location:
    """A cluster of ``shape`` where a random case of the evaluated weeks would fall."""
    lay, cases = base.layout, base.mean[:, :, -EVALUATED:].sum(axis=2)  # leaves x places
    city = lay.place_city
    if shape == "cell":
        flat = _pick(rng, cases.ravel())
        return Location(np.array([flat // cases.shape[1]]), np.array([flat % cases.shape[1]]))
    if shape == "group-city":
        groups = [np.array(m) for m in lay.nodes[len(lay.leaves):-1]]  # the tree's nodes between leaves and root
        g = groups[_pick(rng, np.array([cases[m].sum() for m in groups]))]
        by_city = np.bincount(city, weights=cases[g].sum(axis=0), minlength=len(lay.cities))
        return Location(g, np.flatnonzero(city == _pick(rng, by_city)))
    if shape == "serious":
        leaf = _pick(rng, cases.sum(axis=1))
        by_city = np.bincount(city, weights=cases[leaf], minlength=len(lay.cities))
        return Location(np.array([leaf]), np.flatnonzero(city == _pick(rng, by_city)), serious=True)
    if shape == "product-two-cities":
        leaf = _pick(rng, cases.sum(axis=1))
        zones = [np.array(z) for z, name in zip(lay.zones, lay.zone_names, strict=True)
                 if "+" in name and len({city[i] for i in z if cases[leaf, i] > 0}) >= 2]
        if not zones:
            raise ValueError(f"no circular zone has cases of {lay.leaves[leaf]} in two cities")
        return Location(np.array([leaf]), zones[_pick(rng, np.array([cases[leaf, z].sum() for z in zones]))])
    raise ValueError(f"unknown shape {shape!r}; shapes: {', '.join(SHAPES)}")


def inject(base: Baseline, counts: np.ndarray, where: Location, size: float, duration: int,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``counts`` with the cluster's extra cases in the first ``duration`` evaluated weeks, and the
    cluster's cells (leaves of both streams x places x weeks, True where it raises an expectation)."""
    n_leaves, weeks = base.mean.shape[0], base.mean.shape[2]
    span = np.arange(weeks - EVALUATED, weeks - EVALUATED + duration)
    mu = base.mean[np.ix_(where.leaves, where.places, span)]
    extra_all = rng.poisson((size - 1) * mu * (SERIOUS_SHARE if where.serious else 1.0))
    extra_serious = extra_all if where.serious else rng.binomial(extra_all, SERIOUS_SHARE)
    out = counts.copy()
    out[np.ix_(where.leaves, where.places, span)] += extra_all
    out[np.ix_(n_leaves + where.leaves, where.places, span)] += extra_serious
    cells = np.zeros(counts.shape, dtype=bool)
    raised = mu > 0
    cells[np.ix_(where.leaves, where.places, span)] = raised
    cells[np.ix_(n_leaves + where.leaves, where.places, span)] = raised
    return out, cells


def series_counts(base: Baseline, counts: np.ndarray) -> np.ndarray:
    """The default's series: (stream, product, city or the province) x weeks, as ``detect_injury`` counts them."""
    lay = base.layout
    n_cities = len(lay.cities)
    onehot = np.zeros((len(lay.codes), n_cities + 1))
    onehot[np.arange(len(lay.codes)), lay.place_city] = 1
    onehot[:, n_cities] = 1  # the province
    return np.einsum("lpw,pc->lcw", counts, onehot).reshape(-1, counts.shape[2])


@dataclass
class Night:
    """One method on one night: its signals at its nightly setting (true, false), and the smallest level
    at which it would signal truly and falsely (NaN: at none)."""

    true: int
    false: int
    level_true: float
    level_false: float


class Default:
    """Farrington flexible per series (Noufaily's settings) with BH across the night, as ``detect_injury``."""

    def __init__(self, base: Baseline, clean: np.ndarray):
        self.base, self.control = base, farrington_control(base.years)
        self.series = series_counts(base, clean)
        self.fit = self._fit(self.series)

    def _fit(self, series: np.ndarray):
        return farrington_flexible(series, self.control, last=EVALUATED, dates=self.base.dates)

    def nights(self, counts: np.ndarray, cells: np.ndarray | None, weeks: int) -> list[Night]:
        series = self.series if cells is None else series_counts(self.base, counts)
        pvalue, alarm = self.fit.pvalue.copy(), self.fit.alarm.copy()
        changed = np.flatnonzero((series[:, -EVALUATED:] != self.series[:, -EVALUATED:]).any(axis=1))
        if changed.size:
            refit = self._fit(series[changed])
            pvalue[changed], alarm[changed] = refit.pvalue, refit.alarm
        truth = None if cells is None else series_counts(self.base, cells.astype(float))[:, -EVALUATED:] > 0
        out = []
        for e in range(weeks):
            observed = series[:, -EVALUATED + e]
            hits = night_hits(observed, pvalue[:, e], alarm[:, e], NIGHT.fdr_q)
            enough = observed >= INJURY_COUNTS.min_count
            testable = alarm[:, e] & enough
            adjusted = bh_adjusted(np.where(enough, pvalue[:, e], np.nan))
            true = np.zeros(len(hits), dtype=bool) if truth is None else truth[:, e]
            out.append(Night(int((hits & true).sum()), int((hits & ~true).sum()),
                             _smallest(adjusted[testable & true]), _smallest(adjusted[testable & ~true])))
        return out


class Scan:
    """The injury scan, with its expectations and null maxima computed once per baseline replicate (a
    cluster in the evaluated weeks cannot change them: the baselines leave the last 26 weeks out)."""

    def __init__(self, base: Baseline, clean: np.ndarray, replicates: int, rng: np.random.Generator):
        lay, self.base = base.layout, base
        n_leaves, k = len(lay.leaves), INJURY_SCAN.weeks
        span = EVALUATED + k - 1
        city = series_counts(base, clean).reshape(2, n_leaves, len(lay.cities) + 1, -1)[:, :, :-1]
        past = clean[:, :, : clean.shape[2] - span].sum(axis=2)
        self.expected, frailty = lattice_baseline(lay, [city[s].reshape(-1, city.shape[-1]) for s in range(2)],
                                                  [past[:n_leaves], past[n_leaves:]], base.dates, base.years, span)
        self.sums, self.maxima = [], []
        for e in range(EVALUATED):
            b = cluster_sums(lay.lattice, self.expected[:, :, e:e + k])
            self.sums.append(b)
            part = Frailty(frailty.group[:, :, e:e + k], frailty.variance)
            self.maxima.append(null_maxima(lay.lattice, self.expected[:, :, e:e + k], replicates, rng, expected_sums=b,
                                           frailty=part))

    def nights(self, counts: np.ndarray, cells: np.ndarray | None, weeks: int) -> list[Night]:
        lattice, k, out = self.base.layout.lattice, INJURY_SCAN.weeks, []
        n = counts.shape[2]
        for e in range(weeks):
            window = slice(n - EVALUATED - k + 1 + e, n - EVALUATED + 1 + e)
            c = cluster_sums(lattice, counts[:, :, window])
            result = ScanResult(c, self.sums[e], llr(c, self.sums[e]), self.maxima[e], [])
            true = np.zeros(c.shape, dtype=bool) if cells is None else cluster_sums(lattice, cells[:, :, window].astype(float)) > 0
            reported = report_clusters(lattice, result, INJURY_SCAN.alpha)
            hit = sum(bool(true[lattice.windows.index(r["window"]), r["node"], r["zone"]]) for r in reported)
            out.append(Night(hit, len(reported) - hit, _level(result, true), _level(result, ~true)))
        return out


def _level(result: ScanResult, mask: np.ndarray) -> float:
    """The smallest p-value among the clusters of ``mask`` (NaN: none scores above its expectation)."""
    best = float(result.scores[mask].max()) if mask.any() else 0.0
    return result.p_value(best) if best > 0 else np.nan


def oracle_week(base: Baseline, counts: np.ndarray, where: Location, duration: int,
                level: float = TARGET["false_nights"]) -> int | None:
    """The first week (1-based) in which a test that knows the cluster's place, start and baseline would
    signal it, testing nothing else: the cluster's cases since its start against their negative binomial
    under the baseline (the demo's means, each product's phi) at ``level`` a night. No method that must
    also watch the rest of the lattice at ``level`` false nights can do better: its POD bounds theirs."""
    n_leaves, weeks = base.mean.shape[0], base.mean.shape[2]
    stream = n_leaves if where.serious else 0
    share = SERIOUS_SHARE if where.serious else 1.0
    for e in range(duration):
        span = np.arange(weeks - EVALUATED, weeks - EVALUATED + e + 1)
        mu = base.mean[np.ix_(where.leaves, where.places, span)] * share
        m = mu.sum()
        if m <= 0:
            return None
        size = (mu.sum(axis=(1, 2)) / np.maximum(base.phi[where.leaves] - 1, 1e-9)).sum()  # NB sizes add
        observed = counts[np.ix_(stream + where.leaves, where.places, span)].sum()
        if _tail(observed, m, size) <= level:
            return e + 1
    return None


def _tail(observed: float, mean: float, size: float) -> float:
    from scipy import stats

    if size > 1e6:
        return float(stats.poisson.sf(observed - 1, mean))
    return float(stats.nbinom.sf(observed - 1, size, size / (size + mean)))


def _smallest(values: np.ndarray) -> float:
    return float(values.min()) if values.size else np.nan


def run(replicates: int, seed: int, null_replicates: int = INJURY_SCAN.replicates,
        shapes: tuple[str, ...] = SHAPES, sizes: tuple[float, ...] = SIZES, durations: tuple[int, ...] = DURATIONS,
        progress: Callable[[str], None] | None = None) -> dict:
    """Every shape x size x duration on ``replicates`` baseline replicates, and the clean nights; the raw
    nights (per method) and the measures (``measures``)."""
    base = baseline(seed)
    clean_nights = {m: [] for m in METHODS}
    clustered: dict[str, list] = {m: [] for m in METHODS}  # rows: shape, size, duration, replicate, nights
    oracle = []  # rows: shape, size, duration, replicate, week of detection or None
    seconds = dict.fromkeys(METHODS, 0.0)
    for r in range(replicates):
        rng = np.random.default_rng([seed, 1, r])
        clean = simulate(base, rng)
        began = time.perf_counter()
        methods = {"farrington-bh": Default(base, clean)}
        seconds["farrington-bh"] += time.perf_counter() - began
        began = time.perf_counter()
        methods["scan"] = Scan(base, clean, null_replicates, rng)
        seconds["scan"] += time.perf_counter() - began
        for name, method in methods.items():
            began = time.perf_counter()
            clean_nights[name].extend(method.nights(clean, None, EVALUATED))
            seconds[name] += time.perf_counter() - began
        for shape in shapes:
            where = locate(base, shape, rng)
            for size in sizes:
                for duration in durations:
                    counts, cells = inject(base, clean, where, size, duration, rng)
                    oracle.append((shape, size, duration, r, oracle_week(base, counts, where, duration)))
                    for name, method in methods.items():
                        began = time.perf_counter()
                        clustered[name].append((shape, size, duration, r, method.nights(counts, cells, duration)))
                        seconds[name] += time.perf_counter() - began
        if progress:
            progress(f"replicate {r + 1}/{replicates}: " + ", ".join(f"{m} {seconds[m]:.0f} s" for m in METHODS))
    return dict(replicates=replicates, seed=seed, null_replicates=null_replicates, years=base.years,
                clean=clean_nights, clustered=clustered, oracle=oracle, seconds={m: round(s, 1) for m, s in seconds.items()})


def _signals_at(night: Night, level: float | None) -> tuple[bool, bool]:
    """(a true signal, a false signal) on ``night``: at the nightly setting (None) or at ``level``."""
    if level is None:
        return night.true > 0, night.false > 0
    return bool(night.level_true <= level), bool(night.level_false <= level)


def _measures(raw: dict, method: str, level: float | None) -> dict:
    clean = raw["clean"][method]
    false_nights = float(np.mean([any(_signals_at(n, level)) for n in clean])) if clean else float("nan")
    rows: dict[tuple, dict] = {}
    for shape, size, duration, _r, nights in raw["clustered"][method]:
        row = rows.setdefault((shape, size, duration), dict(n=0, detected=0, weeks=0, true=0, signals=0))
        row["n"] += 1
        hits = [_signals_at(n, level)[0] for n in nights]
        if any(hits):
            row["detected"] += 1
            row["weeks"] += hits.index(True) + 1
        if level is None:
            row["true"] += sum(n.true for n in nights)
            row["signals"] += sum(n.true + n.false for n in nights)
    table = [dict(shape=s, size=k, duration=d, pod=round(v["detected"] / v["n"], 3),
                  weeks_to_detection=round(v["weeks"] / v["detected"], 2) if v["detected"] else None,
                  ppv=round(v["true"] / v["signals"], 3) if v["signals"] else None, clusters=v["n"])
             for (s, k, d), v in rows.items()]
    return dict(false_nights=round(false_nights, 4), clean_nights=len(clean), table=table)


def matched_level(raw: dict, method: str, false_nights: float) -> float:
    """The largest level at which ``method`` signals on at most ``false_nights`` of the clean nights."""
    levels = np.sort([min(np.nan_to_num([n.level_true, n.level_false], nan=np.inf)) for n in raw["clean"][method]])
    allowed = int(np.floor(false_nights * len(levels) + 1e-9))
    if allowed >= len(levels):
        return 1.0
    return float(np.nextafter(levels[allowed], -np.inf))


def pooled_pod(table: list[dict], shape: str) -> float:
    rows = [t for t in table if t["shape"] == shape]
    return round(sum(t["pod"] * t["clusters"] for t in rows) / sum(t["clusters"] for t in rows), 3)


def measures(raw: dict) -> dict:
    """Each method at its nightly setting, and both at the same false-night rate: the default's own and the
    target's, each method at the largest level that keeps it within that rate on the clean nights. The scan
    beats the default when its POD is at least the default's on every shape at both rates."""
    nightly = {m: _measures(raw, m, None) for m in METHODS}
    shapes = sorted({t["shape"] for t in nightly["scan"]["table"]}, key=SHAPES.index)
    matched = []
    for rate in dict.fromkeys((nightly["farrington-bh"]["false_nights"], TARGET["false_nights"])):
        levels = {m: matched_level(raw, m, rate) for m in METHODS}
        tables = {m: _measures(raw, m, levels[m]) for m in METHODS}
        pod = {s: {m: pooled_pod(tables[m]["table"], s) for m in METHODS} for s in shapes}
        matched.append(dict(false_nights=rate, levels=levels, observed_false_nights={m: tables[m]["false_nights"] for m in METHODS},
                            pod=pod, tables={m: tables[m]["table"] for m in METHODS},
                            scan_beats_default=all(p["scan"] >= p["farrington-bh"] for p in pod.values())))
    target = next((t for t in nightly["scan"]["table"] if (t["shape"], t["size"], t["duration"])
                   == (TARGET["shape"], TARGET["size"], TARGET["duration"])), None)
    bound = oracle_table(raw.get("oracle", []))
    best = next((t["pod"] for t in bound if (t["shape"], t["size"], t["duration"])
                 == (TARGET["shape"], TARGET["size"], TARGET["duration"])), None)
    return dict(nightly=nightly, matched=matched, oracle=bound, scan_beats_default=all(m["scan_beats_default"] for m in matched),
                target=dict(TARGET, scan_pod=None if target is None else target["pod"],
                            scan_false_nights=nightly["scan"]["false_nights"], oracle_pod=best))


def oracle_table(rows: list[tuple]) -> list[dict]:
    """POD and weeks to detection of the oracle (``oracle_week``) per shape, size and duration."""
    table: dict[tuple, list] = {}
    for shape, size, duration, _r, week in rows:
        table.setdefault((shape, size, duration), []).append(week)
    out = []
    for (shape, size, duration), weeks in table.items():
        found = [w for w in weeks if w is not None]
        out.append(dict(shape=shape, size=size, duration=duration, pod=round(len(found) / len(weeks), 3),
                        weeks_to_detection=round(float(np.mean(found)), 2) if found else None, clusters=len(weeks)))
    return out


def curves(raw: dict) -> dict:
    """(false nights per night, POD per shape) for each method at every level where its false nights change
    (the clean nights' own levels) and at 1: the plot's lines, from no false night to every night."""
    out = {}
    for m in METHODS:
        clean = [min(np.nan_to_num([n.level_true, n.level_false], nan=np.inf)) for n in raw["clean"][m]]
        levels = sorted({float(np.nextafter(v, -np.inf)) for v in clean if np.isfinite(v)} | {1.0})
        points = []
        for a in levels:
            result = _measures(raw, m, a)
            points.append(dict(level=a, false_nights=result["false_nights"],
                               pod={s: pooled_pod(result["table"], s) for s in {t["shape"] for t in result["table"]}}))
        out[m] = points
    return out


def format_table(result: dict) -> str:
    """Per shape and size (durations pooled): POD of both methods at their nightly settings and at the
    target's false-night rate, weeks to detection and PPV at the nightly settings; then the false nights,
    POD by shape at each common rate, and the verdict."""
    nightly = result["nightly"]
    at_target = next(m for m in result["matched"] if m["false_nights"] == TARGET["false_nights"])

    def pooled(table: list[dict], shape: str, size: float) -> tuple:
        rows = [t for t in table if t["shape"] == shape and t["size"] == size]
        n = sum(t["clusters"] for t in rows)
        detected = sum(t["pod"] * t["clusters"] for t in rows)
        weeks = sum((t["weeks_to_detection"] or 0) * t["pod"] * t["clusters"] for t in rows)
        ppv = [t["ppv"] for t in rows if t.get("ppv") is not None]
        return detected / n, (weeks / detected if detected else None), (float(np.mean(ppv)) if ppv else None)

    def cell(v: float | None) -> str:
        return f"{'-':>8}" if v is None else f"{v:>8.2f}"

    rate = f"@{TARGET['false_nights']:g}"
    head = (f"{'shape':<20}{'size':>5}{'POD scan':>10}{'default':>9}{'scan' + rate:>10}{'dflt' + rate:>10}"
            f"{'oracle':>8}{'weeks s':>8}{'weeks d':>8}{'PPV s':>8}{'PPV d':>8}")
    lines = [head, "-" * len(head)]
    shapes = sorted({t["shape"] for t in nightly["scan"]["table"]}, key=SHAPES.index)
    sizes = sorted({t["size"] for t in nightly["scan"]["table"]})
    for shape in shapes:
        for size in sizes:
            s, d = (pooled(nightly[m]["table"], shape, size) for m in METHODS)
            ms, md = (pooled(at_target["tables"][m], shape, size)[0] for m in METHODS)
            best = pooled(result["oracle"], shape, size)[0] if result["oracle"] else float("nan")
            lines.append(f"{shape:<20}{size:>5g}{s[0]:>10.2f}{d[0]:>9.2f}{ms:>10.2f}{md:>10.2f}{best:>8.2f}{cell(s[1])}{cell(d[1])}"
                         f"{cell(s[2])}{cell(d[2])}")
    t = result["target"]
    lines.append(f"false nights per night at the nightly settings: scan {nightly['scan']['false_nights']:.3f}, default "
                 f"{nightly['farrington-bh']['false_nights']:.3f} ({nightly['scan']['clean_nights']} clean nights)")
    for m in result["matched"]:
        lines.append(f"POD by shape at {m['false_nights']:.3f} false nights (scan / default; levels "
                     f"{m['levels']['scan']:.3g} / {m['levels']['farrington-bh']:.3g}): " + ", ".join(
                         f"{s} {v['scan']:.2f}/{v['farrington-bh']:.2f}" for s, v in m["pod"].items()))
    lines += [
        f"the scan beats the default on every shape at both rates: {'yes' if result['scan_beats_default'] else 'no'}; "
        f"target ({t['shape']} {t['size']}x for {t['duration']} weeks): POD {t['scan_pod']} (>= {t['pod']}; the oracle's "
        f"{t['oracle_pod']}), "
        f"false nights {t['scan_false_nights']:.3f} (<= {t['false_nights']})",
        f"{result['replicates']} replicates (seed {result['seed']}), {result['null_replicates']} null replicates, "
        f"{result['years']} years of baseline; seconds: " + ", ".join(f"{m} {s}" for m, s in result["seconds"].items()),
    ]
    return "\n".join(lines)


def evaluate(replicates: int, seed: int, null_replicates: int = INJURY_SCAN.replicates,
             progress: Callable[[str], None] | None = None, **choice) -> dict:
    """``run`` and its ``measures`` and ``curves``, JSON-ready."""
    raw = run(replicates, seed, null_replicates, progress=progress, **choice)
    return dict(replicates=replicates, seed=seed, null_replicates=null_replicates, years=raw["years"],
                seconds=raw["seconds"], **measures(raw), curves=curves(raw))


def write(result: dict, folder: Path) -> tuple[Path, Path]:
    """``lattice_evaluation.json`` and ``lattice_pod.png`` (POD against false nights per shape) in ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "lattice_evaluation.json"
    data.write_text(json.dumps(result, indent=2, default=float), encoding="utf-8")
    shapes = list(result["matched"][0]["pod"])
    fig, axes = plt.subplots(1, len(shapes), figsize=(3.2 * len(shapes), 3.4), sharey=True, squeeze=False)
    for ax, shape in zip(axes[0], shapes, strict=True):
        for m, colour in zip(METHODS, ("tab:red", "tab:blue"), strict=True):
            points = result["curves"][m]
            ax.plot([p["false_nights"] for p in points], [p["pod"][shape] for p in points], color=colour, label=m)
            ax.scatter([result["nightly"][m]["false_nights"]], [pooled_pod(result["nightly"][m]["table"], shape)],
                       color=colour, zorder=3)
        ax.set_title(shape, fontsize=9)
        ax.set_xlim(0, 1)
        ax.axvline(TARGET["false_nights"], color="grey", lw=0.8, ls=":")
        ax.set_xlabel("false nights per night")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("POD (sizes and durations pooled)")
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Injury clusters on Shaanxi's lattice: dots at the nightly settings, dotted line at the target's "
                 "false nights", fontsize=10)
    plot = folder / "lattice_pod.png"
    fig.tight_layout()
    fig.savefig(plot, dpi=110)
    plt.close(fig)
    return data, plot
