"""Shared fixtures: an isolated SURVEILLANCE_HOME with a fresh SQLite warehouse per test."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, text

from surveillance.settings import DEMO_SALT_VARIABLE, Settings, load_settings
from surveillance.warehouse.db import get_engine, upgrade
from surveillance.warehouse.models import Base, IngestBatch

TODAY = date(2026, 11, 27)


def pytest_configure(config: pytest.Config) -> None:
    # the tests hash made-up patients with the placeholder key, as the demo does (a real run refuses it);
    # set before any test so that subprocesses (CLI, Airflow) inherit it
    os.environ[DEMO_SALT_VARIABLE] = "1"


@pytest.hookimpl(trylast=True)  # after -m has deselected what will not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the R reference runs of the selected R tests now, in the background: R computes while the
    other tests run, and each R test waits for its own run (tests/signals/reference_r.py)."""
    from tests.signals.reference_r import start_in_background

    wanted = [getattr(getattr(item, "module", None), "R_REFERENCE", None) for item in items if item.get_closest_marker("r")]
    for reference in dict.fromkeys(r for r in wanted if r):
        start_in_background(*reference)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests.signals.reference_r import stop_background

    stop_background()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SURVEILLANCE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("SURVEILLANCE_DB_URL", f"sqlite:///{tmp_path / 'var' / 'warehouse.db'}")
    monkeypatch.setenv("SURVEILLANCE_SMTP", "off")
    s = load_settings()
    upgrade(s.db_url)
    return s


@pytest.fixture
def engine(settings: Settings):
    return get_engine(settings.db_url)


def add_batch(conn: Connection, source: str, day: date, batch_id: int = 1, run_day: date | None = None) -> int:
    """An accepted ingest batch that rows loaded straight into the warehouse by a test can belong to
    (``run_day``: the night it arrived; without it, its results arrive on ``day``, its ingest date)."""
    conn.execute(insert(IngestBatch), dict(id=batch_id, source=source, file_name="t", file_path="t", content_hash=f"t{batch_id}",
                                           status="accepted", ingested_at=day, run_day=run_day))
    return batch_id


def reset_postgres(url: str) -> None:
    eng = get_engine(url)
    with eng.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("SURVEILLANCE_TEST_PG_URL")
    if not url:
        pytest.skip("SURVEILLANCE_TEST_PG_URL is not set: PostgreSQL tests need a server (CI sets it)")
    reset_postgres(url)
    return url


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


INJURY_HEADER_ZH = ["报告卡编号", "医院编码", "行政区划代码", "就诊日期", "性别", "年龄", "伤害原因", "伤害意图",
                    "伤害性质", "受伤部位", "严重程度", "结局", "产品分类代码", "产品名称", "伤害经过"]


def injury_row(report_id: str, **over: str) -> list[str]:
    row = dict(report_id=report_id, hospital_code="H61010201", region_code="610102", visit_date="2026-11-20",
               sex="男", age="35岁", injury_cause="烧烫伤", injury_intent="非故意", injury_nature="烧烫伤",
               body_part="上肢", severity="轻度", outcome="处理后离院", product_code="P0201",
               product_name="电热水壶", narrative="烧水时烫伤")
    row.update(over)
    return list(row.values())
