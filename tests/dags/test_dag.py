"""DAG integrity, the day a run processes, and one real night through `airflow dags test`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from surveillance.airflow_support import day_for_run, day_from_asset_events, is_backfill

ROOT = Path(__file__).resolve().parents[2]


def test_day_for_run() -> None:
    run = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 02:00 on the 27th in Shanghai
    assert day_for_run({"data_interval_end": run})[0] == date(2026, 11, 26)
    assert day_for_run({"dag_run": SimpleNamespace(conf={"day": "2026-01-05"}), "data_interval_end": run})[0] == \
        date(2026, 1, 5)
    assert day_for_run({"params": {"day": "2026-01-06"}, "data_interval_end": run})[0] == date(2026, 1, 6)
    assert day_for_run({"params": {"day": None}, "data_interval_end": run})[0] == date(2026, 11, 26)
    now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    day, why = day_for_run({"logical_date": None, "data_interval_end": None}, now=now)
    assert day == date(2026, 11, 26) and "no logical date" in why


def test_backfill_runs_and_asset_days() -> None:
    assert is_backfill({"dag_run": SimpleNamespace(run_type="backfill")})
    assert not is_backfill({"dag_run": SimpleNamespace(run_type="scheduled")})
    assert not is_backfill({"dag_run": None})
    from airflow.sdk import Asset

    event = SimpleNamespace(extra={"day": "2026-11-22", "domain": "food"})
    signals, other = Asset("surveillance://warehouse/signals"), Asset("surveillance://warehouse/food_results")
    assert day_from_asset_events({"triggering_asset_events": {other: [SimpleNamespace(extra={"day": "2026-01-01"})],
                                                              signals: [event]}}, signals.uri) == date(2026, 11, 22)
    assert day_from_asset_events({}, signals.uri) is None
    # several nights' events, in no order: the latest night, wherever it stands in the list (issue #32)
    nights = [SimpleNamespace(extra={"day": d}) for d in ("2026-11-25", "2026-11-26", "2026-11-24")]
    assert day_from_asset_events({"triggering_asset_events": {signals: nights}}, signals.uri) == date(2026, 11, 26)
    assert day_from_asset_events({"triggering_asset_events": {signals: [SimpleNamespace(extra=None)]}}, signals.uri) is None


@pytest.mark.parametrize("dag_file", ["dags/surveillance_nightly.py", "dags/surveillance_weekly.py"])
def test_dag_file_imports_fast_without_heavy_modules(dag_file: str) -> None:
    """The scheduler parses DAG files every few seconds: past Airflow's own SDK, a file takes under half a
    second and imports nothing heavy (the work's imports are inside the tasks)."""
    code = (f"import sys,time; import airflow.sdk; t=time.time(); import runpy; runpy.run_path('{dag_file}'); "
            "heavy=[m for m in ('great_expectations','pandas','sklearn','surveillance.ingest.file') "
            "if m in sys.modules]; print(heavy); print(time.time()-t)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    heavy, elapsed = out.strip().splitlines()[-2:]
    assert heavy == "[]"
    assert float(elapsed) < 0.5, f"{dag_file} takes {float(elapsed):.2f} s to import past airflow.sdk"


INTEGRITY = """
import json
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.definitions.param import ParamValidationError
bag = DagBag(dag_folder='dags')
out = {"errors": {k: str(v)[:500] for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, d in bag.dags.items():
    day = d.params.get_param("day")
    checks = {}
    for value in ("2026-11-20", None, "2026-13-45", "yesterday"):
        try:
            day.resolve(value)
            checks[str(value)] = "ok"
        except ParamValidationError:
            checks[str(value)] = "rejected"
    out["dags"][dag_id] = {"tags": sorted(d.tags), "owners": sorted({t.owner for t in d.tasks}),
                           "retries": {t.task_id: t.retries for t in d.tasks}, "day": checks,
                           "callback": d.on_failure_callback is not None}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def dagbag() -> dict:
    import json

    out = subprocess.run([sys.executable, "-c", INTEGRITY], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_dags_load_without_import_errors(dagbag: dict) -> None:
    assert dagbag["errors"] == {}
    assert set(dagbag["dags"]) == {"surveillance_nightly", "surveillance_weekly"}


# tasks that must not retry, and why: resolving the day is pure; a verdict re-run changes nothing
NO_RETRY = {"surveillance_nightly": {"resolve_day", "verdict"}, "surveillance_weekly": set()}


@pytest.mark.parametrize("dag_id", ["surveillance_nightly", "surveillance_weekly"])
def test_dag_integrity(dagbag: dict, dag_id: str) -> None:
    """Tags, an owner that is not Airflow's default, retries on every task that touches the database, files
    or SMTP, the operator's failure email, and the day as a run parameter validated as a date."""
    dag = dagbag["dags"][dag_id]
    assert "surveillance" in dag["tags"] and len(dag["tags"]) >= 2
    assert dag["owners"] == ["surveillance"]
    assert {t for t, n in dag["retries"].items() if n == 0} == NO_RETRY[dag_id]
    assert all(n >= 3 for t, n in dag["retries"].items() if t not in NO_RETRY[dag_id])
    assert dag["callback"]
    assert dag["day"] == {"2026-11-20": "ok", "None": "ok", "2026-13-45": "rejected", "yesterday": "rejected"}


def test_the_signals_asset_is_emitted_once_after_every_domain() -> None:
    """The weekly DAG is scheduled on the signals Asset: one task emits it, downstream of every detection,
    so the week is never built from the first domain's signals alone."""
    code = ("from airflow.dag_processing.dagbag import DagBag; b=DagBag(dag_folder='dags'); "
            "d=b.dags['surveillance_nightly']; "
            "print([(t.task_id, sorted(t.upstream_task_ids)) for t in d.tasks "
            "if any(getattr(o, 'uri', '') == 'surveillance://warehouse/signals' for o in t.outlets)])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == \
        "[('alert', ['detect_food', 'detect_injury', 'detect_inspection', 'resolve_day'])]", out.stderr[-2000:]


METADATA = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def airflow_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Airflow's home in ``tmp_path``, its metadata DB on SQLite or on the machine's PostgreSQL (a fresh
    database, LocalExecutor) as the test's ``metadata`` parameter says."""
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path / "airflow"), AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False", SURVEILLANCE_HOME=str(tmp_path / "var"),
               SURVEILLANCE_DB_URL=f"sqlite:///{tmp_path / 'var' / 'warehouse.db'}", SURVEILLANCE_SMTP="off")
    env.pop("AIRFLOW_CONN_SMTP_DEFAULT", None)
    env.pop("SURVEILLANCE_OPERATOR_EMAIL", None)
    if request.param == "sqlite":
        yield env
        return
    url = os.environ.get("SURVEILLANCE_TEST_PG_URL")
    if not url:
        pytest.skip("SURVEILLANCE_TEST_PG_URL is not set: Airflow on PostgreSQL needs a server (CI sets it)")
    import psycopg

    name = f"airflow_meta_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    env.update(AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"{base}/{name}", AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC=f"{base}/{name}",
               AIRFLOW__CORE__EXECUTOR="LocalExecutor")
    try:
        yield env
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_in(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / args[0]), *args[1:]], env=env, capture_output=True,
                          text=True, timeout=600, cwd=ROOT)


FOOD = "样品编号,采样日期,行政区划代码,食品类别,食品名称,采样环节,检测项目,检测结果,单位\nS1,2026-11-20,610102,F01,大米,流通,镉,0.5,mg/kg\n"


def land(tmp_path: Path, source: str, name: str, content: bytes) -> None:
    folder = tmp_path / "var" / "landing" / source / "2026-11-20"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)


@pytest.mark.airflow
@pytest.mark.parametrize("airflow_env", METADATA, indirect=True)
def test_dagbag_and_one_night_through_airflow(airflow_env: dict[str, str], tmp_path: Path) -> None:
    env = airflow_env
    assert run_in(env, "airflow", "db", "migrate").returncode == 0
    errors = subprocess.run([sys.executable, "-c", (
        "from airflow.dag_processing.dagbag import DagBag; b=DagBag(); "
        "print(b.import_errors); d=b.dags['surveillance_nightly']; "
        "print(sorted(d.tags), d.default_args['owner'], d.default_args['retries'], len(d.tasks), d.max_active_runs); "
        "w=b.get_dag('surveillance_weekly'); print(sorted(w.tags), w.default_args['retries'], "
        "sorted(a.uri for a in w.timetable.asset_condition.iter_assets().values() if hasattr(a, 'uri')) "
        "if hasattr(w.timetable.asset_condition, 'iter_assets') else w.timetable.asset_condition)")],
        env=env, capture_output=True, text=True, cwd=ROOT)
    lines = errors.stdout.strip().splitlines()
    # resolve_day, landed x3, ingest x3 (mapped per file), detect x3 (per domain), alert, verdict; one run at a time
    assert lines[-3] == "{}" and lines[-2] == "['nightly', 'surveillance'] surveillance 3 12 1", errors.stderr[-2000:]
    assert lines[-1].startswith("['surveillance', 'weekly'] 3") and "surveillance://warehouse/signals" in lines[-1]
    assert run_in(env, "surveillance", "db", "upgrade").returncode == 0
    land(tmp_path, "food", "lab.csv", FOOD.encode())
    started = time.time()
    result = run_in(env, "airflow", "dags", "test", "surveillance_nightly", "2026-11-21")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "processing 2026-11-20" in result.stdout + result.stderr
    emails = list((tmp_path / "var" / "outbox" / "2026-11-20").glob("*.eml"))
    assert emails, f"no email after {time.time() - started:.0f}s"
    # the weekly summary (a manual run: the week before the run's day) for the coordinating office
    weekly = run_in(env, "airflow", "dags", "test", "surveillance_weekly", "2026-11-24")
    assert weekly.returncode == 0, weekly.stdout[-3000:] + weekly.stderr[-3000:]
    assert (tmp_path / "var" / "reports" / "2026-11-22" / "weekly.html").exists()
    assert (tmp_path / "var" / "outbox" / "2026-11-22" / "SX-ZLB-WEEKLY.eml").exists()


@pytest.mark.airflow
@pytest.mark.smtp
@pytest.mark.parametrize("airflow_env", METADATA, indirect=True)
def test_a_bad_file_fails_alone_the_run_ends_failed_and_the_operator_gets_one_email(
        airflow_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.alerts.test_smtp_delivery import smtp_server

    env = airflow_env
    assert run_in(env, "airflow", "db", "migrate").returncode == 0
    assert run_in(env, "surveillance", "db", "upgrade").returncode == 0
    land(tmp_path, "food", "lab.csv", FOOD.encode())
    land(tmp_path, "inspection", "broken.csv", b"%PDF-1.4 not a table")
    land(tmp_path, "injury", "empty.csv", b"")  # two tasks fail: still one email
    with smtp_server(monkeypatch) as inbox:
        env.update(AIRFLOW_CONN_SMTP_DEFAULT=os.environ["AIRFLOW_CONN_SMTP_DEFAULT"],
                   SURVEILLANCE_OPERATOR_EMAIL="operator@warnings.shaanxi.example")
        result = run_in(env, "airflow", "dags", "test", "surveillance_nightly", "2026-11-21")
        log = result.stdout + result.stderr
        assert result.returncode != 0, log[-3000:]  # the run ends failed ...
        assert "REJECTED" in log and "broken.csv" in log
        # ... after the good file, every domain's detection and the alerting went through
        assert list((tmp_path / "var" / "outbox" / "2026-11-20").glob("*.eml"))
        for domain in ("injury", "inspection", "food"):
            assert (tmp_path / "var" / "reports" / "2026-11-20" / f"detect-{domain}.json").exists()
        deadline = time.time() + 10
        while not inbox.messages and time.time() < deadline:
            time.sleep(0.2)
        assert len(inbox.messages) == 1, [m["Subject"] for _, m in inbox.messages]  # one, not one per task or retry
        rcpt, message = inbox.messages[0]
        assert rcpt == ["operator@warnings.shaanxi.example"] and "failed" in message["Subject"]
