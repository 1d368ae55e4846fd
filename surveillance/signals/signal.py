"""One signal: what a detector found, as the warehouse stores it. Its key is built here, once, so a
recomputation of the same finding updates it instead of adding another."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

FIELDS = ("signal_key", "domain", "method", "series", "category_code", "category_group", "sampling_stage",
          "jurisdiction_code", "period_start", "period_end", "observed", "expected", "threshold", "score", "title",
          "evidence")


STAGE_SEPARATOR = "、"  # a signal about samples of several stages (a rate) names them all: 流通、生产


def joined_stages(stages) -> str | None:
    """The stages of the samples behind a signal, each once, in a stable order, as one value; None if none stated."""
    kept = sorted({str(s) for s in stages if s is not None and str(s) == str(s) and str(s).strip()})
    return STAGE_SEPARATOR.join(kept) or None


def stages_of(value: str | None) -> set[str]:
    """The stages a signal's ``sampling_stage`` names (one, or several joined by ``STAGE_SEPARATOR``)."""
    return {s for s in (value or "").split(STAGE_SEPARATOR) if s}


def places_of(evidence: str | dict | None) -> tuple[str, ...]:
    """The county codes a signal's evidence names (``places``: where its samples were taken, or its
    cluster's counties), from the stored JSON or the dict. Stored evidence that is not JSON raises: reading
    it as "no county" would tell fewer agencies without a word."""
    if isinstance(evidence, str):
        evidence = json.loads(evidence)
    places = (evidence or {}).get("places") if isinstance(evidence, dict) else None
    return tuple(str(p) for p in places) if isinstance(places, list) else ()


SIGNAL_PREFIX, EPISODE_PREFIX = "S", "E"  # display codes: S000123 a signal, E000045 an episode


def signal_code(signal_id: int) -> str:
    """The code people read and type for a signal: S and six digits."""
    return f"{SIGNAL_PREFIX}{signal_id:06d}"


def episode_code(episode_id: int) -> str:
    """The code people read for an episode: E and six digits."""
    return f"{EPISODE_PREFIX}{episode_id:06d}"


def signal_id_of(code: str) -> int:
    """The id a signal code names (S000123, s123 or 123); ValueError if it names none."""
    return int(code.strip().upper().removeprefix(SIGNAL_PREFIX))


def signal_key(domain: str, method: str, subject: str, period: date | str | None = None) -> str:
    """domain|method|subject[|period]: the subject is what the finding is about (a series, a sample),
    the period the week or month it was found for, when one finding per period is wanted."""
    parts = [domain, method, subject]
    if period is not None:
        parts.append(period.isoformat() if isinstance(period, date) else str(period))
    return "|".join(parts)


def make_signal(domain: str, method: str, series: str, *, period_start: date, period_end: date, observed: float,
                title: str, evidence: dict, key_period: date | str | None = None, key_subject: str | None = None,
                expected: float | None = None, threshold: float | None = None, score: float | None = None,
                category_code: str | None = None, category_group: str | None = None,
                sampling_stage: str | None = None, jurisdiction_code: str | None = None) -> dict:
    """A signal as the rest of the pipeline reads it (a dict of the ``signals`` table's columns).
    ``key_subject`` defaults to ``series``; ``key_period`` is left out of the key when None."""
    return dict(signal_key=signal_key(domain, method, series if key_subject is None else key_subject, key_period),
                domain=domain, method=method, series=series, category_code=category_code,
                category_group=category_group, sampling_stage=sampling_stage, jurisdiction_code=jurisdiction_code,
                period_start=period_start, period_end=period_end, observed=observed, expected=expected,
                threshold=threshold, score=score, title=title, evidence=evidence)


@dataclass
class Detection:
    """What one detector found for one night: its signals and its figures (tests made, expected false
    alarms, the method chosen), which the night's summary reports."""

    signals: list[dict] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
