"""The weekly risk summary for the provincial coordinating office (省质量强省工作推进委员会办公室): the
week's signals by level, domain and method, its episodes opened, escalated and resolved, the records
received, and the most serious signals with their charts. Written to var/reports/WEEK_END/weekly.html
and emailed once per week through the same stored-then-sent ledger as the nightly digests."""

from __future__ import annotations

import base64
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
from surveillance.alerts.compose import header_safe
from surveillance.alerts.digest import ordered
from surveillance.alerts.templating import render as render_template
from surveillance.response.groupings import GROUPING_NAMES
from surveillance.response.outcomes import group_label, ppv_tables
from surveillance.settings import Settings
from surveillance.signals.levels import LEVELS
from surveillance.signals.periods import last_complete_week
from surveillance.signals.signal import signal_code
from surveillance.warehouse.models import Delivery, Episode, IngestBatch, Signal

log = logging.getLogger(__name__)
OFFICE = reference.office()
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


def render(summary: dict, image: dict[int, str]) -> str:
    """HTML; ``image`` maps a signal id to its chart's src (a cid: in the email, a data: URI in the file)."""
    ppv = [(GROUPING_NAMES[by], [dict(group=group_label(by, r.key), confirmed=r.confirmed, dismissed=r.dismissed, ppv=r.ppv)
                                 for r in rows]) for by, rows in summary.get("ppv", {}).items() if rows]
    office = reference.agency_names()[OFFICE]
    return render_template("weekly.html", s=summary, image=image, ppv=ppv, office=office)


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
    office = reference.agency_names()[OFFICE]
    msg = EmailMessage()
    counts = " ".join(f"{LEVELS[k][0]}{v}条" for k, v in summary["by_level"].items()) or "无新信号"
    msg["Subject"] = header_safe(f"【质量安全风险周报】{week_start:%Y年%m月%d日}至{week_end:%m月%d日} {office}：共{summary['signals']}条（{counts}）")
    msg["From"] = formataddr(("质量安全风险监测系统", settings.mail_from))
    msg["To"] = ", ".join(header_safe(r) for r in recipients)
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = f"<weekly.{week_end:%Y%m%d}.{OFFICE}@surveillance.shaanxi.example>"
    cids = {k: make_msgid(f"weekly.{signal_code(k)}", domain="surveillance.shaanxi.example") for k in charts}
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

