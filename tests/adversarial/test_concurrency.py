"""Two runs of the same day at once, on SQLite and on PostgreSQL: the second waits or stops with a clear
message; no duplicate signals, alerts, deliveries or emails; no lost rows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveillance.warehouse.models import Alert, Delivery, FoodResult, InjuryReport, Signal
from tests.adversarial.conftest import DAY, FOOD_HEADER, ROOT, csv_bytes, food_row, land
from tests.alerts.test_smtp_delivery import smtp_server
from tests.conftest import INJURY_HEADER_ZH, injury_row

pytestmark = [pytest.mark.adversarial, pytest.mark.smtp]

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def warehouse(request: pytest.FixtureRequest, settings, monkeypatch: pytest.MonkeyPatch):
    if request.param == "postgres":
        monkeypatch.setenv("SURVEILLANCE_DB_URL", request.getfixturevalue("pg_url"))
        from surveillance.settings import load_settings
        from surveillance.warehouse.db import upgrade

        settings = load_settings()
        upgrade(settings.db_url)
    return settings


def _land_night(settings) -> int:
    rows = [food_row(f"C{i}", result="0.9" if i % 7 == 0 else "0.05") for i in range(60)]
    land(settings, "food", "lab.csv", csv_bytes(FOOD_HEADER, rows))
    land(settings, "injury", "H61010201.csv", csv_bytes(INJURY_HEADER_ZH, [injury_row(f"R{i}") for i in range(40)]))
    return 100


def _start(*args: str) -> subprocess.Popen:
    import os
    import sys

    return subprocess.Popen([str(Path(sys.executable).parent / "surveillance"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ), cwd=ROOT)


def _state(engine) -> dict:
    with engine.connect() as conn:
        return dict(
            rows=conn.execute(select(func.count()).select_from(FoodResult)).scalar()
            + conn.execute(select(func.count()).select_from(InjuryReport)).scalar(),
            signals=conn.execute(select(func.count()).select_from(Signal)).scalar(),
            signal_keys=conn.execute(select(func.count(func.distinct(Signal.signal_key)))).scalar(),
            alerts=conn.execute(select(func.count()).select_from(Alert)).scalar(),
            deliveries=conn.execute(select(func.count()).select_from(Delivery)).scalar(),
            sent=conn.execute(select(func.count()).select_from(Delivery).where(Delivery.status == "sent")).scalar())


@pytest.mark.parametrize("warehouse", BACKENDS, indirect=True)
def test_two_runs_of_one_day_at_once(warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    from surveillance.warehouse.db import get_engine

    settings = warehouse
    engine = get_engine(settings.db_url)
    expected_rows = _land_night(settings)
    monkeypatch.delenv("SURVEILLANCE_SMTP", raising=False)
    with smtp_server(monkeypatch) as inbox:
        # at once, neither waiting: one runs, the other stops with a clear message (or finds the day done)
        procs = [_start("run", "--day", DAY.isoformat()) for _ in range(2)]
        outs = [(p.wait(timeout=600), *p.communicate()) for p in procs]
        codes = sorted(code for code, _, _ in outs)
        assert codes in ([0, 0], [0, 3]), [o[2][-1500:] for o in outs]
        if codes == [0, 3]:
            stopped = next(err for code, _, err in outs if code == 3)
            assert "another process is running 'surveillance run --day" in stopped and "Traceback" not in stopped
        first = _state(engine)
        assert first["rows"] == expected_rows and first["signals"] == first["signal_keys"] > 0
        assert first["deliveries"] == first["sent"] == len(inbox.messages) > 0

        # at once, the second waiting for the first: both finish, the second changes nothing
        procs = [_start("run", "--day", DAY.isoformat(), "--wait", "600") for _ in range(2)]
        assert [p.wait(timeout=600) for p in procs] == [0, 0], [p.communicate()[1][-1500:] for p in procs]
        # two alert stages at once (an operator by hand beside the scheduler's task): each digest once
        procs = [_start("alert", "--day", DAY.isoformat()) for _ in range(2)]
        assert [p.wait(timeout=600) for p in procs] == [0, 0]
        assert _state(engine) == first and len(inbox.messages) == first["deliveries"]
