"""The night's alerting: route new signals, then store and deliver one digest per agency.

Idempotent: an alert exists once per (signal, agency); a digest once per (agency, day); a
delivered digest is never sent again, and a queued one is retried on the next run.
"""

from __future__ import annotations

import json
import logging
import tomllib
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts import deliver
from surveillance.alerts.compose import compose
from surveillance.alerts.digest import digest_csv
from surveillance.alerts.routing import route
from surveillance.settings import Settings
from surveillance.warehouse.models import Alert, Delivery, Signal

log = logging.getLogger(__name__)


def load_contacts(path: Path) -> dict[str, list[str]]:
    with path.open("rb") as f:
        return {k: list(v) for k, v in tomllib.load(f).get("agencies", {}).items()}


def route_day(engine: Engine, day: date) -> int:
    """Create the alerts for signals detected on ``day`` that are not routed yet."""
    created = 0
    with Session(engine) as conn, conn.begin():
        signals = conn.execute(select(Signal).where(Signal.detected_on == day)).scalars().all()
        for s in signals:
            known = set(conn.execute(select(Alert.agency_id).where(Alert.signal_id == s.id)).scalars())
            for r in route(s.domain, s.category_group, s.sampling_stage, s.jurisdiction_code):
                if r.agency_id not in known:
                    conn.execute(insert(Alert), dict(signal_id=s.id, agency_id=r.agency_id, reason=r.reason,
                                                     routed_on=day))
                    created += 1
    return created


def _signal_dict(s: Signal, reason: str) -> dict:
    row = {c.name: getattr(s, c.name) for c in Signal.__table__.columns}
    row["evidence"] = json.loads(s.evidence)
    row["reason"] = reason
    return row


def _departments(conn, signal_ids: list[int]) -> dict[int, str]:
    names = reference.agencies().set_index("agency_id")["name"]
    out: dict[int, list[str]] = {}
    for sid, agency in conn.execute(select(Alert.signal_id, Alert.agency_id).where(Alert.signal_id.in_(signal_ids))):
        out.setdefault(sid, []).append(names.get(agency, agency))
    return {k: "、".join(sorted(v)) for k, v in out.items()}


def build_digests(engine: Engine, settings: Settings, day: date, catch_up: bool = False) -> list[int]:
    """Store (CSV, .eml, ledger row) a digest for every agency with undelivered alerts and none for ``day``."""
    contacts = load_contacts(settings.contacts_file)
    agencies = reference.agencies().set_index("agency_id")
    created = []
    with Session(engine) as conn, conn.begin():
        pending = conn.execute(select(Alert.agency_id).where(Alert.delivery_id.is_(None)).distinct()).scalars().all()
        done = set(conn.execute(select(Delivery.agency_id).where(Delivery.day == day)).scalars())
        for agency_id in sorted(set(pending) - done):
            recipients = contacts.get(agency_id, [])
            if not recipients:
                log.warning("no email address for %s in %s: its alerts wait", agency_id, settings.contacts_file)
                continue
            alerts = conn.execute(select(Alert, Signal).join(Signal, Alert.signal_id == Signal.id).where(
                Alert.agency_id == agency_id, Alert.delivery_id.is_(None))).all()
            signals = [_signal_dict(s, a.reason) for a, s in alerts]
            csv_bytes = digest_csv(signals, _departments(conn, [s["id"] for s in signals]))
            name = agencies.at[agency_id, "name"]
            message = compose(day, agency_id, name, recipients, settings.mail_from, signals, csv_bytes, catch_up)
            csv_path = settings.digest_dir(day) / f"{agency_id}.csv"
            eml_path = settings.outbox / day.isoformat() / f"{agency_id}.eml"
            csv_path.parent.mkdir(parents=True, exist_ok=True)
            eml_path.parent.mkdir(parents=True, exist_ok=True)
            csv_path.write_bytes(csv_bytes)
            eml_path.write_bytes(message.as_bytes())
            delivery_id = conn.execute(insert(Delivery).returning(Delivery.id), dict(
                agency_id=agency_id, day=day, status="queued", recipients=", ".join(recipients),
                subject=str(message["Subject"]), message_id=str(message["Message-ID"]), eml_path=str(eml_path),
                csv_path=str(csv_path), signal_count=len(signals), attempts=0, created_at=datetime.now(),
            )).scalar_one()
            conn.execute(update(Alert).where(Alert.id.in_([a.id for a, _ in alerts])).values(delivery_id=delivery_id))
            created.append(delivery_id)
    return created


def deliver_queued(engine: Engine, use_smtp: bool | None = None) -> dict[str, int]:
    """Send every queued digest; one that fails stays queued for the next run."""
    use_smtp = deliver.smtp_configured() if use_smtp is None else use_smtp
    counts = {"sent": 0, "failed": 0}
    with Session(engine) as conn:
        queued = conn.execute(select(Delivery).where(Delivery.status == "queued").order_by(Delivery.id)).scalars().all()
    for d in queued:
        error, transport = None, "smtp" if use_smtp else "outbox"
        if use_smtp:
            try:
                deliver.send_smtp(deliver.read_eml(Path(d.eml_path)))
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
        values = dict(attempts=d.attempts + 1, transport=transport)
        if error:
            values["last_error"] = error
            counts["failed"] += 1
            log.warning("digest %s for %s stays queued: %s", d.id, d.agency_id, error)
        else:
            values.update(status="sent", sent_at=datetime.now(), last_error=None)
            counts["sent"] += 1
        with engine.begin() as conn:
            conn.execute(update(Delivery).where(Delivery.id == d.id).values(**values))
    return counts


def alert_day(engine: Engine, settings: Settings, day: date, use_smtp: bool | None = None,
              catch_up: bool = False) -> dict:
    routed = route_day(engine, day)
    digests = build_digests(engine, settings, day, catch_up)
    sent = deliver_queued(engine, use_smtp)
    summary = {"day": day.isoformat(), "alerts_routed": routed, "digests_built": len(digests), **sent,
               "outbox": str(settings.outbox / day.isoformat()), "digests": str(settings.digest_dir(day))}
    log.info("alert %s: %s", day, summary)
    return summary
