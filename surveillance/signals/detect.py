"""Run every detector for one day and store the signals, updating those already known."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from surveillance.settings import SOURCES
from surveillance.signals.detectors.injury import window
from surveillance.signals.detectors.injury_counts import daily_counts
from surveillance.signals.detectors.product_proposals import propose_pending
from surveillance.signals.detectors.tuning import NIGHT
from surveillance.signals.episodes import QUIET_PERIODS, SENDABLE, place, resolve_quiet
from surveillance.signals.periods import last_complete_week
from surveillance.signals.registry import METHODS, detector, detectors, level_of
from surveillance.signals.validate_output import check_and_record
from surveillance.warehouse.models import RevisedDay, Signal

log = logging.getLogger(__name__)


def store_signals(engine: Engine, day: date, signals: list[dict]) -> dict[str, int]:
    """Upsert by ``signal_key`` (a recomputed signal is updated, never duplicated) and place each signal in
    its episode (signals/episodes.py), which sets its status: new, escalated, new-cases or ongoing."""
    counts = {"new": 0, "updated": 0}
    with engine.begin() as conn:
        for s in signals:
            level = level_of(s)
            row = dict(s, evidence=json.dumps(s["evidence"], ensure_ascii=False, default=str), level=level, detected_on=day)
            existing = conn.execute(select(Signal.id, Signal.episode_id, Signal.status, Signal.detected_on, Signal.observed)
                                    .where(Signal.signal_key == s["signal_key"])).first()
            known = None if existing is None else existing._asdict()
            row["episode_id"], row["status"] = place(conn, day, s, level, known)
            if existing is None:
                conn.execute(insert(Signal), dict(row, first_detected_on=day))
                counts["new"] += 1
            else:
                conn.execute(update(Signal).where(Signal.id == existing.id).values(**row))
                counts["updated"] += 1
    return counts


def detect_day(engine: Engine, day: date, domains: tuple[str, ...] = SOURCES,
               quiet_periods: int = QUIET_PERIODS) -> dict:
    """All detectors of ``domains`` for ``day``, their signals placed in episodes; episodes quiet for
    ``quiet_periods`` weeks resolved. Returns counts by domain, method, level and status."""
    found: list[dict] = []
    figures: dict[str, dict] = {}
    detections: dict[str, tuple[list[dict], dict]] = {}
    declared: dict[str, tuple[str, ...]] = {}  # the methods each detector may emit
    if "injury" in domains:  # before the counts: tonight's uncoded reports get their proposed category
        with engine.begin() as conn:
            figures["injury/classifier"] = propose_pending(conn, day)
    with engine.connect() as conn:
        for domain in domains:
            for d in detectors(domain):
                detection = d.run(conn, day)
                found.extend(detection.signals)
                figures[d.key] = dict(detection.figures, signals=len(detection.signals))
                detections[d.key] = (detection.signals, detection.figures)
                declared[d.key] = tuple(m.name for m in d.methods)
    stored = store_signals(engine, day, found)
    summary = {
        "day": day.isoformat(),
        "signals": len(found),
        **stored,
        "by_domain": dict(Counter(s["domain"] for s in found)),
        "by_method": dict(Counter(s["method"] for s in found)),
        "by_level": {str(k): v for k, v in sorted(Counter(level_of(s) for s in found).items())},
        "detectors": figures,
        "expected_false_alarms": expected_false_alarms_tonight(figures),
    }
    if "injury/counts" in figures:
        summary["injury_series"] = figures["injury/counts"]
    if "injury" in domains:
        summary["revisions"] = recompute_revised(engine, day)
    with engine.begin() as conn:
        summary["episodes_resolved"] = resolve_quiet(conn, day, quiet_periods, domains)
        tonight = conn.execute(select(Signal.method, Signal.status).where(Signal.detected_on == day)).all()
    summary["by_status"] = dict(Counter(status for _, status in tonight))
    summary["alarms"] = alarms_beside_expected(figures, declared, Counter(m for m, status in tonight if status in SENDABLE))
    summary["output_check"] = check_and_record(engine, day, detections, declared)
    log.info("detect %s: %s", day, summary)
    return summary


def alarms_beside_expected(figures: dict[str, dict], declared: dict[str, tuple[str, ...]], sent: Counter) -> dict:
    """Per statistical detector: tonight's alarms (signals sent: new, escalated, stronger, new cases) beside
    the false alarms its tests are expected to raise, so that an analyst sees a detector running hot."""
    out = {}
    for key, methods in declared.items():
        if not any(METHODS[m].statistical for m in methods if m in METHODS):
            continue
        out[key] = {"alarms": sum(sent[m] for m in methods),
                    "expected_false": round(figures.get(key, {}).get("expected_false_alarms", 0.0), 2)}
    return out


def expected_false_alarms_tonight(figures: dict[str, dict]) -> float:
    """The night's expected number of false alarms: under FDR control, q times the discoveries; for
    fixed-level tests, alpha times the tests made. Exceedances, repeat failures and new failed items
    are facts in the records, not statistical tests, and add none."""
    return round(sum(f.get("expected_false_alarms", 0.0) for f in figures.values()), 2)


def recompute_revised(engine: Engine, day: date) -> dict:
    """Recompute the weekly injury signals of past weeks whose data changed after their night (the
    ``revised_days`` that ingest marks), so late reports update those signals instead of being missed
    or duplicated. Food and inspection detectors look back over rolling windows that already include
    late records on the next night. Revisions older than ``NIGHT.recompute_days`` are marked as seen."""
    this_week, week_end = last_complete_week(day)
    with engine.connect() as conn:  # days of the week evaluated tonight are covered by tonight's run
        pending = conn.execute(select(RevisedDay.id, RevisedDay.source, RevisedDay.day)
                               .where(RevisedDay.recomputed_at.is_(None), RevisedDay.day <= week_end)).all()
    weeks = sorted({d - timedelta(days=d.weekday()) for _, source, d in pending
                    if source == "injury" and day - timedelta(days=NIGHT.recompute_days) <= d < this_week})
    found: list[dict] = []
    if weeks:
        with engine.connect() as conn:
            spans = [window(conn, monday + timedelta(days=6)) for monday in weeks]
            daily = daily_counts(conn, min(w.first_monday for w in spans), spans[-1].week_end)  # read once for all
            counts = detector("injury", "counts").run
            for monday in weeks:
                found.extend(counts(conn, monday + timedelta(days=6), daily=daily).signals)
    stored = store_signals(engine, day, found)
    if pending:
        with engine.begin() as conn:
            conn.execute(update(RevisedDay).where(RevisedDay.id.in_([p.id for p in pending])).values(recomputed_at=datetime.now()))
    return {"weeks_recomputed": [w.isoformat() for w in weeks], "revised_days_seen": len(pending), **stored}
