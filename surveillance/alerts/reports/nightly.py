"""The HTML report of a run (var/reports/DAY/report.html): every current signal — the latest signal of
each open episode — with its chart, by level and by agency, for the coordinating office and operators."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

from markupsafe import Markup
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts.charts import signal_chart
from surveillance.alerts.digest import ordered
from surveillance.alerts.maps import map_svg
from surveillance.alerts.templating import render as render_template
from surveillance.settings import Settings
from surveillance.signals.episodes import STATUS_ZH
from surveillance.signals.levels import LEVELS
from surveillance.warehouse.models import Alert, Episode, Signal


def current_signals(engine: Engine, day: date) -> list[dict]:
    """The latest signal (by detection night, then id) of every episode open on ``day``."""
    with Session(engine) as conn:
        latest = (select(Signal.episode_id, func.max(Signal.id).label("id"))
                  .join(Episode, Episode.id == Signal.episode_id)
                  .where(Episode.status != "resolved", Signal.detected_on <= day).group_by(Signal.episode_id).subquery())
        rows = conn.execute(select(Signal, Episode.status.label("episode_status"))
                            .join(latest, latest.c.id == Signal.id).join(Episode, Episode.id == Signal.episode_id)).all()
        agencies = defaultdict(set)
        ids = [r.Signal.id for r in rows]
        for sid, agency in conn.execute(select(Alert.signal_id, Alert.agency_id).where(Alert.signal_id.in_(ids), Alert.withheld.is_(None))):
            agencies[sid].add(agency)
    out = []
    for r in rows:
        s = {c.name: getattr(r.Signal, c.name) for c in Signal.__table__.columns}
        s["evidence"] = json.loads(s["evidence"])
        s["episode_status"] = r.episode_status
        s["agencies"] = sorted(agencies[s["id"]])
        out.append(s)
    return ordered(out)


def render(day: date, signals: list[dict], warnings: list[str] | None = None, checked: dict | None = None,
           map_svg: str = "") -> str:
    """``warnings``: the night's data-quality warnings (Chinese lines), shown first; ``checked``: the
    output check of the night's detection (signals/validate_output.py); ``map_svg``: the open episodes'
    map (alerts.maps), if drawn."""
    names = reference.jurisdiction_names()
    agency_names = reference.agency_names()
    shown = [dict(s, chart=base64.b64encode(signal_chart(s)).decode(), status_zh=STATUS_ZH.get(s["status"] or "new", ""),
                  category=reference.category_name(s["category_code"]), place=names.get(s["jurisdiction_code"] or "", "全省"))
             for s in signals]
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for s in shown:
        for agency in s["agencies"] or ["（未路由）"]:
            by_agency[agency].append(s)
    return render_template("report.html", day=day, day_zh=f"{day:%Y年%m月%d日}", signals=shown, warnings=warnings or [],
                           checked=checked, map_svg=Markup(map_svg) if map_svg else "",
                           by_level=[(k, [s for s in shown if s["level"] == k]) for k in sorted(LEVELS)],
                           by_agency=[(agency_names.get(a, a), by_agency[a]) for a in sorted(by_agency)])


def write_report(engine: Engine, settings: Settings, day: date) -> Path:
    """Write the run's report; returns its path."""
    path = settings.reports / day.isoformat() / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    from surveillance.ingest.validate.quality import batch_warnings
    from surveillance.signals.validate_output import night_findings

    warnings = [w.line_zh() for w in batch_warnings(engine, day=day)]
    signals = current_signals(engine, day)
    console = settings.base_url.rstrip("/")
    link = (lambda code, level: f"{console}/signals?{'city' if level == 'city' else 'q'}={code}") if console else None
    path.write_text(render(day, signals, warnings, night_findings(engine, day), map_svg(signals, link)), encoding="utf-8")
    return path
