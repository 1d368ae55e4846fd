"""Turn a landed file into a frame of raw strings, or reject it with a one-line reason."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from surveillance.ingest.contract import CONTRACTS, Contract

TEXT_ENCODINGS_ACCEPTED = {"utf_8", "gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_16_le", "utf_16_be"}


class FileRejected(Exception):
    """The whole file cannot be ingested; the message says why in one line."""


@dataclass(frozen=True)
class RawFile:
    frame: pd.DataFrame  # canonical column names, all values str ('' when empty)
    encoding: str
    content_hash: str
    extra_columns: tuple[str, ...]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM) first, else a detected Chinese charset."""
    if not data.strip():
        raise FileRejected("file is empty")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("binary content, not a text CSV")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Senders here export UTF-8 or a GB charset; asking the detector about those only keeps a
    # short GBK file from being taken for a Cyrillic code page, while chaos still rejects garbage.
    best = from_bytes(data[:2_000_000], cp_isolation=sorted(TEXT_ENCODINGS_ACCEPTED)).best()
    if best is None or best.encoding not in TEXT_ENCODINGS_ACCEPTED:
        found = best.encoding if best is not None else "none"
        raise FileRejected(f"text encoding could not be determined (detector said: {found})")
    encoding = "gb18030" if best.encoding in {"gbk", "gb2312"} else best.encoding
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise FileRejected(f"not valid {encoding}: {exc.reason} at byte {exc.start}") from None


def clean_header(text: object) -> str:
    """Normalise a header cell: full-width to ASCII, no spaces, no bracketed unit suffix."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    value = "".join(value.split())
    for open_, close in ("()", "[]"):
        if value.endswith(close) and open_ in value:
            value = value[: value.rindex(open_)]
    return value.lower() if value.isascii() else value


def map_headers(columns: list[str], contract: Contract) -> tuple[dict[str, str], list[str]]:
    """Map raw headers to canonical names; returns (mapping, unknown headers)."""
    aliases = {clean_header(k): v for k, v in contract.header_aliases().items()}
    mapping, unknown = {}, []
    for col in columns:
        name = aliases.get(clean_header(col))
        if name and name not in mapping.values():
            mapping[col] = name
        else:
            unknown.append(col)
    return mapping, unknown


def _best_other_source(columns: list[str], contract: Contract) -> str | None:
    own = len(map_headers(columns, contract)[0])
    for other in CONTRACTS.values():
        if other.source != contract.source:
            mapped = map_headers(columns, other)[0]
            if len(mapped) > own and set(other.required) <= set(mapped.values()):
                return other.source
    return None


def _read_table(path: Path, data: bytes) -> tuple[pd.DataFrame, str]:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _promote_header(_read_xlsx(data)), "xlsx"
    if suffix not in {".csv", ".txt"}:
        raise FileRejected(f"unsupported file type '{suffix}' (expected .csv or .xlsx)")
    text, encoding = decode(data)
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, header=None, skip_blank_lines=True
        )
    except pd.errors.ParserError as exc:
        raise FileRejected(f"malformed CSV: {str(exc).strip().splitlines()[-1]}") from None
    except pd.errors.EmptyDataError:
        raise FileRejected("file has no rows") from None
    return _promote_header(frame), encoding


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """First sheet as text. Formulas stay their text (data_only=False): never evaluated, never lost."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = [[_cell_text(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many types for corrupt workbooks
        raise FileRejected(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    if not rows:
        raise FileRejected("workbook's first sheet is empty")
    return pd.DataFrame(rows, dtype=object).fillna("")


def _promote_header(frame: pd.DataFrame) -> pd.DataFrame:
    """Use the first row with at least two filled cells as the header (skips title rows)."""
    filled = (frame.astype(str).apply(lambda s: s.str.strip()) != "").sum(axis=1)
    header_rows = filled[filled >= 2].index
    if len(header_rows) == 0:
        raise FileRejected("no header row found")
    first = header_rows[0]
    header = [str(h) for h in frame.loc[first].tolist()]
    body = frame.loc[first + 1 :].copy()
    body.columns = header
    body = body.loc[(body.astype(str).apply(lambda s: s.str.strip()) != "").any(axis=1)]
    return body.reset_index(drop=True)


def read_file(path: Path, contract: Contract) -> RawFile:
    """Read one landed file for ``contract``; raise FileRejected when the file as a whole is unusable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRejected(f"cannot read file: {exc.strerror}") from None
    if not data:
        raise FileRejected("file is empty")
    frame, encoding = _read_table(path, data)
    columns = [str(c) for c in frame.columns]
    mapping, unknown = map_headers(columns, contract)
    missing = [c for c in contract.required if c not in mapping.values()]
    if missing:
        other = _best_other_source(columns, contract)
        if other:
            raise FileRejected(f"this is a {other} file, not a {contract.source} file")
        raise FileRejected(f"missing required columns: {', '.join(missing)}")
    frame = frame.rename(columns=mapping)
    for col in contract.names:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame.fillna("").astype(str)
    return RawFile(
        frame=frame, encoding=encoding, content_hash=content_hash(data), extra_columns=tuple(unknown)
    )
