"""Untrusted text (file names, senders' values, error messages) made safe to print on one line."""

from __future__ import annotations

MAX_LINE = 300
# Unicode's explicit direction controls (embeddings, overrides, isolates, marks): in sender data they reorder
# what a reader sees (an RLO shows "txt.exe" as "exe.txt", "0.5mg/kg" as "gk/gm5.0"); no output of ours needs one
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = str.maketrans("", "", BIDI_CONTROLS)


def without_bidi(text: str) -> str:
    """``text`` without direction controls, so that every reader sees the characters in the order stored."""
    return text.translate(_NO_BIDI)


def one_line(text: object, limit: int = MAX_LINE) -> str:
    """``text`` with control characters (line breaks, terminal escapes) shown escaped, cut to ``limit``."""
    out = "".join(c if (c.isprintable() and c not in BIDI_CONTROLS) or c == " "
                  else c.encode("unicode_escape").decode("ascii") for c in str(text))
    return out if len(out) <= limit else out[: limit - 1] + "…"
