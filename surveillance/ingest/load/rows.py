"""Write a validated chunk to the warehouse: new keys inserted in bulk, changed keys updated with
their previous version kept in ``record_revisions``, identical rows counted as duplicates."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Table, insert, select

from surveillance.ingest.contract import Contract
from surveillance.warehouse.bulk import bulk_insert, drop_table, temp_table_like
from surveillance.warehouse.models import Base, IngestBatch, RecordRevision

_CHUNK = 500


@dataclass
class LoadCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    days: Counter = field(default_factory=Counter)  # date -> rows inserted or updated
    refused: list[dict] = field(default_factory=list)  # corrections from another sender: quarantined, with the reason


def table_for(contract: Contract) -> Table:
    return Base.metadata.tables[contract.table]


def in_index_order(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """``frame`` in the order of the table's composite covering index (the injury counts index), if it has
    one: rows then enter that wide B-tree page by page rather than at random, which makes SQLite's inserts
    and commit of a big file cheaper. Tables with single-column indexes only keep the file's order."""
    composite = [ix for ix in table_for(contract).indexes if not ix.unique and len(ix.columns) > 1]
    if frame.empty or not composite:
        return frame
    columns = [c.name for c in max(composite, key=lambda ix: len(ix.columns)).columns if c.name in frame.columns]
    return frame.sort_values(columns, kind="stable", na_position="first") if columns else frame


def key_text(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    """One string per row naming its key (parts joined by a unit separator)."""
    text = frame[key[0]].astype(str).fillna("")
    for col in key[1:]:
        text = text + "\x1f" + frame[col].astype(str).fillna("")
    return text


def _existing(conn: Connection, table: Table, contract: Contract, frame: pd.DataFrame) -> pd.DataFrame:
    """Stored rows sharing a key with ``frame``: ids and stored hashes (keys bulk-copied, joined in the database)."""
    key = list(contract.key)
    stage = temp_table_like(conn, table.name, key)
    bulk_insert(conn, stage, frame, key)
    on = " AND ".join(f't."{k}" = s."{k}"' for k in key)
    cols = ", ".join(f's."{k}"' for k in key)
    rows = conn.exec_driver_sql(f'SELECT {cols}, t.id, t.row_hash, b.sender FROM "{stage}" s JOIN "{table.name}" t ON {on} '
                                f'JOIN ingest_batches b ON b.id = t.batch_id').all()
    drop_table(conn, stage)
    return pd.DataFrame(rows, columns=[*key, "id", "row_hash_old", "sender_old"])


def _keep_revisions(conn: Connection, table: Table, contract: Contract, ids: list[int], batch_id: int, now: datetime) -> None:
    for start in range(0, len(ids), _CHUNK):
        old = conn.execute(select(table).where(table.c.id.in_(ids[start : start + _CHUNK]))).mappings().all()
        conn.execute(insert(RecordRevision), [
            dict(source=contract.source, record_id=row["id"], record_key="/".join(str(row[k]) for k in contract.key),
                 data=json.dumps({k: v for k, v in row.items() if k != "id"}, ensure_ascii=False, default=str),
                 row_hash=row["row_hash"], batch_id=row["batch_id"], superseded_by_batch_id=batch_id, superseded_at=now)
            for row in old
        ])


def _update(conn: Connection, table: Table, frame: pd.DataFrame, columns: list[str]) -> None:
    """Replace the stored rows ``frame["id"]`` by ``frame``'s values (staged in bulk, one UPDATE)."""
    stage = temp_table_like(conn, table.name, ["id", *columns])
    bulk_insert(conn, stage, frame, ["id", *columns])
    assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns)
    conn.exec_driver_sql(f'UPDATE "{table.name}" SET {assignments} FROM "{stage}" s WHERE "{table.name}".id = s.id')
    drop_table(conn, stage)


def load_rows(conn: Connection, contract: Contract, frame: pd.DataFrame, batch_id: int,
              now: datetime | None = None) -> LoadCounts:
    """Insert or update ``frame`` (normalised rows with ``row_hash``) inside the caller's transaction."""
    if frame.empty:
        return LoadCounts()
    now = now or datetime.now()
    table = table_for(contract)
    frame = frame.assign(batch_id=batch_id)
    columns = [c.name for c in table.columns if c.name in frame.columns and c.name != "id"]
    existing = _existing(conn, table, contract, frame)
    merged = frame.merge(existing, on=list(contract.key), how="left")
    merged.index = frame.index
    new = merged[merged["id"].isna()]
    changed = merged[merged["id"].notna() & (merged["row_hash"] != merged["row_hash_old"])]
    sender = conn.execute(select(IngestBatch.sender).where(IngestBatch.id == batch_id)).scalar()
    # rows stored before senders were kept (NULL) may be corrected by anyone, as before
    foreign = changed["sender_old"].notna() & (changed["sender_old"].fillna("") != (sender or ""))
    refused = [_refusal(contract, row, sender) for _, row in changed[foreign].iterrows()]
    changed = changed[~foreign]
    changed = changed.assign(id=changed["id"].astype("int64"))
    bulk_insert(conn, table.name, new, columns)
    if not changed.empty:
        _keep_revisions(conn, table, contract, changed["id"].tolist(), batch_id, now)
        _update(conn, table, changed, columns)
    touched = pd.concat([new[contract.date_column], changed[contract.date_column]])
    days = Counter(date.fromisoformat(d) for d in touched.dropna().tolist())
    return LoadCounts(len(new), len(changed), len(frame) - len(new) - len(changed) - len(refused), days, refused)


def _refusal(contract: Contract, row: pd.Series, sender: str | None) -> dict:
    """A correction of a record another sender sent, as a quarantined row with the reason."""
    raw = {c: ("" if pd.isna(row[c]) else str(row[c])) for c in contract.names if c in row.index}
    key = "/".join(str(row[k]) for k in contract.key)
    message = (f"record {key} was sent by '{row['sender_old'] or '(no declared sender)'}'; a correction is accepted only "
               f"from that sender, not from '{sender or '(no declared sender)'}'")
    return dict(row_number=None, raw=json.dumps(raw, ensure_ascii=False),
                reasons=json.dumps([{"check": "sender", "column": ",".join(contract.key), "message": message}], ensure_ascii=False))
