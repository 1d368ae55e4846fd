"""Compose one agency's nightly email: Chinese subject and bodies, CSV digest attached."""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from surveillance.alerts.digest import DOMAINS, category_name
from surveillance.alerts.levels import LEVELS, label


def header_safe(text: str) -> str:
    """No data value may add a header: line breaks and control characters become spaces."""
    return "".join(" " if (ord(c) < 32 or c == "\x7f") else c for c in text).strip()


def subject_for(day: date, agency_name: str, signals: list[dict], catch_up: bool = False) -> str:
    counts = Counter(s["level"] for s in signals)
    levels = " ".join(f"{LEVELS[k][0]}{counts[k]}条" for k in sorted(counts))
    prefix = "【补发】" if catch_up else ""
    return header_safe(f"{prefix}【质量安全风险预警】{day:%Y年%m月%d日} {agency_name}：共{len(signals)}条（{levels}）")


def _ordered(signals: list[dict]) -> list[dict]:
    return sorted(signals, key=lambda s: (s["level"], s["domain"], s["id"]))


def text_body(day: date, agency_name: str, signals: list[dict]) -> str:
    lines = [f"{agency_name}：", "", f"{day:%Y年%m月%d日}质量安全风险监测发现以下需要贵单位关注的信号（按预警级别排序）：", ""]
    for s in _ordered(signals):
        lines.append(f"[{label(s['level'])}] S{s['id']:06d} {DOMAINS[s['domain']]}｜{category_name(s['category_code'])}")
        lines.append(f"    {s['title']}")
        lines.append(f"    责任依据：{s['reason']}")
        lines.append("")
    lines += ["详细清单见附件CSV（可用Excel打开）。", "", "本邮件由陕西省产品伤害与质量安全风险监测系统自动发送，请勿直接回复。"]
    return "\n".join(lines)


def html_body(day: date, agency_name: str, signals: list[dict]) -> str:
    colours = {1: "#d32f2f", 2: "#f57c00", 3: "#fbc02d", 4: "#1976d2"}
    rows = "".join(
        f"<tr><td style='color:{colours[s['level']]};font-weight:bold'>{html.escape(label(s['level']))}</td>"
        f"<td>S{s['id']:06d}</td><td>{html.escape(DOMAINS[s['domain']])}</td>"
        f"<td>{html.escape(category_name(s['category_code']))}</td><td>{html.escape(s['title'])}</td></tr>"
        for s in _ordered(signals))
    return (f"<html><body><p>{html.escape(agency_name)}：</p>"
            f"<p>{day:%Y年%m月%d日}质量安全风险监测发现以下需要贵单位关注的信号：</p>"
            "<table border='1' cellspacing='0' cellpadding='4'><tr><th>级别</th><th>编号</th><th>领域</th>"
            f"<th>类别</th><th>说明</th></tr>{rows}</table>"
            "<p>详细清单见附件CSV。本邮件由系统自动发送，请勿直接回复。</p></body></html>")


def compose(day: date, agency_id: str, agency_name: str, recipients: list[str], sender: str,
            signals: list[dict], csv_bytes: bytes, catch_up: bool = False) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject_for(day, agency_name, signals, catch_up)
    msg["From"] = formataddr(("质量安全风险监测系统", sender))
    msg["To"] = ", ".join(header_safe(r) for r in recipients)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<digest.{day:%Y%m%d}.{agency_id}@surveillance.shaanxi.example>"
    msg.set_content(text_body(day, agency_name, signals), charset="utf-8")
    msg.add_alternative(html_body(day, agency_name, signals), subtype="html", charset="utf-8")
    msg.add_attachment(csv_bytes, maintype="text", subtype="csv",
                       filename=f"风险预警_{day:%Y%m%d}_{agency_id}.csv")
    return msg
