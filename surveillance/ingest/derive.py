"""Turn a sender layout's rows into the contract's columns, as its profile says.

Profiles name these rules; each takes text columns and returns text columns, so that normalising and
validating stay the same for every layout. What a rule could not do is a problem of the row (it is
quarantined with the reason); what a rule chose (a fallback date, a stage read from a unit's name, a
derived id) is recorded with the record under ``_derived``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from surveillance import reference
from surveillance.ingest.layouts import Layout, is_note

Problem = tuple[int, str, str]
DERIVED = "_derived"  # extra column: {contract column: what it was derived from}


@dataclass
class Applied:
    frame: pd.DataFrame  # contract columns (text) + extra columns
    problems: list[Problem] = field(default_factory=list)
    notes: int = 0  # footnote and title lines that are not records
    folded: int = 0  # continuation lines of merged cells folded into their record
    expanded: int = 0  # records added by splitting one line into several items


def _nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


# --- code tables -----------------------------------------------------------------------------------

_CODED = re.compile(r"^\s*(\d{1,2})(?:\s*[.、:：\-]\s*|\s+|(?=\D)|$)(.*)$")


def decode(values: pd.Series, codes: dict[str, str], labels: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Codes (``7``), code+label (``7烧烫伤``, `` 8 窒息/悬吊``) and labels (``非故意(意外事故)``) to the
    table's label. Returns (labels, conflicts): a code whose label says something else is a conflict;
    text the table does not know is returned as written, for validation to flag."""
    out, conflict = [], []
    cache: dict[str, tuple[str, str]] = {}
    for raw in values.astype(str):
        if raw not in cache:
            cache[raw] = _decode_one(raw, codes, labels)
        label, problem = cache[raw]
        out.append(label)
        conflict.append(problem)
    return pd.Series(out, index=values.index, dtype=object), pd.Series(conflict, index=values.index, dtype=object)


def _decode_one(raw: str, codes: dict[str, str], labels: dict[str, str]) -> tuple[str, str]:
    text = _nfkc(raw)
    key = text.replace(" ", "")
    if not key:
        return "", ""
    if key in labels:
        return labels[key], ""
    m = _CODED.match(text)
    if m and m.group(1).lstrip("0") in {c.lstrip("0") for c in codes}:
        code = next(c for c in codes if c.lstrip("0") == m.group(1).lstrip("0"))
        label = codes[code]
        said = m.group(2).replace(" ", "")
        if said and labels.get(said, said) != label:
            return label, f"code {code} is '{label}' but the label says '{m.group(2).strip()}'"
        return label, ""
    return text, ""


def code_table(layout: Layout, name: str) -> tuple[dict[str, str], dict[str, str]] | None:
    """A field's code table: the profile's own, else the injury card's for injury fields."""
    if name in layout.codes:
        codes = layout.codes[name]
        labels = {_nfkc(v).replace(" ", ""): v for v in codes.values()}
        return codes, labels
    if layout.source == "injury":
        codes, labels = reference.injury_code_table(name)
        if codes:
            return codes, labels
    return None


# --- rules ---------------------------------------------------------------------------------------

TITLE = "@title"  # in a rule's ``from``: the title rows above the header (an announcement's date sits there)
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")


def _first_of(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
              derived: pd.Series) -> pd.Series:
    """The first of ``from`` that is filled; which one is recorded when it is not the first. ``@title``
    stands for the date written in the title rows above the header."""
    out = pd.Series("", index=frame.index, dtype=object)
    for n, name in ((n, s) for n, s in enumerate(spec["from"]) if s in frame.columns or s == TITLE):
        if name == TITLE:
            m = _DATE_IN_TEXT.search(_nfkc(frame.attrs.get("title", "")))
            values = pd.Series(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else "", index=frame.index)
            what = "标题中的日期"
        else:
            values, what = frame[name].astype(str), layout.label(name)
        take = (out == "") & (values.str.strip() != "")
        out[take] = values[take]
        if n:
            _note(derived, take, target, what)
    return out


def _age_with_unit(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                   derived: pd.Series) -> pd.Series:
    """年龄 with a separate 年龄单位: 8 + 月 is 8 months (``8月``), never 8 years."""
    value_col, unit_col = spec["from"]
    value = frame[value_col].astype(str).str.strip() if value_col in frame.columns else pd.Series("", index=frame.index)
    if unit_col not in frame.columns:
        return value
    table = code_table(layout, unit_col)
    unit = frame[unit_col].astype(str)
    if table:
        unit = decode(unit, *table)[0]
    unit = unit.map(_nfkc)
    has_unit = (unit != "") & ~value.str.contains(r"[岁月天周日]", regex=True)
    return value.where(~has_unit, value + unit)


def _hospital_registry(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                       derived: pd.Series) -> pd.Series:
    """The county of the hospital that filled in the card, from the operators' registry."""
    from surveillance.ingest.hospitals import registry

    table = registry()
    hospital = frame[spec["from"][0]].astype(str).map(_nfkc)
    county = hospital.map(table)
    for i in frame.index[county.isna() & (hospital != "")]:
        problems.append((i, target, f"hospital '{hospital[i]}' is not in the sentinel hospital registry "
                                    "(config/sentinel_hospitals.csv or SURVEILLANCE_HOSPITALS)"))
    return county.fillna("")


def _region_from_text(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                      derived: pd.Series) -> pd.Series:
    """The division named by the first of ``from`` that names one (addresses, '省 市 县', names, codes)."""
    out = pd.Series("", index=frame.index, dtype=object)
    for n, name in ((n, s) for n, s in enumerate(spec["from"]) if s in frame.columns):
        todo = out == ""
        found = frame.loc[todo, name].astype(str).map(lambda v: reference.region_from_text(v) or "")
        out[todo] = found
        if n:
            _note(derived, todo & (out != ""), target, layout.label(name))
    return out


def _stable_id(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
               derived: pd.Series) -> pd.Series:
    """A sender without sample ids gets one made from the layout and the row's own content, so the
    same row re-sent is the same record (a duplicate), never a new one."""
    given = frame[spec["given"]].astype(str).str.strip() if spec.get("given") in frame.columns else pd.Series("", index=frame.index)
    parts = [frame[c].astype(str).map(_nfkc) for c in spec["from"] if c in frame.columns]
    if not parts:
        return given
    text = parts[0]
    for p in parts[1:]:
        text = text + "\x1f" + p
    made = text.map(lambda t: "ID" + hashlib.sha1(f"{layout.name}\x1f{t}".encode()).hexdigest()[:16].upper())
    _note(derived, given == "", target, "由行内容生成")
    return given.where(given != "", made)


_STAGE_WORDS = (  # (stage, words in the sampled unit's name or the place type), first match wins
    ("学校食堂", ("学校食堂", "学校", "幼儿园", "中学", "小学")),
    ("餐饮", ("餐饮", "饭店", "餐厅", "酒店", "食堂", "小吃", "面馆", "火锅", "烧烤", "快餐")),
    ("电商", ("电商", "网店", "旗舰店", "淘宝", "天猫", "京东", "拼多多")),
    ("流通", ("超市", "商店", "商行", "市场", "批发", "便利店", "经营部", "门市", "销售", "商贸", "百货", "专卖店")),
    ("种植养殖", ("合作社", "种植", "养殖", "农场", "基地")),
    ("生产加工", ("厂", "加工", "生产", "制造", "食品有限公司")),
)


def _stage_from_text(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                     derived: pd.Series) -> pd.Series:
    """The sampling stage written as such, else read from the kind of place sampled (超市 -> 流通)."""
    allowed = set(spec.get("allowed", []))
    aliases = spec.get("aliases", {})
    out = pd.Series("", index=frame.index, dtype=object)
    for name, stage in spec.get("if_filled", {}).items():  # e.g. an e-commerce platform named: 电商
        if name in frame.columns:
            filled = frame[name].astype(str).str.strip() != ""
            out[filled] = stage
            _note(derived, filled, target, f"{layout.label(name)}已填写")
    for n, name in ((n, s) for n, s in enumerate(spec["from"]) if s in frame.columns):
        for i in frame.index[out == ""]:
            text = _nfkc(frame.at[i, name])
            if not text:
                continue
            text = aliases.get(text, text)
            stage = text if text in allowed else ""
            if not stage:
                stage = next((s for s, words in _STAGE_WORDS if s in allowed and any(w in text for w in words)), "")
            if not stage and n == 0:
                stage = text  # the sender's own stage column, as written: validation names it
            if stage:
                out[i] = stage
                if n or text != stage:
                    derived[i] = {**(derived[i] or {}), target: f"{layout.label(name)}：{text}"}
    return out


_NOTHING = {"", "/", "-", "—", "——", "无", "\\"}  # an empty cell, as tables write it
_FAIL = {"不合格", "f", "fail", "×", "x", "不符合", "不通过", "问题", "不合格品"}
_PASS = {"合格", "p", "pass", "√", "符合", "通过", "合格品"}


def _verdict(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
             derived: pd.Series) -> pd.Series:
    """合格 / 不合格 from P/F, 符合/不符合 or the list a row came from (``fixed``)."""
    out = pd.Series("", index=frame.index, dtype=object)
    src = spec.get("from", [""])[0]
    if src in frame.columns:
        text = frame[src].astype(str).map(lambda v: _nfkc(v).lower().replace(" ", ""))
        out = text.map(lambda v: "不合格" if v in _FAIL or v.startswith("不合格") else "合格" if v in _PASS or v.startswith("合格")
                       else v)
    filled = spec.get("filled")  # no verdict column: a row naming failed items failed, one without passed
    if filled:
        named = ~frame[filled["field"]].astype(str).map(_nfkc).isin(_NOTHING) if filled["field"] in frame.columns \
            else pd.Series(False, index=frame.index)
        todo = out == ""
        out[todo & named] = filled["then"]
        out[todo & ~named] = filled["else"]
        _note(derived, todo, target, f"由{layout.label(filled['field'])}判断")
    return out


def _contains(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
              derived: pd.Series) -> pd.Series:
    """'1' where any of ``from`` contains one of ``words`` (备注: 假冒 -> the named maker did not make it)."""
    out = pd.Series(False, index=frame.index)
    for name in (s for s in spec["from"] if s in frame.columns):
        out |= frame[name].astype(str).map(lambda v: any(w in v for w in spec["words"]))
    return out.map({True: "1", False: ""})


RULES: dict[str, Callable] = {
    "first_of": _first_of,
    "age_with_unit": _age_with_unit,
    "hospital_registry": _hospital_registry,
    "region_from_text": _region_from_text,
    "stable_id": _stable_id,
    "stage_from_text": _stage_from_text,
    "verdict": _verdict,
    "contains": _contains,
}


def _note(derived: pd.Series, mask: pd.Series, target: str, what: str) -> None:
    for i in mask[mask].index:
        derived[i] = {**(derived[i] or {}), target: what}


# --- merged cells and rows naming several items ---------------------------------------------------

def _fold(frame: pd.DataFrame, spec: dict, problems: list[Problem]) -> tuple[pd.DataFrame, int]:
    """Continuation lines (the record's cells merged above, only the item filled) join their record."""
    keys = [k for k in spec["key"] if k in frame.columns]
    into = spec["into"]
    if not keys or into not in frame.columns:
        return frame, 0
    blank = frame[keys].astype(str).apply(lambda col: col.str.strip() == "").all(axis=1)
    cont = blank & (frame[into].astype(str).str.strip() != "")
    if not cont.any():
        return frame, 0
    frame = frame.copy()
    owner = None
    drop = []
    for i in frame.index:
        if not cont[i]:
            owner = i
            continue
        if owner is None:
            problems.append((i, into, "continuation line of a merged cell whose record is not in this part of the file"))
            continue
        frame.at[owner, into] = "；".join(x for x in (str(frame.at[owner, into]).strip(), str(frame.at[i, into]).strip()) if x)
        for col in spec.get("join", []):
            if col in frame.columns and str(frame.at[i, col]).strip():
                frame.at[owner, col] = "；".join(x for x in (str(frame.at[owner, col]).strip(), str(frame.at[i, col]).strip()) if x)
        drop.append(i)
    return frame.drop(index=drop), len(drop)


_ITEM_SEP = re.compile(r"\s*(?:║|‖|\|\||\|)\s*")
_ITEMS = re.compile(r"[；;\n]+")


def split_announcement_items(text: str) -> list[tuple[str, str, str]]:
    """``铅(以Pb计)║0.52mg/kg║≤0.2mg/kg；苯甲酸…`` -> [(item, result, limit), …]; separators ║ ‖ || |."""
    items = []
    for part in _ITEMS.split(str(text)):
        part = part.strip()
        if not part:
            continue
        fields = _ITEM_SEP.split(part)
        fields += [""] * (3 - len(fields))
        items.append((fields[0].strip(), fields[1].strip(), "║".join(f.strip() for f in fields[2:]).strip("║ ")))
    return items


def _explode(frame: pd.DataFrame, spec: dict, problems: list[Problem]) -> tuple[pd.DataFrame, int]:
    """One record per failed item of an announcement row; a row without items stays one record."""
    src = spec["field"]
    if src not in frame.columns:  # a pass list (合格产品信息) has no items column at all
        frame = frame.assign(**{spec["item"]: spec.get("none_item", ""), spec["result"]: spec.get("none_result", "")})
        return frame, 0
    rows, added = [], 0
    for _i, row in frame.iterrows():
        items = split_announcement_items(row[src]) if _nfkc(row[src]) not in _NOTHING else []
        if not items:  # a sample that passed (合格产品信息): one record for all it was tested for
            rec = row.to_dict()
            rec[spec["item"]], rec[spec["result"]] = spec.get("none_item", ""), spec.get("none_result", "")
            rows.append(rec)
            continue
        results = _ITEMS.split(str(row.get(spec.get("result_field", ""), "")).strip())
        limits = _ITEMS.split(str(row.get(spec.get("limit_field", ""), "")).strip())
        for k, (item, result, limit) in enumerate(items):
            # some templates give 检验结果 and 标准值 their own columns, items in the same order
            result = result or (results[k].strip() if k < len(results) else "")
            limit = limit or (limits[k].strip() if k < len(limits) else "")
            rec = row.to_dict()
            rec[spec["item"]], rec[spec["result"]], rec[spec["limit"]] = item, result, limit
            rows.append(rec)
        added += len(items) - 1
    out = pd.DataFrame(rows, columns=list(frame.columns) + [c for c in (spec["item"], spec["result"], spec["limit"])
                                                           if c not in frame.columns])
    out.attrs = frame.attrs
    return out.fillna(""), added


# --- the whole step ------------------------------------------------------------------------------

def apply_layout(layout: Layout, frame: pd.DataFrame, first: int = 1, title: str = "") -> Applied:
    """Rows of ``layout`` (columns: its fields, and the file's other headers) -> contract columns.

    The frame's index is renumbered from ``first - 1`` when lines are dropped, folded or split, so that
    every record has its own number; the problems refer to those numbers."""
    problems: list[Problem] = []
    if layout.native or frame.empty:
        return Applied(frame, problems)
    cells = frame.fillna("").astype(str)
    single = (cells.apply(lambda col: col.str.strip() != "")).sum(axis=1) == 1  # only such lines can be notes
    notes = pd.Series(False, index=frame.index)
    notes[single] = cells[single].apply(lambda r: is_note(list(r)), axis=1).astype(bool)
    frame = frame[~notes]
    folded = expanded = 0
    if layout.fold:
        frame, folded = _fold(frame, layout.fold, problems)
    if layout.explode:
        frame, expanded = _explode(frame, layout.explode, problems)
    if folded or expanded or notes.any():
        renumber = dict(zip(frame.index, range(first - 1, first - 1 + len(frame)), strict=False)) if not expanded else {}
        problems = [(renumber.get(i, i), c, m) for i, c, m in problems]
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(first - 1, first - 1 + len(frame))
    frame = frame.fillna("").astype(str)
    frame.attrs["title"] = title
    derived = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    out = pd.DataFrame(index=frame.index)
    contract_names = set(layout.contract.names) | {c.name for c in layout.contract.personal}
    used: set[str] = set()
    for target, spec in layout.derive.items():
        rule = RULES[spec["rule"]]
        out[target] = rule(frame, spec, layout, target, problems, derived)
        used.update(spec.get("from", []))
    for name in frame.columns:
        if name in out.columns:
            continue
        values = frame[name]
        table = code_table(layout, name)
        if table and name not in used and name not in contract_names:  # the contract's own: normalise decodes
            values, conflicts = decode(values, *table)
            problems.extend((i, name, msg) for i, msg in conflicts.items() if msg)
        out[name if name in contract_names else layout.label(name) if name in layout.fields else name] = values
    for target, value in layout.defaults.items():
        if target not in out.columns:
            out[target] = ""
        empty = out[target].astype(str).str.strip() == ""
        out.loc[empty, target] = value
        _note(derived, empty, target, f"缺省：{value}")
    if derived.notna().any():
        out[DERIVED] = derived.map(lambda d: json.dumps(d, ensure_ascii=False) if d else "")
    return Applied(out, problems, int(notes.sum()), folded, expanded)
