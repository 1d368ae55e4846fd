"""Rows of text to chunks of layout fields, whatever the format: the header found and matched to a layout,
columns renamed, the layout's rules applied, values no record holds caught, chunk borders kept off merged cells."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from surveillance.ingest.contract import Contract
from surveillance.ingest.layouts import Layout, Match, NoLayout, Unreadable, header_key, recognise, result_like, strip_unit
from surveillance.ingest.read.raw import FileRejected, InvalidLine, RawChunk
from surveillance.ingest.senders.hospitals import RegistryError
from surveillance.ingest.values.derive import apply_layout
from surveillance.safe_text import one_line

HEADER_SEARCH_ROWS = 30

MAX_COLUMNS = 1_000  # no sender's form has more; a wider header is not a table of records

MAX_FIELD_CHARS = 100_000  # longer values are a row's parse problem (a narrative runs to a few thousand)


def clean_header(text: object) -> str:
    """Normalise a header cell: full-width to ASCII, no spaces, no bracketed unit suffix."""
    return strip_unit(header_key(text))


def unique_headers(header: list[str]) -> list[str]:
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


def title_above(rows: list[list[str]], match: Match) -> str:
    """The title rows above the header (an announcement's batch and date are written there)."""
    return " ".join(str(c).strip() for row in rows[: match.row] for c in row if str(c).strip())


def check_width(rows: list[list[str]]) -> None:
    widest = max((len(r) for r in rows), default=0)
    if widest > MAX_COLUMNS:
        raise FileRejected(f"a line has {widest:,} fields; at most {MAX_COLUMNS:,} columns are read (not a table of records?)")


def match_header(rows: list[list[str]], contract: Contract, layout: str | None) -> Match:
    try:
        match = recognise(rows[:HEADER_SEARCH_ROWS], contract.source, layout)
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


def shape(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, layout: Layout | None = None,
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


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def frame_chunks(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, chunk_rows: int, layout: Layout,
                  invalid: list[InvalidLine] | None = None, title: str = "", start: int = 1,
                  context: dict | None = None) -> Iterator[RawChunk]:
    """``frame`` in chunks; its rows are numbered from ``start`` (a workbook's later sheets go on counting)."""
    frame = frame.reset_index(drop=True)
    frame.index = pd.RangeIndex(start - 1, start - 1 + len(frame))
    if frame.empty:
        chunk = shape(frame, mapping, contract, layout, start, title, context)
        chunk.invalid = list(invalid or [])
        yield chunk
        return
    for n, (begin, end) in enumerate(_cuts(frame.rename(columns=mapping), layout, chunk_rows)):
        chunk = shape(frame.iloc[begin:end], mapping, contract, layout, start + begin, title, context)
        chunk.invalid = list(invalid or []) if n == 0 else []
        yield chunk


def _cuts(frame: pd.DataFrame, layout: Layout, chunk_rows: int) -> Iterator[tuple[int, int]]:
    """Chunk borders that never separate a record from the continuation lines of its merged cells."""
    continuation = continuation_lines(frame, layout)
    begin = 0
    while begin < len(frame):
        end = min(begin + chunk_rows, len(frame))
        while end < len(frame) and continuation[end]:
            end += 1
        yield begin, end
        begin = end


def continuation_lines(frame: pd.DataFrame, layout: Layout) -> list[bool]:
    """Lines whose record cells are blank (merged above) and whose item is filled: they belong to the record above."""
    keys = [k for k in (layout.fold or {}).get("key", []) if k in frame.columns]
    into = (layout.fold or {}).get("into")
    if not keys or into not in frame.columns:
        return [False] * len(frame)
    blank = frame[keys].fillna("").astype(str).apply(lambda col: col.str.strip() == "").all(axis=1)
    return (blank & (frame[into].fillna("").astype(str).str.strip() != "")).tolist()
