"""JSON Lines files (one flat object per line), read whole and cut into the same chunks as a CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from surveillance.ingest.contract import Contract
from surveillance.ingest.read.raw import FileRejected, InvalidLine, RawFile
from surveillance.ingest.read.table import MAX_FIELD_CHARS, cell_text, check_width, frame_chunks, match_header
from surveillance.ingest.read.text import decode

JSONL_SUFFIXES = {".jsonl", ".ndjson"}

JSON_MAX_DEPTH = 20


def _depth(value: object, level: int = 1) -> int:
    if level > JSON_MAX_DEPTH or not isinstance(value, dict | list):
        return level
    items = value.values() if isinstance(value, dict) else value
    return max((_depth(v, level + 1) for v in items), default=level)


def _json_text(value: object) -> str:
    """A JSON value as a cell: text as it is, a nested object or list as its JSON."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def open_jsonl(path: Path, contract: Contract, chunk_rows: int, layout: str | None, context: dict) -> RawFile:
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
    check_width([header])
    match = match_header([header], contract, layout)
    mapping, unknown = match.layout.map_headers(header)
    frame = pd.DataFrame.from_records(records, columns=header)
    return RawFile(path, contract, encoding, mapping, tuple(unknown),
                   frame_chunks(frame, mapping, contract, chunk_rows, match.layout, invalid, context=context), match.layout)


def header_keys(path: Path) -> list[list[str]]:
    """A JSON Lines file's keys (of its first 200 lines): the one header row a layout is recognised from."""
    text, _ = decode(path.read_bytes())
    keys = dict.fromkeys(k for line in text.splitlines()[:200] if line.strip().startswith("{") for k in json.loads(line))
    return [list(keys)]
