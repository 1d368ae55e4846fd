"""The whole demo, stage by stage, without Airflow: counts add up, events become signals, one email each."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import func, select

from surveillance.alerts.deliver import read_eml
from surveillance.demo.check import check_events
from surveillance.demo.events import EVENTS
from surveillance.ingest.read.text import decode
from surveillance.nightly import run_day
from surveillance.warehouse.models import Alert, Delivery, IngestBatch, QuarantinedRow

pytestmark = pytest.mark.slow


def test_every_file_accounts_for_every_row(demo) -> None:
    _, engine, _, _ = demo
    with engine.connect() as conn:
        batches = conn.execute(
            select(IngestBatch.file_name, IngestBatch.status, IngestBatch.rows_read, IngestBatch.rows_loaded,
                   IngestBatch.rows_quarantined, IngestBatch.rows_duplicate, IngestBatch.encoding)).all()
        quarantined = conn.execute(select(func.count()).select_from(QuarantinedRow)).scalar()
    assert all(b.status == "accepted" for b in batches)
    for b in batches:
        assert b.rows_read == b.rows_loaded + b.rows_quarantined + b.rows_duplicate, b.file_name
    assert quarantined > 0  # the demo sends a few bad rows; they are kept, not dropped
    assert any(b.encoding == "gb18030" for b in batches)  # and a few GBK files


def test_injected_events_become_signals(demo) -> None:
    settings, engine, _, _ = demo
    found = {e["event"]: e["found"] for e in check_events(engine, settings.demo_truth)}
    assert found == dict.fromkeys((e.name for e in EVENTS), True) and len(found) == 8


def test_each_routed_agency_gets_one_email_per_night(demo) -> None:
    settings, engine, _spec, _runs = demo
    with engine.connect() as conn:
        per_day = conn.execute(select(Delivery.day, Delivery.agency_id, func.count()).group_by(
            Delivery.day, Delivery.agency_id)).all()
        undelivered = conn.execute(select(func.count()).select_from(Alert).where(Alert.delivery_id.is_(None))).scalar()
        statuses = set(conn.execute(select(Delivery.status)).scalars())
    assert per_day and all(n == 1 for _, _, n in per_day)
    assert undelivered == 0 and statuses == {"sent"}
    for day, agencies in pd.DataFrame(per_day, columns=["day", "agency", "n"]).groupby("day")["agency"]:
        emls = sorted(p.stem for p in (settings.outbox / day.isoformat()).glob("*.eml"))
        assert emls == sorted(agencies)
        csvs = list(settings.digest_dir(day).glob("*.csv"))
        assert len(csvs) == len(emls) and all(c.read_bytes().startswith(b"\xef\xbb\xbf") for c in csvs)


def test_rerunning_a_day_changes_nothing_and_sends_nothing(demo) -> None:
    settings, engine, spec, _ = demo

    def snapshot() -> tuple:
        with engine.connect() as conn:
            return tuple(conn.execute(select(func.count()).select_from(t)).scalar()
                         for t in (IngestBatch, Alert, Delivery))

    before = snapshot()
    emails_before = sorted(settings.outbox.rglob("*.eml"))
    again = run_day(settings, spec.end, use_smtp=False)
    assert snapshot() == before
    assert sorted(settings.outbox.rglob("*.eml")) == emails_before
    assert again["alert"]["digests_built"] == 0 and again["alert"]["sent"] == 0
    assert all(r["already_ingested"] for run in again["ingest"].values() for r in run["files"])


def test_no_personal_data_in_any_email_or_csv(demo) -> None:
    settings, _, _, _ = demo
    secrets: set[str] = set()
    for path in (settings.landing / "injury").rglob("*.csv"):
        text = decode(path.read_bytes())[0]
        card = text.startswith("患者基本信息")  # the national card's export: its section row above the header
        frame = pd.read_csv(io.StringIO(text), dtype=str, skiprows=1 if card else 0)
        for col in ("姓名", "身份证号", "联系电话", "详细地址", "patient_name", "id_number", "phone"):
            if col in frame.columns:
                secrets.update(frame[col].dropna())
    assert len(secrets) > 50, "the demo should carry personal data for this test to mean anything"
    texts = []
    for path in settings.outbox.rglob("*.eml"):
        message = read_eml(path)
        texts.append(str(message["Subject"]))
        texts.extend(part.get_payload(decode=True).decode("utf-8-sig") for part in message.walk()
                     if part.get_content_maintype() == "text")  # bodies and the CSV; charts are images
    texts.extend(p.read_bytes().decode("utf-8-sig") for p in settings.digests.rglob("*.csv"))
    assert len(texts) > 10
    blob = "\n".join(texts)
    assert "宝鸡市" in blob  # decoded text really is searched
    assert [s for s in secrets if s in blob] == []
