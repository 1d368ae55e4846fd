"""Quarantined rows for people: listing them with reasons and exporting them for the sender to fix."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from surveillance.excel_csv import excel_csv
from surveillance.settings import Settings
from surveillance.warehouse.db import get_engine
from surveillance.warehouse.models import IngestBatch, QuarantinedRow

EXPORT_HEADER = ["批次", "来源", "文件", "行号", "原因"]


def quarantined_rows(settings: Settings, source: str | None = None, batch_id: int | None = None,
                     limit: int | None = 50) -> list[dict]:
    """Quarantined rows, oldest first, with the file they came from and decoded reasons and raw values."""
    stmt = (select(QuarantinedRow.batch_id, QuarantinedRow.source, IngestBatch.file_name, QuarantinedRow.row_number,
                   QuarantinedRow.reasons, QuarantinedRow.raw)
            .join(IngestBatch, IngestBatch.id == QuarantinedRow.batch_id).order_by(QuarantinedRow.id))
    if source:
        stmt = stmt.where(QuarantinedRow.source == source)
    if batch_id is not None:
        stmt = stmt.where(QuarantinedRow.batch_id == batch_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with get_engine(settings.db_url).connect() as conn:
        return [dict(batch_id=b, source=s, file_name=f, row_number=n, reasons=json.loads(r), raw=json.loads(raw))
                for b, s, f, n, r, raw in conn.execute(stmt)]


def reason_text(reasons: list[dict]) -> str:
    return "; ".join(f"{r['column'] or 'line'}: {r['check']} ({r['message']})" for r in reasons)


def export(rows: list[dict], path: Path, fmt: str = "csv") -> None:
    """CSV (BOM, formulas neutralised, one column per raw field) or JSON Lines (one object per row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return
    fields = list(dict.fromkeys(k for r in rows for k in r["raw"]))
    body = [[r["batch_id"], r["source"], r["file_name"], r["row_number"] or "", reason_text(r["reasons"])]
            + [r["raw"].get(k, "") for k in fields] for r in rows]
    path.write_bytes(excel_csv(EXPORT_HEADER + fields, body))
