"""Turn a landed file into chunks of raw strings, or reject it with a one-line reason.

CSV is streamed with pyarrow in chunks (a million-row export never sits in memory at once); XLSX and
JSON Lines, which senders only use for small files, are read whole and then cut into the same chunks.
Lines that cannot be split into the header's fields are not lost: they come back as invalid lines,
to be quarantined with the reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from surveillance.ingest.contract import Contract
from surveillance.ingest.derive import apply_layout
from surveillance.ingest.hospitals import RegistryError
from surveillance.ingest.layouts import Layout, Match, NoLayout, Unreadable, header_key, recognise, result_like, strip_unit
from surveillance.safe_text import one_line

TEXT_ENCODINGS_ACCEPTED = {"utf_8", "gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_16_le", "utf_16_be"}
CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
XLS_SUFFIXES = {".xls"}  # the older binary workbooks many bureaus still publish
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CHUNK_ROWS = 120_000  # rows handed to normalising, GX and the writer at a time
BLOCK_BYTES = 1 << 23  # bytes pyarrow parses at a time (several blocks make a chunk)
_SAMPLE_BYTES = 1 << 20
_HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 1_000  # no sender's form has more; a wider header is not a table of records
MAX_FIELD_CHARS = 100_000  # longer values are a row's parse problem (a narrative runs to a few thousand)
XLSX_MAX_ROWS = 100_000  # an XLSX is read whole: larger exports come as CSV, which is streamed
XLSX_MAX_EXPANDED_BYTES = 512 << 20  # a workbook that unpacks to more is refused unopened (zip bomb)
XLSX_MAX_RATIO = 200  # nor one whose parts compress better than this (real sheets: 5-20x)
JSON_MAX_DEPTH = 20


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


def _complete_prefix(sample: bytes, encoding: str) -> bytes:
    """Drop a multi-byte character cut off at the end of ``sample`` (a sample or a truncated file)."""
    for cut in range(0, 4):
        kept = sample[: len(sample) - cut]
        try:
            kept.decode(encoding)
            return kept
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:
                break
    return sample


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


def _looks_binary(head: bytes) -> bool:
    """Control bytes throughout (an image, an archive, UTF-16 without its mark); a stray NUL in a record
    is that row's problem, not the file's."""
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 20 or head.count(b"\x00") > 64


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) first, else a detected Chinese charset; reject anything else."""
    if not sample.strip():
        raise FileRejected("file is empty")
    if _looks_binary(sample[:8192]) and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("binary content, not a text CSV")
    try:
        _complete_prefix(sample, "utf-8").decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Senders here export UTF-8 or a GB charset; asking the detector about those only keeps a
    # short GBK file from being taken for a Cyrillic code page, while chaos still rejects garbage.
    best = from_bytes(sample, cp_isolation=sorted(TEXT_ENCODINGS_ACCEPTED)).best()
    if best is None or best.encoding not in TEXT_ENCODINGS_ACCEPTED:
        found = best.encoding if best is not None else "none"
        raise FileRejected(f"text encoding could not be determined (detector said: {found})")
    return "gb18030" if best.encoding in {"gbk", "gb2312"} else best.encoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode a whole small text file (UTF-8 or a detected Chinese charset)."""
    encoding = detect_encoding(data[:_SAMPLE_BYTES])
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
    except UnicodeDecodeError as exc:
        raise FileRejected(f"not valid {encoding}: {exc.reason} at byte {exc.start}") from None


def clean_header(text: object) -> str:
    """Normalise a header cell: full-width to ASCII, no spaces, no bracketed unit suffix."""
    return strip_unit(header_key(text))


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h.strip() or f"column_{i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}_{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


def _title(rows: list[list[str]], match: Match) -> str:
    """The title rows above the header (an announcement's batch and date are written there)."""
    return " ".join(str(c).strip() for row in rows[: match.row] for c in row if str(c).strip())


def _check_width(rows: list[list[str]]) -> None:
    widest = max((len(r) for r in rows), default=0)
    if widest > MAX_COLUMNS:
        raise FileRejected(f"a line has {widest:,} fields; at most {MAX_COLUMNS:,} columns are read (not a table of records?)")


def _match(rows: list[list[str]], contract: Contract, layout: str | None) -> Match:
    try:
        match = recognise(rows[:_HEADER_SEARCH_ROWS], contract.source, layout)
    except (NoLayout, KeyError) as exc:
        raise FileRejected(str(exc).strip("'\"")) from None
    _check_repeated_fields(list(match.header) or rows[match.row], match.layout)
    if contract.source != "injury" and not match.layout.native:
        unread = result_like(match.unknown)
        if unread:
            raise FileRejected(f"column{'s' if len(unread) > 1 else ''} {'、'.join(repr(one_line(c)) for c in unread)} "
                               f"read{'' if len(unread) > 1 else 's'} like results, limits or verdicts but no field of layout "
                               f"{match.layout.name} reads {'them' if len(unread) > 1 else 'it'}: refused rather than loaded "
                               "without it (a profile can name it: surveillance layouts draft)")
    return match


def _check_repeated_fields(header: list[str], layout: Layout) -> None:
    """Two columns giving one field equally well (``report_id`` and ``报告卡编号``): which one holds the record
    is a question for the sender, not something to guess. (Claims of different strength are resolved by
    ``Layout.map_headers``.)"""
    given: dict[str, list[tuple[int, int, str]]] = {}
    for col in header:
        hit = layout.read_header(col)
        if hit:
            given.setdefault(hit[0], []).append((hit[1], hit[2], str(col).strip()))
    repeated = {}
    for name, claims in given.items():
        best = max(claims, key=lambda c: (c[0], -c[1]))
        # two of the field's own names (report_id and 报告卡编号) is the sender's question; read by meaning, the
        # field's preferred name wins
        tied = [c[2] for c in claims if c[0] == best[0] and (best[0] == 4 or c[1] == best[1])]
        if len(tied) > 1:
            repeated[name] = tied
    if repeated:
        name, cols = next(iter(repeated.items()))
        raise FileRejected(f"columns {' and '.join(repr(c) for c in cols)} both give the field {name}: the header names it "
                           "twice; keep one column")


def _extra_columns(frame: pd.DataFrame, contract: Contract) -> tuple[str, ...]:
    own = {*contract.names, *(c.name for c in contract.personal)}
    return tuple(c for c in frame.columns if c not in own)


def _shape(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, layout: Layout | None = None,
           first: int = 1, title: str = "", context: dict | None = None) -> RawChunk:
    """Rename to layout fields, apply the layout's rules, add absent contract columns as '', drop rows
    with no content. ``context``: the file's and sheet's names and its sender, which a layout's rules read."""
    frame = frame.rename(columns=mapping).fillna("").astype(str)
    unreadable = _unreadable_values(frame)
    context = {**(context or {}), "headers": {field: str(raw) for raw, field in mapping.items()}}
    try:
        applied = apply_layout(layout, frame, first, title, context) if layout is not None else None
    except (RegistryError, Unreadable) as exc:
        raise FileRejected(str(exc)) from None
    if applied is not None:
        frame = applied.frame
    for col in contract.names:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame.fillna("").astype(str)
    filled = pd.Series(False, index=frame.index)
    for col in frame.columns:
        filled |= frame[col].str.strip() != ""
    chunk = RawChunk(frame[filled], first_row=first)
    if applied is not None:
        chunk.problems, chunk.notes, chunk.folded, chunk.expanded = applied.problems, applied.notes, applied.folded, applied.expanded
    chunk.problems = [*unreadable, *chunk.problems]
    return chunk


def _unreadable_values(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """Values no record holds: NUL characters (binary data) and fields longer than MAX_FIELD_CHARS. The rows
    are quarantined with the reason; the values are cleaned in place so that the quarantine can keep them."""
    problems = []
    for col in frame.columns:
        values = frame[col]
        nul = values.str.contains("\x00", regex=False)
        if nul.any():
            for row in values.index[nul]:
                problems.append((row, col, "value contains NUL characters (binary data, not text)"))
            frame[col] = values = values.str.replace("\x00", "", regex=False)
        lengths = values.str.len()
        long = lengths > MAX_FIELD_CHARS
        if long.any():
            for row in values.index[long]:
                problems.append((row, col, f"value has {int(lengths[row]):,} characters; at most {MAX_FIELD_CHARS:,} are read "
                                           "(kept cut short in the quarantine)"))
            frame.loc[long, col] = values[long].str.slice(0, MAX_FIELD_CHARS) + "…"
    return problems


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
    continuation = _continuation(frame, layout)
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
    kept = _complete_prefix(tail, encoding)
    return buffer.slice(0, buffer.size - (len(tail) - len(kept)))


def _chunk_frame(batches: list, mapping: dict[str, str], contract: Contract, first: int, layout: Layout,
                 title: str = "", context: dict | None = None) -> RawChunk:
    import pyarrow as pa

    if not batches:
        return _shape(pd.DataFrame(columns=list(mapping)), mapping, contract, layout, first, title, context)
    frame = pa.Table.from_batches(batches).to_pandas()
    frame.index = pd.RangeIndex(first - 1, first - 1 + len(frame))
    return _shape(frame, mapping, contract, layout, first, title, context)


def _sample_rows(sample: bytes, encoding: str) -> list[list[str]]:
    """The first rows of the file, for finding the header (a UTF-8 BOM is dropped here)."""
    text = _complete_prefix(sample, encoding).decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    rows = []
    reader = csv.reader(io.StringIO(text))
    while len(rows) < _HEADER_SEARCH_ROWS:
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


def _open_csv(path: Path, contract: Contract, chunk_rows: int, layout: str | None, context: dict) -> RawFile:
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    rows = _sample_rows(sample, encoding)
    if not rows:
        raise FileRejected("file has no rows")
    _check_width(rows)
    match = _match(rows, contract, layout)
    header = _unique_headers(list(match.header))
    mapping, unknown = match.layout.map_headers(header)
    # the BOM sits in the header line, which the chunk reader skips: it only matters for the report
    reported = "utf-8-sig" if encoding == "utf-8" and sample.startswith(b"\xef\xbb\xbf") else encoding
    return RawFile(path, contract, reported, mapping, tuple(unknown),
                   _csv_chunks(path, encoding, match.row + match.depth - 1, header, mapping, contract, chunk_rows, match.layout, _title(rows, match),
                               context), match.layout)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _filled(sheets: list[tuple[str, list[list[str]]]]) -> list[tuple[str, list[list[str]]]]:
    """The sheets with content; a workbook with none is rejected."""
    filled = [(title, rows) for title, rows in sheets if any(any(c.strip() for c in row) for row in rows)]
    if not filled:
        raise FileRejected(f"sheet '{sheets[0][0]}' is empty" if len(sheets) == 1 else "every sheet is empty")
    return filled


def _read_xls_sheets(path: Path, sheet: str | None) -> list[tuple[str, list[list[str]]]]:
    """An .xls workbook's sheets as text (xlrd: values as Excel stored them; dates as ISO date-times)."""
    import xlrd

    if path.stat().st_size > XLSX_MAX_EXPANDED_BYTES:
        raise FileRejected(f"workbook is larger than {XLSX_MAX_EXPANDED_BYTES >> 20} MB: send large exports as CSV")
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises many types for files that are not .xls
        raise FileRejected(f"not a readable XLS workbook ({type(exc).__name__})") from None
    try:
        names = book.sheet_names()
        if sheet is not None and sheet not in names:
            raise FileRejected(f"workbook has no sheet named '{sheet}' (sheets: {', '.join(names)})")
        sheets, total = [], 0
        for name in [sheet] if sheet is not None else names:
            ws = book.sheet_by_name(name)
            if ws.ncols > MAX_COLUMNS:
                raise FileRejected(f"sheet '{name}' has {ws.ncols:,} columns; at most {MAX_COLUMNS:,} are read")
            total += ws.nrows
            if total > XLSX_MAX_ROWS:
                raise FileRejected(f"workbook has more than {XLSX_MAX_ROWS:,} rows, the most read from a workbook "
                                   "(it is read whole): send large exports as CSV")
            rows = []
            for r in range(ws.nrows):
                row = []
                for cell in ws.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            row.append(xlrd.xldate_as_datetime(cell.value, book.datemode).isoformat(sep=" "))
                        except (ValueError, OverflowError):
                            row.append(_cell_text(cell.value))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        row.append("")
                    else:
                        row.append(_cell_text(cell.value))
                rows.append(row)
            sheets.append((name, rows))
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(f"not a readable XLS workbook ({type(exc).__name__})") from None
    finally:
        book.release_resources()
    return _filled(sheets)


def read_sheets(path: Path, sheet: str | None) -> list[tuple[str, list[list[str]]]]:
    """Every sheet with content (or the named one) as text. Formulas stay their text (data_only=False):
    never evaluated, never lost. An .xls workbook is read with xlrd."""
    from openpyxl import load_workbook

    if path.suffix.lower() in XLS_SUFFIXES:
        return _read_xls_sheets(path, sheet)

    _check_unpacked_size(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for corrupt workbooks
        raise FileRejected(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise FileRejected(f"workbook has no sheet named '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
        sheets, total = [], 0
        for ws in [wb[sheet]] if sheet is not None else wb.worksheets:
            rows = []
            for row in ws.iter_rows(values_only=True):
                total += 1
                if total > XLSX_MAX_ROWS:
                    raise FileRejected(f"workbook has more than {XLSX_MAX_ROWS:,} rows, the most read from an XLSX "
                                       "(it is read whole): send large exports as CSV")
                if len(row) > MAX_COLUMNS:
                    raise FileRejected(f"sheet '{ws.title}' has {len(row):,} columns; at most {MAX_COLUMNS:,} are read")
                rows.append([_cell_text(v) for v in row])
            sheets.append((ws.title, rows))
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    finally:
        wb.close()
    return _filled(sheets)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than we read (a zip bomb), before opening it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(f"not a readable XLSX workbook ({exc})") from None
    unpacked = sum(p.file_size for p in parts)
    packed = sum(p.compress_size for p in parts) or 1
    if unpacked > XLSX_MAX_EXPANDED_BYTES or (unpacked > 16 << 20 and unpacked / packed > XLSX_MAX_RATIO):
        raise FileRejected(f"workbook unpacks to {unpacked / (1 << 20):,.0f} MB from {packed / (1 << 20):,.1f} MB "
                           f"(at most {XLSX_MAX_EXPANDED_BYTES >> 20} MB, {XLSX_MAX_RATIO}x): refused unopened")


_SAMPLE_KEYS = {"抽样编号", "样品编号"}


def _key_header(rows: list[list[str]]) -> tuple[int, list[str]] | None:
    """(index, header) of a sheet's first row with three or more filled cells."""
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if sum(1 for c in row if str(c).strip()) >= 3:
            return i, [str(c) for c in row]
    return None


def joined_sheets(sheets: list[tuple[str, list[list[str]]]]) -> list[tuple[str, list[list[str]]]]:
    """An upload template's samples sheet and items sheet (抽样单编号 on both, 检验项目 on one) read as one table:
    each item row with its sample's columns. Other sheets pass unchanged; an item whose sample is not on the
    samples sheet keeps blank sample columns (its row is then quarantined for what it lacks, never dropped)."""
    from surveillance.ingest.layouts import canonical

    def key_column(header: list[str]) -> int | None:
        return next((n for n, h in enumerate(header) if canonical(header_key(h)) in _SAMPLE_KEYS), None)

    heads = {n: _key_header(rows) for n, (_, rows) in enumerate(sheets)}
    items = [n for n, h in heads.items() if h and key_column(h[1]) is not None
             and any(canonical(header_key(c)) == "检验项目" for c in h[1])]
    samples = [n for n, h in heads.items() if h and n not in items and key_column(h[1]) is not None]
    if len(items) != 1 or len(samples) != 1:
        return sheets
    (i, (ih, iheader)), (j, (jh, jheader)) = (items[0], heads[items[0]]), (samples[0], heads[samples[0]])
    ik, jk = key_column(iheader), key_column(jheader)
    by_key: dict[str, list[str]] = {}
    for row in sheets[j][1][jh + 1 :]:
        if jk < len(row) and str(row[jk]).strip():
            by_key.setdefault(str(row[jk]).strip(), row)
    extra = [n for n in range(len(jheader)) if n != jk and jheader[n].strip()]
    header = iheader + [jheader[n] for n in extra]
    body = []
    for row in sheets[i][1][ih + 1 :]:
        row = list(row) + [""] * (len(iheader) - len(row))
        sample = by_key.get(str(row[ik]).strip() if ik < len(row) else "", [])
        body.append(row[: len(iheader)] + [sample[n] if n < len(sample) else "" for n in extra])
    name = f"{sheets[j][0]}+{sheets[i][0]}"
    rest = [sh for n, sh in enumerate(sheets) if n not in (i, j)]
    return [(name, sheets[i][1][:ih] + [header] + body), *rest]


def _read_xlsx(path: Path, sheet: str | None) -> list[list[str]]:
    """The named sheet, else the first with content."""
    return read_sheets(path, sheet)[0][1]


def _frame_chunks(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, chunk_rows: int, layout: Layout,
                  invalid: list[InvalidLine] | None = None, title: str = "", start: int = 1,
                  context: dict | None = None) -> Iterator[RawChunk]:
    """``frame`` in chunks; its rows are numbered from ``start`` (a workbook's later sheets go on counting)."""
    frame = frame.reset_index(drop=True)
    frame.index = pd.RangeIndex(start - 1, start - 1 + len(frame))
    if frame.empty:
        chunk = _shape(frame, mapping, contract, layout, start, title, context)
        chunk.invalid = list(invalid or [])
        yield chunk
        return
    for n, (begin, end) in enumerate(_cuts(frame.rename(columns=mapping), layout, chunk_rows)):
        chunk = _shape(frame.iloc[begin:end], mapping, contract, layout, start + begin, title, context)
        chunk.invalid = list(invalid or []) if n == 0 else []
        yield chunk


def _cuts(frame: pd.DataFrame, layout: Layout, chunk_rows: int) -> Iterator[tuple[int, int]]:
    """Chunk borders that never separate a record from the continuation lines of its merged cells."""
    continuation = _continuation(frame, layout)
    begin = 0
    while begin < len(frame):
        end = min(begin + chunk_rows, len(frame))
        while end < len(frame) and continuation[end]:
            end += 1
        yield begin, end
        begin = end


def _continuation(frame: pd.DataFrame, layout: Layout) -> list[bool]:
    """Lines whose record cells are blank (merged above) and whose item is filled: they belong to the record above."""
    keys = [k for k in (layout.fold or {}).get("key", []) if k in frame.columns]
    into = (layout.fold or {}).get("into")
    if not keys or into not in frame.columns:
        return [False] * len(frame)
    blank = frame[keys].fillna("").astype(str).apply(lambda col: col.str.strip() == "").all(axis=1)
    return (blank & (frame[into].fillna("").astype(str).str.strip() != "")).tolist()


def _open_xlsx(path: Path, contract: Contract, sheet: str | None, chunk_rows: int, layout: str | None,
               context: dict) -> RawFile:
    """Every sheet that fits a layout (announcements put 不合格 and 合格 lists on two sheets of one workbook);
    the sheets that fit none are named in the result, and a workbook none of whose sheets fits is rejected."""
    matched, skipped, errors = [], [], []
    for title, rows in joined_sheets(read_sheets(path, sheet)):
        try:
            matched.append((title, rows, _match(rows, contract, layout)))
        except FileRejected as exc:
            errors.append(str(exc))
            skipped.append(f"sheet '{title}' not read: {exc}")
    if not matched:
        raise FileRejected(errors[0] if len(errors) == 1 else "no sheet fits a layout: " + "; ".join(skipped))

    def chunks() -> Iterator[RawChunk]:
        first = 1
        for name, rows, match in matched:
            header = _unique_headers(list(match.header))
            mapping = match.layout.map_headers(header)[0]
            width = len(header)
            body = [r[:width] + [""] * (width - len(r)) for r in rows[match.row + match.depth :]]
            frame = pd.DataFrame(body, columns=header, dtype=object)
            yield from _frame_chunks(frame, mapping, contract, chunk_rows, match.layout, title=_title(rows, match),
                                     start=first, context={**context, "sheet": name})
            first += len(frame)

    _, rows, match = matched[0]
    mapping, unknown = match.layout.map_headers(_unique_headers(list(match.header)))
    names = "+".join(dict.fromkeys(m.layout.name for _, _, m in matched))
    lay = match.layout if len(names.split("+")) == 1 else replace(match.layout, name=names)
    return RawFile(path, contract, path.suffix.lower().lstrip("."), mapping, tuple(unknown), chunks(), lay, skipped)


def _depth(value: object, level: int = 1) -> int:
    if level > JSON_MAX_DEPTH or not isinstance(value, dict | list):
        return level
    items = value.values() if isinstance(value, dict) else value
    return max((_depth(v, level + 1) for v in items), default=level)


def _json_text(value: object) -> str:
    """A JSON value as a cell: text as it is, a nested object or list as its JSON."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return _cell_text(value)


def _open_jsonl(path: Path, contract: Contract, chunk_rows: int, layout: str | None, context: dict) -> RawFile:
    text, encoding = decode(path.read_bytes())
    records, invalid = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            invalid.append(InvalidLine(line, f"line {n} is not valid JSON ({exc.msg})"))
            continue
        except RecursionError:
            invalid.append(InvalidLine(line[:MAX_FIELD_CHARS], f"line {n} is nested too deeply to read"))
            continue
        if isinstance(obj, dict) and _depth(obj) > JSON_MAX_DEPTH:
            invalid.append(InvalidLine(line[:MAX_FIELD_CHARS], f"line {n} is nested more than {JSON_MAX_DEPTH} levels deep "
                                                               "(a record is one flat object)"))
            continue
        if not isinstance(obj, dict):
            invalid.append(InvalidLine(line, f"line {n} is not a JSON object"))
            continue
        records.append({str(k): _json_text(v) for k, v in obj.items()})
    if not records and not invalid:
        raise FileRejected("file is empty")
    header = list(dict.fromkeys(k for r in records for k in r))
    if not records:
        raise FileRejected(f"no line is a JSON object ({invalid[0].reason})")
    _check_width([header])
    match = _match([header], contract, layout)
    mapping, unknown = match.layout.map_headers(header)
    frame = pd.DataFrame.from_records(records, columns=header)
    return RawFile(path, contract, encoding, mapping, tuple(unknown),
                   _frame_chunks(frame, mapping, contract, chunk_rows, match.layout, invalid, context=context), match.layout)


def header_rows(path: Path, sheet: str | None = None) -> list[list[str]]:
    """The rows a layout is recognised from: the first rows of a CSV or sheet, a JSON Lines file's keys."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES | XLS_SUFFIXES:
        return _read_xlsx(path, sheet)[:_HEADER_SEARCH_ROWS]
    if suffix in JSONL_SUFFIXES:
        text, _ = decode(path.read_bytes())
        keys = dict.fromkeys(k for line in text.splitlines()[:200] if line.strip().startswith("{")
                             for k in json.loads(line))
        return [list(keys)]
    if suffix in CSV_SUFFIXES:
        with path.open("rb") as fh:
            sample = fh.read(_SAMPLE_BYTES)
        return _sample_rows(sample, detect_encoding(sample))
    raise FileRejected(f"unsupported file type '{suffix}' (expected .csv, .xlsx, .xls or .jsonl)")


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
    suffix = path.suffix.lower()
    context = {"file": path.name, "sender": sender}
    if suffix in XLSX_SUFFIXES | XLS_SUFFIXES:
        return _open_xlsx(path, contract, sheet, chunk_rows, layout, context)
    if sheet is not None:
        raise FileRejected(f"a sheet name was given but '{suffix}' files have no sheets")
    if suffix in JSONL_SUFFIXES:
        return _open_jsonl(path, contract, chunk_rows, layout, context)
    if suffix in CSV_SUFFIXES:
        return _open_csv(path, contract, chunk_rows, layout, context)
    raise FileRejected(f"unsupported file type '{suffix}' (expected .csv, .xlsx, .xls or .jsonl)")
