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
from surveillance.ingest.load.rows import LoadCounts, load_rows
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
        self.batch_id: int | None = None
        self.now = datetime.now()

    def begin(self, batch: dict) -> int:
        self.conn = self.engine.connect()
        self.conn.begin()
        self.now = batch["ingested_at"]
        self.batch_id = self.conn.execute(insert(IngestBatch).returning(IngestBatch.id), batch).scalar_one()
        return self.batch_id

    def _begun(self) -> tuple[Connection, int]:
        if self.conn is None or self.batch_id is None:
            raise RuntimeError("no batch begun")  # begin failed: its own error is reported first
        return self.conn, self.batch_id

    def write(self, chunk: ChunkWrite) -> Written:
        conn, batch_id = self._begun()
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

    def commit(self, source: str, revised: Counter, totals: dict) -> int:
        conn, batch_id = self._begun()
        mark_revised_days(conn, source, revised, batch_id, self.now)
        conn.execute(update(IngestBatch).where(IngestBatch.id == batch_id).values(**totals))
        conn.commit()
        self._close()
        return batch_id

    def rollback(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self._close()

    def _close(self) -> None:
        self.conn.close()
        self.conn, self.batch_id = None, None


class ThreadWriter:
    """Writes on a thread of this process."""

    def __init__(self, engine: Engine) -> None:
        self.tx = _Transaction(engine)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
        self.begun: Future | None = None
        self.pending: Future | None = None

    def begin(self, batch: dict) -> None:
        """Opens the file's transaction and batch record on the writer's thread (the caller goes on)."""
        self.begun = self.pool.submit(self.tx.begin, batch)

    def submit(self, chunk: ChunkWrite) -> None:
        self.pending = self.pool.submit(self.tx.write, chunk)

    def collect(self) -> Written | None:
        if self.begun is not None:
            self.begun.result()  # a failed begin raises its own error, not the writes' "no batch begun"
        pending, self.pending = self.pending, None
        return pending.result() if pending is not None else None

    def commit(self, source: str, revised: Counter, totals: dict) -> int:
        """Commits the file's transaction; returns its batch id."""
        self.collect()
        self.begun = None
        return self.pool.submit(self.tx.commit, source, revised, totals).result()

    def rollback(self) -> None:
        for future in (self.begun, self.pending):
            if future is not None:
                with contextlib.suppress(Exception):
                    future.result()
        self.begun = self.pending = None
        self.pool.submit(self.tx.rollback).result()

    def close(self) -> None:
        self.pool.shutdown(wait=True)


class WriterFailed(Exception):
    """The writer process failed; the message carries its traceback."""


def _serve(db_url: str, pipe) -> None:
    """The writer process: obey begin/write/commit/rollback messages until told to stop; every message
    but stop gets exactly one reply, in order."""
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
    """Writes in a spawned process with its own database connection (one per ingest run).

    Messages are sent without waiting: the process starts (imports, connects) and opens the batch
    while this process reads and checks the first chunk. ``expected`` lists the replies owed, in order."""

    def __init__(self, db_url: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(db_url, child), name="ingest-writer", daemon=True)
        self.process.start()
        child.close()
        self.expected: list[str] = []

    def _send(self, op: str, *args) -> None:
        self.pipe.send((op, args))
        self.expected.append(op)

    def _reply(self):
        self.expected.pop(0)
        status, value = self.pipe.recv()
        if status == "error":
            raise WriterFailed(value.strip().splitlines()[-1] + "\n" + value)
        return value

    def begin(self, batch: dict) -> None:
        self._send("begin", batch)

    def submit(self, chunk: ChunkWrite) -> None:
        self._send("write", chunk)

    def collect(self) -> Written | None:
        written = None
        while self.expected:
            op = self.expected[0]
            value = self._reply()
            if op == "write":
                written = value
        return written

    def commit(self, source: str, revised: Counter, totals: dict) -> int:
        """Commits the file's transaction; returns its batch id."""
        self.collect()
        self._send("commit", source, revised, totals)
        return self._reply()

    def rollback(self) -> None:
        while self.expected:
            with contextlib.suppress(WriterFailed):
                self._reply()
        self._send("rollback")
        self._reply()

    def close(self) -> None:
        if self.process.is_alive():
            self.pipe.send(("stop", ()))
            self.process.join(timeout=30)
        self.pipe.close()
