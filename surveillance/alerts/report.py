"""The HTML report of a run (var/reports/DAY/report.html): every current signal — the latest signal of
each open episode — with its chart, by level and by agency, for the coordinating office and operators."""

from __future__ import annotations

import base64
import html
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts.charts import signal_chart
from surveillance.alerts.compose import COLOURS
from surveillance.alerts.digest import category_name, ordered
from surveillance.safe_text import without_bidi
from surveillance.settings import Settings
from surveillance.signals.episodes import STATUS_ZH
from surveillance.signals.levels import LEVELS, label
from surveillance.signals.registry import DOMAINS, method_label
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
        for sid, agency in conn.execute(select(Alert.signal_id, Alert.agency_id).where(Alert.signal_id.in_(ids))):
            agencies[sid].add(agency)
    out = []
    for r in rows:
        s = {c.name: getattr(r.Signal, c.name) for c in Signal.__table__.columns}
        s["evidence"] = json.loads(s["evidence"])
        s["episode_status"] = r.episode_status
        s["agencies"] = sorted(agencies[s["id"]])
        out.append(s)
    return ordered(out)


def _row(s: dict, charts: dict[int, str]) -> str:
    names = reference.jurisdiction_names()
    return (f"<tr><td style='color:{COLOURS[s['level']]};font-weight:bold'>{html.escape(label(s['level']))}</td>"
            f"<td>{html.escape(STATUS_ZH.get(s['status'] or 'new', ''))}</td><td>S{s['id']:06d}</td>"
            f"<td>{html.escape(DOMAINS[s['domain']])}</td><td>{html.escape(method_label(s['method']))}</td>"
            f"<td>{html.escape(category_name(s['category_code']))}</td>"
            f"<td>{html.escape(names.get(s['jurisdiction_code'] or '', '全省'))}</td><td>{html.escape(s['title'])}</td>"
            f"<td><img src='data:image/png;base64,{charts[s['id']]}' width='300' alt='趋势图'></td></tr>")


HEAD = ("<tr><th>级别</th><th>状态</th><th>编号</th><th>领域</th><th>方法</th><th>类别</th><th>地区</th>"
        "<th>说明</th><th>趋势</th></tr>")


def render(day: date, signals: list[dict], warnings: list[str] | None = None, checked: dict | None = None) -> str:
    """``warnings``: the night's data-quality warnings (Chinese lines), shown first; ``checked``: the
    output check of the night's detection (signals/validate_output.py)."""
    charts = {s["id"]: base64.b64encode(signal_chart(s)).decode() for s in signals}
    agency_names = reference.agencies().set_index("agency_id")["name"]
    parts = [f"<html><head><meta charset='utf-8'><title>质量安全风险监测报告 {day:%Y-%m-%d}</title></head><body>",
             f"<h1>质量安全风险监测运行报告（{day:%Y年%m月%d日}）</h1>",
             f"<p>当前信号（未解除的事件的最新信号）共{len(signals)}条。</p>"]
    if warnings:
        parts.append(f"<h2 style='color:#d32f2f'>数据质量警告（{len(warnings)}）：以下文件大部分行被隔离，请核查报送单位</h2><ul>")
        parts.extend(f"<li>{html.escape(w)}</li>" for w in warnings)
        parts.append("</ul>")
    if checked and (checked["errors"] or checked["notes"]):
        colour = "#d32f2f" if checked["errors"] else "#555"
        parts.append(f"<h2 style='color:{colour}'>检测输出检查：错误{len(checked['errors'])}项，提示{len(checked['notes'])}项"
                     f"{'（检测器输出有误，本次运行判为失败）' if checked['errors'] else ''}</h2><ul>")
        parts.extend(f"<li>{html.escape(line)}</li>" for line in [*checked["errors"], *checked["notes"]])
        parts.append("</ul>")
    parts.append("<h2>按预警级别</h2>")
    for level in sorted(LEVELS):
        mine = [s for s in signals if s["level"] == level]
        parts.append(f"<h3 style='color:{COLOURS[level]}'>{html.escape(label(level))}：{len(mine)}条</h3>")
        if mine:
            parts.append(f"<table border='1' cellspacing='0' cellpadding='3'>{HEAD}{''.join(_row(s, charts) for s in mine)}</table>")
    parts.append("<h2>按责任部门</h2>")
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for s in signals:
        for agency in s["agencies"] or ["（未路由）"]:
            by_agency[agency].append(s)
    for agency in sorted(by_agency):
        mine = by_agency[agency]
        parts.append(f"<h3>{html.escape(str(agency_names.get(agency, agency)))}：{len(mine)}条</h3><ul>")
        parts.extend(f"<li>[{html.escape(label(s['level']))}] S{s['id']:06d} {html.escape(s['title'])}</li>" for s in mine)
        parts.append("</ul>")
    parts.append("</body></html>")
    return without_bidi("\n".join(parts))


def write_report(engine: Engine, settings: Settings, day: date) -> Path:
    """Write the run's report; returns its path."""
    path = settings.reports / day.isoformat() / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    from surveillance.ingest.quality import batch_warnings
    from surveillance.signals.validate_output import night_findings

    warnings = [w.line_zh() for w in batch_warnings(engine, day=day)]
    path.write_text(render(day, current_signals(engine, day), warnings, night_findings(engine, day)), encoding="utf-8")
    return path
