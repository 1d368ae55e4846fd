"""Run every detector for one day and store the signals, updating those already known."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from surveillance.alerts.levels import level_of
from surveillance.signals.food import detect_exceedances, detect_trends
from surveillance.signals.injury import detect_injury
from surveillance.signals.inspection import detect_repeat_failures
from surveillance.signals.periods import last_complete_week
from surveillance.warehouse.models import RevisedDay, Signal

log = logging.getLogger(__name__)

RECOMPUTE_DAYS = 56  # late data older than this revise the record, not the warnings

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
    if "injury" in domains:
        summary["revisions"] = recompute_revised(engine, day)
    log.info("detect %s: %s", day, summary)
    return summary


def recompute_revised(engine: Engine, day: date) -> dict:
    """Recompute the weekly injury signals of past weeks whose data changed after their night (the
    ``revised_days`` that ingest marks), so late reports update those signals instead of being missed
    or duplicated. Food and inspection detectors look back over rolling windows that already include
    late records on the next night. Revisions older than ``RECOMPUTE_DAYS`` are marked as seen."""
    this_week, week_end = last_complete_week(day)
    with engine.connect() as conn:  # days of the week evaluated tonight are covered by tonight's run
        pending = conn.execute(select(RevisedDay.id, RevisedDay.source, RevisedDay.day)
                               .where(RevisedDay.recomputed_at.is_(None), RevisedDay.day <= week_end)).all()
    weeks = sorted({d - timedelta(days=d.weekday()) for _, source, d in pending
                    if source == "injury" and day - timedelta(days=RECOMPUTE_DAYS) <= d < this_week})
    found: list[dict] = []
    with engine.connect() as conn:
        for monday in weeks:
            found.extend(detect_injury(conn, monday + timedelta(days=6)))
    stored = store_signals(engine, day, found)
    if pending:
        with engine.begin() as conn:
            conn.execute(update(RevisedDay).where(RevisedDay.id.in_([p.id for p in pending])).values(recomputed_at=datetime.now()))
    return {"weeks_recomputed": [w.isoformat() for w in weeks], "revised_days_seen": len(pending), **stored}
