"""What a reader hands on: a landed file's chunks of raw strings, the lines that could not be split into
fields, and the one-line reason a whole file is refused."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surveillance.ingest.contract import Contract
from surveillance.ingest.layouts import Layout


class FileRejected(Exception):
    """The whole file cannot be ingested; the message says why in one line."""


@dataclass(frozen=True)
class InvalidLine:
    text: str
    reason: str


@dataclass
class RawChunk:
    """Canonical columns as text ('' when empty), extra columns under their own header, and the
    lines of this stretch of the file that could not be split into fields."""

    frame: pd.DataFrame
    invalid: list[InvalidLine] = field(default_factory=list)
    first_row: int = 1  # data-row number (1-based) of the frame's first row
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # what the layout's rules could not derive
    notes: int = 0  # footnote lines, not records
    folded: int = 0  # continuation lines of merged cells, folded into their record
    expanded: int = 0  # records added by splitting a line naming several items


@dataclass
class RawFile:
    path: Path
    contract: Contract
    encoding: str
    mapping: dict[str, str]  # raw header -> layout field
    extra_columns: tuple[str, ...]
    _chunks: Iterator[RawChunk]
    layout: Layout | None = None
    skipped: list[str] = field(default_factory=list)  # parts of the file not read, and why (a sheet fitting no layout)

    def chunks(self) -> Iterator[RawChunk]:
        return self._chunks


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()
