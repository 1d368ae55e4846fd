"""Write a validated batch to the warehouse: new keys inserted, changed keys updated, same skipped."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, select

from surveillance.ingest.contract import Contract
from surveillance.warehouse.models import Base

_CHUNK = 500


@dataclass(frozen=True)
class LoadCounts:
    inserted: int
    updated: int
    unchanged: int


def row_hashes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A digest of a row's normalised values: equal digests mean an identical record."""
    text = pd.Series("", index=frame.index, dtype=object)
    for col in columns:
        values = frame[col].astype(object)
        text = text + "\x1f" + values.where(values.notna(), "").map(str)
    return text.map(lambda t: hashlib.md5(t.encode("utf-8"), usedforsecurity=False).hexdigest())


def table_for(contract: Contract) -> Table:
    return Base.metadata.tables[contract.table]


def _existing(conn: Connection, table: Table, contract: Contract, frame: pd.DataFrame) -> pd.DataFrame:
    lead = contract.key[-1]
    cols = [table.c[k] for k in contract.key] + [table.c.id, table.c.row_hash]
    parts = []
    values = frame[lead].unique().tolist()
    for start in range(0, len(values), _CHUNK):
        stmt = select(*cols).where(table.c[lead].in_(values[start : start + _CHUNK]))
        parts.append(pd.DataFrame(conn.execute(stmt).all(), columns=[*contract.key, "id", "row_hash"]))
    if not parts:
        return pd.DataFrame(columns=[*contract.key, "id", "row_hash"])
    return pd.concat(parts, ignore_index=True)


def _records(frame: pd.DataFrame, table: Table) -> list[dict]:
    cols = [c.name for c in table.columns if c.name in frame.columns and c.name != "id"]
    out = frame[cols].astype(object).where(frame[cols].notna(), None)
    return out.to_dict(orient="records")


def load_rows(conn: Connection, contract: Contract, frame: pd.DataFrame, batch_id: int) -> LoadCounts:
    """Insert or update ``frame`` (normalised rows with ``row_hash``) inside the caller's transaction."""
    if frame.empty:
        return LoadCounts(0, 0, 0)
    table = table_for(contract)
    frame = frame.assign(batch_id=batch_id)
    existing = _existing(conn, table, contract, frame)
    merged = frame.merge(existing, on=list(contract.key), how="left", suffixes=("", "_old"))
    new = merged[merged["id"].isna()]
    changed = merged[merged["id"].notna() & (merged["row_hash"] != merged["row_hash_old"])]
    if not new.empty:
        conn.execute(table.insert(), _records(new, table))
    if not changed.empty:
        records = _records(changed, table)
        for rec, rid in zip(records, changed["id"].astype(int), strict=True):
            rec["_id"] = rid
        stmt = table.update().where(table.c.id == bindparam("_id"))
        conn.execute(stmt, records)
    return LoadCounts(len(new), len(changed), len(merged) - len(new) - len(changed))
