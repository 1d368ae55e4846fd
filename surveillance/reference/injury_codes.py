"""The national injury surveillance report card's code tables."""

from __future__ import annotations

import unicodedata
from functools import cache

import pandas as pd

from surveillance.reference.tables import read_table


@cache
def injury_codes() -> pd.DataFrame:
    """The national injury surveillance report card's code tables (field, code, label, aliases)."""
    return read_table("injury_codes.csv")


@cache
def injury_code_table(field: str) -> tuple[dict[str, str], dict[str, str]]:
    """(code -> label, NFKC label or alias -> label) of one card field; empty when the card has no table."""

    rows = injury_codes()[injury_codes()["field"] == field]
    codes = dict(zip(rows["code"], rows["label"], strict=True))
    labels: dict[str, str] = {}
    for row in rows.itertuples(index=False):
        for name in [row.label, *(row.aliases.split("|") if row.aliases else [])]:
            key = unicodedata.normalize("NFKC", name).replace(" ", "")
            labels.setdefault(key.lower() if key.isascii() else key, row.label)  # English labels in any case
    return codes, labels


def injury_labels(field: str) -> list[str]:
    return injury_codes().query("field == @field")["label"].tolist()
