"""An ingest run of several files, with the writer in another process as big backfills use it."""

from pathlib import Path

import pytest
from sqlalchemy import text

from surveillance.ingest import read, run
from surveillance.ingest.read import csv_text
from surveillance.ingest.run import ingest_files
from tests.conftest import INJURY_HEADER_ZH, TODAY, injury_row, write_csv


@pytest.mark.parametrize("process_writer", [False, True])
def test_run_with_thread_or_process_writer(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process_writer: bool) -> None:
    monkeypatch.setattr(run, "PROCESS_WRITER_BYTES", 0 if process_writer else 1 << 40)
    monkeypatch.setattr(csv_text, "BLOCK_BYTES", 800)
    monkeypatch.setattr(read, "CHUNK_ROWS", 5)
    good = write_csv(tmp_path / "H61010201_a.csv", INJURY_HEADER_ZH, [injury_row(f"R{i}") for i in range(30)] + [injury_row("R1")])
    broken = write_csv(tmp_path / "b.csv", INJURY_HEADER_ZH, [injury_row(f"S{i}") for i in range(30)])
    broken.write_bytes(broken.read_bytes() + b"S99,H1,610102,2026-11-20,\xff\xfe\xfa\n")  # unreadable after 30 rows
    again = write_csv(tmp_path / "H61010201_c.csv", INJURY_HEADER_ZH, [injury_row("R2", severity="重度"), injury_row("T1")])
    progress: list[int] = []
    result = ingest_files(settings, "injury", [good, broken, again], today=TODAY, progress=progress.append)
    a, b, c = result.results
    assert (a.status, a.rows_read, a.rows_loaded, a.rows_duplicate) == ("accepted", 31, 30, 1)
    assert b.status == "rejected" and "\n" not in b.error and b.rows_loaded == 0
    assert (c.rows_loaded, c.rows_updated) == (2, 1)
    assert progress and progress[-1] == 2 and max(progress) == 31
    assert result.data_docs is not None and result.data_docs.exists()
    with settings_engine(settings).connect() as conn:
        assert conn.execute(text("select count(*) from injury_reports")).scalar() == 31  # nothing of b.csv
        assert conn.execute(text("select count(*) from record_revisions")).scalar() == 1


def settings_engine(settings):
    from surveillance.warehouse.db import get_engine

    return get_engine(settings.db_url)
