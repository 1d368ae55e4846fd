"""Personal data: hashed with the installation's salt at the door, never stored raw."""

from __future__ import annotations

import hashlib
import re

import pandas as pd

PERSONAL_COLUMNS = ("patient_name", "id_number", "phone")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
REDACTED = "[已脱敏]"


def redact_text(series: pd.Series) -> pd.Series:
    """Replace ID numbers and mobile numbers inside free text."""
    return series.str.replace(_ID_NUMBER, REDACTED, regex=True).str.replace(_PHONE, REDACTED, regex=True)


def patient_hash(frame: pd.DataFrame, salt: str) -> pd.Series:
    """A salted SHA-256 of the ID number, or of name and phone when there is no ID number."""
    id_number = frame.get("id_number", pd.Series("", index=frame.index)).str.strip().str.upper()
    name = frame.get("patient_name", pd.Series("", index=frame.index)).str.strip()
    phone = frame.get("phone", pd.Series("", index=frame.index)).str.strip()
    basis = id_number.where(id_number != "", name + "|" + phone)
    hashed = basis.map(lambda b: hashlib.sha256(f"{salt}|{b}".encode()).hexdigest())
    return hashed.where(basis.str.strip("|") != "", "")


def scrub(raw: pd.DataFrame, salt: str) -> pd.DataFrame:
    """Replace personal columns by ``patient_hash`` and redact free text, in every column kept."""
    present = [c for c in PERSONAL_COLUMNS if c in raw.columns]
    out = raw.copy()
    if present:
        out["patient_hash"] = patient_hash(raw, salt)
        out = out.drop(columns=present)
    for col in out.columns:
        if col != "patient_hash":
            out[col] = redact_text(out[col].astype(str))
    return out
