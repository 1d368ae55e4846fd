"""A load killed half-way leaves no partial batch, and ingesting the file again completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.injury_file import injury_frame
from surveillance.warehouse.db import get_engine, upgrade
from surveillance.warehouse.models import IngestBatch, InjuryReport, QuarantinedRow

pytestmark = pytest.mark.slow
ROWS = 420_000  # above 64 MiB: on SQLite the rows go through the separate writer process


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "injury_export.csv"
    injury_frame(ROWS).to_csv(path, index=False)
    return path


def counts(url: str) -> tuple[int, int, int]:
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar()
                     for t in (InjuryReport, QuarantinedRow, IngestBatch))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_kill_mid_load_then_rerun(backend: str, big_file: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    env = dict(os.environ, SURVEILLANCE_HOME=str(tmp_path / "var"), SURVEILLANCE_DB_URL=url)
    cmd = [str(Path(sys.executable).parent / "surveillance"), "ingest", "--source", "injury", str(big_file),
           "--day", "2026-11-20", "--today", "2026-11-27"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    progress = ""
    for line in proc.stderr:  # the first chunk is in the open transaction: kill the run there
        if line.strip().startswith("..."):
            progress = line.strip()
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert progress and int(progress.split()[1].replace(",", "")) < ROWS, progress
    assert counts(url) == (0, 0, 0)  # nothing of the killed batch: not its rows, quarantine or batch record

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    loaded, quarantined, batches = counts(url)
    assert batches == 1 and loaded + quarantined == ROWS and quarantined > 0
    assert f"read {ROWS} = loaded {loaded} + quarantined {quarantined} + duplicate 0" in again.stdout
