"""Delivery through Airflow's SMTP connection to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from surveillance.alerts.run import alert_day
from surveillance.ingest.file import ingest_file
from surveillance.signals.detect import detect_day
from surveillance.warehouse.models import Delivery
from tests.conftest import TODAY, write_csv

pytestmark = pytest.mark.smtp

FOOD_HEADER = ["样品编号", "采样日期", "行政区划代码", "食品类别", "食品名称", "采样环节", "检测项目", "检测结果", "单位",
               "检出限", "限量值", "限量标准"]


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _use_server(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(
        {"conn_type": "smtp", "host": "127.0.0.1", "port": port,
         "extra": {"disable_tls": True, "disable_ssl": True, "retry_limit": 0, "timeout": 5}}))


@contextmanager
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server on a free loopback port, with Airflow's smtp_default pointing at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _use_server(monkeypatch, port)
        yield inbox
    finally:
        controller.stop()


def _land_exceedance(engine, tmp_path: Path, sample: str, day: str) -> None:
    rows = [[sample, day, "610302", "熟肉制品", "卤肉", "学校食堂", "沙门氏菌", "检出", "", "", "", ""],
            [sample + "B", day, "610302", "谷物及其制品", "大米", "流通", "镉", "0.9", "mg/kg", "0.003", "0.2", ""]]
    path = write_csv(tmp_path / f"{sample}.csv", FOOD_HEADER, rows)
    assert ingest_file(engine, path, "food", "salt", TODAY, day=date.fromisoformat(day)).rows_loaded == 2  # arrives that night


def test_one_email_per_agency_rerun_sends_nothing_and_queued_digest_is_delivered_later(
        settings, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server(monkeypatch) as inbox:
        day = date(2026, 11, 20)
        _land_exceedance(engine, tmp_path, "FS1", day.isoformat())
        detect_day(engine, day)
        first = alert_day(engine, settings, day, use_smtp=True)
        with engine.connect() as conn:
            deliveries = conn.execute(select(Delivery.agency_id, Delivery.status, Delivery.recipients)).all()
        assert first["sent"] == len(deliveries) == len(inbox.messages) > 0
        assert {d.status for d in deliveries} == {"sent"}
        got = sorted(r[0] for r, _ in inbox.messages)
        assert got == sorted(d.recipients for d in deliveries)  # one message per agency, to that agency
        _, msg = inbox.messages[0]
        assert "质量安全风险预警" in msg["Subject"]
        attachment = next(msg.iter_attachments())
        data = attachment.get_payload(decode=True)
        assert data.startswith(b"\xef\xbb\xbf") and "信号编号" in data.decode("utf-8-sig")

        again = alert_day(engine, settings, day, use_smtp=True)
        assert again["sent"] == 0 and len(inbox.messages) == len(deliveries)

    # the server is down: the next night's digest is stored and stays queued
    day2 = date(2026, 11, 21)
    _land_exceedance(engine, tmp_path, "FS2", day2.isoformat())
    detect_day(engine, day2)
    down = alert_day(engine, settings, day2, use_smtp=True)
    assert down["sent"] == 0 and down["failed"] > 0
    with engine.connect() as conn:
        queued = conn.execute(select(Delivery.id).where(Delivery.status == "queued")).all()
    assert len(queued) == down["failed"]

    # back up (on another port, as after a restart): a run right away waits (back-off) ...
    with smtp_server(monkeypatch) as inbox2:
        soon = alert_day(engine, settings, date(2026, 11, 21), use_smtp=True)
        assert soon["sent"] == 0 and soon["waiting"] == len(queued) and inbox2.messages == []
        # ... and the next night's run delivers what was queued
        later = alert_day(engine, settings, date(2026, 11, 22), use_smtp=True, now=datetime.now() + timedelta(days=1))
        assert later["sent"] == len(queued) == len(inbox2.messages)
