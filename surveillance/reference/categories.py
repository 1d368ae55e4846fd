"""Product and food categories, analytes and food limits, and their names and lookups."""

from __future__ import annotations

from functools import cache

import pandas as pd

from surveillance.reference.tables import code_lookup, read_table


@cache
def product_categories() -> pd.DataFrame:
    return read_table("product_categories.csv")


@cache
def food_categories() -> pd.DataFrame:
    return read_table("food_categories.csv")


@cache
def analytes() -> pd.DataFrame:
    return read_table("analytes.csv")


@cache
def food_limits() -> pd.DataFrame:
    frame = read_table("food_limits.csv")
    frame["limit_value"] = frame["limit_value"].astype(float)
    return frame


@cache
def category_names() -> dict[str, str]:
    """Product and food category codes, and their group codes, -> Chinese names."""
    names: dict[str, str] = {}
    for table in (product_categories(), food_categories()):
        names |= dict(zip(table["group_code"], table["group_name"], strict=True))
        names |= dict(zip(table["code"], table["name"], strict=True))
    return names


def category_name(code: str | None) -> str:
    """A category's (or category group's) Chinese name; an unknown code as it is."""
    return category_names().get(code, code) if code else ""


@cache
def product_lookup() -> dict[str, str]:
    return code_lookup(product_categories(), "code", "name")


@cache
def food_category_lookup() -> dict[str, str]:
    return code_lookup(food_categories(), "code", "name")


@cache
def analyte_lookup() -> dict[str, str]:
    return code_lookup(analytes(), "code", "name")
