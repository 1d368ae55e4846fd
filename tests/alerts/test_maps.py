"""The risk map: every city and county of regions.csv drawn from the offline boundaries, each area coloured
by the highest level of the open signals in it, linked to its signals."""

from __future__ import annotations

import re

from surveillance import reference
from surveillance.alerts.maps import area_levels, areas, map_svg
from surveillance.signals.levels import COLOURS


def test_every_city_and_county_has_a_shape_inside_the_map() -> None:
    shapes, height = areas()
    regions = reference.regions()
    wanted = set(regions[regions["level"] != "province"]["code"])
    assert {a.code for a in shapes} == wanted
    assert 500 < height < 900  # Shaanxi is taller than wide
    for a in shapes:
        x, y = a.centre
        assert 0 <= x <= 420 and 0 <= y <= height, a.code
    names = dict(zip(regions["code"], regions["name"], strict=True))
    assert all(a.name == names[a.code] for a in shapes)


def test_the_highest_level_colours_a_city_and_a_scan_colours_its_counties_too() -> None:
    signals = [dict(level=3, jurisdiction_code="610300", evidence={}),
               dict(level=2, jurisdiction_code="610300", evidence={}),
               dict(level=1, jurisdiction_code=None, evidence=dict(places=["610902", "610702"]))]  # 汉滨区, 汉台区
    levels = area_levels(signals)
    assert levels["610300"] == (2, 2)
    assert levels["610902"] == (1, 1) and levels["610900"] == (1, 1) and levels["610700"] == (1, 1)
    assert "610100" not in levels


def test_the_svg_fills_and_links_the_areas_with_signals_only() -> None:
    svg = str(map_svg([dict(level=2, jurisdiction_code="610300", evidence={})],
                      lambda code, level: f"/signals?city={code}"))
    baoji = re.search(r'<a href="/signals\?city=610300"><path id="area-610300" d="M[^"]+" fill="([^"]+)"', svg)
    assert baoji and baoji.group(1) == COLOURS[2]
    assert 'href="/signals?city=610100"' not in svg and 'id="area-610100"' in svg  # drawn, not linked
    assert "宝鸡市：最高Ⅱ级，1个未解除信号" in svg and "<script" not in svg and " style=" not in svg
