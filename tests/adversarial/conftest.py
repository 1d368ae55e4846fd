"""Helpers of the adversarial suite: landing hostile files and reading back what the product made of them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from surveillance.warehouse.models import Delivery, DeliveryRecipient, FoodResult, IngestBatch, QuarantinedRow, Signal

DAY = date(2026, 11, 20)
FOOD_HEADER = ["样品编号", "采样日期", "行政区划代码", "食品类别", "食品名称", "采样环节", "检测项目", "检测结果", "单位",
               "检出限", "限量值", "限量标准"]
ROOT = Path(__file__).resolve().parents[2]


def food_row(sample: str, **over: str) -> list[str]:
    row = dict(sample_id=sample, sampling_date=DAY.isoformat(), region_code="610302", food_category="谷物及其制品",
               food_name="大米", sampling_stage="流通", analyte="镉", result="0.05", unit="mg/kg", lod="0.003",
               limit="0.2", standard="GB 2762-2017")
    row.update(over)
    return list(row.values())


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode(encoding)


def land(settings, source: str, name: str, content: bytes, day: date = DAY) -> Path:
    folder = settings.landing_dir(source, day)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def accounted(engine) -> None:
    """For every accepted file: rows read = loaded + quarantined + duplicate, and the quarantine holds them."""
    with engine.connect() as conn:
        for b in conn.execute(select(IngestBatch).where(IngestBatch.status == "accepted")).all():
            assert b.rows_read == b.rows_loaded + b.rows_quarantined + b.rows_duplicate, b.file_name
            kept = conn.execute(select(func.count()).select_from(QuarantinedRow).where(QuarantinedRow.batch_id == b.id)).scalar()
            assert kept == b.rows_quarantined, b.file_name


def reasons(engine) -> list[str]:
    with engine.connect() as conn:
        return [r["message"] for (text,) in conn.execute(select(QuarantinedRow.reasons)) for r in json.loads(text)]


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(model)).scalar()
                for name, model in (("food", FoodResult), ("signals", Signal), ("deliveries", Delivery),
                                    ("recipients", DeliveryRecipient), ("batches", IngestBatch))}


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """``surveillance ARGS`` in its own process, as an analyst types it."""
    return subprocess.run([str(Path(sys.executable).parent / "surveillance"), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, cwd=ROOT)
