"""CSV that Excel in Chinese opens correctly and never evaluates: UTF-8 with BOM, formulas neutralised."""

from __future__ import annotations

import csv
import io

from surveillance.safe_text import without_bidi

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Text Excel will show, never evaluate and never reorder: cells starting like a formula get a leading
    quote; direction controls are dropped."""
    text = "" if value is None else without_bidi(str(value))
    text = text.replace("\r\n", " ").replace("\n", " ")
    return "'" + text if text.startswith(FORMULA_START) else text


def excel_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])  # a sender's column names come out as headers too
    writer.writerows([[neutralise(v) for v in row] for row in rows])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
