"""The same pipeline on PostgreSQL (set SURVEILLANCE_TEST_PG_URL; CI points it at the machine's server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from surveillance.ingest.file import ingest_file
from surveillance.warehouse.db import get_engine, upgrade
from tests.conftest import INJURY_HEADER_ZH, TODAY, injury_row, write_csv

pytestmark = pytest.mark.postgres


def test_schema_ingest_and_idempotency_on_postgres(pg_url: str, tmp_path: Path) -> None:
    upgrade(pg_url)
    engine = get_engine(pg_url)
    assert {"injury_reports", "ingest_batches", "signals", "alerts", "deliveries"} <= set(
        inspect(engine).get_table_names())
    path = write_csv(tmp_path / "a.csv", INJURY_HEADER_ZH,
                     [injury_row("R1"), injury_row("R2", region_code="000000"), injury_row("R1")])
    first = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (first.rows_read, first.rows_loaded, first.rows_quarantined, first.rows_duplicate) == (3, 1, 1, 1)
    again = ingest_file(engine, path, "injury", "salt", TODAY)
    assert again.already_ingested
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from injury_reports")).scalar() == 1
        assert conn.execute(text("select count(*) from quarantined_rows")).scalar() == 1


def test_bulk_copy_corrections_and_revised_days_on_postgres(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import json
    from datetime import date

    from surveillance.ingest.read import csv_text
    from surveillance.warehouse import bulk

    upgrade(pg_url)
    engine = get_engine(pg_url)
    copied = []
    real_csv = bulk.csv_for_copy
    monkeypatch.setattr(bulk, "csv_for_copy", lambda frame, cols: copied.append(len(frame)) or real_csv(frame, cols))
    monkeypatch.setattr(csv_text, "BLOCK_BYTES", 700)  # several chunks in one transaction
    rows = [injury_row(f"R{i}", visit_date="2026-11-2" + str(i % 6), narrative='他说"很烫",然后\n离开') for i in range(25)]
    with (tmp_path / "H61010201_a.csv").open("w", encoding="utf-8", newline="") as fh:  # quoted fields with quotes, commas, newlines
        csv.writer(fh).writerows([INJURY_HEADER_ZH, *rows])
    first = ingest_file(engine, tmp_path / "H61010201_a.csv", "injury", "salt", TODAY, day=date(2026, 11, 26))
    assert (first.rows_read, first.rows_loaded) == (25, 25) and sum(copied) >= 25  # rows went through COPY
    fix = write_csv(tmp_path / "H61010201_b.csv", INJURY_HEADER_ZH, [injury_row("R1", visit_date="2026-11-21", severity="重度")])
    fixed = ingest_file(engine, fix, "injury", "salt", TODAY, day=date(2026, 11, 26))
    assert (fixed.rows_loaded, fixed.rows_updated, fixed.revised_days) == (1, 1, ["2026-11-21"])
    with engine.connect() as conn:
        assert conn.execute(text("select severity from injury_reports where report_id = 'R1'")).scalar() == "重度"
        old = conn.execute(text("select data from record_revisions")).scalar()
        assert json.loads(old)["severity"] == "轻度"
        assert conn.execute(text("select narrative from injury_reports where report_id = 'R2'")).scalar() == '他说"很烫",然后\n离开'
        assert conn.execute(text("select count(*) from revised_days")).scalar() == 6  # 2026-11-20 .. 25, all before the run day


def test_detect_and_alert_on_postgres(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from surveillance.alerts.run import alert_day
    from surveillance.settings import load_settings
    from surveillance.signals.detect import detect_day

    monkeypatch.setenv("SURVEILLANCE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("SURVEILLANCE_DB_URL", pg_url)
    upgrade(pg_url)
    engine = get_engine(pg_url)
    header = ["样品编号", "采样日期", "行政区划代码", "食品类别", "食品名称", "采样环节", "检测项目", "检测结果", "单位"]
    path = write_csv(tmp_path / "f.csv", header, [["S1", "2026-11-20", "610102", "F01", "大米", "流通", "镉", "0.5", "mg/kg"]])
    assert ingest_file(engine, path, "food", "salt", TODAY, day=date(2026, 11, 20)).rows_loaded == 1  # arrives that night
    assert detect_day(engine, date(2026, 11, 20))["new"] == 1
    summary = alert_day(engine, load_settings(), date(2026, 11, 20), use_smtp=False)
    assert summary["digests_built"] == summary["sent"] > 0
    assert alert_day(engine, load_settings(), date(2026, 11, 20), use_smtp=False)["digests_built"] == 0
