"""Reference data shipped with the package: regions, catalogs, limits, agencies, routing.

Each table is a CSV under ``data/`` (provenance in ``data/README.md``) loaded once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def regions() -> pd.DataFrame:
    """Shaanxi GB/T 2260 divisions: province, 10 prefecture cities, counties."""
    return _read("regions.csv")


@cache
def product_categories() -> pd.DataFrame:
    return _read("product_categories.csv")


@cache
def food_categories() -> pd.DataFrame:
    return _read("food_categories.csv")


@cache
def analytes() -> pd.DataFrame:
    return _read("analytes.csv")


@cache
def food_limits() -> pd.DataFrame:
    frame = _read("food_limits.csv")
    frame["limit_value"] = frame["limit_value"].astype(float)
    return frame


@cache
def agencies() -> pd.DataFrame:
    return _read("agencies.csv")


@cache
def routing_rules() -> pd.DataFrame:
    return _read("routing_rules.csv")


def _lookup(frame: pd.DataFrame, code_col: str, name_col: str) -> dict[str, str]:
    """Map codes, names and '|'-separated aliases (all stripped) to the code."""
    table: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        code = getattr(row, code_col)
        aliases = getattr(row, "aliases", "") or ""
        for key in [code, getattr(row, name_col), *aliases.split("|")]:
            if key:
                table.setdefault(key.strip(), code)
    return table


@cache
def region_lookup() -> dict[str, str]:
    """Region name or code -> 6-digit code (counties and cities; names unique within Shaanxi)."""
    table = _lookup(regions().assign(aliases=""), "code", "name")
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
    return table


@cache
def jurisdiction_of() -> dict[str, str]:
    """Region code -> routing jurisdiction (prefecture city, or Yangling zone)."""
    frame = regions()
    return dict(zip(frame["code"], frame["jurisdiction_code"], strict=True))


@cache
def jurisdiction_names() -> dict[str, str]:
    frame = regions()
    names = dict(zip(frame["code"], frame["name"], strict=True))
    names["610403"] = "杨凌示范区"
    names[""] = "全省"
    return names


@cache
def product_lookup() -> dict[str, str]:
    return _lookup(product_categories(), "code", "name")


@cache
def food_category_lookup() -> dict[str, str]:
    return _lookup(food_categories(), "code", "name")


@cache
def analyte_lookup() -> dict[str, str]:
    return _lookup(analytes(), "code", "name")


def county_codes() -> list[str]:
    return regions().query("level == 'county'")["code"].tolist()


def jurisdictions() -> list[str]:
    """The 10 prefecture cities and the Yangling zone."""
    return regions().query("level == 'city'")["code"].tolist() + ["610403"]
