"""Both writers: the batch is opened without waiting, a failure is reported as itself, and a failed file
leaves nothing behind and the writer ready for the next file."""

from collections import Counter
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from surveillance.ingest.load.writer import ChunkWrite, ProcessWriter, ThreadWriter, WriterFailed
from surveillance.warehouse.db import get_engine, upgrade


def _batch(name: str, ingested_at: object = datetime(2026, 11, 27, 1)) -> dict:
    return dict(source="injury", file_name=name, file_path=f"/landing/{name}", content_hash=name * 8, status="accepted",
                ingested_at=ingested_at, run_day=date(2026, 11, 26))


def _writer(kind: str, url: str):
    return ProcessWriter(url) if kind == "process" else ThreadWriter(get_engine(url))


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_a_failed_begin_is_reported_as_itself_and_the_next_file_loads(settings, kind: str) -> None:
    upgrade(settings.db_url)
    writer = _writer(kind, settings.db_url)
    try:
        writer.begin(_batch("a", ingested_at="not a time"))  # returns at once: the failure comes with the next reply
        writer.submit(ChunkWrite("injury", pd.DataFrame(), []))
        with pytest.raises((WriterFailed, StatementError)) as failure:
            writer.collect()
        assert "DateTime" in str(failure.value) and "no batch begun" not in str(failure.value)
        writer.rollback()

        writer.begin(_batch("b"))
        writer.submit(ChunkWrite("injury", pd.DataFrame(), []))
        writer.collect()
        batch_id = writer.commit("injury", Counter(), dict(rows_read=0, rows_loaded=0, rows_quarantined=0, rows_duplicate=0))
    finally:
        writer.close()
    with get_engine(settings.db_url).connect() as conn:
        assert conn.execute(text("select id, file_name from ingest_batches")).all() == [(batch_id, "b")]
