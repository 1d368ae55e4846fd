"""Normalise raw strings to the contract's types and codes, noting what could not be parsed.

Each normaliser takes the raw frame and returns the typed frame plus a list of problems
``(row_index, column, message)``; a row with a problem is quarantined with that reason.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveillance import reference
from surveillance.ingest.contract import FOOD, INJURY, INSPECTION, NOT_STATED, Contract

Problem = tuple[int, str, str]

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y.%m.%d")
_DATE_WITH_TIME = (r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:\s*T?\s*\d{1,2}(?:\s*[:时点]\s*(?:\d{1,2}(?:\s*[:分]\s*(?:\d{1,2}(?:\.\d+)?\s*秒?)?)?)?)?)?$")


def per_unique(series: pd.Series, func, dtype: str = "object") -> pd.Series:
    """Apply ``func`` (Series -> Series) to the distinct values only: senders repeat the same dates,
    codes and categories on every row, so this is what keeps normalising a million rows fast.

    ``dtype="str"`` returns pandas' Arrow-backed strings (missing values as NA), built by a take
    from the distinct values without touching each row in Python.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(None, index=series.index, dtype=dtype)
    done = func(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    if dtype == "str":
        done = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in done]
        return pd.Series(pd.array(done, dtype="str").take(codes, allow_fill=True), index=series.index)
    values = np.append(done, None)[codes]
    return pd.Series(values, index=series.index, dtype=object)


def _nfkc_values(values: pd.Series) -> pd.Series:
    """NFKC and trim; ASCII text (most codes and IDs) only needs the trim."""
    text = values.astype("str")
    ascii_ = text.str.isascii().fillna(True).astype(bool)
    out = text.str.strip().astype(object).where(text.notna(), None)
    if not ascii_.all():
        out[~ascii_] = [unicodedata.normalize("NFKC", v).strip() for v in text[~ascii_]]
    return out


def nfkc(series: pd.Series) -> pd.Series:
    """Full-width to half-width and trimmed, as every sender's text needs ('' stays '')."""
    return per_unique(series, _nfkc_values).fillna("").astype(str)


def parse_dates(series: pd.Series) -> pd.Series:
    """Parse the date formats senders use, including Excel serial numbers; NaT where none fits."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed = _parse_date_values(pd.Series(uniques, dtype=object)).to_numpy()
    values = np.append(parsed, np.datetime64("NaT", "ns"))[codes]
    return pd.Series(values, index=series.index, dtype="datetime64[ns]")


def _parse_date_values(series: pd.Series) -> pd.Series:
    text = _nfkc_values(series).fillna("").astype(str)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    loose = out.isna() & (text != "")
    if loose.any():  # a date with a time in any of the senders' spellings: 2026-11-20 14:35, 2026年11月20日14时
        parts = text[loose].str.extract(_DATE_WITH_TIME)
        ok = parts[0].notna()
        if ok.any():
            iso = parts.loc[ok, 0] + "-" + parts.loc[ok, 1].str.zfill(2) + "-" + parts.loc[ok, 2].str.zfill(2)
            out[iso.index] = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    serial = out.isna() & text.str.fullmatch(r"\d{5}(\.0+)?")
    if serial.any():
        days = text[serial].astype(float)
        out[serial] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return out


def parse_age(series: pd.Series) -> pd.Series:
    """Ages in years from '3岁', '6个月', '15天', '2周' or plain numbers."""
    return per_unique(series, _parse_age_values).astype("float64")


def _parse_age_values(series: pd.Series) -> pd.Series:
    text = _nfkc_values(series).fillna("").astype(str).str.replace(r"\s", "", regex=True)
    match = text.str.extract(r"^(\d+(?:\.\d+)?)(岁|周岁|个月|月|周|天|日)?$")
    number = pd.to_numeric(match[0], errors="coerce")
    divisor = match[1].map({"个月": 12.0, "月": 12.0, "周": 52.18, "天": 365.25, "日": 365.25}).fillna(1.0)
    years = number / divisor
    both = text.str.extract(r"^(\d+)岁(\d+)个?月$")  # 3岁2个月
    years = years.where(both[0].isna(), pd.to_numeric(both[0], errors="coerce") + pd.to_numeric(both[1], errors="coerce") / 12)
    return years.round(3)


_SEX = {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女", "male": "男", "female": "女", "1": "男", "2": "女",
        "未知": "未知", "": "未知", "不详": "未知", "u": "未知", "unknown": "未知", "9": "未知", "0": "未知"}


def parse_sex(series: pd.Series) -> pd.Series:
    def values(uniq: pd.Series) -> pd.Series:
        text = _nfkc_values(uniq).fillna("").astype(str).str.lower()
        text = text.str.replace(r"^[12]\s*[.、:]?\s*(?=[男女])", "", regex=True)  # the card's 1男 / 2 女
        return text.map(_SEX).fillna(text)

    return per_unique(series, values)


def lookup_codes(series: pd.Series, table: dict[str, str], dtype: str = "object") -> pd.Series:
    """Codes or names (or aliases) to codes; unknown non-empty values kept for validation to flag."""
    def values(uniq: pd.Series) -> pd.Series:
        text = _nfkc_values(uniq).fillna("").astype(str)
        mapped = text.map(table)
        return mapped.where(mapped.notna(), text.replace("", None))

    return per_unique(series, values, dtype)


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    code = code.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def _date_column(frame: pd.DataFrame, raw: pd.DataFrame, col: str, problems: list[Problem]) -> None:
    parsed = parse_dates(raw[col])
    bad = parsed.isna() & (raw[col].str.strip() != "")
    problems.extend((i, col, f"unparseable date '{raw.at[i, col]}'") for i in raw.index[bad])
    # ISO text: what SQLite stores, what COPY reads, and what GX compares with the suite's bounds
    iso = np.datetime_as_string(parsed.to_numpy().astype("datetime64[D]"), unit="D").astype(object)
    frame[col] = pd.Series(iso, index=raw.index).where(parsed.notna(), None)


def _region_values(uniq: pd.Series) -> pd.Series:
    text = _nfkc_values(uniq).fillna("").astype(str)
    table = reference.region_lookup()
    return text.map(lambda v: table.get(v) or reference.region_from_text(v) or v or None)


def _region(frame: pd.DataFrame, raw: pd.DataFrame) -> None:
    """A code, a name, an old name or an address -> today's division (outside Shaanxi: the province)."""
    frame["region_code"] = per_unique(raw["region_code"], _region_values, "str")
    frame["jurisdiction_code"] = frame["region_code"].map(reference.jurisdiction_of())


def _text(raw: pd.DataFrame, col: str) -> pd.Series:
    return per_unique(raw[col], lambda u: _nfkc_values(u).replace("", None), "str")


def _free_text(raw: pd.DataFrame, col: str) -> pd.Series:
    """Narratives are kept as written (only trimmed): they are read by people, not matched."""
    text = raw[col].astype(str).str.strip()
    return text.astype(object).where(text != "", None)


INJURY_CODED = ("injury_cause", "injury_intent", "injury_nature", "body_part", "severity", "outcome")


def _card_codes(raw: pd.DataFrame, col: str, problems: list[Problem]) -> pd.Series:
    """The card's code, code+label or label (our earlier labels are aliases) -> the card's label."""
    from surveillance.ingest.values.derive import decode

    codes, labels = reference.injury_code_table(col)
    text = raw[col].astype(str)
    uniq = pd.Series(pd.unique(text), dtype=object)
    decoded, conflicts = decode(uniq, codes, labels)
    label_of = dict(zip(uniq, decoded, strict=True))
    for value, message in zip(uniq, conflicts, strict=True):
        if message:
            problems.extend((i, col, message) for i in raw.index[text == value])
    return text.map(label_of).replace("", None)


def normalise_injury(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    frame = pd.DataFrame(index=raw.index)
    for col in ("report_id", "hospital_code", "product_name"):
        frame[col] = _text(raw, col)
    for col in INJURY_CODED:
        frame[col] = _card_codes(raw, col, problems)
    frame["narrative"] = _free_text(raw, "narrative")
    _region(frame, raw)
    _date_column(frame, raw, "visit_date", problems)
    frame["sex"] = parse_sex(raw["sex"])
    age = parse_age(raw["age"])
    bad = age.isna() & (raw["age"].str.strip() != "")
    problems.extend((i, "age", f"unparseable age '{raw.at[i, 'age']}'") for i in raw.index[bad])
    frame["age"] = age
    frame["product_code"] = lookup_codes(raw["product_code"], reference.product_lookup())
    if "patient_hash" in raw.columns:
        frame["patient_hash"] = raw["patient_hash"].replace("", None)
    return frame, problems


def normalise_inspection(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    frame = pd.DataFrame(index=raw.index)
    for col in ("sample_id", "product_name", "brand", "model", "manufacturer_name",
                "sampling_stage", "inspection_agency"):
        frame[col] = _text(raw, col)
    frame["failed_items"] = per_unique(raw["failed_items"], lambda u: u.map(failed_items_text), "str")
    _region(frame, raw)
    _date_column(frame, raw, "sampling_date", problems)
    frame["product_category"] = lookup_codes(raw["product_category"], reference.product_lookup())
    verdict = nfkc(raw["verdict"]).str.replace(r"\s", "", regex=True)
    verdict = per_unique(verdict, lambda u: u.map(lambda v: reference.verdict_of(v) or v)).fillna("").astype(str)
    frame["verdict"] = verdict.replace("", None)
    frame["failed"] = verdict == "不合格"
    uscc = nfkc(raw["manufacturer_uscc"]).str.upper()
    bad = (uscc != "") & ~per_unique(uscc, lambda u: u.map(uscc_valid)).astype(bool)
    problems.extend(
        (i, "manufacturer_uscc", f"invalid USCC '{uscc[i]}' (GB 32100-2015 check character)")
        for i in raw.index[bad]
    )
    frame["manufacturer_uscc"] = uscc.where(~bad & (uscc != ""), None)
    address = nfkc(raw["manufacturer_address"]) if "manufacturer_address" in raw.columns else pd.Series("", index=raw.index)
    frame["manufacturer_key"] = manufacturer_key(frame["manufacturer_uscc"], frame["manufacturer_name"], address)
    frame["counterfeit"] = raw["counterfeit"].astype(str).str.strip().isin(["1", "是", "true", "True"]) \
        if "counterfeit" in raw.columns else False
    return frame, problems


_ITEM_LIST = re.compile(r"\s*[;；、,，\n]+\s*|\s+/\s+")


def failed_items_text(value: object) -> str | None:
    """Failed items one way whatever the sender's separators (; ； 、 , ， line breaks): joined by ；, without the
    ``*`` that marks safety items in SAMR's lists (the same item is the same item, marked or not)."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    items = [i.strip().strip("*").strip() for i in _ITEM_LIST.split(text)]
    items = [i for i in items if i and i not in ("/", "-", "无")]
    return "；".join(items) or None

_COMPANY_NOISE = re.compile(r"[\s()（）·.,，、\-]|有限责任公司$|股份有限公司$|有限公司$|公司$")


def manufacturer_key(uscc: pd.Series, name: pd.Series, address: pd.Series) -> pd.Series:
    """Who made it, for repeat-failure detection: the USCC, else the normalised name and address (the
    announcements of many regulators carry no credit code)."""
    def norm(v: object) -> str:
        text = unicodedata.normalize("NFKC", str(v or ""))
        return _COMPANY_NOISE.sub("", _COMPANY_NOISE.sub("", text))

    named = name.map(norm) + "|" + address.map(lambda a: "".join(unicodedata.normalize("NFKC", str(a)).split()))
    by_name = "N:" + named.map(lambda v: hashlib.sha1(v.encode()).hexdigest()[:16])
    return uscc.where(uscc.notna() & (uscc != ""), by_name.where(name.notna() & (name.astype(str) != ""), None))


_CENSORED = re.compile(r"^(未检出|nd\b|n\.d\.|<lod|<检出限|阴性|未检测到|not detected)|^[-—]$", re.IGNORECASE)
_CENSORED_AT = re.compile(r"(?:<|≤|检出限|lod)\s*[:：=]?\s*(\d+(?:\.\d+)?)\s*([a-zA-Zμµ/%][\w/%μµ]*)?", re.IGNORECASE)
_DETECTED = re.compile(r"^(检出|阳性|positive|detected)", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?P<op><=|>=|[<≤>≥])?\s*(?P<num>-?\d+(?:\.\d+)?)"
    r"(?:\s*(?:[×xX*]\s*10\s*\^?\s*(?P<exp10>[-+]?\d+)|[eE](?P<exp>[-+]?\d+)))?"
    r"\s*(?P<unit>[a-zA-Zμµ/%][\w/%μµ]*)?")
_SUPERSCRIPT = str.maketrans({"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
                              "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+"})
_PER_AREA = re.compile(r"(cm2|cm²|dm2|dm²|m2|m²|/件|/个|/片|/只|/张|/套|/副|/支|/双|/瓶)\b|(cm2|cm²|dm2|dm²)$", re.IGNORECASE)
_AREA_UNIT = re.compile(r"((?:c|d)?m)2\b")
_NO_LIMIT = {"", "/", "-", "—", "——", "--", "无", "n/a", "na", "不适用", "未规定", "\\"}
_MUST_NOT = re.compile(r"(不得检出|不得使用|不得添加|不应检出|不得含有|禁止使用|阴性|^0/\d+\s*[gm][l]?$)")
_UNIT_FACTORS = {  # to mg/kg (mass fractions; a litre taken as a kilogram, as the standards' tables do)
    "mg/kg": 1.0, "mg/l": 1.0, "μg/kg": 1e-3, "ug/kg": 1e-3, "µg/kg": 1e-3, "μg/l": 1e-3,
    "ug/l": 1e-3, "µg/l": 1e-3, "ppm": 1.0, "ppb": 1e-3, "g/kg": 1e3, "g/l": 1e3, "mg/g": 1e3, "μg/g": 1.0,
    "ug/g": 1.0, "µg/g": 1.0, "ng/g": 1e-3, "ng/kg": 1e-6, "g/100g": 1e4, "mg/100g": 10.0, "%": 1e4,
    "mg/ml": 1e3, "μg/ml": 1.0, "ug/ml": 1.0, "mg/dm2": None,
}


def unit_factor(unit_from: str, unit_to: str) -> float | None:
    """Multiplier taking a value in ``unit_from`` to ``unit_to``; None when not convertible."""
    a, b = unit_from.strip().lower(), unit_to.strip().lower()
    if a == b:
        return 1.0
    fa, fb = _UNIT_FACTORS.get(a), _UNIT_FACTORS.get(b)
    if fa and fb:
        return fa / fb
    return None


def _number(match: re.Match) -> float:
    """The number written; infinite when it is too large for a float (1e309, 1×10^400): callers refuse those."""
    exp = match.group("exp10") or match.group("exp")
    return float(f"{match.group('num')}e{int(exp)}") if exp else float(match.group("num"))


_POWER = re.compile(r"10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")


def _value_text(text: str) -> str:
    """NFKC, with 10⁵ kept a power (NFKC alone would make it 105)."""
    value = _POWER.sub(lambda m: "10^" + m.group(1).translate(_SUPERSCRIPT), str(text))
    value = unicodedata.normalize("NFKC", value.translate(_SUPERSCRIPT)).strip()
    return re.sub(r"(?<![×xX*\d.])10\^", "1×10^", value)  # a bare power: 10^5 is 1×10^5


@dataclass(frozen=True)
class Result:
    kind: str  # value | censored | detected | pass | unparseable | empty
    value: float | None = None
    unit: str = ""
    lod: float | None = None


@functools.cache
def parse_result(text: str) -> Result:
    """A result as labs write it: ``0.52``, ``0.52mg/kg``, ``<0.005``, ``1.2×10³CFU/g``, ``1.2E3``, ``未检出``,
    ``未检出(<0.01)``, ``ND``, ``检出``, ``阳性``."""
    t = _value_text(text)
    if not t:
        return Result("empty")
    if _CENSORED.match(t):
        m = _CENSORED_AT.search(t)
        return Result("censored", None, (m.group(2) or "") if m else "", float(m.group(1)) if m else None)
    if _DETECTED.match(t):
        return Result("detected", 1.0)
    if t in ("合格", "符合", "所检项目均合格"):  # a sample that passed everything, as pass lists say it
        return Result("pass")
    m = _NUMBER.fullmatch(t.replace(" ", ""))
    if not m:
        return Result("unparseable")
    value = _number(m)
    if not math.isfinite(value):
        return Result("unparseable")  # inf, 1e309: no lab measures that
    if m.group("op") in ("<", "≤", "<="):
        return Result("censored", None, m.group("unit") or "", value)
    return Result("value", value, m.group("unit") or "")


@dataclass(frozen=True)
class Limit:
    value: float | None
    unit: str = ""
    must_not: bool = False  # 不得检出 / 不得使用: any detected amount exceeds it
    unparseable: bool = False


@functools.cache
def parse_limit(text: str) -> Limit:
    """A limit as announcements write it: ``≤0.2mg/kg``, ``0.2(鲜重)``, ``不得检出``, ``不得使用``, ``/``,
    ``n=5,c=2,m=100,M=1000`` (the plan's M: no unit may exceed it), ``0.5-1.0`` (the upper end)."""
    t = _value_text(text)
    if t.lower() in _NO_LIMIT:
        return Limit(None)
    if _MUST_NOT.search(t):
        return Limit(0.0, must_not=True)
    plan = re.search(r"M\s*=\s*([^,，;；]+)", t)
    if plan:
        t = plan.group(1)
    t = re.sub(r"[(（][^)）]*[)）]", "", t)  # (鲜重), (以干基计)
    t = re.sub(r"(\d)\s*[-~～—]\s*(?=\d)", r"\1 ", t)  # a range 0.5-1.0: its ends, not a negative number
    found = list(_NUMBER.finditer(t))
    if not found:
        return Limit(None, unparseable=True)
    m = found[-1]
    unit = m.group("unit") or next((x.group("unit") for x in found if x.group("unit")), "") or ""
    value = _number(m)
    return Limit(value, unit) if math.isfinite(value) else Limit(None, unparseable=True)


def _verdict_text(value: object) -> str | None:
    return reference.verdict_of(value)


def normalise_food(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    frame = pd.DataFrame(index=raw.index)
    for col in ("sample_id", "food_name", "sampling_stage", "limit_standard"):
        frame[col] = _text(raw, col)
    _region(frame, raw)
    _date_column(frame, raw, "sampling_date", problems)
    frame["food_category"] = lookup_codes(raw["food_category"], reference.food_category_lookup())
    frame["analyte"] = lookup_codes(raw["analyte"], reference.analyte_lookup())
    analytes = reference.analytes().set_index("code")
    limits = reference.food_limits().set_index(["analyte", "food_category"])

    result_raw = nfkc(raw["result_value"])
    unit_raw = nfkc(raw["unit"])
    lod_raw = nfkc(raw["lod"])
    limit_raw = raw["limit_value"].astype(str)
    sender = raw["sender_verdict"] if "sender_verdict" in raw.columns else pd.Series("", index=raw.index)
    values, censored, units, lods, limit_values, exceeds, verdicts, conflicts = [], [], [], [], [], [], [], []
    for i in raw.index:
        analyte = frame.at[i, "analyte"]
        known = analyte in analytes.index
        ref_unit = analytes.at[analyte, "reference_unit"] if known else None
        qualitative = ref_unit is not None and ref_unit.startswith("/")
        res = parse_result(raw.at[i, "result_value"])
        lim = parse_limit(limit_raw[i])
        if lim.unparseable:
            problems.append((i, "limit_value", f"unparseable limit '{limit_raw[i].strip()}'"))
        sent_unit = unit_raw[i] or res.unit or lim.unit
        per_area = bool(_PER_AREA.search(sent_unit))
        if per_area:  # a swab per 50 cm², a count per piece: not a mass fraction, never compared with one
            ref_unit, known, sent_unit = None, False, _AREA_UNIT.sub(lambda m: m.group(1) + "²", sent_unit)
        unit = ref_unit or sent_unit or ""  # an item our tables lack, reported without a unit: as the lab wrote it

        def convert(amount: float | None, given: str, i=i, ref_unit=ref_unit, qualitative=qualitative) -> float | None:
            if amount is None or qualitative or ref_unit is None or not given:
                return amount
            factor = unit_factor(given, ref_unit)
            if factor is None:
                problems.append((i, "unit", f"unit '{given}' cannot be converted to {ref_unit}"))
                return amount
            converted = amount * factor
            if not math.isfinite(converted):
                problems.append((i, "result_value", f"'{amount}{given}' is out of range in {ref_unit}"))
                return None
            return converted

        lod_text = parse_result(lod_raw[i]) if lod_raw[i] else Result("empty")
        lod = convert(lod_text.value if lod_text.kind == "value" else lod_text.lod, lod_text.unit or sent_unit)
        value: float | None = None
        is_censored = False
        if res.kind == "censored":
            is_censored = True
            lod = lod if lod is not None else convert(res.lod, res.unit or sent_unit)
            value = 0.0 if qualitative else lod
        elif res.kind == "detected":
            value = 1.0
        elif res.kind == "value":
            value = convert(res.value, res.unit or sent_unit)
        elif res.kind == "unparseable":
            problems.append((i, "result_value", f"unparseable result '{result_raw[i]}'"))
        limit = convert(lim.value, lim.unit or sent_unit) if not lim.must_not else 0.0
        category = frame.at[i, "food_category"]
        if limit is None and not per_area and (analyte, category) in limits.index:
            limit = float(limits.loc[(analyte, category)]["limit_value"])
        if limit is None and known and analytes.at[analyte, "prohibited"] == "1":
            limit = 0.0  # a substance that must not be used: any amount detected exceeds
        if pd.isna(frame.at[i, "limit_standard"]):
            if (analyte, category) in limits.index:
                frame.at[i, "limit_standard"] = limits.loc[(analyte, category)]["limit_standard"]
            elif known and analytes.at[analyte, "prohibited"] == "1":
                frame.at[i, "limit_standard"] = analytes.at[analyte, "standard"]
        over = bool(value is not None and not is_censored and limit is not None and value > limit)
        said = _verdict_text(sender[i])
        values.append(value)
        censored.append(is_censored)
        units.append(unit)
        lods.append(lod)
        limit_values.append(limit)
        exceeds.append(over)
        verdicts.append(said)
        conflicts.append(said is not None and (said == "不合格") != over)
    # a row giving the lab's verdict but no result (an announcement naming the failed item only) keeps the verdict
    no_result = (result_raw == "") & pd.Series([v is not None for v in verdicts], index=raw.index)
    frame["result_raw"] = result_raw.where(~no_result, NOT_STATED).replace("", None)
    frame["result_value"] = pd.Series(values, index=raw.index, dtype="float64")
    frame["censored"] = censored
    frame["unit"] = units
    frame["lod"] = pd.Series(lods, index=raw.index, dtype="float64")
    frame["limit_value"] = pd.Series(limit_values, index=raw.index, dtype="float64")
    frame["exceeds_limit"] = exceeds
    frame["sender_verdict"] = pd.Series(verdicts, index=raw.index, dtype=object)
    frame["verdict_conflict"] = conflicts
    return frame, problems


NORMALISERS = {
    INJURY.source: normalise_injury,
    INSPECTION.source: normalise_inspection,
    FOOD.source: normalise_food,
}


def normalise(contract: Contract, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    return NORMALISERS[contract.source](raw)
