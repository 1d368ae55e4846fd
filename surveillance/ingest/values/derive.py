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
from surveillance.ingest.contract import NOT_STATED
from surveillance.ingest.layouts import Layout, Unreadable, is_note

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
    key = key.lower() if key.isascii() else key
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
CONTEXT = {"@title": ("title", "标题中的日期"), "@sheet": ("sheet", "工作表名中的日期"), "@file": ("file", "文件名中的日期"),
           "@footer": ("footer", "表后落款日期")}
_MONTH_ONLY = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d)|(20\d{2})\s*年(?:第[一二三四1-4]季度|上半年|下半年|度)")
_DATE_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})\s*[年\-/._]?\s*(\d{1,2})\s*[月\-/._]?\s*(\d{1,2})(?!\d)")
_TIME_ONLY = re.compile(r"^\s*\d{1,2}\s*[:：时点]\s*(\d{1,2})?\s*(?:[:：分]\s*\d{1,2}\s*秒?)?\s*$|^\s*\d{1,2}\s*[时点]\s*$")


def date_in_text(text: str) -> str:
    """The first whole date written in a title, sheet name or file name (``2026年11月16日``, ``20261116``), ISO."""
    for m in _DATE_IN_TEXT.finditer(_nfkc(text)):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year}-{month:02d}-{day:02d}"
    return ""


def _first_of(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
              derived: pd.Series) -> pd.Series:
    """The first of ``from`` that is filled; which one is recorded when it is not the first. ``@title``,
    ``@sheet`` and ``@file`` stand for the date written in the title rows, the sheet's name and the file's
    name. A clock time alone (``14:35``, a 就诊时间 column beside 就诊日期) is not a date: the next is taken."""
    out = pd.Series("", index=frame.index, dtype=object)
    for n, name in ((n, s) for n, s in enumerate(spec["from"]) if s in frame.columns or s in CONTEXT):
        if name in CONTEXT:
            attr, what = CONTEXT[name]
            values = pd.Series(date_in_text(str(frame.attrs.get(attr, "") or "")), index=frame.index)
        else:
            values, what = frame[name].astype(str), layout.label(name)
        filled = values.str.strip() != ""
        if target.endswith("date"):
            filled &= ~values.str.match(_TIME_ONLY)
        take = (out == "") & filled
        out[take] = values[take]
        if n:
            _note(derived, take, target, what)
    if target.endswith("date") and (out == "").any():
        said = " ".join(str(frame.attrs.get(a, "") or "") for a in ("title", "sheet", "file"))
        coarse = _MONTH_ONLY.search(_nfkc(said))
        if coarse:  # detection needs the week: a month or a quarter is not a date
            for i in frame.index[out == ""]:
                problems.append((i, target, f"no date: the file gives only '{coarse.group(0)}', and signals need the week"))
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
    from surveillance.ingest.senders.hospitals import registry

    table = registry()
    hospital = frame[spec["from"][0]].astype(str).map(_nfkc) if spec["from"][0] in frame.columns \
        else pd.Series("", index=frame.index, dtype=object)
    county = hospital.map(table)
    for i in frame.index[county.isna() & (hospital != "")]:
        problems.append((i, target, f"hospital '{hospital[i]}' is not in the sentinel hospital registry "
                                    "(config/sentinel_hospitals.csv or SURVEILLANCE_HOSPITALS)"))
    return county.fillna("")


def _sender_hospital(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                     derived: pd.Series) -> pd.Series:
    """The card's 监测医院编号, else the sentinel hospital that sent the file (its landing folder or its name,
    ``senders.py``), recorded; a card neither names is a problem of the row."""
    from surveillance.ingest.senders.hospitals import registry

    name = spec["from"][0]
    given = frame[name].astype(str).map(_nfkc) if name in frame.columns else pd.Series("", index=frame.index, dtype=object)
    sender = _nfkc(frame.attrs.get("sender") or "").upper()
    blank = given == ""
    if sender and sender in registry():
        _note(derived, blank, target, f"发送医院：{sender}")
        return given.where(~blank, sender)
    for i in frame.index[blank]:
        problems.append((i, target, "the card names no 监测医院编号 and the file was not sent from a sentinel hospital's "
                                    "folder (landing/injury/DAY/HOSPITAL/)"))
    return given


def _region_from_text(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                      derived: pd.Series) -> pd.Series:
    """The division named by the first of ``from`` that names one (addresses, '省 市 县', names, codes); a city
    (a company named 铜川…) gives way to a county of that city that a later one names (企业所在地 铜川市耀州区)."""
    out = pd.Series("", index=frame.index, dtype=object)
    city_of = reference.jurisdiction_of()
    n = -1
    for names in spec["from"]:
        parts = [c for c in ([names] if isinstance(names, str) else names) if c in frame.columns]
        if not parts:
            continue
        n += 1
        coarse = out.str.endswith("00") & out.str.startswith("61") & (out != "")  # a Shaanxi city, no county yet
        todo = (out == "") | coarse
        if not todo.any():
            break
        text = frame.loc[todo, parts[0]].astype(str)
        for c in parts[1:]:  # 省 / 市 / 县 in their own columns read as one place
            text = text + frame.loc[todo, c].astype(str)
        found = text.map(lambda v: reference.region_from_text(v) or "")
        for i, code in found.items():
            if not code:
                continue
            if out[i] == "":
                out[i] = code
            elif not code.endswith("00") and city_of.get(code) == city_of.get(out[i], out[i]):
                out[i] = code  # the county of the city already named
            else:
                continue
            if n:
                derived[i] = {**(derived[i] or {}), target: "、".join(layout.label(c) for c in parts)}
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




def _stage_from_text(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                     derived: pd.Series) -> pd.Series:
    """The sampling stage written as such, else read from the kind of place sampled (超市 -> 流通)."""
    allowed = set(spec.get("allowed", []))
    aliases = spec.get("aliases", {})
    out = pd.Series("", index=frame.index, dtype=object)
    for name, stage in spec.get("if_filled", {}).items():  # e.g. an e-commerce platform named: 电商
        if name in frame.columns:
            filled = ~frame[name].astype(str).map(_nfkc).isin(_NOTHING)
            out[filled] = stage
            _note(derived, filled, target, f"{layout.label(name)}已填写")
    for n, name in ((n, s) for n, s in enumerate(spec["from"]) if s in frame.columns):
        for i in frame.index[out == ""]:
            text = _nfkc(frame.at[i, name])
            if not text:
                continue
            text = aliases.get(text, aliases.get(text.lower(), text))
            stage = text if text in allowed else ""
            if not stage:
                low = text.lower()
                stage = next((aliases.get(s, s) for s, words in reference.stage_words()
                              if aliases.get(s, s) in allowed and any(w in low for w in words)), "")
            if not stage and n == 0:
                stage = text  # the sender's own stage column, as written: validation names it
            if stage:
                out[i] = stage
                if n or text != stage:
                    derived[i] = {**(derived[i] or {}), target: f"{layout.label(name)}：{text}"}
    if spec.get("otherwise"):
        unknown = out == ""
        out[unknown] = spec["otherwise"]
        _note(derived, unknown, target, spec["otherwise"])
    return out


_NOTHING = {"", "/", "-", "—", "——", "无", "\\", "--", "／"}  # an empty cell, as tables write it
_NONE_SAID = _NOTHING - {""}  # a cell that says 'none' (no failed item), which a blank cell does not


def list_meaning(frame: pd.DataFrame, items_field: str | None) -> tuple[str | None, str]:
    """Whether the rows are a 不合格 or a 合格 list, and what says so: the title rows, the sheet's name, the file's
    name and a filled column of failed items. Raises Unreadable when they disagree; (None, '') when none says."""
    evidence: dict[str, str] = {}
    for attr, what in (("title", "标题"), ("sheet", "工作表名"), ("file", "文件名")):
        meaning = reference.list_meaning(str(frame.attrs.get(attr, "") or ""))
        if meaning:
            evidence[what] = meaning
    if items_field and items_field in frame.columns:
        cells = frame[items_field].astype(str).map(_nfkc)
        # a column naming failed items on every row that fills it is a 不合格 list's; one that also says 'none'
        # (/, 无) on some rows is a list of every sample, which says nothing about the list as a whole
        if (~cells.isin(_NOTHING)).any() and not cells.isin(_NONE_SAID).any():
            evidence[f"列“{frame.attrs.get('headers', {}).get(items_field, items_field)}”"] = "不合格"
    # the sheet's own word (its title rows, its name, its columns) is more specific than the file's name: a
    # workbook named for its 不合格 list may carry the 合格 list on a second sheet; within a level they must agree
    sheet_level = {k: v for k, v in evidence.items() if k != "文件名"}
    for level in (sheet_level, evidence):
        said = set(level.values())
        if len(said) > 1:
            raise Unreadable("whether this is a 合格 or a 不合格 list is said both ways ("
                             + "; ".join(f"{k}: {v}" for k, v in level.items()) + "): refused rather than guessed")
        if said:
            meaning = said.pop()
            return meaning, "、".join(level)
    return None, ""


_UNSAID = ("its title rows, sheet name and file name do not say whether it lists 合格 or 不合格 samples, and it has "
           "no column of failed items that could be read: refused rather than read as a pass list")


def _verdict(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
             derived: pd.Series) -> pd.Series:
    """合格 / 不合格 from a verdict column (P/F, 符合/不符合 …: ``reference.verdict_of``), else from the list the row
    is in (``filled``): a row of a 不合格 list names its failed items, a row of a 合格 list names none. A verdict
    is never inferred from the absence of something not understood: a row that fits neither is a problem of
    the row, and a list that does not say what it is refuses the file."""
    out = pd.Series("", index=frame.index, dtype=object)
    for src in (s for s in spec.get("from", []) if s in frame.columns):
        text = frame[src].astype(str).map(_nfkc)
        out = out.where(out != "", text.map(lambda v: reference.verdict_of(v) or v))
    filled = spec.get("filled")
    todo = out == ""
    if not filled or not todo.any():
        return out
    if frame.attrs.get("tested"):  # rows name the items tested, not failures: only a list's own word says more
        meaning, said_by = list_meaning(frame, None)
        if meaning:
            out[todo] = meaning
            _note(derived, todo, target, f"由{said_by}判断")
        return out
    field_ = filled["field"]
    cells = frame[field_].astype(str).map(_nfkc) if field_ in frame.columns else pd.Series("", index=frame.index)
    named, none_said = ~cells.isin(_NOTHING), cells.isin(_NONE_SAID)
    meaning, said_by = list_meaning(frame, field_)
    if meaning is None and field_ not in frame.columns:
        raise Unreadable(_UNSAID)
    out[todo & named] = "不合格"
    if meaning == "合格":
        out[todo & ~named] = "合格"
        for i in frame.index[todo & named]:
            problems.append((i, field_, f"a row of a 合格 list (as its {said_by} say) names failed items"))
    elif meaning == "不合格":
        for i in frame.index[todo & ~named]:
            problems.append((i, field_, f"a row of a 不合格 list (as its {said_by} say) without a failed item that could be read"))
    else:  # a list of every sample: '/' under 不合格项目 says none failed; a blank says nothing
        out[todo & none_said] = "合格"
        for i in frame.index[todo & ~named & ~none_said]:
            problems.append((i, field_, f"neither a verdict nor {layout.label(field_)} (not even '/'): nothing says "
                                        "whether the sample passed"))
    _note(derived, todo & (out != ""), target, f"由{said_by or layout.label(field_)}判断")
    return out


def _category(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
              derived: pd.Series) -> pd.Series:
    """The category: of ``from`` (the category the file gives, then names: a food's or product's), the first that
    the reference table knows by name or alias (大米 -> 谷物及其制品, the longest alias contained), recorded when it
    is not the file's own category; else the category as the file gives it (normalising counts it as not in
    reference), else with ``keep`` the last column's text, else 未注明."""
    table = reference.food_category_lookup() if spec.get("table") == "food" else reference.product_lookup()
    words = sorted((k for k in table if len(k) >= 2), key=len, reverse=True)
    names = [n for n in spec["from"] if n in frame.columns]
    given = spec["from"][0] if spec["from"][0] in frame.columns else None
    cache: dict[str, str] = {}

    def known(text: str) -> str:
        # a Chinese compound names its kind last (电动自行车充电器 is a 充电器): the alias ending latest wins, then the longest
        if text not in cache:
            hits = [(text.rfind(w) + len(w), len(w), table[w]) for w in words if w in text]
            cache[text] = table.get(text) or (max(hits)[2] if hits else "")
        return cache[text]

    out = pd.Series("", index=frame.index, dtype=object)
    for i in frame.index:
        texts = [(n, _nfkc(frame.at[i, n])) for n in names]
        if given and texts[0][1]:  # the sender's own category stands, known or not (its limits are the sender's)
            out[i] = texts[0][1]
            continue
        hit = next(((n, t, known(t)) for n, t in texts if t and known(t)), None)
        if hit:
            out[i] = hit[2]
            if hit[0] != given:
                derived[i] = {**(derived[i] or {}), target: f"{layout.label(hit[0])}：{hit[1]}"}
            continue
        own = _nfkc(frame.at[i, given]) if given else ""
        last = texts[-1][1] if texts and spec.get("keep") else ""
        out[i] = own or last or NOT_STATED
        if not own:
            derived[i] = {**(derived[i] or {}), target: f"{layout.label(texts[-1][0])}（不在参考表）" if last else NOT_STATED}
    return out


def _with_unit_rule(frame: pd.DataFrame, spec: dict, layout: Layout, target: str, problems: list[Problem],
                    derived: pd.Series) -> pd.Series:
    """A value whose unit sits in its own column (最大允许限 + 最大允许限单位): the bare number with that unit."""
    value_col, unit_col = spec["from"]
    value = frame[value_col].astype(str) if value_col in frame.columns else pd.Series("", index=frame.index, dtype=object)
    if unit_col not in frame.columns:
        return value
    return pd.Series([_with_unit(v, _nfkc(u)) for v, u in zip(value, frame[unit_col].astype(str), strict=True)],
                     index=frame.index, dtype=object)


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
    "sender_hospital": _sender_hospital,
    "region_from_text": _region_from_text,
    "stable_id": _stable_id,
    "stage_from_text": _stage_from_text,
    "verdict": _verdict,
    "contains": _contains,
    "category": _category,
    "with_unit": _with_unit_rule,
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


_ITEM_SEP = re.compile(r"\s*(?:║|‖|\|\||\||¦|︱|丨|┃)\s*")  # ｜ is | after NFKC; ︱ (U+FE31) becomes — and stays apart
_ITEMS = re.compile(r"[；;\n]+")
ITEM_ROLES = ("item", "result", "limit")  # a combined cell's parts when its header does not name them


def item_roles(header: str) -> tuple[str, ...]:
    """The parts of a combined items column, read from its header: ``不合格项目║检验结果║标准值`` -> item, result,
    limit; ``不合格项目||检验结果||计量单位||标准值`` -> item, result, unit, limit. A part that is none of these refuses
    the file (a part of a result not understood is never dropped)."""
    from surveillance.ingest.layouts import canonical, header_key

    parts = [_nfkc(p) for p in _ITEM_SEP.split(str(header)) if _nfkc(p)]
    if len(parts) < 2:
        return ITEM_ROLES
    roles = []
    for part in parts:
        meaning = canonical(header_key(part))
        role = ("item" if "项目" in meaning or meaning in ("项目", "指标") else "result" if "结果" in meaning
                else "unit" if meaning.endswith("单位") else "limit" if "限量" in meaning or "标准" in meaning
                else "verdict" if "判定" in meaning else "")
        if not role or role in roles:
            raise Unreadable(f"the part '{part}' of the column '{header}' is not understood (parts read: "
                             "不合格项目, 检验结果, 计量单位, 标准值, 判定)")
        roles.append(role)
    if roles[0] != "item":
        raise Unreadable(f"the column '{header}' does not start with the item: its parts cannot be told apart")
    return tuple(roles)


def split_announcement_items(text: str, roles: tuple[str, ...] = ITEM_ROLES) -> list[dict[str, str]]:
    """``铅(以Pb计)║0.52mg/kg║≤0.2mg/kg；苯甲酸…`` -> [{item, result, limit}, …] for the header's ``roles``;
    separators ║ ‖ || |, items split by ；."""
    items = []
    for part in _ITEMS.split(str(text)):
        part = part.strip()
        if not part:
            continue
        fields = [f.strip() for f in _ITEM_SEP.split(part)]
        if len(fields) > len(roles):  # more parts than the header names: the last role keeps the rest
            fields = fields[: len(roles) - 1] + ["║".join(fields[len(roles) - 1 :])]
        items.append(dict(zip(roles, fields + [""] * (len(roles) - len(fields)), strict=True)))
    return items


def _with_unit(value: str, unit: str) -> str:
    """A bare number (``0.29``, ``≤0.02``) with the unit its own column gives; anything else as written."""
    return value + unit if unit and re.fullmatch(r"[<≤≥>=]*\s*\d+(?:\.\d+)?", value.strip()) else value


def _explode(frame: pd.DataFrame, spec: dict, problems: list[Problem]) -> tuple[pd.DataFrame, int]:
    """One record per failed item of an announcement row; a row of a 合格 list is one record for all it was
    tested for. Which list it is comes from ``list_meaning``, never from a column that was not understood."""
    src = spec["field"]
    tested = src not in frame.columns and spec.get("tested_field", "") in frame.columns
    if tested:  # one tested item per row (检验项目 beside 检验结果): each row's verdict is the item's
        frame = frame.assign(**{src: frame[spec["tested_field"]]})
    meaning, said_by = list_meaning(frame, None if tested else src)
    none = {spec["item"]: spec.get("none_item", ""), spec["result"]: spec.get("none_result", "")}
    if src not in frame.columns and spec.get("verdict_field", "") in frame.columns:
        frame = frame.assign(**{src: ""})  # no failed items named: each row's verdict column says what it is
    if src not in frame.columns:
        if meaning != "合格":
            raise Unreadable(_UNSAID if meaning is None else
                             f"a 不合格 list (as its {said_by} say) whose failed items could not be read: no column of "
                             "failed items was understood")
        out = frame.assign(**none)
        out[_ROW_PROBLEM] = ""
        return out, 0
    roles = ("item",) if tested else item_roles(frame.attrs.get("headers", {}).get(src, ""))
    rows, added = [], 0
    verdict_field = spec.get("verdict_field", "")
    cells = frame[src].astype(str).map(_nfkc)
    every_sample = not tested and bool(cells.isin(_NONE_SAID).any())  # some rows say '/': a list of every sample
    for _i, row in frame.iterrows():
        items = split_announcement_items(row[src], roles) if _nfkc(row[src]) not in _NOTHING else []
        said = reference.verdict_of(row.get(verdict_field, "")) or meaning  # a verdict column speaks for its row
        if tested:
            said = reference.verdict_of(row.get(spec.get("item_verdict_field", ""), "")) or said
        if not items and said is None and not tested and _nfkc(row[src]) in _NONE_SAID:
            said = "合格"  # a list of every sample: '/' under 不合格项目 says none failed
        if not items:
            rec = {**row.to_dict(), **none, _ROW_PROBLEM: ""}
            if said is None and not every_sample:
                raise Unreadable(_UNSAID)
            if said is None:  # a blank in a list of every sample: nothing says whether this one passed
                rec[spec["item"]] = rec[spec["result"]] = ""
                rec[_ROW_PROBLEM] = "neither a verdict nor a failed item (not even '/'): nothing says whether the sample passed"
                rows.append(rec)
                continue
            if said == "不合格":
                rec[spec["item"]] = rec[spec["result"]] = ""
                rec[_ROW_PROBLEM] = f"a row of a 不合格 list (as its {said_by} say) without a failed item that could be read"
            rows.append(rec)
            continue
        results = _ITEMS.split(str(row.get(spec.get("result_field", ""), "")).strip())
        limits = _ITEMS.split(str(row.get(spec.get("limit_field", ""), "")).strip())
        units = _ITEMS.split(str(row.get(spec.get("unit_field", ""), "")).strip())
        for k, item in enumerate(items):
            # some templates give 检验结果 and 标准值 their own columns, items in the same order
            unit = item.get("unit") or (units[k].strip() if k < len(units) else "")
            result = item.get("result") or (results[k].strip() if k < len(results) else "")
            limit = item.get("limit") or (limits[k].strip() if k < len(limits) else "")
            rec = row.to_dict()
            rec[spec["item"]], rec[spec["result"]], rec[spec["limit"]] = item["item"], _with_unit(result, unit), _with_unit(limit, unit)
            rec[_ROW_PROBLEM] = f"a 合格 list (as its {said_by} say) names a failed item" if said == "合格" and not tested else ""
            rows.append(rec)
        added += len(items) - 1
    out = pd.DataFrame(rows, columns=list(frame.columns) + [c for c in (spec["item"], spec["result"], spec["limit"], _ROW_PROBLEM)
                                                           if c not in frame.columns])
    out.attrs = {**frame.attrs, "tested": tested}
    return out.fillna(""), added


_ROW_PROBLEM = "_problem"  # a problem found while splitting a line into records, kept with the record it concerns


# --- the whole step ------------------------------------------------------------------------------

def apply_layout(layout: Layout, frame: pd.DataFrame, first: int = 1, title: str = "",
                 context: dict | None = None) -> Applied:
    """Rows of ``layout`` (columns: its fields, and the file's other headers) -> contract columns.

    ``context``: what the file says outside its rows — ``title`` (the rows above the header), ``sheet``,
    ``file`` (names), ``sender`` (the folder it landed in), ``headers`` (field -> the header as written).
    The frame's index is renumbered from ``first - 1`` when lines are dropped, folded or split, so that
    every record has its own number; the problems refer to those numbers."""
    problems: list[Problem] = []
    if layout.native or frame.empty:
        return Applied(frame, problems)
    attrs = {**(context or {}), "title": title}
    cells = frame.fillna("").astype(str)
    single = (cells.apply(lambda col: col.str.strip() != "")).sum(axis=1) == 1  # only such lines can be notes
    notes = pd.Series(False, index=frame.index)
    notes[single] = cells[single].apply(lambda r: is_note(list(r)), axis=1).astype(bool)
    attrs["footer"] = " ".join(" ".join(c for c in row if c.strip()) for row in cells[notes].itertuples(index=False))
    frame = frame[~notes]
    folded = expanded = 0
    if layout.fold:
        frame, folded = _fold(frame, layout.fold, problems)
    if folded or notes.any():
        renumber = dict(zip(frame.index, range(first - 1, first - 1 + len(frame)), strict=False))
        problems = [(renumber.get(i, i), c, m) for i, c, m in problems]
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(first - 1, first - 1 + len(frame))
    frame = frame.copy()
    frame.attrs = attrs
    if layout.explode:
        frame, expanded = _explode(frame, layout.explode, problems)
        attrs["tested"] = bool(frame.attrs.get("tested"))
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(first - 1, first - 1 + len(frame))
        said = frame.pop(_ROW_PROBLEM).astype(str)
        problems.extend((i, layout.explode["field"], m) for i, m in said[said != ""].items())
    frame = frame.fillna("").astype(str)
    frame.attrs = attrs
    derived = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    out = pd.DataFrame(index=frame.index)
    contract_names = set(layout.contract.names) | {c.name for c in layout.contract.personal}
    used: set[str] = set()
    for target, spec in layout.derive.items():
        rule = RULES[spec["rule"]]
        out[target] = rule(frame, spec, layout, target, problems, derived)
        if target in layout.fields or any(target in (spec2.get("from") or []) for spec2 in layout.derive.values()):
            frame[target] = out[target]  # later rules read what this one derived (the hospital, then its county)
        used.update(n for names in spec.get("from", []) for n in ([names] if isinstance(names, str) else names))
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
