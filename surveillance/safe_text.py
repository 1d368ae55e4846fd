"""Untrusted text (file names, senders' values, error messages) made safe to print on one line."""

from __future__ import annotations

MAX_LINE = 300


def one_line(text: object, limit: int = MAX_LINE) -> str:
    """``text`` with control characters (line breaks, terminal escapes) shown escaped, cut to ``limit``."""
    out = "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in str(text))
    return out if len(out) <= limit else out[: limit - 1] + "…"
