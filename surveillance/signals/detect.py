"""Run every detector for one day and store the signals, updating those already known."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date

from sqlalchemy import Engine, insert, select, update

from surveillance.alerts.levels import level_of
from surveillance.signals.food import detect_exceedances, detect_trends
from surveillance.signals.injury import detect_injury
from surveillance.signals.inspection import detect_repeat_failures
from surveillance.warehouse.models import Signal

log = logging.getLogger(__name__)

DETECTORS = {
    "injury": [detect_injury],
    "inspection": [detect_repeat_failures],
    "food": [detect_exceedances, detect_trends],
}


def store_signals(engine: Engine, day: date, signals: list[dict]) -> dict[str, int]:
    """Upsert by ``signal_key``: a recomputed signal is updated, never duplicated."""
    counts = {"new": 0, "updated": 0}
    with engine.begin() as conn:
        for s in signals:
            row = dict(s, evidence=json.dumps(s["evidence"], ensure_ascii=False, default=str),
                       level=level_of(s), detected_on=day)
            existing = conn.execute(select(Signal.id).where(Signal.signal_key == s["signal_key"])).scalar()
            if existing is None:
                conn.execute(insert(Signal), dict(row, first_detected_on=day))
                counts["new"] += 1
            else:
                conn.execute(update(Signal).where(Signal.id == existing).values(**row))
                counts["updated"] += 1
    return counts


def detect_day(engine: Engine, day: date, domains: tuple[str, ...] = ("injury", "inspection", "food")) -> dict:
    """All detectors of ``domains`` for ``day``; returns counts by domain and by level."""
    found: list[dict] = []
    injury_stats: dict = {}
    with engine.connect() as conn:
        for domain in domains:
            for detector in DETECTORS[domain]:
                found.extend(detector(conn, day, stats=injury_stats) if detector is detect_injury else detector(conn, day))
    stored = store_signals(engine, day, found)
    summary = {
        "day": day.isoformat(),
        "signals": len(found),
        **stored,
        "by_domain": dict(Counter(s["domain"] for s in found)),
        "by_level": {str(k): v for k, v in sorted(Counter(level_of(s) for s in found).items())},
    }
    if injury_stats:
        summary["injury_series"] = injury_stats
    log.info("detect %s: %s", day, summary)
    return summary
