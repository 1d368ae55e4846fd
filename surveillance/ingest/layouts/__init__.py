"""Sender layouts as data: which headers a layout uses, which fields it must have, its code tables,
and how its rows become the contract's columns.

A layout is a TOML profile under ``surveillance/ingest/profiles/`` (one per sender form or announcement
template, with its public source). Each source also has a ``native`` layout built from the data contract.
The reader recognises the layout from the header row; the derivations named in a profile are the
functions in ``values/derive.py``, so a new layout is a new profile, not new code.
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
    own: dict[str, int] = field(default_factory=dict)  # field -> how many of its names are the profile's own (the rest shared)

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

    def meanings(self) -> dict[str, tuple[str, int]]:
        """Canonical header (``canonical``) -> (field, rank of the alias it comes from)."""
        return _meanings(self)

    def read_header(self, column: object) -> tuple[str, int, int] | None:
        """(field, score, rank) of a raw header: score 4 one of the profile's own names for the field, 3 the same
        without its unit suffix, 2 a name the field goes by in other senders' files (``field_headers.csv``), 1 the
        same meaning in other words (``canonical``); rank orders the field's names (0 first)."""
        exact, loose = self.aliases()
        key = header_key(column)
        if not key:
            return None
        for table, score in ((exact, 4), (loose, 3)):
            name = table.get(key if score == 4 else strip_unit(key))
            if name:
                rank = _rank(self, name, key)
                return name, score if rank <= self.own.get(name, rank) else 2, rank
        hit = self.meanings().get(canonical(key))
        if hit:
            return hit[0], 1, hit[1]
        raw = str(column)
        if self.explode and _COMBINED.search(raw):  # 不合格项目||检验结果||计量单位||标准值: the items, whatever parts follow
            first = canonical(header_key(_COMBINED.split(raw)[0]))
            if "项目" in first:
                return self.explode["field"], 1, 0
        if "/" in key:  # 标称生产企业/进货来源名称: the first of two names for one column, with the shared suffix
            head, tail = key.split("/", 1)
            suffix = next((s for s in ("名称", "地址", "所在地") if tail.endswith(s) and not head.endswith(s)), "")
            inner = self.read_header(head + suffix) if head else None
            if inner:
                return inner[0], 1, inner[2]
        return None

    def field_of(self, column: object) -> str | None:
        """The layout field a raw header names, if any (exactly, without its unit suffix, or by meaning)."""
        hit = self.read_header(column)
        return hit[0] if hit else None

    def map_headers(self, columns: list[str]) -> tuple[dict[str, str], list[str]]:
        """Raw header -> layout field for the columns this layout knows; the others, in order.

        Two columns claiming one field are resolved by rule: an exact alias beats a header read by meaning,
        then the field's preferred alias (产品名称 before 产品种类); a tie of exact aliases keeps the first
        (the reader refuses such a file: which column holds the field is the sender's to say)."""
        claims: dict[str, list[tuple[int, int, int, str]]] = {}
        for pos, col in enumerate(columns):
            hit = self.read_header(col)
            if hit:
                claims.setdefault(hit[0], []).append((-hit[1], hit[2], pos, col))
        winners = {min(c)[3]: name for name, c in claims.items()}
        mapping = {col: winners[col] for col in columns if col in winners}
        return mapping, [col for col in columns if col not in mapping]

    def missing(self, mapped: dict[str, str]) -> list[str]:
        return [f for f in self.required if f not in mapped.values()]


@cache
def _rank(layout: Layout, name: str, key: str) -> int:
    keys = [header_key(h) for h in (name, *layout.fields.get(name, ()))]
    for n, k in enumerate(keys):
        if k == key or strip_unit(k) == strip_unit(key):
            return n
    return len(keys)


@cache
def _meanings(layout: Layout) -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for name, headers in layout.fields.items():
        for rank, h in enumerate((name, *headers)):
            table.setdefault(canonical(strip_unit(header_key(h))), (name, rank))
    table.pop("", None)
    return table


_COMBINED = re.compile(r"║|‖|\|\||\||¦|︱|丨|┃")
_ASCII_SEPARATORS = re.compile(r"[\s_\-.:/#()]+")
_NOISE_END = ("名称", "信息", "情况")


@cache
def canonical(key: str) -> str:
    """A header read by meaning: English and pinyin headers translated (``sample_id``, ``cybh`` -> 抽样编号),
    then the words of Chinese headers replaced by one word per meaning (受检单位 / 被抽查单位 / 被抽样单位 ->
    被抽样者, 标称生产单位 / 标称生产企业 -> 标称生产者, 检测结果 / 实测值 -> 检验结果 …), a trailing 名称 dropped.
    The vocabulary is reference data (``reference/data/header_words.csv``)."""
    from surveillance import reference

    ascii_, words = reference.header_words()
    key = strip_unit(key)
    if key.isascii():
        flat = _ASCII_SEPARATORS.sub("", key.lower())
        stem, digits = re.fullmatch(r"(.*?)(\d*)", flat).groups()
        key = ascii_[flat] if flat in ascii_ else ascii_[stem] + digits if stem in ascii_ else key
    out, i = [], 0
    while i < len(key):
        for word, means in words:
            if key.startswith(word, i):
                out.append(means)
                i += len(word)
                break
        else:
            out.append(key[i])
            i += 1
    text = "".join(out)
    for noise in _NOISE_END:
        if text.endswith(noise) and len(text) > len(noise):
            text = text[: -len(noise)]
    return text


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


def _profile(path: Path, shipped: dict[str, dict] | None = None) -> Layout:
    from surveillance import reference

    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"sender profile {path}: {exc}") from None
    if spec.get("extends"):  # an operator's profile: a shipped layout's rules, with this file's headers first
        base = (shipped or {}).get(spec["extends"])
        if base is None:
            raise ValueError(f"sender profile {path}: extends unknown layout {spec['extends']!r}")
        fields = {k: [*spec.get("fields", {}).get(k, []), *v] for k, v in base["fields"].items()}
        fields.update({k: v for k, v in spec.get("fields", {}).items() if k not in fields})
        spec = {**base, **{k: v for k, v in spec.items() if k != "extends"}, "fields": fields}
    shared = reference.field_headers(spec["source"])
    # the profile's own headers first (they win a tie), then what the field goes by in other senders' files
    own = {k: len(v) for k, v in spec["fields"].items()}
    fields = {k: tuple(dict.fromkeys((*v, *shared.get(k, ())))) for k, v in spec["fields"].items()}
    unknown = set(spec["required"]) - set(fields)
    if unknown:
        raise ValueError(f"{path.name}: required fields without headers: {sorted(unknown)}")
    return Layout(name=spec["name"], source=spec["source"], title=spec["title"], fields=fields,
                  required=tuple(spec["required"]), codes={k: {str(c): str(v) for c, v in t.items()} for k, t in spec.get("codes", {}).items()},
                  derive=spec.get("derive", {}), defaults=spec.get("defaults", {}), fold=spec.get("fold"),
                  explode=spec.get("explode"), provenance=spec.get("provenance", ""), url=spec.get("url", ""), own=own)


def all_layouts() -> tuple[Layout, ...]:
    """The native layouts, every profile in ``profiles/`` (by file name), then the operators' own
    (``SURVEILLANCE_LAYOUTS``: a folder of profiles, each may ``extends`` a shipped one)."""
    from surveillance.settings import layouts_path

    return _layouts(layouts_path())


@cache
def _layouts(extra: Path | None) -> tuple[Layout, ...]:
    natives = tuple(native_layout(c) for c in CONTRACTS.values())
    shipped_paths = sorted(PROFILES.glob("*.toml"))
    specs = {}
    for p in shipped_paths:
        spec = tomllib.loads(p.read_text(encoding="utf-8"))
        specs[spec["name"]] = spec
    own = sorted(extra.glob("*.toml")) if extra is not None and extra.is_dir() else []
    return natives + tuple(_profile(p) for p in shipped_paths) + tuple(_profile(p, specs) for p in own)


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
    row: int  # index of the (first) header row among the rows searched
    mapping: dict[str, str]
    unknown: list[str]
    header: tuple[str, ...] = ()  # the header as read: a two-row header's group and sub-header joined
    depth: int = 1  # rows the header takes (2: a merged group header above sub-headers)

    @property
    def missing(self) -> list[str]:
        return self.layout.missing(self.mapping)


# Headers of results, limits and verdicts: a column like these that no field read could hold a failure, and a
# file is never loaded past one (read by meaning: canonical() first)
_RESULT_LIKE = re.compile(r"结果|结论|判定|限量|标准值|允许限|检出|不合格|不符合|超标|实测|含量|result|verdict|limit|conclusion|"
                          r"nonconform|qualified", re.IGNORECASE)


def result_like(columns: list[str]) -> list[str]:
    """The headers among ``columns`` that read like results, limits or verdicts."""
    return [c for c in columns if str(c).strip() and _RESULT_LIKE.search(canonical(header_key(c)) + header_key(c))]


class Unreadable(Exception):
    """The file's rows cannot be read safely as a whole (e.g. a list that does not say whether it is of 合格 or
    不合格 samples); the message says why in one line."""


class NoLayout(Exception):
    """No layout of the source fits the file; the message says what is missing and what is nearest."""


_NOTE = re.compile(r"^\s*(注|备注|说明|附注|附件|数据来源|来源|\*|※|填表说明|\d{1,2}\s*[.、．)）]\s*[^\d\s.])")


# a signature line under a notice's table: the issuing office, or the date it was issued
_SIGNATURE = re.compile(r"^\s*(?:\S{2,30}(?:局|委员会|政府|办公室|中心|研究院|检验院|所)(?:\s*[（(]\S*[)）])?"
                        r"|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})\s*$")


def is_note(cells: list[str]) -> bool:
    """A footnote, title or signature line: one filled cell that reads like a note (注：…, 2.排名不分先后), the office
    that issued the notice or its date — not a record."""
    filled = [c for c in cells if str(c).strip()]
    return len(filled) == 1 and bool(_NOTE.match(str(filled[0])) or _SIGNATURE.match(str(filled[0])))


def two_row_header(top: list[str], sub: list[str]) -> list[str] | None:
    """A merged group header above sub-headers read as one (被抽样单位 over 名称 / 地址 / 省 -> 被抽样单位名称 …).

    A group's merged cell is filled in its first column only: it spans the blank cells to its right that have
    a sub-header. A column with no sub-header keeps its top cell (merged down). None when ``sub`` has no
    sub-header under or beside a group (it is data, or a one-row header)."""
    width = max(len(top), len(sub))
    top = [str(c).strip() for c in top] + [""] * (width - len(top))
    sub = [str(c).strip() for c in sub] + [""] * (width - len(sub))
    out, group, joined = [], "", 0
    for t, s in zip(top, sub, strict=True):
        if t:
            group = t if s else ""
        if s and group:
            out.append(group + s)
            joined += 1
        else:
            out.append(t or s)
            group = group if s else ""
    return out if joined >= 2 else None


def best_row(rows: list[list[str]], layout: Layout) -> Match | None:
    """The first row under which every required field of ``layout`` has a header, else the row that
    comes closest (most required fields, then most fields). A two-row header is tried beside each row and
    taken when it reads more fields."""
    best: Match | None = None
    for i, row in enumerate(rows):
        cells = [str(c) for c in row]
        if sum(1 for c in cells if c.strip()) < 2:
            continue
        candidates = [(cells, 1)]
        if i + 1 < len(rows):
            joined = two_row_header(cells, [str(c) for c in rows[i + 1]])
            if joined:
                candidates.append((joined, 2))
        for header, depth in candidates:
            mapping, unknown = layout.map_headers([c for c in header if c.strip()])
            mapping, unknown = sniffed(mapping, unknown, header, rows[i + depth : i + depth + 20])
            match = Match(layout, i, mapping, unknown, tuple(header), depth)
            if best is None or match_rank(match) > match_rank(best):
                best = match
        if best is not None and best.row == i and not best.missing:
            return best
    return best


_VERDICT_FIELDS = {"verdict_text", "verdict_given", "sender_verdict"}
_DATE_FIELDS = {"sampling_date_given", "announcement_date", "card_date", "injury_date", "visit_date_given", "sampling_date",
                "visit_date"}
_DATE_VALUE = re.compile(r"(19|20)\d{2}\s*[-/.年]?\s*\d{1,2}|^\d{5}(\.0+)?$")


def sniffed(mapping: dict[str, str], unknown: list[str], header: list[str], body: list[list[str]]) -> tuple[dict, list]:
    """A match the column's values contradict is no match: a 'verdict' column of measurements (28.6km/h), a 'date'
    column without dates. The column is then not understood (and, reading like a result, refuses the file)."""
    from surveillance import reference

    position = {str(h): n for n, h in enumerate(header)}
    out = dict(mapping)
    for col, name in mapping.items():
        if name not in _VERDICT_FIELDS | _DATE_FIELDS or col not in position:
            continue
        values = [str(r[position[col]]).strip() for r in body if position[col] < len(r)]
        values = [v for v in values if v and v not in ("/", "-", "—")]
        if len(values) < 2:
            continue
        fits = sum(1 for v in values if (reference.verdict_of(v) if name in _VERDICT_FIELDS else _DATE_VALUE.search(v)))
        if fits * 2 < len(values):
            del out[col]
    return out, [c for c in (*unknown, *(c for c in mapping if c not in out))]


def match_rank(match: Match) -> tuple[int, int]:
    """How well a header match reads its layout: required fields found, then fields found (higher is better)."""
    return len(match.layout.required) - len(match.missing), len(match.mapping)


def recognise(rows: list[list[str]], source: str, forced: str | None = None) -> Match:
    """The layout of ``source`` whose header row fits the file best (``forced``: that one only).

    Raises NoLayout naming the missing fields in Chinese, the columns not understood and the nearest
    layout; a file that fits another source's layout is named as such."""
    candidates = [get_layout(forced)] if forced else layouts_for(source)
    if forced and candidates[0].source != source:
        raise NoLayout(f"layout {forced} is for {candidates[0].source} files, not {source}")
    found = [m for m in (best_row(rows, lay) for lay in candidates) if m is not None]
    fitting = [m for m in found if not m.missing]
    if fitting:
        # most fields understood wins; a profile beats the native layout on a tie (it knows more values)
        return max(fitting, key=lambda m: (len(m.mapping), not m.layout.native, -m.row, -m.depth))
    if not forced:
        for other in (lay for lay in all_layouts() if lay.source != source):
            m = best_row(rows, other)
            if m is not None and not m.missing and len(m.mapping) >= 3:
                raise NoLayout(f"this is a {other.source} file, not a {source} file (it fits layout {other.name})")
    if not found:
        raise NoLayout("no header row found")
    # nearest: the layout with the largest share of its identifying fields found, then the most fields read
    near = max(found, key=lambda m: ((len(m.layout.required) - len(m.missing)) / max(len(m.layout.required), 1),
                                     len(m.mapping), not m.layout.native))
    missing = "、".join(f"{near.layout.label(f)} ({f})" for f in near.missing)
    unknown = "、".join(u for u in near.unknown if u.strip())[:300] or "none"
    raise NoLayout(f"missing required columns: {missing}; nearest layout: {near.layout.name} ({near.layout.title}) "
                   f"(to read the file, start from: surveillance layouts draft FILE --source {source}); "
                   f"columns not understood: {unknown}")
