"""Compose one agency's nightly email: Chinese subject with the date and counts by level, plain-text and
HTML bodies listing new and escalated signals first (the HTML with a small chart of each), CSV attached."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from surveillance import reference
from surveillance.alerts.charts import signal_chart
from surveillance.alerts.digest import ordered, signal_url
from surveillance.alerts.templating import render
from surveillance.safe_text import without_bidi
from surveillance.signals.episodes import STATUS_ZH
from surveillance.signals.levels import LEVELS
from surveillance.signals.signal import signal_code

MAX_CHARTS = 20  # charts in one email; the CSV lists every signal


def header_safe(text: str) -> str:
    """No data value may add a header: line breaks and control characters become spaces (direction controls
    are dropped)."""
    return "".join(" " if (ord(c) < 32 or c == "\x7f") else c for c in without_bidi(text)).strip()


def subject_for(day: date, agency_name: str, signals: list[dict], catch_up: bool = False) -> str:
    counts = Counter(s["level"] for s in signals)
    levels = " ".join(f"{LEVELS[k][0]}{counts[k]}条" for k in sorted(counts))
    prefix = "【补发】" if catch_up else ""
    return header_safe(f"{prefix}【质量安全风险预警】{day:%Y年%m月%d日} {agency_name}：共{len(signals)}条（{levels}）")


def _status(s: dict) -> str:
    return STATUS_ZH.get(s.get("status") or "new", "")


def _overdue(overdue: list[dict] | None) -> list[dict]:
    """The agency's episodes past their response deadline and still waiting for it (surveillance/response)."""
    return [dict(e, due_zh=f"{e['due']:%Y年%m月%d日}") for e in overdue or []]


def _signals(signals: list[dict], base_url: str, charts: dict[int, str] | None = None) -> list[dict]:
    """The signals as the templates print them, new and escalated first: names for codes, the console link,
    the chart's content id."""
    return [dict(s, status_zh=_status(s), category=reference.category_name(s["category_code"]),
                 url=signal_url(base_url, s["id"]) if base_url else "",
                 chart=charts[s["id"]][1:-1] if charts and s["id"] in charts else "") for s in ordered(signals)]


def text_body(day: date, agency_name: str, signals: list[dict], catch_up: bool = False,
              overdue: list[dict] | None = None, base_url: str = "") -> str:
    return render("digest.txt", agency_name=agency_name, day_zh=f"{day:%Y年%m月%d日}", catch_up=catch_up,
                  signals=_signals(signals, base_url), overdue=_overdue(overdue))


def html_body(day: date, agency_name: str, signals: list[dict], charts: dict[int, str], catch_up: bool = False,
              overdue: list[dict] | None = None, base_url: str = "") -> str:
    """``charts``: signal id -> the content id of its chart image (signals without one get none)."""
    return render("digest.html", agency_name=agency_name, day_zh=f"{day:%Y年%m月%d日}", catch_up=catch_up,
                  signals=_signals(signals, base_url, charts), overdue=_overdue(overdue))


def compose(day: date, agency_id: str, agency_name: str, recipients: list[str], sender: str,
            signals: list[dict], csv_bytes: bytes, catch_up: bool = False,
            overdue: list[dict] | None = None, base_url: str = "") -> EmailMessage:
    """``overdue``: the agency's episodes past their response deadline, listed after the signals;
    ``base_url``: the web console, which each signal links to (none when empty)."""
    msg = EmailMessage()
    msg["Subject"] = subject_for(day, agency_name, signals, catch_up)
    msg["From"] = formataddr(("质量安全风险监测系统", sender))
    msg["To"] = ", ".join(header_safe(r) for r in recipients)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<digest.{day:%Y%m%d}.{agency_id}@surveillance.shaanxi.example>"
    charted = ordered(signals)[:MAX_CHARTS]
    charts = {s["id"]: make_msgid(f"chart.{signal_code(s['id'])}", domain="surveillance.shaanxi.example") for s in charted}
    msg.set_content(text_body(day, agency_name, signals, catch_up, overdue, base_url), charset="utf-8")
    msg.add_alternative(html_body(day, agency_name, signals, charts, catch_up, overdue, base_url), subtype="html", charset="utf-8")
    html_part = msg.get_payload()[1]
    for s in charted:
        html_part.add_related(signal_chart(s), maintype="image", subtype="png", cid=charts[s["id"]],
                              filename=f"{signal_code(s['id'])}.png")
    msg.add_attachment(csv_bytes, maintype="text", subtype="csv",
                       filename=f"风险预警_{day:%Y%m%d}_{agency_id}.csv")
    return msg
