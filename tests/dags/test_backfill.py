"""Airflow's own backfill (`airflow backfill create`, run by a real scheduler with the LocalExecutor) over
60 days of the demo leaves the warehouse exactly as 60 nightly runs do, its digests marked 补发; a second
backfill of a day already done changes nothing and sends nothing.

The nightly side runs ``nightly.run_day`` in this process; the Airflow side runs the DAG's tasks in
their own processes (ingest per file, detection per domain in parallel). Each side has its own
warehouse, built from the same demo files. Surrogate ids, timestamps and paths differ by nature and
are compared through what they refer to (natural keys, file names)."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import select

from surveillance.demo.generate import DemoSpec, generate
from surveillance.ingest.file import landed_files
from surveillance.ingest.run import ingest_files
from surveillance.nightly import run_day
from surveillance.settings import SOURCES, Settings, load_settings
from surveillance.warehouse.db import get_engine, upgrade
from surveillance.warehouse.models import Base

ROOT = Path(__file__).resolve().parents[2]
DAYS = 60
SPEC = DemoSpec(end=date(2026, 10, 31), years=1, daily_days=DAYS, injuries_per_day=30, inspections_per_day=10,
                food_samples_per_day=6, one_file_per_source=True)
BACKFILL_TIMEOUT_S = 30 * 60
SIGNALS = "surveillance://warehouse/signals"
RESTART: dict = {}  # AIRFLOW_HOME -> restarts that test's scheduler with other settings

# the scheduler forks its LocalExecutor workers, and they fork each task: libraries imported once there
# are inherited by every task instead of being imported again by each (great_expectations alone ~6 s);
# on the scheduler's path only, so the CLI calls start fast
PRELOAD = '''"""Imported by the scheduler of this test: its forked task processes inherit these."""
import great_expectations  # noqa: F401
import sklearn.linear_model  # noqa: F401

import surveillance.alerts.run  # noqa: F401
import surveillance.ingest.run  # noqa: F401
import surveillance.signals.detect  # noqa: F401
'''


@contextmanager
def surveillance_env(home: Path) -> Iterator[Settings]:
    with mock.patch.dict(os.environ, SURVEILLANCE_HOME=str(home), SURVEILLANCE_DB_URL=f"sqlite:///{home / 'warehouse.db'}",
                         SURVEILLANCE_SMTP="off"):
        yield load_settings()


def prepare(home: Path) -> None:
    """The demo's files landed and its history loaded, as before the first of the 60 nights."""
    with surveillance_env(home) as settings:
        upgrade(settings.db_url)
        generate(SPEC, settings.landing, settings.demo_truth)
        for source in SOURCES:
            run = ingest_files(settings, source, landed_files(settings.landing / source / "history"),
                               day=SPEC.daily_start - timedelta(days=1))
            assert not run.rejected


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def airflow(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Airflow's scheduler, DAG processor and API server (LocalExecutor), metadata on the machine's
    PostgreSQL when CI gives one, else SQLite; scheduled runs off, so only the backfill's runs exist."""
    home, preload = tmp_path / "airflow", tmp_path / "preload"
    home.mkdir()
    preload.mkdir()
    (preload / "airflow_local_settings.py").write_text(PRELOAD)
    port = free_port()
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False", AIRFLOW__CORE__EXECUTOR="LocalExecutor",
               AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="False", AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME="0.2",
               AIRFLOW__API__PORT=str(port),
               AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
               AIRFLOW__API_AUTH__JWT_SECRET="backfill-test", AIRFLOW__CORE__PARALLELISM="4",
               SURVEILLANCE_HOME=str(tmp_path / "airflow-side"),
               SURVEILLANCE_DB_URL=f"sqlite:///{tmp_path / 'airflow-side' / 'warehouse.db'}", SURVEILLANCE_SMTP="off")
    for name in ("AIRFLOW_CONN_SMTP_DEFAULT", "SURVEILLANCE_OPERATOR_EMAIL"):
        env.pop(name, None)
    pg = os.environ.get("SURVEILLANCE_TEST_PG_URL")
    database = f"airflow_backfill_{os.getpid()}"
    if pg:
        import psycopg

        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {database}")
        url = pg.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{database}"
        env.update(AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=url, AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC=url)
    else:
        env.update(AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}")
    env["METADATA_URL"] = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert airflow_cli(env, "db", "migrate").returncode == 0
    logs = {name: (home / f"{name}.log").open("w") for name in ("scheduler", "dag-processor", "api-server")}
    scheduler_env = dict(env, PYTHONPATH=os.pathsep.join(filter(None, [str(preload), env.get("PYTHONPATH")])))
    procs = [subprocess.Popen([airflow_bin(), name], env=scheduler_env if name == "scheduler" else env, stdout=log,
                              stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True) for name, log in logs.items()]

    def restart_scheduler(**settings: str) -> None:
        """The scheduler again, with other settings (the same logs, the same metadata)."""
        os.killpg(procs[0].pid, 9)
        procs[0].wait()
        procs[0] = subprocess.Popen([airflow_bin(), "scheduler"], env=dict(scheduler_env, **settings), stdout=logs["scheduler"],
                                    stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)

    RESTART[env["AIRFLOW_HOME"]] = restart_scheduler
    try:
        yield env
    finally:
        RESTART.pop(env["AIRFLOW_HOME"], None)
        for p in procs:
            os.killpg(p.pid, 9)
            p.wait()
        for log in logs.values():
            log.close()
        if pg:
            import psycopg

            with psycopg.connect(pg, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def airflow_bin() -> str:
    return str(Path(sys.executable).parent / "airflow")


def airflow_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([airflow_bin(), *args], env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)


def metadata(env: dict[str, str], sql: str) -> list[tuple]:
    """A query on Airflow's metadata database (the CLI would import the preloaded libraries each time)."""
    url = env["METADATA_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        return conn.execute(sql).fetchall()


def wait_until(what: str, check, timeout: float, env: dict[str, str]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(5)
    logs = "\n".join((Path(env["AIRFLOW_HOME"]) / f"{n}.log").read_text()[-3000:] for n in ("scheduler", "api-server"))
    pytest.fail(f"timed out waiting for {what}; runs: {runs_by_state(env)}\n{logs}")


def runs_by_state(env: dict[str, str]) -> dict[str, int]:
    return dict(metadata(env, "SELECT state, count(*) FROM dag_run WHERE run_type = 'backfill' GROUP BY state"))


def start_backfill(env: dict[str, str], first: date, last: date, *extra: str) -> str:
    """``airflow backfill create`` for the days ``first``..``last`` (a day's run starts at 02:00 Shanghai
    the next day, 18:00 UTC on the day), one run at a time, as README tells analysts; returns its output."""
    result = airflow_cli(env, "backfill", "create", "--dag-id", "surveillance_nightly", "--from-date", first.isoformat(),
                         "--to-date", (last + timedelta(days=1)).isoformat(), "--max-active-runs", "1", *extra)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def wait_for_backfill(env: dict[str, str]) -> None:
    wait_until("the backfill to complete",
               lambda: not metadata(env, "SELECT 1 FROM backfill WHERE completed_at IS NULL")
               and not runs_by_state(env).keys() - {"success", "failed"},
               BACKFILL_TIMEOUT_S, env)


VOLATILE = {"id", "record_id", "ingested_at", "marked_at", "created_at", "sent_at", "superseded_at", "attempted_at",
            "next_attempt_at", "message_id", "ran_at"}


def snapshot(home: Path) -> dict[str, list]:
    """Every warehouse table, its rows as comparable values: references through natural keys, paths
    relative to ``home``, timestamps of when things happened left out (whether they happened kept)."""
    engine = get_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as conn:
        tables = {t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in Base.metadata.sorted_tables}
    engine.dispose()
    batches = {r["id"]: r["file_name"] for r in tables["ingest_batches"]}
    refs = {"batch_id": batches, "superseded_by_batch_id": batches,
            "injury_report_id": {r["id"]: (r["hospital_code"], r["report_id"]) for r in tables["injury_reports"]},
            "episode_id": {r["id"]: (r["episode_key"], r["opened_on"]) for r in tables["episodes"]},
            "signal_id": {r["id"]: r["signal_key"] for r in tables["signals"]},
            "delivery_id": {r["id"]: (r["agency_id"], r["day"]) for r in tables["deliveries"]}}
    out = {}
    for name, rows in tables.items():
        norm = []
        for r in rows:
            row = {}
            for k, v in r.items():
                if k in VOLATILE:
                    continue
                if k in refs and v is not None:
                    v = refs[k][v]
                elif k == "recomputed_at":
                    v = v is not None
                elif k == "data" and name == "record_revisions":
                    v = {**json.loads(v), "batch_id": batches[json.loads(v)["batch_id"]]}
                elif isinstance(v, str):
                    v = v.replace(str(home), "<home>")
                row[k] = v
            norm.append(row)
        out[name] = sorted(norm, key=repr)
    return out


def digests(home: Path) -> dict[str, list[list[str]]]:
    """Each digest CSV's rows without the signal number (a surrogate id), by file name."""
    found = {}
    for path in sorted((home / "digests").rglob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        found[path.name] = [row[1:] for row in rows]
    return found


@pytest.mark.airflow
@pytest.mark.backfill
def test_a_60_day_backfill_leaves_the_warehouse_as_60_nightly_runs(airflow: dict[str, str], tmp_path: Path) -> None:
    nightly_home, airflow_home = tmp_path / "nightly-side", tmp_path / "airflow-side"
    prepare(airflow_home)
    assert airflow_cli(airflow, "dags", "reserialize").returncode == 0
    assert airflow_cli(airflow, "dags", "unpause", "surveillance_nightly").returncode == 0
    planned = start_backfill(airflow, SPEC.daily_start, SPEC.end, "--dry-run")
    assert planned.count("18:00:00") == DAYS, planned[-2000:]
    started = time.monotonic()
    start_backfill(airflow, SPEC.daily_start, SPEC.end)

    # the nightly side meanwhile, in this process: 60 runs of the same code, one day after another
    prepare(nightly_home)
    with surveillance_env(nightly_home) as settings:
        for i in range(DAYS):
            run_day(settings, SPEC.daily_start + timedelta(days=i), use_smtp=False)

    wait_for_backfill(airflow)
    elapsed = time.monotonic() - started
    assert runs_by_state(airflow) == {"success": DAYS}, f"after {elapsed:.0f} s"
    print(f"60-day backfill through Airflow: {elapsed:.0f} s")

    # each night's signals Asset once, after all its domains (the weekly DAG is scheduled on it)
    events = metadata(airflow, "SELECT e.source_run_id, count(*) FROM asset_event e JOIN asset a ON a.id = e.asset_id "
                               f"WHERE a.uri = '{SIGNALS}' GROUP BY e.source_run_id")
    assert len(events) == DAYS and {n for _, n in events} == {1}, events[:5]

    nightly, backfilled = snapshot(nightly_home), snapshot(airflow_home)
    assert len(nightly["injury_reports"]) > 8_000 and len(nightly["signals"]) > 20 and len(nightly["deliveries"]) > 20
    assert {r["status"] for r in nightly["episodes"]} >= {"resolved"}
    for row in nightly["deliveries"]:  # nightly digests are plain, backfilled ones say 补发
        assert not row.pop("catch_up") and not row["subject"].startswith("【补发】")
    for row in backfilled["deliveries"]:
        assert row.pop("catch_up") and row["subject"].startswith("【补发】")
        row["subject"] = row["subject"].removeprefix("【补发】")
    for table in nightly:
        assert backfilled[table] == nightly[table], f"{table} differs"
    assert digests(airflow_home) == digests(nightly_home) != {}

    # a day backfilled again (its run recreated): nothing changes, nothing is sent twice
    start_backfill(airflow, SPEC.end, SPEC.end, "--reprocess-behavior", "completed")
    wait_for_backfill(airflow)
    assert set(runs_by_state(airflow)) == {"success"}
    again = snapshot(airflow_home)
    for row in again["deliveries"]:
        row.pop("catch_up")
        row["subject"] = row["subject"].removeprefix("【补发】")
    assert again == backfilled

    # the weekly summary, started by the scheduler from a night's signals event, after every domain is done: the
    # scheduler, now creating scheduled runs, starts the nightly DAG's latest run, whose alert task (after every detection) starts the week
    assert airflow_cli(airflow, "dags", "unpause", "surveillance_weekly").returncode == 0
    RESTART[airflow["AIRFLOW_HOME"]](AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="True")
    wait_until("the weekly DAG triggered by the night's signals",
               lambda: metadata(airflow, "SELECT count(*) FROM dag_run WHERE dag_id = 'surveillance_weekly' "
                                         "AND state IN ('success', 'failed')")[0][0] >= 1, 900, airflow)
    weekly = metadata(airflow, "SELECT run_type, state FROM dag_run WHERE dag_id = 'surveillance_weekly'")
    assert weekly == [("asset_triggered", "success")], weekly
    night = metadata(airflow, "SELECT run_id FROM dag_run WHERE dag_id = 'surveillance_nightly' AND run_type = 'scheduled'")
    assert len(night) == 1, night
    early = metadata(airflow, "SELECT count(*) FROM dag_run w WHERE w.dag_id = 'surveillance_weekly' AND w.start_date < "
                              "(SELECT max(t.end_date) FROM task_instance t WHERE t.dag_id = 'surveillance_nightly' "
                              f"AND t.run_id = '{night[0][0]}' AND t.task_id LIKE 'detect%')")
    assert early == [(0,)]
    events = metadata(airflow, "SELECT count(*) FROM asset_event e JOIN asset a ON a.id = e.asset_id "
                               f"WHERE a.uri = '{SIGNALS}' AND e.source_run_id = '{night[0][0]}'")
    assert events == [(1,)]
    assert list((airflow_home / "reports").rglob("weekly.html"))
