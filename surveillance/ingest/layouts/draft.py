"""A profile to start from for a file the ingest cannot read (``surveillance layouts draft``): the mapping it
inferred for each column with its score and sample values, the rules of the nearest shipped layout it would use,
and the questions an operator must answer. Edited and put in ``SURVEILLANCE_LAYOUTS``, it makes the file read."""

from __future__ import annotations

import json
import re
from pathlib import Path

from surveillance.ingest.layouts import Layout, Match, best_row, layouts_for, match_rank, result_like
from surveillance.ingest.read import header_rows
from surveillance.ingest.read.workbook import joined_sheets, read_sheets

_SCORES = {4: "the layout's own name", 3: "its own name without the unit", 2: "a name other senders use",
           1: "same meaning in other words"}


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def nearest(rows: list[list[str]], source: str) -> Match:
    """The shipped layout of ``source`` that reads most of the file (required fields first, then fields)."""
    found = [m for m in (best_row(rows, lay) for lay in layouts_for(source) if not lay.native) if m is not None]
    if not found:
        raise ValueError("no header row found (no row with two or more filled cells in the first 30)")
    return max(found, key=match_rank)


def draft(path: Path, source: str, sheet: str | None = None) -> str:
    """The profile (TOML text) for ``path`` read as ``source``."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and sheet is None:
        sheets = joined_sheets(read_sheets(path, None))
        rows = sheets[0][1][:30]
    else:
        rows = header_rows(path, sheet)
    match = nearest(rows, source)
    lay: Layout = match.layout
    header = [h for h in match.header if str(h).strip()]
    body = rows[match.row + match.depth : match.row + match.depth + 5]
    samples = {h: [str(r[n]).strip() for r in body if n < len(r) and str(r[n]).strip()][:3]
               for n, h in enumerate(match.header) if str(h).strip()}
    slug = re.sub(r"[^0-9a-z]+", "-", path.stem.lower()).strip("-") or "sender"
    out = [f"# Sender profile drafted by `surveillance layouts draft` from {path.name}. Answer the QUESTIONs, rename it,",
           "# and put it in the folder SURVEILLANCE_LAYOUTS names (docs/ingest.md, \"Adding a sender's layout\").",
           f"name = {_toml(f'{source}-{slug}')}",
           f"source = {_toml(source)}",
           "title = \"（填写：发送方与表样名称）\"",
           f"extends = {_toml(lay.name)}  # its rules: derivations, merged cells, items, defaults ({lay.title})",
           f"# required = {json.dumps(list(lay.required), ensure_ascii=False)}  (the layout's own, unless you set it here)",
           "", "[fields]"]
    given = set()
    for h in header:
        hit = lay.read_header(h)
        eg = "、".join(samples.get(h, [])) or "（空）"
        if hit:
            given.add(hit[0])
            out.append(f"{hit[0]} = [{_toml(str(h))}]  # {_SCORES[hit[1]]} (score {hit[1]}); e.g. {eg}")
    questions = []
    for h in header:
        if lay.read_header(h):
            continue
        eg = "、".join(samples.get(h, [])) or "（空）"
        if h in result_like([h]):
            out.append(f"# QUESTION: which field is [{_toml(str(h))}]? it reads like results, limits or verdicts; "
                       f"unread, the file is refused. e.g. {eg}")
            questions.append(h)
        else:
            out.append(f"# ? = [{_toml(str(h))}]  # not understood: kept as extra unless you name its field; e.g. {eg}")
    missing = [f for f in lay.required if f not in given]
    for f in missing:
        out.append(f"# QUESTION: required field {f} ({lay.label(f)}): which column holds it?")
    fields = ", ".join(sorted(set(lay.fields) | set(lay.contract.names)))
    out += ["", f"# Fields of {lay.name}: {fields}",
            f"# Derived when absent: {', '.join(lay.derive) or 'none'} (what each was derived from is kept per record)"]
    if lay.explode:
        out.append("# QUESTION: is this a 合格 or a 不合格 list? Its title, sheet name or file name must say so, or a column "
                   "must name the failed items.")
    return "\n".join(out) + "\n"
