"""Ingest one landed file end to end, with every row accounted for.

rows read = rows loaded + rows quarantined + rows duplicate, for every accepted file.
The batch record, its quarantined rows and its loaded rows commit in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from surveillance.ingest import pii
from surveillance.ingest.contract import CONTRACTS, Contract
from surveillance.ingest.load import load_rows, row_hashes
from surveillance.ingest.normalise import normalise
from surveillance.ingest.readers import FileRejected, content_hash, read_file
from surveillance.ingest.validate import validate
from surveillance.warehouse.models import IngestBatch, QuarantinedRow

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    file: str
    source: str
    status: str  # accepted | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    error: str | None = None
    batch_id: int | None = None
    already_ingested: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        if self.status == "rejected":
            return f"REJECTED {self.file}: {self.error}"
        note = " (already ingested: nothing new)" if self.already_ingested else ""
        return (f"accepted {self.file}: read {self.rows_read} = loaded {self.rows_loaded}"
                f" + quarantined {self.rows_quarantined} + duplicate {self.rows_duplicate}{note}")


def _previous_batch(engine: Engine, source: str, digest: str):
    with engine.connect() as conn:
        return conn.execute(
            select(IngestBatch.id, IngestBatch.status, IngestBatch.error, IngestBatch.rows_read)
            .where(IngestBatch.source == source, IngestBatch.content_hash == digest)
        ).first()


def _record_rejection(engine: Engine, path: Path, source: str, digest: str, error: str) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(IngestBatch).returning(IngestBatch.id),
            dict(source=source, file_name=path.name, file_path=str(path), content_hash=digest,
                 status="rejected", error=error, ingested_at=datetime.now()),
        ).scalar_one()


def _split(contract: Contract, raw: pd.DataFrame, salt: str, today: date):
    """Scrub, normalise, de-duplicate and validate: (good frame, quarantine rows, duplicate count)."""
    raw = pii.scrub(raw, salt)
    frame, problems = normalise(contract, raw)
    frame["row_hash"] = row_hashes(frame, [c for c in frame.columns if c != "row_hash"])
    reasons: dict[int, list[dict]] = defaultdict(list)
    for row, column, message in problems:
        reasons[row].append({"check": "parse", "column": column, "message": message})

    keys = frame[list(contract.key)].astype(str).agg("\x1f".join, axis=1)
    first_hash = frame.groupby(keys, sort=False)["row_hash"].transform("first")
    repeated = keys.duplicated(keep="first")
    exact_dup = repeated & (frame["row_hash"] == first_hash)
    for row in frame.index[repeated & ~exact_dup]:
        reasons[row].append({"check": "unique_key", "column": ",".join(contract.key),
                             "message": "key repeated in this file with different values"})

    candidates = frame[~exact_dup]
    failures, errors = validate(contract.source, candidates.drop(columns=["row_hash"]), today)
    if errors:
        raise FileRejected("validation could not run: " + "; ".join(errors))
    positions = candidates.index
    for f in failures:
        row = positions[f.row]
        if any(r["column"] == f.column and r["check"] == "parse" for r in reasons[row]):
            continue  # the parse problem already says why this value is missing
        reasons[row].append({"check": f.expectation, "column": f.column, "message": f"value '{f.value}'" if f.value else "missing value"})

    bad = [r for r in reasons if reasons[r] and not exact_dup[r]]
    quarantine = [
        dict(row_number=int(r) + 1, raw=json.dumps(raw.loc[r].to_dict(), ensure_ascii=False),
             reasons=json.dumps(reasons[r], ensure_ascii=False))
        for r in sorted(bad)
    ]
    good = frame[~exact_dup & ~frame.index.isin(bad)]
    return good, quarantine, int(exact_dup.sum())


def ingest_file(engine: Engine, path: Path, source: str, salt: str, today: date | None = None) -> IngestResult:
    """Ingest ``path`` as ``source``; never raises for bad input, reports it in the result."""
    contract = CONTRACTS[source]
    today = today or date.today()
    path = Path(path)
    result = IngestResult(file=str(path), source=source, status="rejected")
    try:
        digest = content_hash(path.read_bytes())
    except OSError as exc:
        result.error = f"cannot read file: {exc.strerror}"
        return result
    previous = _previous_batch(engine, source, digest)
    if previous is not None:
        result.status, result.error, result.batch_id = previous.status, previous.error, previous.id
        result.rows_read = result.rows_duplicate = previous.rows_read
        result.already_ingested = True
        return result
    try:
        raw = read_file(path, contract)
        good, quarantine, duplicates = _split(contract, raw.frame, salt, today)
    except FileRejected as exc:
        result.error = str(exc)
        result.batch_id = _record_rejection(engine, path, source, digest, result.error)
        return result

    dates = good[contract.date_column].dropna()
    with engine.begin() as conn:
        batch_id = conn.execute(
            insert(IngestBatch).returning(IngestBatch.id),
            dict(source=source, file_name=path.name, file_path=str(path), content_hash=digest,
                 status="accepted", rows_read=len(raw.frame), encoding=raw.encoding,
                 first_day=dates.min() if len(dates) else None, last_day=dates.max() if len(dates) else None,
                 ingested_at=datetime.now()),
        ).scalar_one()
        if quarantine:
            conn.execute(insert(QuarantinedRow), [dict(q, batch_id=batch_id, source=source) for q in quarantine])
        counts = load_rows(conn, contract, good, batch_id)
        loaded = counts.inserted + counts.updated
        dup_total = duplicates + counts.unchanged
        conn.execute(update(IngestBatch).where(IngestBatch.id == batch_id).values(
            rows_loaded=loaded, rows_quarantined=len(quarantine), rows_duplicate=dup_total))
    result.status, result.batch_id = "accepted", batch_id
    result.rows_read, result.rows_loaded = len(raw.frame), loaded
    result.rows_quarantined, result.rows_duplicate = len(quarantine), dup_total
    log.info(result.line())
    return result


def landed_files(landing_dir: Path) -> list[Path]:
    """Files waiting in one landing folder, in name order."""
    if not landing_dir.is_dir():
        return []
    return sorted(p for p in landing_dir.iterdir() if p.is_file() and not p.name.startswith("."))
