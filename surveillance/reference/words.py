"""Vocabularies of what senders write: verdicts, list meanings, sampling stages, header words and field headers."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from surveillance.reference.tables import read_table

PASSED, FAILED = "合格", "不合格"
VERDICTS = (PASSED, FAILED)  # the two verdicts every sender's words are read as (verdicts.csv)


@cache
def _verdict_words() -> tuple[dict[str, str], list[tuple[str, str]]]:
    frame = read_table("verdicts.csv")
    exact = {r.word: r.verdict for r in frame.itertuples(index=False)}
    prefixes = [(r.word, r.verdict) for r in frame.itertuples(index=False) if r.match == "prefix"]
    return exact, sorted(prefixes, key=lambda p: -len(p[0]))


def verdict_of(text: object) -> str | None:
    """合格 / 不合格 from a verdict as any sender writes it (P/F, 符合/不符合, √/×, 所检项目均合格 …), one vocabulary
    for every layout (``verdicts.csv``); None when the text is not a verdict."""

    value = "".join(unicodedata.normalize("NFKC", str(text or "")).split()).lower()
    if not value:
        return None
    exact, prefixes = _verdict_words()
    if value in exact:
        return exact[value]
    return next((verdict for word, verdict in prefixes if value.startswith(word)), None)


def list_meaning(text: str) -> str | None:
    """Whether a title, sheet name or file name says its list is of 不合格 or of 合格 samples; None when it says
    neither, or both (``抽检信息（合格+不合格）``)."""
    import unicodedata

    value = "".join(unicodedata.normalize("NFKC", str(text or "")).split())
    failed = bool(re.search(r"不合格|不符合|问题产品|问题食品|超标", value))
    passed = bool(re.search(r"(?<![不])(合格|符合)", value))
    if failed == passed:
        return None
    return "不合格" if failed else "合格"


@cache
def stage_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(stage, words) in the order they are tried: the kind of place a sample was taken at (鲜禽店 -> 流通)."""
    frame = read_table("stage_words.csv")
    order = list(dict.fromkeys(frame["stage"]))
    return tuple((s, tuple(frame.loc[frame["stage"] == s, "word"])) for s in order)


@cache
def header_words() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(ASCII header -> Chinese header, Chinese word -> its canonical word longest first): the words real
    headers are made of, so that a header is read by meaning, not by one exact spelling."""
    frame = read_table("header_words.csv")
    ascii_ = {r.word: r.means for r in frame.itertuples(index=False) if r.word.isascii()}
    words = [(r.word, r.means) for r in frame.itertuples(index=False) if not r.word.isascii()]
    return ascii_, sorted(words, key=lambda p: -len(p[0]))


@cache
def field_headers(source: str) -> dict[str, tuple[str, ...]]:
    """The headers each field of ``source``'s sender layouts goes by in real files (``field_headers.csv``):
    one vocabulary that every profile of the source reads with, beside its own aliases."""
    frame = read_table("field_headers.csv")
    frame = frame[frame["source"] == source]
    return {r.field: tuple(h for h in r.headers.split("|") if h) for r in frame.itertuples(index=False)}
