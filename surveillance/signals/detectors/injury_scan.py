"""Injury clusters across products, places and weeks: the expectation-based Poisson scan
(signals/methods/scan.py) over the product tree (each product, its group, all products) x place zones
(a county, a county and its nearest neighbours within ``INJURY_SCAN.max_km``, a city, the province)
x windows of the last 1-4 weeks, all cases and serious cases as two streams of one scan.

Expected counts come from the baseline the weekly detector already fits: Farrington flexible with
Noufaily's settings per product x city for each of the last four weeks, shared out to the city's counties
by the county's share of the product's cases in the years before (shrunk towards the county's share of
all the city's cases, ``INJURY_SCAN.share_prior`` cases' worth). A record that names only its city is a
place of its own inside that city. The night's multiplicity is controlled once by the maximum over the
whole lattice (Monte Carlo replicates, seeded by the day, overdispersed as the baselines are:
``lattice_frailty``).

Not the nightly default: on the lattice evaluation (``surveillance evaluate --lattice``, docs/detectors.md)
it does not beat per-series Farrington with Benjamini-Hochberg on every cluster shape at the default's own
false-night rate, the rule for making it the default (issue #29).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from surveillance import reference
from surveillance.signals.detectors.injury import case_profile, farrington_control, is_severe, leave_out, window
from surveillance.signals.detectors.injury_counts import (
    current_proposal,
    daily_counts,
    excluded_weeks,
    product_reports,
    serious_case,
)
from surveillance.signals.detectors.tuning import INJURY_SCAN
from surveillance.signals.methods.farrington import farrington_flexible, weeks_needed
from surveillance.signals.methods.scan import Frailty, Lattice, circular_zones, scan
from surveillance.signals.signal import Detection, make_signal
from surveillance.warehouse.models import InjuryReport, ProductProposal

STREAMS = ("all", "serious")


def places() -> tuple[list[str], list[str], pd.DataFrame]:
    """(place codes, the city of each, counties with centroids): Shaanxi's counties, then one place per city
    for records naming only the city (a jurisdiction that is itself a county needs none)."""
    regions = reference.regions()
    counties = regions[regions["level"] == "county"].reset_index(drop=True)
    own = [c for c in reference.jurisdictions() if c not in set(counties["code"])]  # Yangling is a county and its own city
    codes = counties["code"].tolist() + own
    city_of = counties["jurisdiction_code"].tolist() + own
    return codes, city_of, counties


def place_zones(codes: list[str], city_of: list[str], counties: pd.DataFrame) -> tuple[list[tuple[int, ...]], list[str]]:
    """Zones as place indices, and each zone's name: circular zones of counties, each city (its counties and
    its city-only place), the province."""
    lon, lat = counties["longitude"].astype(float).to_numpy(), counties["latitude"].astype(float).to_numpy()
    zones = circular_zones(lon, lat, INJURY_SCAN.max_neighbours, INJURY_SCAN.max_km)
    names = ["+".join(codes[i] for i in z) for z in zones]
    for city in dict.fromkeys(city_of):
        zones.append(tuple(i for i, c in enumerate(city_of) if c == city))
        names.append(city)
    zones.append(tuple(range(len(codes))))
    names.append("province")
    return zones, names


def product_nodes() -> tuple[list[list[int]], list[str], list[str]]:
    """Tree nodes over the product leaves (each product, each group, all), their codes and group codes."""
    products = reference.product_categories()
    leaves = products["code"].tolist()
    nodes = [[i] for i in range(len(leaves))]
    codes, groups = list(leaves), products["group_code"].tolist()
    for group, members in products.groupby("group_code", sort=True).groups.items():
        nodes.append(sorted(int(i) for i in members))
        codes.append(group)
        groups.append(group)
    nodes.append(list(range(len(leaves))))
    codes.append("all")
    groups.append(None)
    return nodes, codes, groups


def _pooled_rate(history: np.ndarray, n_products: int, n_cities: int) -> np.ndarray:
    """A weekly rate for every product x city that is never zero: the series' own rate over its baseline
    weeks, shrunk towards the product's province-wide rate shared out by the city's share of all cases
    (``INJURY_SCAN.prior_weeks`` weeks' worth). A sparse series whose Farrington fit expects nothing (no
    case in its reference weeks) is not thereby certain to have none."""
    counts = np.nan_to_num(history, nan=0.0).reshape(n_products, n_cities, -1)
    observed_weeks = np.maximum(np.isfinite(history).reshape(n_products, n_cities, -1).sum(axis=2), 1)
    cases = counts.sum(axis=2)
    product_rate = (cases.sum(axis=1) + 0.5) / observed_weeks.max(axis=1)  # province-wide, per week
    city_share = (cases.sum(axis=0) + 0.5) / (cases.sum() + 0.5 * n_cities)
    prior = product_rate[:, None] * city_share[None, :]
    m = INJURY_SCAN.prior_weeks
    return (cases + m * prior) / (observed_weeks + m)


def _county_counts(conn: Connection, start: date, end: date) -> pd.DataFrame:
    """Reports by product, region and visit day, all and serious, from ``start`` to ``end``. A report's product
    is its hospital's code, or else the category the classifier proposed, as the weekly counts take it
    (``injury_counts.daily_counts``), so that counts and their Farrington expectations count the same reports."""
    r, p = InjuryReport, ProductProposal
    counted = (func.count(), func.sum(serious_case()))
    coded = (select(r.product_code, r.region_code, r.jurisdiction_code, r.visit_date, *counted)
             .where(r.visit_date.between(start, end), r.product_code.is_not(None))
             .group_by(r.product_code, r.region_code, r.jurisdiction_code, r.visit_date))
    proposed = (select(p.product_code, r.region_code, r.jurisdiction_code, r.visit_date, *counted)
                .join(p, current_proposal())
                .where(r.visit_date.between(start, end), r.product_code.is_(None), p.product_code.is_not(None))
                .group_by(p.product_code, r.region_code, r.jurisdiction_code, r.visit_date))
    columns = ["product_code", "region_code", "jurisdiction_code", "visit_date", "all", "serious"]
    frame = pd.concat([pd.DataFrame(conn.execute(stmt).all(), columns=columns) for stmt in (coded, proposed)],
                      ignore_index=True).astype({"all": "int64", "serious": "int64"})
    return frame.groupby(columns[:4], as_index=False)[["all", "serious"]].sum()


def _place_index(frame: pd.DataFrame, codes: list[str]) -> pd.Series:
    """Each row's place: its county, or its city's own place when the record names no county of the city."""
    where = {c: i for i, c in enumerate(codes)}
    county = frame["region_code"].map(where)
    city = frame["jurisdiction_code"].map(where)
    return county.where(county.notna() & (frame["region_code"] != frame["jurisdiction_code"]), city)


@dataclass(frozen=True)
class ScanLayout:
    """The lattice the injury scan runs on, with the names its signals need: product leaves (the two
    streams stack them, all cases then serious cases), places, zones and tree nodes."""

    leaves: list[str]
    codes: list[str]  # places: counties, then one per city for records naming only the city
    city_of: list[str]
    cities: list[str]
    zones: list[tuple[int, ...]]
    zone_names: list[str]
    nodes: list[list[int]]  # over one stream's leaves
    node_codes: list[str]
    node_groups: list[str | None]
    lattice: Lattice  # nodes of both streams x zones x windows

    @property
    def place_city(self) -> np.ndarray:
        """Each place's index into ``cities``."""
        index = {c: i for i, c in enumerate(self.cities)}
        return np.array([index.get(c, -1) for c in self.city_of])


def scan_layout(weeks: int = INJURY_SCAN.weeks) -> ScanLayout:
    """Shaanxi's lattice from the reference data."""
    leaves = reference.product_categories()["code"].tolist()
    codes, city_of, counties = places()
    zones, zone_names = place_zones(codes, city_of, counties)
    nodes, node_codes, node_groups = product_nodes()
    both = list(nodes) + [[len(leaves) + i for i in members] for members in nodes]
    lattice = Lattice.of(both, 2 * len(leaves), zones, len(codes), windows=range(1, weeks + 1))
    return ScanLayout(leaves, codes, city_of, reference.jurisdictions(), zones, zone_names, nodes, node_codes,
                      node_groups, lattice)


def city_expected(counts: np.ndarray, dates: list[date], years: int, weeks: int, n_products: int,
                  n_cities: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts (products x cities x the last ``weeks``) from the weekly series ``counts``
    (products*cities rows in product-major order, weeks by ``dates``), and each series' dispersion phi
    (products x cities, 1 where no model converged): Farrington flexible with Noufaily's settings, fitted
    whatever the recent counts (its baseline leaves the last 26 weeks out, so a cluster in the recent
    weeks cannot change what was expected of them), floored by ``_pooled_rate``."""
    control = replace(farrington_control(years), limit54=(0, 4))
    fit = farrington_flexible(counts, control, last=weeks, dates=dates)
    fitted = np.nan_to_num(fit.expected, nan=0.0).reshape(n_products, n_cities, weeks)
    floor = _pooled_rate(counts[:, : counts.shape[1] - weeks], n_products, n_cities)[..., None]
    phi = np.nan_to_num(fit.phi[:, -1], nan=1.0).reshape(n_products, n_cities)
    return np.maximum(fitted, floor), np.maximum(phi, 1.0)


def county_shares(by_product_place: np.ndarray, place_city: np.ndarray, n_cities: int) -> np.ndarray:
    """Each place's share (products x places) of its city's cases of each product, from past counts
    ``by_product_place``: the product's own share shrunk towards the place's share of all the city's cases
    (``INJURY_SCAN.share_prior`` cases' worth); every place may have a case. Shares sum to 1 within a city."""
    by_place = by_product_place.sum(axis=0)
    shares = np.zeros_like(by_product_place, dtype=float)
    for c in range(n_cities):
        inside = place_city == c
        all_share = (by_place[inside] + 0.5) / (by_place[inside] + 0.5).sum()
        mine = by_product_place[:, inside]
        shares[:, inside] = (mine + INJURY_SCAN.share_prior * all_share) / (mine.sum(axis=1, keepdims=True)
                                                                             + INJURY_SCAN.share_prior)
    return shares


def lattice_frailty(phis: list[np.ndarray], by_cities: list[np.ndarray], place_city: np.ndarray) -> Frailty:
    """The baseline's overdispersion for the scan's null draws (``scan.null_maxima``): per stream, every
    product x city x week is a group of cells (the city's places) whose gamma frailty has the variance
    (phi - 1) / m of its series (dispersion phi, expectation m), so that the city's weekly count is the
    negative binomial Farrington's threshold takes it for. ``phis``: products x cities per stream;
    ``by_cities``: products x cities x weeks per stream."""
    groups, variances, offset = [], [], 0
    for phi, by_city in zip(phis, by_cities, strict=True):
        ids = np.arange(by_city.size).reshape(by_city.shape) + offset
        groups.append(ids[:, place_city, :])
        variances.append(((phi[..., None] - 1) / by_city).ravel())
        offset += by_city.size
    return Frailty(np.concatenate(groups), np.concatenate(variances))


def lattice_baseline(lay: ScanLayout, city_counts: list[np.ndarray], past: list[np.ndarray], dates: list[date],
                     years: int, weeks: int) -> tuple[np.ndarray, Frailty]:
    """Expected counts (both streams' leaves x places x the last ``weeks``) and the null's frailty, per
    stream from its weekly product x city series ``city_counts`` (``city_expected``) and its past counts
    by product x place ``past`` (``county_shares``)."""
    place_city, n_cities = lay.place_city, len(lay.cities)
    expected, phis, by_cities = [], [], []
    for counts, before in zip(city_counts, past, strict=True):
        by_city, phi = city_expected(counts, dates, years, weeks, len(lay.leaves), n_cities)
        expected.append(lattice_expected(by_city, county_shares(before, place_city, n_cities), place_city))
        phis.append(phi)
        by_cities.append(by_city)
    return np.concatenate(expected), lattice_frailty(phis, by_cities, place_city)


def lattice_expected(by_city: np.ndarray, shares: np.ndarray, place_city: np.ndarray) -> np.ndarray:
    """Expected counts per leaf x place x week: ``by_city`` (products x cities x weeks) shared out by
    ``shares`` (products x places), floored at ``INJURY_SCAN.expected_floor``."""
    return np.maximum(shares[..., None] * by_city[:, place_city, :], INJURY_SCAN.expected_floor)


def detect_injury_scan(conn: Connection, day: date, replicates: int = INJURY_SCAN.replicates) -> Detection:
    """Clusters in the four weeks ending with the last complete week on or before ``day``."""
    w = window(conn, day)
    if w.method != "farrington-flexible":
        return Detection([], dict(method="scan", history_weeks=w.history_weeks, tested=0,
                                  note="needs the history Farrington flexible needs"))
    weeks = INJURY_SCAN.weeks
    first_recent = w.week_start - timedelta(weeks=weeks - 1)
    years = w.years  # the baseline of each of the last weeks reaches back as far as the weekly detector's
    while years > 1 and weeks_needed(first_recent, years, 3) + weeks > w.history_weeks:
        years -= 1
    first_monday = w.week_start - timedelta(weeks=weeks_needed(first_recent, years, 3) + weeks - 1)
    lay = scan_layout(weeks)
    leaves, codes, cities = lay.leaves, lay.codes, lay.cities

    # the weekly baseline per product x city, for each of the last weeks
    daily = daily_counts(conn, first_monday, w.week_end)
    n_weeks = (w.week_start - first_monday).days // 7 + 1
    dates = [first_monday + timedelta(weeks=i) for i in range(n_weeks)]
    week_of = ((pd.to_datetime(daily["visit_date"]) - pd.Timestamp(first_monday)).dt.days // 7).astype(int)
    history = _county_counts(conn, first_monday, first_recent - timedelta(days=1))
    history = history.assign(place=_place_index(history, codes)).dropna(subset=["place"])
    city_counts, past = [], []
    for stream, column in zip(STREAMS, ("n", "severe"), strict=True):
        table = daily.assign(week=week_of).groupby(["product_code", "jurisdiction_code", "week"])[column].sum()
        index = pd.MultiIndex.from_product([leaves, cities], names=["product_code", "jurisdiction_code"])
        matrix = table.unstack("week", fill_value=0).reindex(index=index, columns=range(n_weeks), fill_value=0)
        counts = matrix.to_numpy(dtype=float)
        leave_out(counts, [(p, c, "all" if stream == "all" else "severe") for p, c in matrix.index],
                  excluded_weeks(conn, first_monday, w.week_start), first_monday)
        city_counts.append(counts)
        before = history.groupby(["product_code", "place"])[stream].sum().unstack("place", fill_value=0)
        past.append(before.reindex(index=leaves, columns=range(len(codes)), fill_value=0).to_numpy(dtype=float))
    expected, frailty = lattice_baseline(lay, city_counts, past, dates, years, weeks)

    recent = _county_counts(conn, first_recent, w.week_end)
    recent = recent.assign(place=_place_index(recent, codes),
                           week=((pd.to_datetime(recent["visit_date"]) - pd.Timestamp(first_recent)).dt.days // 7),
                           leaf=recent["product_code"].map({c: i for i, c in enumerate(leaves)})).dropna(subset=["place", "leaf"])
    observed = np.zeros_like(expected)
    for s, stream in enumerate(STREAMS):
        np.add.at(observed, (s * len(leaves) + recent["leaf"].to_numpy(dtype=int), recent["place"].to_numpy(dtype=int),
                             recent["week"].to_numpy(dtype=int)), recent[stream].to_numpy(dtype=float))

    nodes, node_codes, node_groups, zone_names, city_of = lay.nodes, lay.node_codes, lay.node_groups, lay.zone_names, lay.city_of
    lattice = lay.lattice
    products = reference.product_categories()
    seed = int(w.week_start.strftime("%Y%m%d"))
    result = scan(lattice, observed, expected, replicates=replicates, seed=seed, alpha=INJURY_SCAN.alpha,
                  frailty=frailty)
    names = reference.jurisdiction_names()
    pnames = dict(zip(products["code"], products["name"], strict=True)) | dict(
        zip(products["group_code"], products["group_name"], strict=True)) | {"all": "全部产品"}
    reports = product_reports(conn, first_recent, w.week_end) if result.clusters else None
    signals = []
    for cl in result.clusters:
        stream = STREAMS[cl["node"] // len(nodes)]
        node = cl["node"] % len(nodes)
        members = [codes[i] for i in lattice.zones[cl["zone"]].indices]
        zone_cities = sorted({city_of[codes.index(m)] for m in members})
        where = names.get(zone_names[cl["zone"]], None) if zone_names[cl["zone"]] in cities else None
        where = where or ("全省" if zone_names[cl["zone"]] == "province" else "、".join(names.get(m, m) for m in members))
        start = w.week_start - timedelta(weeks=cl["window"] - 1)
        what = "重伤（住院、转院或死亡）病例" if stream == "serious" else "伤害病例"
        series = f"{node_codes[node]}|{zone_names[cl['zone']]}" + ("|severe" if stream == "serious" else "")
        mine = reports[(reports["visit_date"] >= start)
                       & reports["product_code"].isin([leaves[i] for i in nodes[node]])]
        mine = mine[_place_index(mine, codes).isin(lattice.zones[cl["zone"]].indices)]
        if stream == "serious":
            mine = mine[is_severe(mine)]
        signals.append(make_signal(
            "injury", "scan", series, key_period=w.week_start, category_code=node_codes[node],
            category_group=node_groups[node], jurisdiction_code=zone_cities[0] if len(zone_cities) == 1 else None,
            period_start=start, period_end=w.week_end, observed=cl["observed"], expected=cl["expected"],
            threshold=None, score=cl["ratio"],
            title=f"{where}{pnames.get(node_codes[node], node_codes[node])}相关{what}聚集：{start:%m月%d日}至{w.week_end:%m月%d日}"
                  f"共{int(cl['observed'])}例，预期{cl['expected']:.1f}例（{cl['ratio']:.1f}倍，扫描统计P={cl['p_value']:.3f}）",
            evidence=dict(places=members, weeks=cl["window"], stream=stream, llr=cl["llr"], p_value=cl["p_value"],
                          replicates=replicates, ratio=cl["ratio"], **case_profile(mine)),
        ))
    return Detection(signals, dict(method="scan", clusters_scanned=lattice.size, replicates=replicates,
                                   alpha=INJURY_SCAN.alpha, expected_false_alarms=INJURY_SCAN.alpha))
