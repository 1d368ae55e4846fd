"""One ingest run: several files of one source, one GX validation run, one Data Docs report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from surveillance.ingest.file import IngestResult, ingest_file
from surveillance.ingest.load.writer import ProcessWriter, ThreadWriter
from surveillance.ingest.validate.rows import RowValidator
from surveillance.settings import Settings
from surveillance.warehouse.db import get_engine

# From this much input, SQLite writes run in a process of their own: the writing is ours to do and
# pays for starting a process. PostgreSQL does its writing in its own server process already.
PROCESS_WRITER_BYTES = 64 << 20


def _input_bytes(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


@dataclass
class IngestRun:
    source: str
    day: date
    results: list[IngestResult] = field(default_factory=list)
    data_docs: Path | None = None  # GX's HTML validation report of this run

    @property
    def rejected(self) -> list[IngestResult]:
        return [r for r in self.results if r.status == "rejected"]

    def totals(self) -> dict:
        keys = ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate")
        return {"files": len(self.results), "rejected": len(self.rejected),
                **{k: sum(getattr(r, k) for r in self.results) for k in keys}}

    def as_dict(self) -> dict:
        return {"source": self.source, "day": self.day.isoformat(), "files": [r.as_dict() for r in self.results],
                "totals": self.totals(), "data_docs": str(self.data_docs) if self.data_docs else None}


def ingest_files(settings: Settings, source: str, paths: list[Path], day: date | None = None, today: date | None = None,
                 sheet: str | None = None, layout: str | None = None, on_result: Callable[[int, IngestResult], None] | None = None,
                 progress: Callable[[int], None] | None = None, confine_to: Path | None = None,
                 sender: str | None = None) -> IngestRun:
    """Ingest ``paths`` as ``source`` for the run of ``day`` and write the run's Data Docs. ``confine_to``:
    the landing folder the paths were found in (links out of it are refused)."""
    settings.check_salt()
    today = today or date.today()
    day = day or today - timedelta(days=1)
    engine = get_engine(settings.db_url)
    docs_dir = settings.data_docs_dir(day, source, datetime.now())
    validator = RowValidator(source, today, docs_dir)
    run = IngestRun(source, day)
    paths = [Path(p) for p in paths]
    big = _input_bytes(paths) >= PROCESS_WRITER_BYTES
    writer = ProcessWriter(settings.db_url) if big and engine.dialect.name == "sqlite" else ThreadWriter(engine)
    try:
        for n, path in enumerate(paths, 1):
            result = ingest_file(engine, path, source, settings.pii_salt, today, day=day, sheet=sheet, layout=layout,
                                 validator=validator, writer=writer, progress=progress,
                                 confine_to=confine_to, sender=sender)
            run.results.append(result)
            if on_result:
                on_result(n, result)
    finally:
        writer.close()
    run.data_docs = validator.build_docs()
    return run
