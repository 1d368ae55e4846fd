"""The weekly summary for the coordinating office: built once a week, with its charts, through SMTP."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from surveillance.alerts.reports.weekly import LEDGER_ID, send_weekly
from surveillance.signals.detect import store_signals
from surveillance.warehouse.models import Delivery
from tests.alerts.test_smtp_delivery import smtp_server
from tests.signals.test_episodes import injury_signal

pytestmark = pytest.mark.smtp


def test_weekly_summary_once_a_week(settings, engine, monkeypatch: pytest.MonkeyPatch) -> None:
    week = date(2026, 11, 16)
    store_signals(engine, week + timedelta(days=3), [injury_signal(week - timedelta(days=7), 4)])  # Ⅳ级
    store_signals(engine, week + timedelta(days=4), [injury_signal(week, 6, deaths=1)])  # Ⅰ级, escalated
    store_signals(engine, week - timedelta(days=3), [injury_signal(week - timedelta(days=14), 4)])  # last week's
    with smtp_server(monkeypatch) as inbox:
        first = send_weekly(engine, settings, date(2026, 11, 24), use_smtp=True)  # Tuesday: last week is 16-22
        assert first["built"] and first["sent"] == 1 and first["signals"] == 2
        (rcpt, msg), = inbox.messages
        assert rcpt == ["sx-zlb@warnings.shaanxi.example"]
        assert "质量安全风险周报" in msg["Subject"] and "Ⅰ级1条" in msg["Subject"] and "Ⅳ级1条" in msg["Subject"]
        images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
        assert len(images) == 1 and f"cid:{images[0]['Content-ID'].strip('<>')}" in msg.get_body(("html",)).get_content()
        assert next(msg.iter_attachments()).get_filename().endswith(".html")
        again = send_weekly(engine, settings, date(2026, 11, 25), use_smtp=True)  # the same week: nothing new
        assert not again["built"] and again["sent"] == 0 and len(inbox.messages) == 1
    report = Path(first["report"])
    assert report == settings.reports / "2026-11-22" / "weekly.html"
    text = report.read_text(encoding="utf-8")
    assert "本周新发现风险信号2条，其中升级1条" in text and "data:image/png;base64," in text
    with engine.connect() as conn:
        assert conn.execute(select(Delivery.status).where(Delivery.agency_id == LEDGER_ID)).scalars().all() == ["sent"]


def test_weekly_summary_shows_ppv_from_verified_outcomes(settings, engine) -> None:
    from surveillance.alerts.reports.weekly import render, week_summary
    from surveillance.response.states import CHECKING, CONFIRMED, Step
    from surveillance.response.trail import record
    from surveillance.warehouse.models import Signal

    week = date(2026, 11, 16)
    store_signals(engine, week + timedelta(days=3), [injury_signal(week, 4)])
    start, end = week, week + timedelta(days=6)
    before = week_summary(engine, start, end)
    assert "尚无已核查" in render(before, {s["id"]: "" for s in before["top"]})
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalar()
    record(engine, episode, Step(CHECKING, "张三"))
    record(engine, episode, Step(CONFIRMED, "张三"))
    summary = week_summary(engine, start, end)
    text = render(summary, {s["id"]: "" for s in summary["top"]})
    assert "阳性预测值" in text and "宝鸡市" in text and "100%" in text
