"""Normalise raw strings to the contract's types and codes, noting what could not be parsed.

Each normaliser takes the raw frame and returns the typed frame plus a list of problems
``(row_index, column, message)``; a row with a problem is quarantined with that reason.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from surveillance import reference
from surveillance.ingest.contract import FOOD, INJURY, INSPECTION, Contract

Problem = tuple[int, str, str]

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y.%m.%d")


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
    return (number / divisor).round(3)


_SEX = {"男": "男", "女": "女", "m": "男", "f": "女", "male": "男", "female": "女", "1": "男", "2": "女",
        "未知": "未知", "": "未知", "不详": "未知"}


def parse_sex(series: pd.Series) -> pd.Series:
    def values(uniq: pd.Series) -> pd.Series:
        text = _nfkc_values(uniq).fillna("").astype(str).str.lower()
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


def _region(frame: pd.DataFrame, raw: pd.DataFrame) -> None:
    frame["region_code"] = lookup_codes(raw["region_code"], reference.region_lookup(), "str")
    frame["jurisdiction_code"] = frame["region_code"].map(reference.jurisdiction_of())


def _text(raw: pd.DataFrame, col: str) -> pd.Series:
    return per_unique(raw[col], lambda u: _nfkc_values(u).replace("", None), "str")


def _free_text(raw: pd.DataFrame, col: str) -> pd.Series:
    """Narratives are kept as written (only trimmed): they are read by people, not matched."""
    text = raw[col].astype(str).str.strip()
    return text.astype(object).where(text != "", None)


def normalise_injury(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    frame = pd.DataFrame(index=raw.index)
    for col in ("report_id", "hospital_code", "injury_cause", "injury_intent", "injury_nature",
                "body_part", "severity", "outcome", "product_name"):
        frame[col] = _text(raw, col)
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
                "sampling_stage", "inspection_agency", "failed_items"):
        frame[col] = _text(raw, col)
    _region(frame, raw)
    _date_column(frame, raw, "sampling_date", problems)
    frame["product_category"] = lookup_codes(raw["product_category"], reference.product_lookup())
    verdict = nfkc(raw["verdict"]).str.replace(r"\s", "", regex=True)
    frame["verdict"] = verdict.replace("", None)
    frame["failed"] = verdict == "不合格"
    uscc = nfkc(raw["manufacturer_uscc"]).str.upper()
    bad = (uscc != "") & ~per_unique(uscc, lambda u: u.map(uscc_valid)).astype(bool)
    problems.extend(
        (i, "manufacturer_uscc", f"invalid USCC '{uscc[i]}' (GB 32100-2015 check character)")
        for i in raw.index[bad]
    )
    frame["manufacturer_uscc"] = uscc.where(~bad & (uscc != ""), None)
    return frame, problems


_CENSORED = re.compile(r"^(未检出|nd|n\.d\.|<lod|<检出限|阴性|-)$", re.IGNORECASE)
_LESS_THAN = re.compile(r"^<\s*(\d+(?:\.\d+)?)$")
_DETECTED = re.compile(r"^(检出|阳性|positive)$", re.IGNORECASE)
_UNIT_FACTORS = {  # to mg/kg
    "mg/kg": 1.0, "mg/l": 1.0, "μg/kg": 1e-3, "ug/kg": 1e-3, "µg/kg": 1e-3, "μg/l": 1e-3,
    "ug/l": 1e-3, "µg/l": 1e-3, "ppm": 1.0, "ppb": 1e-3, "g/kg": 1e3,
}


def unit_factor(unit_from: str, unit_to: str) -> float | None:
    """Multiplier taking a value in ``unit_from`` to ``unit_to``; None when not convertible."""
    a, b = unit_from.strip().lower(), unit_to.strip().lower()
    if a == b:
        return 1.0
    if a in _UNIT_FACTORS and b in _UNIT_FACTORS:
        return _UNIT_FACTORS[a] / _UNIT_FACTORS[b]
    return None


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
    lod_raw = pd.to_numeric(nfkc(raw["lod"]), errors="coerce")
    limit_raw = pd.to_numeric(nfkc(raw["limit_value"]), errors="coerce")
    values, censored, units, lods, limit_values, exceeds = [], [], [], [], [], []
    for i in raw.index:
        analyte = frame.at[i, "analyte"]
        ref_unit = analytes.at[analyte, "reference_unit"] if analyte in analytes.index else None
        text = result_raw[i]
        value: float | None = None
        is_censored = False
        factor = 1.0
        if ref_unit is not None and ref_unit.startswith("/"):
            factor = 1.0  # qualitative pathogen result, counted per sample portion
        elif ref_unit is not None and unit_raw[i]:
            found = unit_factor(unit_raw[i], ref_unit)
            if found is None:
                problems.append((i, "unit", f"unit '{unit_raw[i]}' cannot be converted to {ref_unit}"))
            factor = found or 1.0
        lod = None if np.isnan(lod_raw[i]) else float(lod_raw[i]) * factor
        if _CENSORED.match(text):
            is_censored = True
            value = 0.0 if ref_unit is not None and ref_unit.startswith("/") else lod
        elif m := _LESS_THAN.match(text):
            is_censored, value = True, float(m.group(1)) * factor
            lod = lod if lod is not None else value
        elif _DETECTED.match(text):
            value = 1.0
        else:
            try:
                value = float(text) * factor
            except ValueError:
                problems.append((i, "result_value", f"unparseable result '{text}'"))
        limit = None if np.isnan(limit_raw[i]) else float(limit_raw[i]) * factor
        category = frame.at[i, "food_category"]
        if (analyte, category) in limits.index:
            row = limits.loc[(analyte, category)]
            limit = float(row["limit_value"]) if limit is None else limit
            if pd.isna(frame.at[i, "limit_standard"]):
                frame.at[i, "limit_standard"] = row["limit_standard"]
        values.append(value)
        censored.append(is_censored)
        units.append(ref_unit or unit_raw[i] or None)
        lods.append(lod)
        limit_values.append(limit)
        exceeds.append(bool(value is not None and not is_censored and limit is not None and value > limit))
    frame["result_raw"] = result_raw.replace("", None)
    frame["result_value"] = pd.Series(values, index=raw.index, dtype="float64")
    frame["censored"] = censored
    frame["unit"] = units
    frame["lod"] = pd.Series(lods, index=raw.index, dtype="float64")
    frame["limit_value"] = pd.Series(limit_values, index=raw.index, dtype="float64")
    frame["exceeds_limit"] = exceeds
    return frame, problems


NORMALISERS = {
    INJURY.source: normalise_injury,
    INSPECTION.source: normalise_inspection,
    FOOD.source: normalise_food,
}


def normalise(contract: Contract, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    return NORMALISERS[contract.source](raw)
