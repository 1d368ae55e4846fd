"""Who sent a file: part of every record it loads, so that no sender can rewrite another's records.

A file declares its sender by the folder it lands in (``landing/SOURCE/DAY/SENDER/``), else by its name
(``SOURCE_SENDER_DATE.csv``: a sentinel hospital's code anywhere in the name, else the first part that
is neither the source nor a date), or an analyst names it (``surveillance ingest --sender``). A record
is corrected only by a file of the sender that sent it, and a hospital's file carries only that
hospital's cards.
"""

from __future__ import annotations

import re
from pathlib import Path

_DATE_PART = re.compile(r"^(\d{8}|\d{6}|\d{4}|\d{4}年.*|第\d+批.*|\d{1,2}月.*)$")
_DATE_SUFFIX = re.compile(r"(?<!\d)((?:19|20)\d{2}[-_.]?(?:0[1-9]|1[0-2])[-_.]?(?:0[1-9]|[12]\d|3[01])|(?:19|20)\d{2}年.*|第\d+批.*)$")
_GENERIC = {"export", "data", "file", "导出", "数据", "报表", "report", "reports", "copy", "副本", "final", "new"}
MAX_SENDER = 120


def declared_sender(path: Path, source: str, landing_root: Path | None = None, hospitals: set[str] | None = None) -> str:
    """The sender ``path`` declares ('' when it declares none: an analyst's bulk or history load)."""
    path = Path(path)
    if landing_root is not None:
        try:
            parts = path.parent.resolve().relative_to(Path(landing_root).resolve()).parts
        except ValueError:
            parts = ()
        if len(parts) >= 3 and parts[0] == source:  # SOURCE / DAY / SENDER
            return parts[2][:MAX_SENDER]
    tokens = [t for t in re.split(r"[_\-\s.，,（）()]+", path.stem) if t]
    if hospitals:
        for t in tokens:
            if t.upper() in hospitals:
                return t.upper()
    for t in tokens:
        low = t.lower()
        if low == source or low in _GENERIC or _DATE_PART.match(t):
            continue
        name = _DATE_SUFFIX.sub("", t) or t
        return name[:MAX_SENDER]
    return ""
