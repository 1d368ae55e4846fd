"""The demo, run night by night without Airflow: once with its injected events, once without (clean).

Each is built once and kept in ``var/test-cache/`` under a key of the code and data that make it (the
package, the suites, the config and this file): later sessions, and other pytest workers, copy the
built warehouse instead of building two years and fourteen nights again. Every session works on its
own copy, its stored paths pointing at the copy, so a test that writes changes nothing in the cache.
``SURVEILLANCE_TEST_CACHE=off`` builds afresh in the session's folder, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from surveillance.demo.generate import DemoSpec, generate
from surveillance.ingest.file import ingest_file, landed_files
from surveillance.nightly import run_day
from surveillance.settings import SOURCES, load_settings
from surveillance.warehouse.db import get_engine, upgrade

END = date(2026, 11, 26)
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "test-cache"
# where the warehouse keeps a path of the home it was built in
STORED_PATHS = (("ingest_batches", "file_path"), ("deliveries", "eml_path"), ("deliveries", "csv_path"))


def _spec(inject: bool) -> DemoSpec:
    return DemoSpec(end=END, years=2, injuries_per_day=60, inject=inject)


@contextlib.contextmanager
def _environment(home: Path) -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("SURVEILLANCE_HOME", str(home))
    mp.setenv("SURVEILLANCE_DB_URL", f"sqlite:///{home / 'warehouse.db'}")
    mp.setenv("SURVEILLANCE_SMTP", "off")
    try:
        yield
    finally:
        mp.undo()


def build_demo(home: Path, inject: bool) -> dict:
    """Generate the demo into ``home`` and run its fourteen nights; returns each night's run summary."""
    with _environment(home):
        settings = load_settings()
        upgrade(settings.db_url)
        spec = _spec(inject)
        generate(spec, settings.landing, settings.demo_truth)
        engine = get_engine(settings.db_url)
        for source in SOURCES:
            for path in landed_files(settings.landing / source / "history"):  # arriving the night before the first, as make run has it
                assert ingest_file(engine, path, source, settings.pii_salt, day=spec.daily_start - timedelta(days=1)).status == "accepted"
        runs = {}
        for offset in range(spec.daily_days):
            day = spec.daily_start + timedelta(days=offset)
            runs[day] = run_day(settings, day, use_smtp=False)
        with engine.connect() as conn:  # the whole warehouse in its file, for copying
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    return runs


def cache_key(inject: bool) -> str:
    """A digest of what the built demo depends on: the package (not its compiled kernel), the suites, the
    config and this file."""
    digest = hashlib.sha256(f"{END}|{inject}".encode())
    for folder in ("surveillance", "expectations", "config"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".so", ".pyc"):
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _repoint(home: Path, built: Path) -> None:
    """Make the copy's stored paths name the copy, not the cache it came from."""
    with _environment(home):
        engine = get_engine(load_settings().db_url)
        with engine.begin() as conn:
            for table, column in STORED_PATHS:
                conn.execute(text(f'UPDATE "{table}" SET "{column}" = replace("{column}", :old, :new)'),
                             {"old": str(built), "new": str(home)})
        engine.dispose()


def cached_demo(home: Path, inject: bool) -> dict:
    """The built demo copied into ``home`` (built first into the cache if no build of this code is there)."""
    kind = "injected" if inject else "clean"
    built = CACHE / f"demo-{kind}-{cache_key(inject)}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / f"demo-{kind}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder; other workers wait, then copy
        if not (built / "runs.pickle").exists():
            for old in CACHE.glob(f"demo-{kind}-*"):
                shutil.rmtree(old, ignore_errors=True)
            runs = build_demo(built / "var", inject)
            (built / "runs.pickle").write_bytes(pickle.dumps(runs))
        runs = pickle.loads((built / "runs.pickle").read_bytes())
    shutil.copytree(built / "var", home)
    _repoint(home, built / "var")
    return runs


def run_demo(home: Path, inject: bool) -> Iterator[tuple]:
    fresh = os.environ.get("SURVEILLANCE_TEST_CACHE", "").lower() == "off"
    runs = build_demo(home, inject) if fresh else cached_demo(home, inject)
    with _environment(home):
        settings = load_settings()
        yield settings, get_engine(settings.db_url), _spec(inject), runs


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo with its injected events, after its fourteen nights."""
    yield from run_demo(tmp_path_factory.mktemp("demo") / "var", inject=True)


@pytest.fixture(scope="session")
def clean_demo(tmp_path_factory: pytest.TempPathFactory):
    """The same demo without injected events, after its fourteen nights."""
    yield from run_demo(tmp_path_factory.mktemp("clean-demo") / "var", inject=False)
