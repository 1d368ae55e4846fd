"""The demo, run night by night without Airflow: once with its injected events, once without (clean)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from surveillance.demo.generate import DemoSpec, generate
from surveillance.ingest.file import ingest_file, landed_files
from surveillance.nightly import run_day
from surveillance.settings import SOURCES, load_settings
from surveillance.warehouse.db import get_engine, upgrade

END = date(2026, 11, 26)


def run_demo(home: Path, inject: bool) -> Iterator[tuple]:
    mp = pytest.MonkeyPatch()
    mp.setenv("SURVEILLANCE_HOME", str(home))
    mp.setenv("SURVEILLANCE_DB_URL", f"sqlite:///{home / 'warehouse.db'}")
    mp.setenv("SURVEILLANCE_SMTP", "off")
    settings = load_settings()
    upgrade(settings.db_url)
    spec = DemoSpec(end=END, years=2, injuries_per_day=60, inject=inject)
    generate(spec, settings.landing, settings.demo_truth)
    engine = get_engine(settings.db_url)
    for source in SOURCES:
        for path in landed_files(settings.landing / source / "history"):  # arriving the night before the first, as make run has it
            assert ingest_file(engine, path, source, settings.pii_salt, day=spec.daily_start - timedelta(days=1)).status == "accepted"
    runs = {}
    for offset in range(spec.daily_days):
        day = spec.daily_start + timedelta(days=offset)
        runs[day] = run_day(settings, day, use_smtp=False)
    yield settings, engine, spec, runs
    mp.undo()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo with its injected events, after its fourteen nights."""
    yield from run_demo(tmp_path_factory.mktemp("demo") / "var", inject=True)


@pytest.fixture(scope="session")
def clean_demo(tmp_path_factory: pytest.TempPathFactory):
    """The same demo without injected events, after its fourteen nights."""
    yield from run_demo(tmp_path_factory.mktemp("clean-demo") / "var", inject=False)
