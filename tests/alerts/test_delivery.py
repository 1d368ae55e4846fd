"""Delivery on a real SMTP server on loopback: charts in the HTML, data that looks like a formula or
carries a line break arriving neutralised, 补发 marking, --resend, back-off, the ledger, the run's report,
and `route explain`."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from surveillance.alerts.run import RETRY_BASE, RETRY_MAX, alert_day, next_attempt
from surveillance.cli import main
from surveillance.ingest.file import ingest_file
from surveillance.signals.detect import detect_day
from surveillance.warehouse.models import Delivery, DeliveryAttempt, Signal
from tests.alerts.test_smtp_delivery import smtp_server
from tests.conftest import TODAY

pytestmark = pytest.mark.smtp
DAY = date(2026, 11, 20)
EVIL = '=HYPERLINK("http://evil.example","点击")'


def land_repeat_failures(engine, tmp_path: Path) -> None:
    """One manufacturer failing twice, its name a formula with a line break and a would-be header."""
    header = ["sample_id", "sampling_date", "region_code", "product_category", "product_name", "brand", "model",
              "manufacturer_name", "manufacturer_uscc", "sampling_stage", "inspection_agency", "verdict", "failed_items"]
    name = EVIL + "\nBcc: victim@example.org"
    rows = [[f"SC{i}", (DAY - timedelta(days=d)).isoformat(), "610302", "P0202", "电暖器\r\nX-Evil: 1", "暖阳", "NY",
             name, "91610302MA6X9XR22W", "流通", "所", "不合格", "发热"] for i, d in ((1, 30), (2, 1))]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    path = tmp_path / "inspection.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    result = ingest_file(engine, path, "inspection", "salt", TODAY, day=DAY)  # arrives the night of DAY
    assert result.rows_loaded == 2, result


def test_digest_with_charts_and_neutralised_data_arrives_once(settings, engine, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    land_repeat_failures(engine, tmp_path)
    detect_day(engine, DAY)
    with smtp_server(monkeypatch) as inbox:
        summary = alert_day(engine, settings, DAY, use_smtp=True)
        assert summary["sent"] == len(inbox.messages) > 0
        for rcpt, msg in inbox.messages:
            assert msg["Bcc"] is None and msg["X-Evil"] is None and "victim@example.org" not in rcpt
            html = msg.get_body(("html",))
            images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
            assert images and all(p.get_payload(decode=True).startswith(b"\x89PNG") for p in images)
            cids = [p["Content-ID"].strip("<>") for p in images]
            assert all(f"cid:{c}" in html.get_content() for c in cids)  # every chart is shown in the HTML
            attachment = next(msg.iter_attachments())
            rows = list(csv.reader(io.StringIO(attachment.get_payload(decode=True).decode("utf-8-sig"))))
            note = rows[1][rows[0].index("说明")]
            assert note.startswith("'=HYPERLINK") and "\n" not in note and "\r" not in note
            assert rows[1][rows[0].index("状态")] == "新发"
        # the same night again: nothing new is sent, and the run's report lists the signal with its chart
        again = alert_day(engine, settings, DAY, use_smtp=True)
        assert again["sent"] == 0 and again["digests_built"] == 0
    report = Path(summary["report"]).read_text(encoding="utf-8")
    assert "data:image/png;base64," in report and "=HYPERLINK" in report and "<script" not in report
    assert report.count("S000001") >= 2  # by level and by agency


def test_catch_up_digests_are_marked_and_resend_is_explicit(settings, engine, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    land_repeat_failures(engine, tmp_path)
    detect_day(engine, DAY)
    with smtp_server(monkeypatch) as inbox:
        alert_day(engine, settings, DAY, use_smtp=True, catch_up=True)
        assert inbox.messages and all(str(m["Subject"]).startswith("【补发】") for _, m in inbox.messages)
        first = len(inbox.messages)
        monkeypatch.setenv("SURVEILLANCE_SMTP", "auto")
        assert main(["alert", "--day", DAY.isoformat()]) == 0  # a rerun sends nothing
        assert len(inbox.messages) == first
        with engine.connect() as conn:
            agency = conn.execute(select(Delivery.agency_id)).scalars().first()
        assert main(["alert", "--day", DAY.isoformat(), "--resend", "--agency", agency]) == 0
        assert len(inbox.messages) == first + 1
        assert main(["alert", "--day", DAY.isoformat(), "--resend", "--agency", "NO-SUCH"]) == 1
    with engine.connect() as conn:
        assert set(conn.execute(select(Delivery.catch_up)).scalars()) == {True}
        outcomes = conn.execute(select(DeliveryAttempt.outcome)).scalars().all()
    assert sorted(outcomes) == sorted(["sent"] * first + ["resent"])
    capsys.readouterr()


def test_back_off_doubles_up_to_a_ceiling() -> None:
    now = datetime(2026, 11, 20, 2, 0)
    assert next_attempt(1, now) == now + RETRY_BASE
    assert next_attempt(2, now) == now + 2 * RETRY_BASE
    assert next_attempt(4, now) == now + 8 * RETRY_BASE
    assert next_attempt(30, now) == now + RETRY_MAX


def test_failed_attempts_are_in_the_ledger_and_wait_their_turn(settings, engine, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    land_repeat_failures(engine, tmp_path)
    detect_day(engine, DAY)
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", '{"conn_type": "smtp", "host": "127.0.0.1", "port": 1, '
                       '"extra": {"disable_tls": true, "disable_ssl": true, "retry_limit": 0, "timeout": 2}}')
    t0 = datetime(2026, 11, 21, 2, 0)
    down = alert_day(engine, settings, DAY, use_smtp=True, now=t0)
    assert down["failed"] > 0 and down["sent"] == 0
    assert alert_day(engine, settings, DAY, use_smtp=True, now=t0 + RETRY_BASE / 2)["waiting"] == down["failed"]
    again = alert_day(engine, settings, DAY, use_smtp=True, now=t0 + RETRY_BASE)
    assert again["failed"] == down["failed"]  # tried again once due, failed again: now waits twice as long
    with engine.connect() as conn:
        d = conn.execute(select(Delivery.attempts, Delivery.next_attempt_at, Delivery.last_error)).first()
        attempts = conn.execute(select(DeliveryAttempt.outcome, DeliveryAttempt.error)).all()
    assert d.attempts == 2 and d.next_attempt_at == t0 + RETRY_BASE + 2 * RETRY_BASE and d.last_error
    assert len(attempts) == 2 * down["failed"] and all(a.outcome == "failed" and a.error for a in attempts)


def test_route_explain_names_every_rule_and_the_alerts(settings, engine, tmp_path: Path, capsys) -> None:
    land_repeat_failures(engine, tmp_path)
    detect_day(engine, DAY)
    alert_day(engine, settings, DAY, use_smtp=False)
    with engine.connect() as conn:
        sid = conn.execute(select(Signal.id)).scalars().first()
    assert main(["route", "explain", f"S{sid:06d}"]) == 0
    out = capsys.readouterr().out
    assert "[MATCH] inspection" in out and "[no   ]" in out and "category_group" in out
    assert "SX-SCJG" in out and "610300-SCJG" in out and "alerts recorded:" in out and "not yet built" not in out
    assert main(["route", "explain", "999999"]) == 1
    assert "no signal S999999" in capsys.readouterr().err
