"""Workbooks (.xlsx, .xlsm and the older binary .xls), read whole (senders use them for small files) and cut
into the same chunks as a CSV; an upload template's samples and items sheets are joined into one table."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd

from surveillance.ingest.contract import Contract
from surveillance.ingest.layouts import header_key
from surveillance.ingest.read.raw import FileRejected, RawChunk, RawFile
from surveillance.ingest.read.table import HEADER_SEARCH_ROWS, MAX_COLUMNS, cell_text, frame_chunks, match_header, title_above, unique_headers

XLSX_SUFFIXES = {".xlsx", ".xlsm"}

XLS_SUFFIXES = {".xls"}  # the older binary workbooks many bureaus still publish

XLSX_MAX_ROWS = 100_000  # an XLSX is read whole: larger exports come as CSV, which is streamed

XLSX_MAX_EXPANDED_BYTES = 512 << 20  # a workbook that unpacks to more is refused unopened (zip bomb)

XLSX_MAX_RATIO = 200  # nor one whose parts compress better than this (real sheets: 5-20x)


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
                            row.append(cell_text(cell.value))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        row.append("")
                    else:
                        row.append(cell_text(cell.value))
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
                rows.append([cell_text(v) for v in row])
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
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
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


def first_sheet_rows(path: Path, sheet: str | None) -> list[list[str]]:
    """The named sheet, else the first with content."""
    return read_sheets(path, sheet)[0][1]


def open_workbook(path: Path, contract: Contract, sheet: str | None, chunk_rows: int, layout: str | None,
               context: dict) -> RawFile:
    """Every sheet that fits a layout (announcements put 不合格 and 合格 lists on two sheets of one workbook);
    the sheets that fit none are named in the result, and a workbook none of whose sheets fits is rejected."""
    matched, skipped, errors = [], [], []
    for title, rows in joined_sheets(read_sheets(path, sheet)):
        try:
            matched.append((title, rows, match_header(rows, contract, layout)))
        except FileRejected as exc:
            errors.append(str(exc))
            skipped.append(f"sheet '{title}' not read: {exc}")
    if not matched:
        raise FileRejected(errors[0] if len(errors) == 1 else "no sheet fits a layout: " + "; ".join(skipped))

    def chunks() -> Iterator[RawChunk]:
        first = 1
        for name, rows, match in matched:
            header = unique_headers(list(match.header))
            mapping = match.layout.map_headers(header)[0]
            width = len(header)
            body = [r[:width] + [""] * (width - len(r)) for r in rows[match.row + match.depth :]]
            frame = pd.DataFrame(body, columns=header, dtype=object)
            yield from frame_chunks(frame, mapping, contract, chunk_rows, match.layout, title=title_above(rows, match),
                                     start=first, context={**context, "sheet": name})
            first += len(frame)

    _, rows, match = matched[0]
    mapping, unknown = match.layout.map_headers(unique_headers(list(match.header)))
    names = "+".join(dict.fromkeys(m.layout.name for _, _, m in matched))
    lay = match.layout if len(names.split("+")) == 1 else replace(match.layout, name=names)
    return RawFile(path, contract, path.suffix.lower().lstrip("."), mapping, tuple(unknown), chunks(), lay, skipped)
