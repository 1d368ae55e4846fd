"""Regions: codes, names and the routing jurisdiction of each; places outside Shaanxi; places read from addresses."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from surveillance.reference.tables import code_lookup, read_table


@cache
def regions() -> pd.DataFrame:
    """Shaanxi GB/T 2260 divisions: province, 10 prefecture cities, counties."""
    return read_table("regions.csv")


@cache
def _own_counties() -> frozenset[str]:
    """County codes below their city's jurisdiction (杨凌区 is a jurisdiction of its own: not listed)."""
    r = regions()
    return frozenset(r[(r["level"] == "county") & (r["jurisdiction_code"] != r["code"])]["code"])


def county_places(codes) -> list[str]:
    """The county codes among ``codes`` (region codes of samples or places), each once, in order."""
    counties = _own_counties()
    return [c for c in dict.fromkeys(str(c) for c in codes if c) if c in counties]


@cache
def region_lookup() -> dict[str, str]:
    """Region name or code -> 6-digit code (counties and cities; names unique within Shaanxi)."""
    table = code_lookup(regions().assign(aliases=""), "code", "name")
    for row in regions().itertuples(index=False):
        short = row.name.removesuffix("市").removesuffix("县").removesuffix("区")
        if len(short) >= 2:
            table.setdefault(short, row.code)
    table["杨凌示范区"] = "610403"
    table["杨凌"] = "610403"
    names = dict(zip(regions()["code"], regions()["name"], strict=True))
    for row in regions().itertuples(index=False):
        city = names.get(row.city_code) if isinstance(row.city_code, str) else None
        if row.level == "county" and city:
            table.setdefault(city + row.name, row.code)  # 西安市碑林区
            table.setdefault("陕西省" + city + row.name, row.code)  # 陕西省西安市碑林区
        elif row.level == "city":
            table.setdefault("陕西省" + row.name, row.code)
    for old, new in region_successors().items():
        table.setdefault(old, new)
        if not old.isdigit():
            short = old.removesuffix("县")
            table.setdefault(short, new)
    for row in provinces().itertuples(index=False):
        if row.code != "610000":
            table.setdefault(row.name, row.code)
            table.setdefault(row.code, row.code)
    return table


@cache
def jurisdiction_of() -> dict[str, str]:
    """Region code -> routing jurisdiction (prefecture city, or Yangling zone)."""
    frame = regions()
    table = dict(zip(frame["code"], frame["jurisdiction_code"], strict=True))
    table.update(dict.fromkeys((c for c in provinces()["code"] if c != "610000"), OUTSIDE_PROVINCE))
    return table


@cache
def jurisdiction_names() -> dict[str, str]:
    frame = regions()
    names = dict(zip(frame["code"], frame["name"], strict=True))
    names["610403"] = "杨凌示范区"
    names[""] = "全省"
    names[OUTSIDE_PROVINCE] = "省外"
    return names


def county_codes() -> list[str]:
    return regions().query("level == 'county'")["code"].tolist()


def place_codes() -> list[str]:
    """Every region code a record may carry: Shaanxi's counties, its cities (a record naming only the
    city), and the other provinces (records about places outside Shaanxi, kept and marked)."""
    return (county_codes() + regions().query("level == 'city'")["code"].tolist()
            + [c for c in provinces()["code"] if c != "610000"])


def jurisdictions() -> list[str]:
    """The 10 prefecture cities and the Yangling zone."""
    return regions().query("level == 'city'")["code"].tolist() + ["610403"]

OUTSIDE_PROVINCE = "000000"  # jurisdiction of rows about places outside Shaanxi: kept, marked, not a city's series


@cache
def region_successors() -> dict[str, str]:
    """Old division code or name -> today's code (a county renamed or made a district keeps its series)."""
    frame = read_table("region_successors.csv")
    table = dict(zip(frame["old_code"], frame["new_code"], strict=True))
    table.update(zip(frame["old_name"], frame["new_code"], strict=True))
    return table


@cache
def provinces() -> pd.DataFrame:
    """The 34 province-level divisions (GB/T 2260), for marking places outside Shaanxi."""
    return read_table("provinces.csv")


@cache
def _address_names() -> list[tuple[str, str]]:
    """(name, code) for matching inside addresses: full county and city names, old names too, longest first."""
    pairs = [(r.name, r.code) for r in regions().itertuples(index=False) if r.level != "province"]
    pairs += [(old, new) for old, new in region_successors().items() if not old.isdigit()]
    pairs.append(("杨凌示范区", "610403"))
    pairs.append(("杨凌区", "610403"))
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _province_names() -> list[tuple[str, str]]:
    pairs = [(r.name, r.code) for r in provinces().itertuples(index=False)]
    pairs += [(r.short_name, r.code) for r in provinces().itertuples(index=False)]
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def region_from_text(text: str) -> str | None:
    """The division an address or a '省 市 县' text names: a Shaanxi county (or city, when no county is
    named), today's code for an old name, or the province code of a place outside Shaanxi; None if none.

    Only full names count inside an address (长安区, not 长安: 长安路 is a street in every city)."""

    value = "".join(unicodedata.normalize("NFKC", text).split())
    if not value:
        return None
    code = region_lookup().get(value)  # codes and names, old ones mapped to their successors
    if code:
        return code
    for name, pcode in _province_names():
        if value.startswith(name) and pcode != "610000":
            return pcode
    pattern, codes = _address_pattern()
    found = [codes[m.group(0)] for m in pattern.finditer(value)]
    county = next((c for c in found if not c.endswith("00")), None)
    return county or next(iter(found), None) or _outside_at_start(value)


@cache
def _outside_names() -> list[tuple[str, str]]:
    """Places a text may begin with: cities and counties outside Shaanxi (their province), and Shaanxi's cities and
    counties by short name (西安, 凤翔: a company registered there is named so)."""
    frame = read_table("places_outside.csv")
    pairs = list(zip(frame["name"], frame["province_code"], strict=True))
    for row in regions().itertuples(index=False):
        short = row.name.removesuffix("市").removesuffix("县").removesuffix("区")
        if row.level != "province" and len(short) >= 2 and short != row.name:
            pairs.append((short, row.code))
    return sorted(pairs, key=lambda p: -len(p[0]))

_NOT_A_PLACE_AFTER = set("路街道巷弄里号大东西南北中")

_COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "公司", "厂", "集团", "合作社")


def _outside_at_start(value: str) -> str | None:
    """The province of a city or county outside Shaanxi that a text begins with (佛山市顺德区…, 慈溪市…, a company
    named 湖州永兴…有限公司): ``places_outside.csv``, names unique across provinces. A city's short name counts only at
    the start of a company's name, and not before a street word (中山路 is a street, not 中山市)."""
    for name, code in _outside_names():
        if value.startswith(name):
            short = not name.endswith(("市", "县", "区", "旗", "州", "盟"))
            # a company is named 行政区划 + 字号 + 行业 + 组织形式: its first words are its registration place
            if short and (value[len(name):len(name) + 1] in _NOT_A_PLACE_AFTER or not value.endswith(_COMPANY_FORMS)):
                continue
            return code
    return None


@cache
def _address_pattern():
    """One alternation of every full division name, longest first (a C-speed scan of each address)."""

    pairs = _address_names()
    codes: dict[str, str] = {}
    for name, code in pairs:
        codes.setdefault(name, code)
    return re.compile("|".join(re.escape(n) for n, _ in pairs)), codes
