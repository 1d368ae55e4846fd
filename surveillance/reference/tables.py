"""Reading the CSV tables under ``data/`` (provenance in ``data/README.md``), each once per process."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"


def read_table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, encoding="utf-8")


def code_lookup(frame: pd.DataFrame, code_col: str, name_col: str) -> dict[str, str]:
    """Map codes, names and '|'-separated aliases (all stripped) to the code."""
    table: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        code = getattr(row, code_col)
        aliases = getattr(row, "aliases", "") or ""
        for key in [code, getattr(row, name_col), *aliases.split("|")]:
            if key:
                table.setdefault(key.strip(), code)
                # senders' text is compared after NFKC (full-width brackets, Ⅳ -> IV, ₁ -> 1)
                table.setdefault(unicodedata.normalize("NFKC", key).strip(), code)
    return table


def with_unknown(table: pd.DataFrame, codes: pd.Series | None, **defaults: object) -> pd.DataFrame:
    """``table`` (indexed by code) with a row for each of ``codes`` it lacks: named by itself, ``defaults``
    for the other columns. Records keep what senders call things our tables do not know yet."""
    if codes is None:
        return table
    unknown = sorted(set(codes.dropna().astype(str)) - set(table.index))
    if not unknown:
        return table
    extra = pd.DataFrame({col: [defaults.get(col, "")] * len(unknown) for col in table.columns}, index=unknown)
    if "name" in table.columns:
        extra["name"] = unknown
    return pd.concat([table, extra])
