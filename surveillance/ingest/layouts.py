"""Sender layouts as data: which headers a layout uses, which fields it must have, its code tables,
and how its rows become the contract's columns.

A layout is a TOML profile under ``surveillance/ingest/profiles/`` (one per sender form or announcement
template, with its public source). Each source also has a ``native`` layout built from the data contract.
The reader recognises the layout from the header row; the derivations named in a profile are the
functions in ``derive.py``, so a new layout is a new profile, not new code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from surveillance.ingest.contract import CONTRACTS, Contract

PROFILES = Path(__file__).resolve().parent / "profiles"


def header_key(text: object) -> str:
    """A header cell as compared: full-width to ASCII, no white space (headers broken across lines
    join up), '*' (the required-field mark of import templates) and item numbers dropped, ASCII lower-cased."""
    value = "".join(unicodedata.normalize("NFKC", str(text)).split()).strip("*")
    value = _NUMBERED.sub("", value)  # a printed form's item number: 1.姓名, (3)性别, 12、伤害性质
    return value.lower() if value.isascii() else value


_NUMBERED = re.compile(r"^(?:\d{1,2}[.、]|\(\d{1,2}\))(?=\D)")


def strip_unit(key: str) -> str:
    """``检测结果(mg/kg)`` -> ``检测结果``: a bracketed suffix, usually a unit."""
    for open_, close in ("()", "[]"):
        if key.endswith(close) and open_ in key:
            return key[: key.rindex(open_)]
    return key


@dataclass(frozen=True, eq=False)
class Layout:
    name: str
    source: str
    title: str  # Chinese, as senders know the form
    fields: dict[str, tuple[str, ...]]  # layout field -> accepted headers
    required: tuple[str, ...]  # fields a file must have to be read with this layout
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> code table (code -> label)
    derive: dict[str, dict] = field(default_factory=dict)  # contract column -> derivation spec
    defaults: dict[str, str] = field(default_factory=dict)  # contract column -> value when nothing gives one
    fold: dict | None = None  # continuation rows of merged cells: {"key": [...], "into": field}
    explode: dict | None = None  # one row naming several items: {"field": ..., "rule": ...}
    provenance: str = ""
    url: str = ""
    native: bool = False

    @property
    def contract(self) -> Contract:
        return CONTRACTS[self.source]

    def label(self, name: str) -> str:
        """The Chinese header a sender of this layout would use for ``name``."""
        headers = self.fields.get(name)
        return f"{headers[0]}" if headers else name

    def aliases(self) -> tuple[dict[str, str], dict[str, str]]:
        """(exact header key -> field, header key without a unit suffix -> field)."""
        return _aliases(self)

    def field_of(self, column: object) -> str | None:
        """The layout field a raw header names, if any (exactly, else without its unit suffix)."""
        exact, loose = self.aliases()
        key = header_key(column)
        return exact.get(key) or loose.get(strip_unit(key))

    def map_headers(self, columns: list[str]) -> tuple[dict[str, str], list[str]]:
        """Raw header -> layout field for the columns this layout knows; the others, in order."""
        mapping: dict[str, str] = {}
        unknown = []
        for col in columns:
            name = self.field_of(col)
            if name and name not in mapping.values():
                mapping[col] = name
            else:
                unknown.append(col)
        return mapping, unknown

    def missing(self, mapped: dict[str, str]) -> list[str]:
        return [f for f in self.required if f not in mapped.values()]


@cache
def _aliases(layout: Layout) -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for name, headers in layout.fields.items():
        for h in (name, *headers):
            key = header_key(h)
            exact.setdefault(key, name)
            loose.setdefault(strip_unit(key), name)
    return exact, loose


def native_layout(contract: Contract) -> Layout:
    """The data contract's own columns (canonical or Chinese headers)."""
    fields: dict[str, tuple[str, ...]] = {}
    for col in (*contract.columns, *contract.personal):
        fields[col.name] = tuple(col.zh.split("|"))
    return Layout(name=f"native-{contract.source}", source=contract.source, title=f"本系统数据规范（{contract.source}）",
                  fields=fields, required=tuple(contract.required), native=True,
                  provenance="The project's own data contract (surveillance/ingest/contract.py).")


def _profile(path: Path) -> Layout:
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    fields = {k: tuple(v) for k, v in spec["fields"].items()}
    unknown = set(spec["required"]) - set(fields)
    if unknown:
        raise ValueError(f"{path.name}: required fields without headers: {sorted(unknown)}")
    return Layout(name=spec["name"], source=spec["source"], title=spec["title"], fields=fields,
                  required=tuple(spec["required"]), codes={k: {str(c): str(v) for c, v in t.items()} for k, t in spec.get("codes", {}).items()},
                  derive=spec.get("derive", {}), defaults=spec.get("defaults", {}), fold=spec.get("fold"),
                  explode=spec.get("explode"), provenance=spec.get("provenance", ""), url=spec.get("url", ""))


@cache
def all_layouts() -> tuple[Layout, ...]:
    """The native layouts, then every profile in ``profiles/`` (by file name)."""
    natives = tuple(native_layout(c) for c in CONTRACTS.values())
    return natives + tuple(_profile(p) for p in sorted(PROFILES.glob("*.toml")))


def layouts_for(source: str) -> list[Layout]:
    return [lay for lay in all_layouts() if lay.source == source]


def get_layout(name: str) -> Layout:
    for lay in all_layouts():
        if lay.name == name:
            return lay
    raise KeyError(f"no layout named {name!r} (known: {', '.join(lay.name for lay in all_layouts())})")


@dataclass(frozen=True)
class Match:
    layout: Layout
    row: int  # index of the header row among the rows searched
    mapping: dict[str, str]
    unknown: list[str]

    @property
    def missing(self) -> list[str]:
        return self.layout.missing(self.mapping)


class NoLayout(Exception):
    """No layout of the source fits the file; the message says what is missing and what is nearest."""


_NOTE = re.compile(r"^\s*(注|备注|说明|附注|附件|数据来源|来源|\*|※|填表说明|\d{1,2}\s*[.、．)）]\s*[^\d\s.])")


def is_note(cells: list[str]) -> bool:
    """A footnote or title line: one filled cell that reads like a note (注：…, 2.排名不分先后), not a record."""
    filled = [c for c in cells if str(c).strip()]
    return len(filled) == 1 and bool(_NOTE.match(str(filled[0])))


def _best_row(rows: list[list[str]], layout: Layout) -> Match | None:
    """The first row under which every required field of ``layout`` has a header, else the row that
    comes closest (most required fields, then most fields)."""
    best: Match | None = None
    for i, row in enumerate(rows):
        cells = [str(c) for c in row]
        if sum(1 for c in cells if c.strip()) < 2:
            continue
        mapping, unknown = layout.map_headers([c for c in cells if c.strip()])
        match = Match(layout, i, mapping, unknown)
        if not match.missing:
            return match
        score = (len(layout.required) - len(match.missing), len(mapping))
        if best is None or score > (len(layout.required) - len(best.missing), len(best.mapping)):
            best = match
    return best


def recognise(rows: list[list[str]], source: str, forced: str | None = None) -> Match:
    """The layout of ``source`` whose header row fits the file best (``forced``: that one only).

    Raises NoLayout naming the missing fields in Chinese, the columns not understood and the nearest
    layout; a file that fits another source's layout is named as such."""
    candidates = [get_layout(forced)] if forced else layouts_for(source)
    if forced and candidates[0].source != source:
        raise NoLayout(f"layout {forced} is for {candidates[0].source} files, not {source}")
    found = [m for m in (_best_row(rows, lay) for lay in candidates) if m is not None]
    fitting = [m for m in found if not m.missing]
    if fitting:
        # most fields understood wins; a profile beats the native layout on a tie (it knows more values)
        return max(fitting, key=lambda m: (len(m.mapping), not m.layout.native, -m.row))
    if not forced:
        for other in (lay for lay in all_layouts() if lay.source != source):
            m = _best_row(rows, other)
            if m is not None and not m.missing and len(m.mapping) >= 3:
                raise NoLayout(f"this is a {other.source} file, not a {source} file (it fits layout {other.name})")
    if not found:
        raise NoLayout("no header row found")
    near = max(found, key=lambda m: (len(m.layout.required) - len(m.missing), len(m.mapping)))
    missing = "、".join(f"{near.layout.label(f)} ({f})" for f in near.missing)
    unknown = "、".join(u for u in near.unknown if u.strip())[:300] or "none"
    raise NoLayout(f"missing required columns: {missing}; nearest layout: {near.layout.name} ({near.layout.title}); "
                   f"columns not understood: {unknown}")
