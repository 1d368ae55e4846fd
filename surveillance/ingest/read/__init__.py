"""Turn a landed file into chunks of raw strings, or reject it with a one-line reason.

One module per format (``csv_text``: streamed; ``workbook`` and ``json_lines``: small files, read whole) and
what they share: ``text`` (encodings), ``table`` (the header matched to a layout, rows shaped into chunks) and
``raw`` (what a reader hands on). A file's suffix picks its reader here, once.
"""

from __future__ import annotations

from pathlib import Path

from surveillance.ingest.contract import Contract
from surveillance.ingest.read import csv_text, json_lines, workbook
from surveillance.ingest.read.raw import FileRejected, InvalidLine, RawChunk, RawFile, file_hash
from surveillance.ingest.read.table import HEADER_SEARCH_ROWS

__all__ = ["CHUNK_ROWS", "FileRejected", "InvalidLine", "RawChunk", "RawFile", "file_hash", "header_rows", "open_file"]

CHUNK_ROWS = 120_000  # rows handed to normalising, GX and the writer at a time


def _format(path: Path) -> str:
    """The reader for ``path``'s suffix: workbook, json_lines or csv_text; anything else is refused."""
    suffix = path.suffix.lower()
    for name, suffixes in (("workbook", workbook.XLSX_SUFFIXES | workbook.XLS_SUFFIXES),
                           ("json_lines", json_lines.JSONL_SUFFIXES), ("csv_text", csv_text.CSV_SUFFIXES)):
        if suffix in suffixes:
            return name
    raise FileRejected(f"unsupported file type '{suffix}' (expected .csv, .xlsx, .xls or .jsonl)")


def header_rows(path: Path, sheet: str | None = None) -> list[list[str]]:
    """The rows a layout is recognised from: the first rows of a CSV or sheet, a JSON Lines file's keys."""
    path = Path(path)
    kind = _format(path)
    if kind == "workbook":
        return workbook.first_sheet_rows(path, sheet)[:HEADER_SEARCH_ROWS]
    if kind == "json_lines":
        return json_lines.header_keys(path)
    return csv_text.header_sample(path)


def open_file(path: Path, contract: Contract, sheet: str | None = None, chunk_rows: int | None = None,
              layout: str | None = None, sender: str | None = None) -> RawFile:
    """Open one landed file for ``contract``; raise FileRejected when the file as a whole is unusable.

    The header is checked here; rows come from ``RawFile.chunks()``, which may still raise
    FileRejected if the file turns out to be unreadable part-way through. ``layout`` forces a layout
    (by name) instead of recognising it from the header.
    """
    path = Path(path)
    chunk_rows = chunk_rows or CHUNK_ROWS
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRejected(f"cannot read file: {exc.strerror}") from None
    if size == 0:
        raise FileRejected("file is empty")
    kind = _format(path)
    context = {"file": path.name, "sender": sender}
    if kind == "workbook":
        return workbook.open_workbook(path, contract, sheet, chunk_rows, layout, context)
    if sheet is not None:
        raise FileRejected(f"a sheet name was given but '{path.suffix.lower()}' files have no sheets")
    if kind == "json_lines":
        return json_lines.open_jsonl(path, contract, chunk_rows, layout, context)
    return csv_text.open_csv(path, contract, chunk_rows, layout, context)
