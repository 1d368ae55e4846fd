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


def scrub(raw: pd.DataFrame, salt: str, free_text: tuple[str, ...]) -> pd.DataFrame:
    """Replace personal columns by ``patient_hash`` and redact numbers in free text and extra columns.

    ``free_text`` names the columns that may hold anything a clerk typed; columns outside the
    contract are treated the same way, since nobody has said what they hold.
    """
    present = [c for c in PERSONAL_COLUMNS if c in raw.columns]
    out = raw.drop(columns=present)
    if any(c in raw.columns for c in HASHED_COLUMNS):
        out["patient_hash"] = patient_hash(raw, salt)
    for col in free_text:
        if col in out.columns:
            out[col] = redact_text(out[col])
    return out
