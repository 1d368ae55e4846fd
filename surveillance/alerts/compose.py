"""Compose one agency's nightly email: Chinese subject with the date and counts by level, plain-text and
HTML bodies listing new and escalated signals first (the HTML with a small chart of each), CSV attached."""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from surveillance.alerts.charts import signal_chart
from surveillance.alerts.digest import category_name, ordered, signal_url
from surveillance.safe_text import without_bidi
from surveillance.signals.episodes import STATUS_ZH
from surveillance.signals.levels import LEVELS, label
from surveillance.signals.registry import DOMAINS

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


def overdue_lines(overdue: list[dict]) -> list[str]:
    """The agency's episodes past their response deadline and still 待核查 (surveillance/response)."""
    if not overdue:
        return []
    lines = [f"以下{len(overdue)}个事件已超过响应时限，仍待核查，请尽快核查并在系统中登记结果：", ""]
    for e in overdue:
        lines.append(f"    事件E{e['episode_id']:06d} {LEVELS[e['level']][0]} 应于{e['due']:%Y年%m月%d日}前响应（最近信号 S{e['signal_id']:06d}）")
    return lines + [""]


def text_body(day: date, agency_name: str, signals: list[dict], catch_up: bool = False,
              overdue: list[dict] | None = None, base_url: str = "") -> str:
    lines = [f"{agency_name}：", ""]
    if catch_up:
        lines += [f"本邮件为{day:%Y年%m月%d日}监测结果的补发（数据补录或系统补跑后首次发送）。", ""]
    lines += [f"{day:%Y年%m月%d日}质量安全风险监测发现以下需要贵单位关注的信号（新发和升级的信号在前）：", ""]
    for s in ordered(signals):
        lines.append(f"[{label(s['level'])}][{_status(s)}] S{s['id']:06d} {DOMAINS[s['domain']]}｜{category_name(s['category_code'])}")
        lines.append(f"    {s['title']}")
        lines.append(f"    责任依据：{s['reason']}")
        if base_url:
            lines.append(f"    核查与处置：{signal_url(base_url, s['id'])}")
        lines.append("")
    lines += overdue_lines(overdue or [])
    lines += ["详细清单见附件CSV（可用Excel打开）。", "", "本邮件由陕西省产品伤害与质量安全风险监测系统自动发送，请勿直接回复。"]
    return without_bidi("\n".join(lines))


COLOURS = {1: "#d32f2f", 2: "#f57c00", 3: "#fbc02d", 4: "#1976d2"}


def html_body(day: date, agency_name: str, signals: list[dict], charts: dict[int, str], catch_up: bool = False,
              overdue: list[dict] | None = None, base_url: str = "") -> str:
    """``charts``: signal id -> the content id of its chart image (signals without one get none)."""
    rows = []
    for s in ordered(signals):
        chart = f"<img src='cid:{charts[s['id']][1:-1]}' alt='趋势图' width='360'>" if s["id"] in charts else ""
        rows.append(
            f"<tr><td style='color:{COLOURS[s['level']]};font-weight:bold'>{html.escape(label(s['level']))}</td>"
            f"<td>{html.escape(_status(s))}</td><td>{_code(s['id'], base_url)}</td><td>{html.escape(DOMAINS[s['domain']])}</td>"
            f"<td>{html.escape(category_name(s['category_code']))}</td><td>{html.escape(s['title'])}</td><td>{chart}</td></tr>")
    note = f"<p><b>本邮件为{day:%Y年%m月%d日}监测结果的补发。</b></p>" if catch_up else ""
    late = overdue_lines(overdue or [])
    late_html = ("<p style='color:#d32f2f'>" + "<br>".join(html.escape(line.strip()) for line in late if line) + "</p>") if late else ""
    return without_bidi(f"<html><body><p>{html.escape(agency_name)}：</p>{note}"
            f"<p>{day:%Y年%m月%d日}质量安全风险监测发现以下需要贵单位关注的信号（新发和升级的信号在前；图中红色为本期，虚线为预警阈值）：</p>"
            "<table border='1' cellspacing='0' cellpadding='4'><tr><th>级别</th><th>状态</th><th>编号</th><th>领域</th>"
            f"<th>类别</th><th>说明</th><th>趋势</th></tr>{''.join(rows)}</table>{late_html}"
            "<p>详细清单见附件CSV。本邮件由系统自动发送，请勿直接回复。</p></body></html>")


def _code(signal_id: int, base_url: str) -> str:
    code = f"S{signal_id:06d}"
    return f"<a href='{html.escape(signal_url(base_url, signal_id))}'>{code}</a>" if base_url else code


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
    charts = {s["id"]: make_msgid(f"chart.S{s['id']:06d}", domain="surveillance.shaanxi.example") for s in charted}
    msg.set_content(text_body(day, agency_name, signals, catch_up, overdue, base_url), charset="utf-8")
    msg.add_alternative(html_body(day, agency_name, signals, charts, catch_up, overdue, base_url), subtype="html", charset="utf-8")
    html_part = msg.get_payload()[1]
    for s in charted:
        html_part.add_related(signal_chart(s), maintype="image", subtype="png", cid=charts[s["id"]],
                              filename=f"S{s['id']:06d}.png")
    msg.add_attachment(csv_bytes, maintype="text", subtype="csv",
                       filename=f"风险预警_{day:%Y%m%d}_{agency_id}.csv")
    return msg
