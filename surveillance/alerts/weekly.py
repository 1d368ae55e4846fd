"""The weekly risk summary for the provincial coordinating office (省质量强省工作推进委员会办公室): the
week's signals by level, domain and method, its episodes opened, escalated and resolved, the records
received, and the most serious signals with their charts. Written to var/reports/WEEK_END/weekly.html
and emailed once per week through the same stored-then-sent ledger as the nightly digests."""

from __future__ import annotations

import base64
import html
import json
import logging
from collections import Counter
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts.charts import signal_chart
from surveillance.alerts.compose import COLOURS, header_safe
from surveillance.alerts.digest import ordered
from surveillance.response.outcomes import GROUPING_NAMES, Ppv, group_label, ppv_tables
from surveillance.safe_text import without_bidi
from surveillance.settings import Settings
from surveillance.signals.levels import LEVELS, label
from surveillance.signals.periods import last_complete_week
from surveillance.signals.registry import DOMAINS, method_label
from surveillance.warehouse.models import Delivery, Episode, IngestBatch, Signal

log = logging.getLogger(__name__)
OFFICE = "SX-ZLB"
LEDGER_ID = f"{OFFICE}-WEEKLY"  # the weekly summary's row in the deliveries ledger, apart from nightly digests
MAX_CHARTED = 12


def week_summary(engine: Engine, week_start: date, week_end: date) -> dict:
    """The week's figures and its Ⅰ–Ⅱ级 (else the most serious) signals, newest first."""
    with Session(engine) as conn:
        rows = conn.execute(select(Signal).where(Signal.first_detected_on.between(week_start, week_end))).scalars().all()
        signals = []
        for s in rows:
            d = {c.name: getattr(s, c.name) for c in Signal.__table__.columns}
            d["evidence"] = json.loads(d["evidence"])
            signals.append(d)
        opened = conn.execute(select(func.count()).select_from(Episode).where(Episode.opened_on.between(week_start, week_end))).scalar()
        resolved = conn.execute(select(func.count()).select_from(Episode)
                                .where(Episode.resolved_on.between(week_start, week_end))).scalar()
        open_now = conn.execute(select(func.count()).select_from(Episode).where(Episode.status != "resolved")).scalar()
        ppv = ppv_tables(conn)
        received = conn.execute(select(IngestBatch.source, func.count(), func.sum(IngestBatch.rows_loaded),
                                       func.sum(IngestBatch.rows_quarantined))
                                .where(IngestBatch.run_day.between(week_start, week_end)).group_by(IngestBatch.source)).all()
    serious = [s for s in ordered(signals) if s["level"] <= 2] or ordered(signals)
    return {"week_start": week_start, "week_end": week_end, "signals": len(signals),
            "by_level": dict(sorted(Counter(s["level"] for s in signals).items())),
            "by_domain": dict(Counter(s["domain"] for s in signals)), "by_method": dict(Counter(s["method"] for s in signals)),
            "escalated": sum(1 for s in signals if s["status"] == "escalated"),
            "episodes_opened": opened, "episodes_resolved": resolved, "episodes_open": open_now,
            "received": {src: dict(files=n, loaded=int(lo or 0), quarantined=int(q or 0)) for src, n, lo, q in received},
            "top": serious[:MAX_CHARTED], "ppv": ppv}


def _ppv_html(ppv: dict[str, list[Ppv]]) -> str:
    """The verified outcomes so far: PPV by method, level and city (nothing until something is verified)."""
    if not any(ppv.values()):
        return "<h2>核查结果</h2><p>尚无已核查（已确认或已排除）的事件。</p>"
    parts = ["<h2>核查结果与阳性预测值（累计）</h2>"]
    for by, rows in ppv.items():
        body = "".join(f"<tr><td>{html.escape(group_label(by, r.key))}</td><td>{r.confirmed}</td><td>{r.dismissed}</td>"
                       f"<td>{r.ppv:.0%}</td></tr>" for r in rows)
        parts.append(f"<h3>按{GROUPING_NAMES[by]}</h3><table border='1' cellspacing='0' cellpadding='3'><tr><th>{GROUPING_NAMES[by]}</th>"
                     f"<th>已确认</th><th>已排除</th><th>阳性预测值</th></tr>{body}</table>")
    return "".join(parts)


def render(summary: dict, image: dict[int, str]) -> str:
    """HTML; ``image`` maps a signal id to its chart's src (a cid: in the email, a data: URI in the file)."""
    ws, we = summary["week_start"], summary["week_end"]
    levels = "".join(f"<li style='color:{COLOURS[k]}'>{html.escape(label(k))}：{summary['by_level'].get(k, 0)}条</li>" for k in LEVELS)
    domains = "".join(f"<li>{html.escape(DOMAINS[k])}：{v}条</li>" for k, v in summary["by_domain"].items())
    methods = "".join(f"<li>{html.escape(method_label(k))}：{v}条</li>" for k, v in summary["by_method"].items())
    names = {"injury": "医院伤害报告", "inspection": "监督抽查结果", "food": "食品安全监测结果"}
    received = "".join(f"<li>{names.get(k, k)}：{v['files']}个文件，入库{v['loaded']}条，隔离{v['quarantined']}条</li>"
                       for k, v in summary["received"].items()) or "<li>本周无</li>"
    top = "".join(
        f"<tr><td style='color:{COLOURS[s['level']]};font-weight:bold'>{html.escape(label(s['level']))}</td>"
        f"<td>S{s['id']:06d}</td><td>{html.escape(DOMAINS[s['domain']])}</td><td>{html.escape(s['title'])}</td>"
        f"<td><img src='{image[s['id']]}' width='300' alt='趋势图'></td></tr>" for s in summary["top"])
    return without_bidi(f"<html><head><meta charset='utf-8'><title>质量安全风险周报 {ws}至{we}</title></head><body>"
            f"<h1>质量安全风险监测周报（{ws:%Y年%m月%d日}至{we:%m月%d日}）</h1>"
            f"<p>陕西省质量强省工作推进委员会办公室：本周新发现风险信号{summary['signals']}条，其中升级{summary['escalated']}条；"
            f"新开事件{summary['episodes_opened']}个，解除{summary['episodes_resolved']}个，目前未解除{summary['episodes_open']}个。</p>"
            f"<h2>按预警级别</h2><ul>{levels}</ul><h2>按领域</h2><ul>{domains or '<li>无</li>'}</ul>"
            f"<h2>按检测方法</h2><ul>{methods or '<li>无</li>'}</ul><h2>本周接收数据</h2><ul>{received}</ul>"
            f"<h2>重点信号</h2><table border='1' cellspacing='0' cellpadding='3'><tr><th>级别</th><th>编号</th><th>领域</th>"
            f"<th>说明</th><th>趋势</th></tr>{top}</table>{_ppv_html(summary.get('ppv', {}))}"
            "<p>各信号的详细情况见各责任部门每日预警邮件及运行报告。本邮件由系统自动发送，请勿直接回复。</p></body></html>")


def send_weekly(engine: Engine, settings: Settings, day: date, use_smtp: bool | None = None) -> dict:
    """Write and queue the summary of the last complete week on or before ``day``, once per week, then
    deliver whatever is queued (as the nightly alerting does)."""
    from surveillance.alerts.run import deliver_queued, load_contacts, queue_message

    week_start, week_end = last_complete_week(day)
    with engine.connect() as conn:
        done = conn.execute(select(Delivery.id).where(Delivery.agency_id == LEDGER_ID, Delivery.day == week_end)).first()
    if done is not None:
        return {"week_end": week_end.isoformat(), "built": False, "reason": "already built for this week",
                **deliver_queued(engine, use_smtp)}
    summary = week_summary(engine, week_start, week_end)
    charts = {s["id"]: signal_chart(s) for s in summary["top"]}
    report = settings.reports / week_end.isoformat() / "weekly.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(summary, {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in charts.items()}),
                      encoding="utf-8")
    recipients = load_contacts(settings.contacts_file).get(OFFICE, [])
    office = reference.agencies().set_index("agency_id").at[OFFICE, "name"]
    msg = EmailMessage()
    counts = " ".join(f"{LEVELS[k][0]}{v}条" for k, v in summary["by_level"].items()) or "无新信号"
    msg["Subject"] = header_safe(f"【质量安全风险周报】{week_start:%Y年%m月%d日}至{week_end:%m月%d日} {office}：共{summary['signals']}条（{counts}）")
    msg["From"] = formataddr(("质量安全风险监测系统", settings.mail_from))
    msg["To"] = ", ".join(header_safe(r) for r in recipients)
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = f"<weekly.{week_end:%Y%m%d}.{OFFICE}@surveillance.shaanxi.example>"
    cids = {k: make_msgid(f"weekly.S{k:06d}", domain="surveillance.shaanxi.example") for k in charts}
    msg.set_content(f"{office}：\n\n本周（{week_start}至{week_end}）质量安全风险监测周报见HTML正文及附件。"
                    f"新发现风险信号{summary['signals']}条（{counts}）。", charset="utf-8")
    msg.add_alternative(render(summary, {k: "cid:" + c[1:-1] for k, c in cids.items()}), subtype="html", charset="utf-8")
    for k, png in charts.items():
        msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=cids[k])
    msg.add_attachment(report.read_bytes(), maintype="text", subtype="html", filename=f"质量安全风险周报_{week_end:%Y%m%d}.html")
    eml = settings.outbox / week_end.isoformat() / f"{LEDGER_ID}.eml"
    if not recipients:
        log.warning("no email address for %s in %s: the weekly summary is written but not sent", OFFICE, settings.contacts_file)
        eml.parent.mkdir(parents=True, exist_ok=True)
        eml.write_bytes(msg.as_bytes())
    else:
        with engine.begin() as conn:
            queue_message(conn, LEDGER_ID, week_end, msg, recipients, eml, report, summary["signals"])
    return {"week_end": week_end.isoformat(), "built": True, "report": str(report), "signals": summary["signals"],
            **deliver_queued(engine, use_smtp)}

