"""One night's work for one day: ingest the landed files, detect, alert.

The Airflow DAG calls these same functions task by task; ``surveillance run`` calls them in a row.
"""

from __future__ import annotations

import json
from collections import Counter
from contextlib import ExitStack
from datetime import date

from sqlalchemy import func, select

from surveillance.ingest.file import landed_files
from surveillance.ingest.run import IngestRun, ingest_files
from surveillance.settings import SOURCES, Settings
from surveillance.warehouse.db import get_engine
from surveillance.warehouse.lock import file_lock
from surveillance.warehouse.models import Delivery, IngestBatch, Signal


def ingest_day(settings: Settings, source: str, day: date) -> IngestRun:
    """Ingest every file landed for ``source`` on ``day`` (already-ingested files load nothing)."""
    return ingest_files(settings, source, landed_files(settings.landing_dir(source, day)), day=day, confine_to=settings.landing)


def detect(settings: Settings, day: date, domains: tuple[str, ...] = SOURCES) -> dict:
    """Detect, and keep the night's figures (tests made, expected false alarms) beside its reports."""
    from surveillance.signals.detect import detect_day

    engine = get_engine(settings.db_url)
    with ExitStack() as held:  # one lock per domain, taken in one order: a hand run and the DAG's task never overlap
        for domain in sorted(domains):
            held.enter_context(file_lock(engine, f"detect {day} {domain}"))
        summary = detect_day(engine, day, domains, settings.quiet_periods)
    path = settings.detect_summary_path(day, None if set(domains) == set(SOURCES) else domains)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return summary


def alert(settings: Settings, day: date, use_smtp: bool | None = None, catch_up: bool = False) -> dict:
    from surveillance.alerts.run import alert_day

    engine = get_engine(settings.db_url)
    with file_lock(engine, "alert"):  # deliveries of every day are sent from here: one sender at a time
        return alert_day(engine, settings, day, use_smtp, catch_up)


def weekly(settings: Settings, day: date, use_smtp: bool | None = None) -> dict:
    """The weekly summary of the last complete week on or before ``day`` (built and sent once)."""
    from surveillance.alerts.reports.weekly import send_weekly

    engine = get_engine(settings.db_url)
    with file_lock(engine, "alert"):
        return send_weekly(engine, settings, day, use_smtp)


def run_day(settings: Settings, day: date, use_smtp: bool | None = None, catch_up: bool = False) -> dict:
    settings.check_salt()
    ingested = {s: ingest_day(settings, s, day).as_dict() for s in SOURCES}
    return {"ingest": ingested, "detect": detect(settings, day), "alert": alert(settings, day, use_smtp, catch_up),
            "warnings": night_warnings(settings, day), "verification": verification(settings, day)}


def verification(settings: Settings, day: date) -> dict:
    """Episodes by verification state, and those past their response deadline on ``day`` (most severe first)."""
    from surveillance.response.trail import states

    found = states(get_engine(settings.db_url), day).values()
    by_state = dict(Counter(e.state for e in found))
    late = sorted((e for e in found if e.overdue), key=lambda e: (e.level, e.due, e.episode_id))
    return {"by_state": by_state, "overdue": [dict(episode_id=e.episode_id, level=e.level, due=e.due.isoformat())
                                              for e in late]}


def overdue_line(verification: dict) -> str | None:
    """One line naming the episodes past their response deadline (at most ten), or None."""
    from surveillance.signals.levels import LEVELS

    late = verification["overdue"]
    if not late:
        return None
    shown = ", ".join(f"episode {e['episode_id']} ({LEVELS[e['level']][0]}, due {e['due']})" for e in late[:10])
    return (f"OVERDUE: {len(late)} episode(s) past their response deadline: {shown}" + (" ..." if len(late) > 10 else "")
            + " (surveillance episode list --overdue)")


def night_warnings(settings: Settings, day: date) -> list[str]:
    """What the operator must look at after the night of ``day``: files mostly quarantined, and
    detectors whose output failed the output check (or that recorded nothing for the night)."""
    from surveillance.ingest.validate.quality import batch_warnings
    from surveillance.signals.registry import DETECTORS
    from surveillance.signals.validate_output import night_findings

    engine = get_engine(settings.db_url)
    checked = night_findings(engine, day, [d.key for d in DETECTORS])
    return [w.line() for w in batch_warnings(engine, day=day)] + checked["errors"]


def warehouse_summary(settings: Settings) -> dict:
    """Totals across all runs: what ``make run`` prints at the end."""
    engine = get_engine(settings.db_url)
    with engine.connect() as conn:
        batches = conn.execute(select(IngestBatch.status, func.count(), func.sum(IngestBatch.rows_read),
                                      func.sum(IngestBatch.rows_loaded), func.sum(IngestBatch.rows_quarantined),
                                      func.sum(IngestBatch.rows_duplicate)).group_by(IngestBatch.status)).all()
        levels = dict(conn.execute(select(Signal.level, func.count()).group_by(Signal.level)).all())
        deliveries = dict(conn.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
        last_night = conn.execute(select(func.max(Signal.detected_on))).scalar()
    files = {status: dict(files=n, read=r or 0, loaded=lo or 0, quarantined=q or 0, duplicate=d or 0)
             for status, n, r, lo, q, d in batches}
    return {"files": files, "signals_by_level": {int(k): v for k, v in sorted(levels.items())},
            "deliveries": deliveries, "outbox": str(settings.outbox), "digests": str(settings.digests),
            "verification": verification(settings, last_night or date.today())}
