"""The side of ingest that writes: one file's batch record, quarantined rows, loaded rows and revised
days, in one transaction, while the next chunk is being prepared.

Two interchangeable writers: ``ThreadWriter`` (a thread of this process: cheap, for daily files) and
``ProcessWriter`` (a spawned process with its own connection: the writes run on another core, free
of the GIL, for the big files of a backfill). The pipeline sends chunks one ahead of the writer.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from surveillance.ingest.contract import CONTRACTS
from surveillance.ingest.load import LoadCounts, load_rows
from surveillance.warehouse.models import IngestBatch, QuarantinedRow, RevisedDay


@dataclass
class ChunkWrite:
    """What one chunk puts in the warehouse."""

    source: str
    good: pd.DataFrame
    quarantine: list[dict]


@dataclass
class Written:
    counts: LoadCounts
    quarantined: int
    first_day: date | None
    last_day: date | None


def mark_revised_days(conn: Connection, source: str, days: Counter, batch_id: int, now: datetime) -> None:
    """Record past days whose data this batch changed; detection recomputes them."""
    if not days:
        return
    stored = dict(conn.execute(select(RevisedDay.day, RevisedDay.id).where(
        RevisedDay.source == source, RevisedDay.day.in_(list(days)))).all())
    fresh = [dict(source=source, day=d, rows_changed=n, batch_id=batch_id, marked_at=now) for d, n in days.items() if d not in stored]
    if fresh:
        conn.execute(insert(RevisedDay), fresh)
    for d, n in days.items():
        if d in stored:
            conn.execute(update(RevisedDay).where(RevisedDay.id == stored[d]).values(
                rows_changed=RevisedDay.rows_changed + n, batch_id=batch_id, marked_at=now, recomputed_at=None))


class _Transaction:
    """The database work itself, identical in both writers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None
        self.now = datetime.now()

    def begin(self, batch: dict) -> int:
        self.conn = self.engine.connect()
        self.conn.begin()
        self.now = batch["ingested_at"]
        return self.conn.execute(insert(IngestBatch).returning(IngestBatch.id), batch).scalar_one()

    def write(self, batch_id: int, chunk: ChunkWrite) -> Written:
        conn = self.conn
        if chunk.quarantine:
            conn.execute(insert(QuarantinedRow), [dict(q, batch_id=batch_id, source=chunk.source) for q in chunk.quarantine])
        contract = CONTRACTS[chunk.source]
        counts = load_rows(conn, contract, chunk.good, batch_id, self.now)
        if counts.refused:
            conn.execute(insert(QuarantinedRow), [dict(q, batch_id=batch_id, source=chunk.source) for q in counts.refused])
        quarantined = len(chunk.quarantine) + len(counts.refused)
        dates = chunk.good[contract.date_column].dropna() if len(chunk.good) else pd.Series(dtype=object)
        if not len(dates):
            return Written(counts, quarantined, None, None)
        return Written(counts, quarantined, date.fromisoformat(dates.min()), date.fromisoformat(dates.max()))

    def commit(self, batch_id: int, source: str, revised: Counter, totals: dict) -> None:
        mark_revised_days(self.conn, source, revised, batch_id, self.now)
        self.conn.execute(update(IngestBatch).where(IngestBatch.id == batch_id).values(**totals))
        self.conn.commit()
        self._close()

    def rollback(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self._close()

    def _close(self) -> None:
        self.conn.close()
        self.conn = None


class ThreadWriter:
    """Writes on a thread of this process."""

    def __init__(self, engine: Engine) -> None:
        self.tx = _Transaction(engine)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
        self.pending: Future | None = None

    def begin(self, batch: dict) -> int:
        return self.tx.begin(batch)

    def submit(self, batch_id: int, chunk: ChunkWrite) -> None:
        self.pending = self.pool.submit(self.tx.write, batch_id, chunk)

    def collect(self) -> Written | None:
        pending, self.pending = self.pending, None
        return pending.result() if pending is not None else None

    def commit(self, batch_id: int, source: str, revised: Counter, totals: dict) -> None:
        self.tx.commit(batch_id, source, revised, totals)

    def rollback(self) -> None:
        if self.pending is not None:
            with contextlib.suppress(Exception):
                self.pending.result()
            self.pending = None
        self.tx.rollback()

    def close(self) -> None:
        self.pool.shutdown(wait=True)


class WriterFailed(Exception):
    """The writer process failed; the message carries its traceback."""


def _serve(db_url: str, pipe) -> None:
    """The writer process: obey begin/write/commit/rollback messages until told to stop."""
    from surveillance.warehouse.db import get_engine

    tx = _Transaction(get_engine(db_url))
    while True:
        op, args = pipe.recv()
        if op == "stop":
            tx.rollback()
            pipe.close()
            return
        try:
            pipe.send(("ok", getattr(tx, op)(*args)))
        except Exception:
            with contextlib.suppress(Exception):
                tx.rollback()
            pipe.send(("error", traceback.format_exc()))


class ProcessWriter:
    """Writes in a spawned process with its own database connection (one per ingest run)."""

    def __init__(self, db_url: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(db_url, child), name="ingest-writer", daemon=True)
        self.process.start()
        child.close()
        self.waiting = False

    def _call(self, op: str, *args):
        self.pipe.send((op, args))
        return self._reply()

    def _reply(self):
        status, value = self.pipe.recv()
        if status == "error":
            raise WriterFailed(value.strip().splitlines()[-1] + "\n" + value)
        return value

    def begin(self, batch: dict) -> int:
        return self._call("begin", batch)

    def submit(self, batch_id: int, chunk: ChunkWrite) -> None:
        self.pipe.send(("write", (batch_id, chunk)))
        self.waiting = True

    def collect(self) -> Written | None:
        if not self.waiting:
            return None
        self.waiting = False
        return self._reply()

    def commit(self, batch_id: int, source: str, revised: Counter, totals: dict) -> None:
        self._call("commit", batch_id, source, revised, totals)

    def rollback(self) -> None:
        if self.waiting:
            with contextlib.suppress(WriterFailed):
                self.collect()
        self._call("rollback")

    def close(self) -> None:
        if self.process.is_alive():
            self.pipe.send(("stop", ()))
            self.process.join(timeout=30)
        self.pipe.close()
