"""Named locks shared by every process using one warehouse: two runs of the same stage never overlap.

PostgreSQL: a session advisory lock (released by the server if the process dies). SQLite: an exclusive
``flock`` on a file beside the database (released by the kernel if the process dies). Either way a
killed run leaves no stale lock behind.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


class LockBusy(Exception):
    """Another process holds the lock; the message says which work and what to do."""


def _key64(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def file_lock(engine: Engine, name: str, wait: float | None = None, poll: float = 0.2) -> Iterator[None]:
    """Hold the lock ``name`` for the block. ``wait``: seconds to wait for it (None: as long as it takes,
    0: not at all); raises LockBusy when it is not free in time."""
    deadline = None if wait is None else time.monotonic() + wait
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = _key64(name)
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockBusy(name)
                time.sleep(poll)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    import fcntl

    database = engine.url.database or ""
    folder = Path(f"{database}.locks") if database and database != ":memory:" else Path("/tmp/surveillance-locks")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockBusy(name) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {name}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
