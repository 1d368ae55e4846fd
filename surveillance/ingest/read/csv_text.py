"""CSV (and .txt) files, streamed with pyarrow in chunks: a million-row export never sits in memory at once.
Lines that cannot be split into the header's fields come back as invalid lines, to be quarantined."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from surveillance.ingest.contract import Contract
from surveillance.ingest.layouts import Layout
from surveillance.ingest.read.raw import FileRejected, InvalidLine, RawChunk, RawFile
from surveillance.ingest.read.table import (
    HEADER_SEARCH_ROWS,
    check_width,
    continuation_lines,
    match_header,
    shape,
    title_above,
    unique_headers,
)
from surveillance.ingest.read.text import SAMPLE_BYTES, complete_prefix, detect_encoding

CSV_SUFFIXES = {".csv", ".txt"}

BLOCK_BYTES = 1 << 23  # bytes pyarrow parses at a time (several blocks make a chunk)


def _csv_chunks(path: Path, encoding: str, skip: int, header: list[str], mapping: dict[str, str],
                contract: Contract, chunk_rows: int, layout: Layout, title: str = "",
                context: dict | None = None) -> Iterator[RawChunk]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    invalid: list[InvalidLine] = []

    def on_invalid(row) -> str:
        invalid.append(InvalidLine(row.text, f"line has {row.actual_columns} fields, the header has "
                                             f"{row.expected_columns}" + (" (truncated?)" if row.actual_columns < row.expected_columns else "")))
        return "skip"

    whole = pa.memory_map(str(path)).read_buffer()
    buffer = _without_cut_character(whole, encoding)
    cut_inside_character = buffer.size < whole.size
    pending: list = []
    rows, first = 0, 1
    try:
        reader = pacsv.open_csv(
            pa.BufferReader(buffer),
            read_options=pacsv.ReadOptions(skip_rows=skip + 1, column_names=header, block_size=BLOCK_BYTES,
                                           encoding=encoding),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            if rows >= chunk_rows:
                emit, pending = _hold_back(pending, mapping, layout)
                chunk = _chunk_frame(emit, mapping, contract, first, layout, title, context)
                chunk.invalid = invalid[:]
                yield chunk
                invalid.clear()
                emitted = sum(b.num_rows for b in emit)
                first += emitted
                rows -= emitted
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        text = str(exc).splitlines()[0][:200]
        hint = f" (the file is not all {encoding}: encodings mixed?)" if "UTF8" in text or isinstance(exc, UnicodeDecodeError) else ""
        raise FileRejected(f"unreadable CSV after data row {first + rows - 1}: {text}{hint}") from None
    if pending or invalid:
        chunk = _chunk_frame(pending, mapping, contract, first, layout, title, context)
        if cut_inside_character and len(chunk.frame):
            last = chunk.frame.iloc[-1]
            chunk.frame = chunk.frame.iloc[:-1]
            invalid.append(InvalidLine(",".join(str(v) for v in last.tolist()),
                                       "the file ends inside a character: its last row was cut off (truncated file)"))
        chunk.invalid = invalid[:]
        yield chunk


def _hold_back(batches: list, mapping: dict[str, str], layout: Layout) -> tuple[list, list]:
    """(batches to read now, batches kept for the next chunk): the last record and the continuation lines of
    its merged cells wait, so that a chunk border never parts them."""
    import pyarrow as pa

    if not layout.fold or not batches:
        return batches, []
    table = pa.Table.from_batches(batches)
    frame = table.to_pandas().rename(columns=mapping)
    continuation = continuation_lines(frame, layout)
    cut = max((i for i, c in enumerate(continuation) if not c), default=0)
    if cut == 0:
        return batches, []
    return table.slice(0, cut).to_batches(), table.slice(cut).to_batches()


def _without_cut_character(buffer, encoding: str):
    """A file cut off inside a multi-byte character loses that partial character, not the file."""
    if encoding.startswith("utf_16") or buffer.size == 0:
        return buffer
    tail = buffer[-65536:].to_pybytes()
    if b"\n" in tail:
        tail = tail[tail.rindex(b"\n") + 1 :]  # a line start is a character boundary in UTF-8 and GB18030
    kept = complete_prefix(tail, encoding)
    return buffer.slice(0, buffer.size - (len(tail) - len(kept)))


def _chunk_frame(batches: list, mapping: dict[str, str], contract: Contract, first: int, layout: Layout,
                 title: str = "", context: dict | None = None) -> RawChunk:
    import pyarrow as pa

    if not batches:
        return shape(pd.DataFrame(columns=list(mapping)), mapping, contract, layout, first, title, context)
    frame = pa.Table.from_batches(batches).to_pandas()
    frame.index = pd.RangeIndex(first - 1, first - 1 + len(frame))
    return shape(frame, mapping, contract, layout, first, title, context)


def sample_rows(sample: bytes, encoding: str) -> list[list[str]]:
    """The first rows of the file, for finding the header (a UTF-8 BOM is dropped here)."""
    text = complete_prefix(sample, encoding).decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    rows = []
    reader = csv.reader(io.StringIO(text))
    while len(rows) < HEADER_SEARCH_ROWS:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a field longer than csv's limit: the rows above it still tell the header
            if not rows:
                raise FileRejected(f"the first line has a field longer than {csv.field_size_limit():,} characters: "
                                   "not a header") from None
            break
        rows.append(row)
    return rows


def open_csv(path: Path, contract: Contract, chunk_rows: int, layout: str | None, context: dict) -> RawFile:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    rows = sample_rows(sample, encoding)
    if not rows:
        raise FileRejected("file has no rows")
    check_width(rows)
    match = match_header(rows, contract, layout)
    header = unique_headers(list(match.header))
    mapping, unknown = match.layout.map_headers(header)
    # the BOM sits in the header line, which the chunk reader skips: it only matters for the report
    reported = "utf-8-sig" if encoding == "utf-8" and sample.startswith(b"\xef\xbb\xbf") else encoding
    return RawFile(path, contract, reported, mapping, tuple(unknown),
                   _csv_chunks(path, encoding, match.row + match.depth - 1, header, mapping, contract, chunk_rows,
                               match.layout, title_above(rows, match), context), match.layout)


def header_sample(path: Path) -> list[list[str]]:
    """The first rows of a CSV, for recognising its layout."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    return sample_rows(sample, detect_encoding(sample))
