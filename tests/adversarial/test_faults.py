"""Faults around the pipeline: a mail server that drops, defers or refuses; a process killed half-way; a
warehouse that cannot be reached; a full disk. Nothing is lost, nobody is mailed twice, the next run completes."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from surveillance import reference
from surveillance.alerts.run import alert_day
from surveillance.cli import main
from surveillance.nightly import ingest_day
from surveillance.signals.detect import detect_day
from surveillance.warehouse.models import Alert, Delivery, DeliveryRecipient
from tests.adversarial.conftest import DAY, FOOD_HEADER, ROOT, cli, counts, csv_bytes, food_row, land
from tests.alerts.test_smtp_delivery import _free_port, _use_server

pytestmark = [pytest.mark.adversarial, pytest.mark.smtp]


class FlakyServer:
    """An SMTP server whose faults the test switches on: drop the connection after DATA, answer DATA with
    451, defer (451) or refuse (550) some recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.mode = "ok"  # ok | drop | 451
        self.busy = True  # busy.* addresses answer 451 while this is set

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone."):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy.") and self.busy:
            return "451 4.2.1 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "drop":
            server.transport.close()
            return "421 closing"
        if self.mode == "451":
            return "451 4.3.0 temporary local problem"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def per_address(self) -> Counter:
        return Counter(a for rcpts, _ in self.received for a in rcpts)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch):
    server = FlakyServer()
    port = _free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    _use_server(monkeypatch, port)
    monkeypatch.delenv("SURVEILLANCE_SMTP", raising=False)
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def three_addresses(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every agency has an address that takes mail, one that is gone (550) and one that is busy (451)."""
    lines = ["[agencies]"] + [f'"{a}" = ["ok.{a}@example.org", "gone.{a}@example.org", "busy.{a}@example.org"]'
                              for a in reference.agencies()["agency_id"]]
    path = tmp_path / "contacts.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("SURVEILLANCE_CONTACTS", str(path))
    from surveillance.settings import load_settings

    return load_settings()


def _signals(settings, engine) -> None:
    land(settings, "food", "lab.csv", csv_bytes(FOOD_HEADER, [food_row("X1", result="0.9")]))
    assert ingest_day(settings, "food", DAY).results[0].rows_loaded == 1
    detect_day(engine, DAY)


def _recipients(engine) -> dict[str, tuple[str, int, str | None]]:
    with engine.connect() as conn:
        return {r.address: (r.status, r.attempts, r.last_error) for r in conn.execute(select(DeliveryRecipient))}


def test_dropped_451_and_550_each_recipient_on_its_own_nobody_twice(three_addresses, engine, flaky: FlakyServer) -> None:
    settings = three_addresses
    _signals(settings, engine)
    now = datetime(2026, 11, 21, 2, 0)
    flaky.mode = "drop"
    first = alert_day(engine, settings, DAY, use_smtp=True, now=now)
    n = first["digests_built"]
    assert n > 0 and first["failed"] == n and first["sent"] == 0 and flaky.received == []
    assert all(s == "queued" and "Disconnected" in (e or "") for s, _, e in _recipients(engine).values())

    flaky.mode = "451"
    second = alert_day(engine, settings, DAY, use_smtp=True, now=now + timedelta(hours=7))
    assert second["failed"] == n and flaky.received == []
    assert all(s == "queued" and "451" in (e or "") for s, _, e in _recipients(engine).values())

    flaky.mode = "ok"
    third = alert_day(engine, settings, DAY, use_smtp=True, now=now + timedelta(hours=14))
    state = _recipients(engine)
    assert {a.split(".")[0]: s for a, (s, _, _) in state.items()} == {"ok": "sent", "gone": "failed", "busy": "queued"}
    assert all("550" in e for a, (_, _, e) in state.items() if a.startswith("gone."))
    assert third["refused"] == n and len(third["refused_addresses"]) == n
    with engine.connect() as conn:
        assert set(conn.execute(select(Delivery.status)).scalars()) == {"queued"}

    flaky.busy = False
    alert_day(engine, settings, DAY, use_smtp=True, now=now + timedelta(hours=21))
    alert_day(engine, settings, DAY, use_smtp=True, now=now + timedelta(hours=28))  # nothing left: nothing sent
    got = flaky.per_address()
    assert set(got.values()) == {1} and len(got) == 2 * n  # ok.* and busy.* once each, gone.* never
    with engine.connect() as conn:
        assert set(conn.execute(select(Delivery.status)).scalars()) == {"partial"}
    assert {s for s, _, _ in _recipients(engine).values()} == {"sent", "failed"}


def test_a_run_killed_between_writing_a_digest_and_recording_it(settings, engine, flaky: FlakyServer) -> None:
    _signals(settings, engine)
    killer = textwrap.dedent(f"""
        import os
        from datetime import date
        from surveillance.alerts import run
        from surveillance.settings import load_settings
        from surveillance.nightly import alert
        real = run.queue_message
        def queue_then_die(*args, **kwargs):
            real(*args, **kwargs)
            os._exit(9)  # killed: the digest's files are written, its ledger row not committed
        run.queue_message = queue_then_die
        alert(load_settings(), date.fromisoformat("{DAY}"), use_smtp=True)
    """)
    died = subprocess.run([sys.executable, "-c", killer], env=dict(os.environ), cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert died.returncode == 9, died.stderr[-2000:]
    assert list((settings.outbox / DAY.isoformat()).glob("*.eml"))  # written before the kill
    assert counts(engine)["deliveries"] == 0 and flaky.received == []
    again = alert_day(engine, settings, DAY, use_smtp=True)
    assert again["sent"] == again["digests_built"] == counts(engine)["deliveries"] > 0
    alert_day(engine, settings, DAY, use_smtp=True)
    assert len(flaky.received) == again["digests_built"]  # each digest exactly once
    with engine.connect() as conn:
        assert conn.execute(select(Alert.id).where(Alert.delivery_id.is_(None))).first() is None


def test_an_unreachable_warehouse_is_one_clear_error_and_the_next_run_completes(settings, engine) -> None:
    land(settings, "food", "lab.csv", csv_bytes(FOOD_HEADER, [food_row("U1", result="0.9")]))
    down = cli("run", "--day", DAY.isoformat(), "--no-smtp",
               env={"SURVEILLANCE_HOME": str(settings.home), "SURVEILLANCE_DB_URL": "postgresql://surv:secret@127.0.0.1:1/test"})
    assert down.returncode == 3, down.stderr[-2000:]
    message = [line for line in down.stderr.splitlines() if line.startswith("error:")]
    assert len(message) == 1 and "cannot be used" in message[0] and "secret" not in down.stderr and "Traceback" not in down.stderr
    assert (settings.landing_dir("food", DAY) / "lab.csv").exists()  # nothing moved, nothing lost
    up = cli("run", "--day", DAY.isoformat(), "--no-smtp",
             env={"SURVEILLANCE_HOME": str(settings.home), "SURVEILLANCE_DB_URL": settings.db_url})
    assert up.returncode == 0, up.stderr[-2000:]
    assert counts(engine)["food"] == 1 and counts(engine)["deliveries"] > 0


def test_a_full_disk_for_the_outbox(settings, engine, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _signals(settings, engine)
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if str(settings.outbox) in str(self):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["alert", "--day", DAY.isoformat(), "--no-smtp"]) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert counts(engine)["deliveries"] == 0  # nothing recorded as done that was not
    monkeypatch.setattr(Path, "write_bytes", real)
    assert main(["alert", "--day", DAY.isoformat(), "--no-smtp"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["digests_built"] == out["sent"] == counts(engine)["deliveries"] > 0
    assert len(list((settings.outbox / DAY.isoformat()).glob("*.eml"))) == out["digests_built"]
