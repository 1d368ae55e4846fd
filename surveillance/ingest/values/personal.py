"""Personal data: hashed with the installation's salt at the door, never stored raw.

One mechanism for every text that is stored, whatever the source: columns that name a person, a phone
or an identity document (by header, in Chinese or English, canonical or not) are hashed into
``patient_hash`` or dropped; ID and phone numbers are found by pattern, in every written form, in every
other column (``extra`` included), in quarantined lines and in the reasons written about them.
"""

from __future__ import annotations

import re

import pandas as pd

from surveillance.ingest.load.hashing import keyed_hash

HASHED_COLUMNS = ("patient_name", "id_number", "phone")  # identify a patient: kept only as a salted hash
DROPPED_COLUMNS = ("address", "guardian_name")  # never needed for surveillance: dropped
PERSONAL_COLUMNS = HASHED_COLUMNS + DROPPED_COLUMNS
REDACTED = "[已脱敏]"

# Headers naming a person, a phone or an identity document, compared without spaces, '_', '-' and case:
# 姓名, 患者姓名, 病人姓名, 监护人, Patient Name, contact_phone, 紧急联系电话, 身份证号码, ID No., passport ...
_PERSON_HEADER = re.compile(
    r"(姓名|名字|联系人|监护人|家长|患者$|病人$|^患者名|^病人名|patientname|personname|fullname|firstname|lastname|surname|"
    r"guardian|parentname|contactname|^name$|电话|手机|联系方式|phone|mobile|^tel$|telephone|身份证|证件号|证件号码|"
    r"idnumber|idcard|idno|passport|护照|socialsecurity|社保|医保卡)")
# Columns about things, not people, although their headers say 名称/name: never personal by header
_THING_HEADER = re.compile(r"(产品|食品|企业|单位|医院|机构|品牌|商标|项目|类别|product|food|manufacturer|company|"
                           r"hospital|brand|item|category|agency)")

# ID numbers (18 digits, the last may be X, or the old 15) with a plausible birth date, spaced or not;
# mobiles with or without +86 / 0086, spaced or hyphenated 3-4-4; landlines with an area code
_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_NUMBERS = re.compile(
    rf"(?<![0-9A-Za-z])(?:\d{{6}}[ -]?{_DATE8}[ -]?\d{{3}}[0-9Xx]|\d{{6}}{_DATE6}\d{{3}}"
    r"|(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}|0\d{2,3}-\d{7,8})(?![0-9A-Za-z])")


def is_personal_header(column: object) -> bool:
    """A column that names a person, a phone or an identity document (not a product's or a company's name), in
    Chinese, English or pinyin (``xm``, ``sfzh``, ``lxdh``: read through the header vocabulary)."""
    from surveillance.ingest.layouts import canonical, header_key

    key = re.sub(r"[\s_\-.:：()（）]", "", str(column)).lower()
    if not key:
        return False
    meaning = canonical(header_key(column)) if key.isascii() else key
    return any(bool(_PERSON_HEADER.search(k)) and not _THING_HEADER.search(k) for k in (key, meaning))


def redact_value(text: str) -> str:
    """One text (a reason, a line): not a hot path, so no prefilter."""
    return _NUMBERS.sub(REDACTED, text)


# the same shapes without the end boundary, for RE2 (no look-behind): a fast superset, checked exactly after
_PREFILTER = (r"(^|[^0-9A-Za-z])(\d{6}[ -]?(18|19|20)\d{2}(0[1-9]|1[0-2])|\d{8}(0[1-9]|1[0-2])"
              r"|((\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}|0\d{2,3}-\d{7})")


def _suspects(text: pd.Series) -> pd.Series:
    """Values that may hold an ID or phone number (vectorised with Arrow's RE2: keys of a million rows
    cost a fraction of a second)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.match_substring_regex(pa.array(text.to_numpy(dtype=object), type=pa.string()), _PREFILTER)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index).fillna(False).astype(bool)


def redact_text(series: pd.Series) -> pd.Series:
    """Replace ID numbers and phone numbers inside text, in every form people write them."""
    text = series.astype(str)
    suspect = _suspects(text)
    if not suspect.any():
        return text
    out = text.astype(object)
    out[suspect] = [_NUMBERS.sub(REDACTED, v) for v in text[suspect]]
    return out.astype(str)


def patient_hash(frame: pd.DataFrame, salt: str) -> pd.Series:
    """A keyed hash (secret: the installation's salt) of the ID number, or of name and phone
    when there is no ID number; '' when the row names nobody."""
    blank = pd.Series("", index=frame.index, dtype=str)
    id_number = frame.get("id_number", blank).astype(str).str.strip().str.upper()
    name = frame.get("patient_name", blank).astype(str).str.strip()
    phone = frame.get("phone", blank).astype(str).str.strip()
    basis = id_number.where(id_number != "", name + "|" + phone)
    hashed = keyed_hash(basis, salt)
    return hashed.where(basis.str.strip("|") != "", "")


# Any column about where a person lives, at any depth (联系地址, 详细地址, 家庭住址, 现住址-乡镇, 户籍地址 …)
ADDRESS_HEADER = re.compile(r"(地址|住址|住所|居住地|现住|户籍地|门牌|address)", re.IGNORECASE)
PATIENT_REGION = "患者住址区县"  # all that stays of a patient's address: the county code
_ADDRESS_TEXT = re.compile(r"[^,，;；\t]*?(省|市|区|县|镇|乡|村|街道|路|街|巷|号|栋|单元|室|组)[^,，;；\t]*")


def redact_addresses(text: str) -> str:
    """Fields of a line that cannot be split (no header to say which is the address) that read like an
    address are replaced: a cut-off card line never stores where its patient lives."""
    parts = re.split(r"([,，\t])", text)
    return "".join(REDACTED if len(p) >= 6 and _ADDRESS_TEXT.fullmatch(p) and re.search(r"\d|村|路|街|号|组", p) else p
                   for p in parts)


_PLAIN_FIELD = re.compile(r"[0-9A-Za-z.:/\- ]{0,40}")  # codes, dates, numbers: what a line's own fields may keep


def redact_line(text: str, known: set[str] | frozenset[str] = frozenset()) -> str:
    """A line of a source about people that cannot be split into fields (no header says which field is the
    name): every field that is not a code, a date, a number or a value of ``known`` (the code tables'
    labels) is replaced, so that names, guardians and addresses written there are not kept."""
    parts = re.split(r"([,，\t])", redact_value(text))
    return "".join(p if (i % 2 or not p.strip() or _PLAIN_FIELD.fullmatch(p.strip()) or p.strip() in known or p == REDACTED)
                   else REDACTED for i, p in enumerate(parts))


# A column holding one part of an address: 省 / 市 / 县(区) / 乡镇(街道) / 村(居委会) / 门牌号, alone or after whose
# address it is (现住址-乡镇, 户籍地址村); in English too. Village and street names are personal data.
ADDRESS_PART_HEADER = re.compile(
    r"^(患者|病人|现住址?|住址|户籍地?址?|家庭住?址?|联系地址|居住地?址?|现居住?地?)?[-_]?"
    r"(省|省份|市|地市|州|县|区|县区|区县|县\(区\)|县\(市、区\)|县\(市区\)|乡|镇|乡镇|乡镇\(街道\)|乡\(镇、街道\)|乡镇街道|"
    r"街道|村|村\(居委会\)|村\(居\)|村居|居委会|社区|社区\(村\)|门牌|门牌号|组|村民组|小区|楼栋|详细地址)$"
    r"|^(province|city|county|district|town|township|street|village|community|houseno|housenumber|addressline\d?)$",
    re.IGNORECASE)
# values that name a place below the county: a column of them is an address part, whatever its header
_SNIFF_ROWS = 500  # values looked at per column: enough to tell an address column, cheap on a million rows
_SUB_COUNTY = re.compile(r"(?:村|社区|居委会|村民组|小区|街道|\d+号|\d+室|\d+栋|\d+单元|组)$")


def _meaning(column: object) -> str:
    from surveillance.ingest.layouts import canonical, header_key

    key = header_key(column)
    return canonical(key) if key.isascii() else ""


def address_columns(columns: list[str], frame: pd.DataFrame | None = None) -> list[str]:
    """Columns about where a person lives, by header (联系地址, 村(居委会), village …) or, given the ``frame``, by
    values: a column most of whose filled values name a village, a community or a house is an address part."""
    found = []
    for c in columns:
        key = re.sub(r"[\s()（）]", lambda m: "" if m.group(0).isspace() else "(" if m.group(0) in "(（" else ")", str(c))
        meaning = _meaning(c)
        if c == "address" or ADDRESS_HEADER.search(key) or ADDRESS_PART_HEADER.match(key) or ADDRESS_HEADER.search(meaning):
            found.append(c)
        elif frame is not None and c in frame.columns:
            values = pd.Series(frame[c].head(_SNIFF_ROWS).astype(str).str.strip().unique())
            values = values[values != ""]
            if len(values) and values.str.contains(_SUB_COUNTY).mean() > 0.5 and not values.str.fullmatch(r"[\d\s\-]+").any():
                found.append(c)
    return found


def _patient_region(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    from surveillance import reference

    text = raw[columns[0]].astype(str)
    for col in columns[1:]:
        text = text + raw[col].astype(str)
    return text.map(lambda v: reference.region_from_text(v) or "")


def scrub(raw: pd.DataFrame, salt: str, coded: tuple[str, ...] = (), personal: bool = True,
          contract_columns: tuple[str, ...] = ()) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Personal data out of a chunk: the canonical personal columns become ``patient_hash``; any other
    column whose header names a person, phone or document is dropped; ID and phone numbers are redacted in
    every remaining column. In ``coded`` columns (keys, codes, dates, numbers) such a number is no value
    at all: the row is reported, to be quarantined with the redacted value. For a source about people
    (``personal``), every address column is reduced to the county it names and dropped."""
    present = [c for c in PERSONAL_COLUMNS if c in raw.columns]
    by_header = [c for c in raw.columns if c not in present and c not in contract_columns and is_personal_header(c)]
    others = [c for c in raw.columns if c not in contract_columns]
    addresses = address_columns(others, raw) if personal else []
    out = raw.drop(columns=list(dict.fromkeys(present + by_header + addresses)))
    if addresses:
        out[PATIENT_REGION] = _patient_region(raw, addresses)
    if any(c in raw.columns for c in HASHED_COLUMNS):
        out["patient_hash"] = patient_hash(raw, salt)
    problems: list[tuple[int, str, str]] = []
    for col in out.columns:
        if col in ("patient_hash", PATIENT_REGION):
            continue
        values = out[col]
        unique = pd.Series(values.unique())
        cleaned = redact_text(unique)
        changed = unique.astype(str) != cleaned
        if not changed.any():
            continue
        mapping = dict(zip(unique[changed], cleaned[changed], strict=True))
        hit = values.isin(list(mapping))
        out.loc[hit, col] = values[hit].map(mapping)
        if col in coded:
            problems.extend((row, col, "an ID or phone number where a code belongs (personal data): not stored")
                            for row in out.index[hit])
    return out, problems
