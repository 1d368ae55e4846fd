"""Personal data: hashed with the installation's salt at the door, never stored raw."""

from __future__ import annotations

import re

import pandas as pd

from surveillance.ingest.hashing import keyed_hash

HASHED_COLUMNS = ("patient_name", "id_number", "phone")  # identify a patient: kept only as a salted hash
DROPPED_COLUMNS = ("address", "guardian_name")  # never needed for surveillance: dropped
PERSONAL_COLUMNS = HASHED_COLUMNS + DROPPED_COLUMNS
_NUMBERS = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")
_MAY_HOLD_NUMBERS = r"\d{11}"
REDACTED = "[已脱敏]"


def redact_text(series: pd.Series) -> pd.Series:
    """Replace ID numbers and mobile numbers inside free text."""
    text = series.astype(str)
    suspect = text.str.contains(_MAY_HOLD_NUMBERS, regex=True)
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


def address_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c == "address" or ADDRESS_HEADER.search(str(c))]


def _patient_region(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    from surveillance import reference

    text = raw[columns[0]].astype(str)
    for col in columns[1:]:
        text = text + raw[col].astype(str)
    return text.map(lambda v: reference.region_from_text(v) or "")


def scrub(raw: pd.DataFrame, salt: str, free_text: tuple[str, ...], personal: bool = True) -> pd.DataFrame:
    """Replace personal columns by ``patient_hash`` and redact numbers in free text and extra columns.

    ``free_text`` names the columns that may hold anything a clerk typed; columns outside the
    contract are treated the same way, since nobody has said what they hold. For a source about
    people (``personal``), every address column is reduced to the county it names and dropped.
    """
    present = [c for c in PERSONAL_COLUMNS if c in raw.columns]
    addresses = address_columns(list(raw.columns)) if personal else []
    out = raw.drop(columns=list(dict.fromkeys(present + addresses)))
    if addresses:
        out[PATIENT_REGION] = _patient_region(raw, addresses)
    if any(c in raw.columns for c in HASHED_COLUMNS):
        out["patient_hash"] = patient_hash(raw, salt)
    for col in free_text:
        if col in out.columns:
            out[col] = redact_text(out[col])
    return out
