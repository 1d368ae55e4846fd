"""The night's alerting: route new signals, then store and deliver one digest per agency.

Idempotent: an alert exists once per (signal, agency); a digest once per (agency, day); a
delivered digest is never sent again, and a queued one is retried on the next run.
"""

from __future__ import annotations

import json
import logging
import tomllib
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts import deliver
from surveillance.alerts.compose import compose
from surveillance.alerts.digest import digest_csv
from surveillance.alerts.routing import route_signal
from surveillance.response.trail import artefact_dismissals, states_in, told_of
from surveillance.settings import Settings
from surveillance.signals.episodes import SENDABLE
from surveillance.signals.levels import label
from surveillance.warehouse.models import Alert, Delivery, DeliveryAttempt, DeliveryRecipient, Signal

log = logging.getLogger(__name__)


def load_contacts(path: Path) -> dict[str, list[str]]:
    with path.open("rb") as f:
        return {k: list(v) for k, v in tomllib.load(f).get("agencies", {}).items()}


def route_day(engine: Engine, day: date) -> int:
    """Create the alerts for the signals of ``day`` that agencies must hear about (new, escalated, new
    cases of an episode; an ongoing signal is not sent again), once per signal, agency, level and count.
    An agency that was already told of an episode dismissed as a data artefact (已排除, 数据问题) — by its
    own verification or by the episode's lead — is not sent it again unless its level rises: its alert is
    kept, withheld, with the reason. An agency never told of the episode is always sent it."""
    created = 0
    with Session(engine) as conn, conn.begin():
        signals = conn.execute(select(Signal).where(Signal.detected_on == day, Signal.status.in_(SENDABLE))).scalars().all()
        episodes = sorted({s.episode_id for s in signals if s.episode_id is not None})
        told = told_of(conn, episodes)
        dismissed = artefact_dismissals(conn, episodes)
        for s in signals:
            known = set(conn.execute(select(Alert.agency_id).where(
                Alert.signal_id == s.id, Alert.level == s.level, Alert.observed == s.observed)).scalars())
            for r in route_signal(s):
                if r.agency_id in known:
                    continue
                withheld = _withheld(s, r.agency_id, told.get(s.episode_id, {}), dismissed)
                conn.execute(insert(Alert), dict(signal_id=s.id, agency_id=r.agency_id, reason=r.reason, routed_on=day,
                                                 level=s.level, status=s.status, observed=s.observed, lead=r.lead,
                                                 withheld=withheld))
                created += withheld is None
    return created


def _withheld(s: Signal, agency_id: str, told: dict[str, date], dismissed: dict) -> str | None:
    """Why ``agency_id`` is not sent ``s`` (None: it is sent): it was told of the episode before and the
    episode, at this level or a higher one, was dismissed as a data artefact by it or by the lead."""
    if s.episode_id is None or agency_id not in told:
        return None
    names = reference.agency_names()
    for key, who in (((s.episode_id, agency_id), "本单位"), ((s.episode_id, None), "牵头部门")):
        step = dismissed.get(key)
        if step is not None and s.level >= step.level:
            by = names.get(step.agency_id or reference.office(), step.agency_id)
            return (f"{who}（{by}，{step.actor}）已于{step.at:%Y-%m-%d}以“{step.reason}”排除该事件（{label(step.level)}），"
                    f"级别未升高，不再发送")
    return None


def _signal_dict(s: Signal, alert: Alert) -> dict:
    """The signal as the agency hears of it: its level and status when the alert was routed."""
    row = {c.name: getattr(s, c.name) for c in Signal.__table__.columns}
    row["evidence"] = json.loads(s.evidence)
    row["reason"] = alert.reason
    row["level"] = alert.level or s.level
    row["status"] = alert.status or s.status or "new"
    return row


def _departments(conn, signal_ids: list[int]) -> dict[int, str]:
    names = reference.agency_names()
    out: dict[int, list[str]] = {}
    for sid, agency in conn.execute(select(Alert.signal_id, Alert.agency_id).where(Alert.signal_id.in_(signal_ids),
                                                                              Alert.withheld.is_(None))):
        out.setdefault(sid, []).append(names.get(agency, agency))
    return {k: "、".join(sorted(v)) for k, v in out.items()}


def overdue_for(conn: Session, agency_id: str, day: date) -> list[dict]:
    """The episodes ``agency_id`` was sent that are past their response deadline on ``day``, each with the
    latest signal the agency got of it."""
    latest = dict(conn.execute(select(Signal.episode_id, func.max(Signal.id)).join(Alert, Alert.signal_id == Signal.id)
                               .where(Alert.agency_id == agency_id, Alert.delivery_id.is_not(None),
                                      Signal.episode_id.is_not(None)).group_by(Signal.episode_id)).all())
    late = [e for e in states_in(conn, day, sorted(latest), agency_id).values() if e.overdue]
    return [dict(episode_id=e.episode_id, level=e.level, due=e.due, signal_id=latest[e.episode_id])
            for e in sorted(late, key=lambda e: (e.level, e.due))]


def build_digests(engine: Engine, settings: Settings, day: date, catch_up: bool = False) -> list[int]:
    """Store (CSV, .eml, ledger row) a digest for every agency with undelivered alerts and none for ``day``."""
    contacts = load_contacts(settings.contacts_file)
    names = reference.agency_names()
    created = []
    with Session(engine) as conn, conn.begin():
        pending = conn.execute(select(Alert.agency_id).where(Alert.delivery_id.is_(None), Alert.withheld.is_(None))
                               .distinct()).scalars().all()
        done = set(conn.execute(select(Delivery.agency_id).where(Delivery.day == day)).scalars())
        for agency_id in sorted(set(pending) - done):
            recipients = contacts.get(agency_id, [])
            if not recipients:
                log.warning("no email address for %s in %s: its alerts wait", agency_id, settings.contacts_file)
                continue
            alerts = conn.execute(select(Alert, Signal).join(Signal, Alert.signal_id == Signal.id).where(
                Alert.agency_id == agency_id, Alert.delivery_id.is_(None), Alert.withheld.is_(None))).all()
            by_signal: dict[int, dict] = {}  # an escalation routed before the first alert went: the latest level
            for a, s in sorted(alerts, key=lambda pair: -(pair[0].level or 9)):
                by_signal[s.id] = _signal_dict(s, a)
            signals = list(by_signal.values())
            csv_bytes = digest_csv(signals, _departments(conn, [s["id"] for s in signals]), settings.base_url)
            name = names.get(agency_id, agency_id)
            message = compose(day, agency_id, name, recipients, settings.mail_from, signals, csv_bytes, catch_up,
                              overdue_for(conn, agency_id, day), settings.base_url)
            csv_path = settings.digest_dir(day) / f"{agency_id}.csv"
            eml_path = settings.outbox / day.isoformat() / f"{agency_id}.eml"
            csv_path.parent.mkdir(parents=True, exist_ok=True)
            eml_path.parent.mkdir(parents=True, exist_ok=True)
            csv_path.write_bytes(csv_bytes)
            delivery_id = queue_message(conn, agency_id, day, message, recipients, eml_path, csv_path, len(signals), catch_up)
            conn.execute(update(Alert).where(Alert.id.in_([a.id for a, _ in alerts])).values(delivery_id=delivery_id))
            created.append(delivery_id)
    return created


def queue_message(conn, ledger_id: str, day: date, message: EmailMessage, recipients: list[str], eml_path: Path,
                  attachment_path: Path, signal_count: int, catch_up: bool = False) -> int:
    """Store a message before it is sent: its .eml, and its rows in the deliveries ledger (queued), one per
    recipient. Called inside the transaction that marks its alerts: a run killed before it commits leaves
    files that the next run writes again, and no ledger row, so the digest is sent exactly once."""
    eml_path.parent.mkdir(parents=True, exist_ok=True)
    eml_path.write_bytes(message.as_bytes())
    addresses = list(dict.fromkeys(r.strip() for r in recipients if r.strip()))
    delivery_id = conn.execute(insert(Delivery).returning(Delivery.id), dict(
        agency_id=ledger_id, day=day, status="queued", recipients=", ".join(addresses),
        subject=str(message["Subject"]), message_id=str(message["Message-ID"]), eml_path=str(eml_path),
        csv_path=str(attachment_path), signal_count=signal_count, attempts=0, created_at=datetime.now(),
        catch_up=catch_up)).scalar_one()
    if addresses:
        conn.execute(insert(DeliveryRecipient), [dict(delivery_id=delivery_id, address=a, status="queued", attempts=0)
                                                 for a in addresses])
    return delivery_id


RETRY_BASE = timedelta(minutes=5)  # after the n-th failure, wait RETRY_BASE * 2**(n-1), at most RETRY_MAX
RETRY_MAX = timedelta(hours=6)


def next_attempt(failures: int, now: datetime) -> datetime:
    """When a digest that failed ``failures`` times may be tried again (exponential back-off)."""
    return now + min(RETRY_BASE * 2 ** max(failures - 1, 0), RETRY_MAX)


def _pending(conn, delivery_id: int) -> list[str]:
    return list(conn.execute(select(DeliveryRecipient.address).where(
        DeliveryRecipient.delivery_id == delivery_id, DeliveryRecipient.status == "queued").order_by(DeliveryRecipient.id)).scalars())


DELIVERY_ZH = {"queued": "待发送", "sent": "已发送", "partial": "部分地址发送失败", "failed": "发送失败"}


def _final_status(conn, delivery_id: int) -> str:
    """queued while an address waits; else sent (all delivered), partial (some refused), failed (all refused)."""
    states = set(conn.execute(select(DeliveryRecipient.status).where(DeliveryRecipient.delivery_id == delivery_id)).scalars())
    if "queued" in states:
        return "queued"
    if states == {"failed"}:
        return "failed"
    return "partial" if "failed" in states else "sent"


def _hand_over(engine: Engine, d: Delivery, recipients: list[str], use_smtp: bool, now: datetime,
               outcome_sent: str = "sent") -> deliver.Outcome:
    """Send ``d`` to ``recipients`` and record, in one transaction, each address's outcome, the digest's
    status and the attempt."""
    try:
        message = deliver.read_eml(Path(d.eml_path))
        result = deliver.send(message, recipients, use_smtp)
    except OSError as exc:  # the stored .eml is gone or unreadable: nobody is mailed, the digest waits
        result = deliver.Outcome(deferred=dict.fromkeys(recipients, f"cannot read {d.eml_path}: {exc.strerror}"))
    transport = "smtp" if use_smtp else "outbox"
    with engine.begin() as conn:
        for address in recipients:
            row = dict(attempts=DeliveryRecipient.attempts + 1)
            if address in result.sent:
                row.update(status="sent", sent_at=now, last_error=None)
            elif address in result.refused:
                row.update(status="failed", last_error=result.refused[address])
            else:
                row.update(last_error=result.deferred.get(address))
            conn.execute(update(DeliveryRecipient).where(DeliveryRecipient.delivery_id == d.id,
                                                         DeliveryRecipient.address == address).values(**row))
        status = _final_status(conn, d.id)
        errors = {**result.refused, **result.deferred}
        error = "; ".join(f"{a}: {e}" for a, e in errors.items()) or None
        values = dict(status=status, attempts=d.attempts + 1, transport=transport, last_error=error)
        if result.sent and d.sent_at is None:
            values["sent_at"] = now
        values["next_attempt_at"] = next_attempt(d.attempts + 1, now) if status == "queued" else None
        conn.execute(update(Delivery).where(Delivery.id == d.id).values(**values))
        kind = outcome_sent if not errors else ("failed" if not result.sent else "partial")
        conn.execute(insert(DeliveryAttempt), dict(delivery_id=d.id, attempted_at=now, transport=transport,
                                                   outcome=kind, error=error))
    return result


def deliver_queued(engine: Engine, use_smtp: bool | None = None, now: datetime | None = None) -> dict[str, int]:
    """Send every queued digest that is due to the addresses still waiting for it; an address refused for
    good (5xx) is recorded and not tried again, one deferred (4xx, dropped connection) waits (back-off)
    for the next try; nobody who has it is mailed again. Every attempt goes into the ledger."""
    use_smtp = deliver.smtp_configured() if use_smtp is None else use_smtp
    now = now or datetime.now()
    counts = {"sent": 0, "failed": 0, "waiting": 0, "refused": 0, "attempted": 0, "delivered": 0}
    with Session(engine) as conn:
        queued = conn.execute(select(Delivery).where(Delivery.status == "queued").order_by(Delivery.id)).scalars().all()
    for d in queued:
        if d.next_attempt_at is not None and d.next_attempt_at > now:
            counts["waiting"] += 1
            continue
        with engine.connect() as conn:
            recipients = _pending(conn, d.id)
        if not recipients:  # nobody left to send to (an interrupted run recorded every outcome): settle its status
            with engine.begin() as conn:
                conn.execute(update(Delivery).where(Delivery.id == d.id).values(status=_final_status(conn, d.id)))
            continue
        result = _hand_over(engine, d, recipients, use_smtp, now)
        counts["attempted"] += 1
        counts["delivered"] += bool(result.sent)
        counts["refused"] += len(result.refused)
        if result.deferred:
            counts["failed"] += 1
            log.warning("digest %s for %s: %d address(es) wait for the next try: %s", d.id, d.agency_id,
                        len(result.deferred), "; ".join(f"{a}: {e}" for a, e in result.deferred.items()))
        elif result.sent:
            counts["sent"] += 1
        if result.refused:
            log.error("digest %s for %s refused for good for %s", d.id, d.agency_id,
                      "; ".join(f"{a}: {e}" for a, e in result.refused.items()))
    return counts


def refused_addresses(engine: Engine, day: date | None = None) -> list[str]:
    """Addresses a digest was refused for, for good (to fix in the contacts file): 'agency address: reply'."""
    stmt = (select(Delivery.agency_id, DeliveryRecipient.address, DeliveryRecipient.last_error)
            .join(Delivery, Delivery.id == DeliveryRecipient.delivery_id).where(DeliveryRecipient.status == "failed"))
    if day is not None:
        stmt = stmt.where(Delivery.day == day)
    with engine.connect() as conn:
        return [f"{agency} {address}: {error}" for agency, address, error in conn.execute(stmt.order_by(DeliveryRecipient.id))]


def resend(engine: Engine, day: date, agency_id: str | None = None, use_smtp: bool | None = None) -> dict[str, int]:
    """Send the stored digests of ``day`` again to every recipient, delivered or not (an operator's ``--resend``)."""
    use_smtp = deliver.smtp_configured() if use_smtp is None else use_smtp
    now = datetime.now()
    counts = {"resent": 0, "failed": 0}
    with Session(engine) as conn:
        stmt = select(Delivery).where(Delivery.day == day)
        if agency_id:
            stmt = stmt.where(Delivery.agency_id == agency_id)
        deliveries = conn.execute(stmt.order_by(Delivery.id)).scalars().all()
    for d in deliveries:
        with engine.connect() as conn:
            recipients = list(conn.execute(select(DeliveryRecipient.address).where(
                DeliveryRecipient.delivery_id == d.id).order_by(DeliveryRecipient.id)).scalars())
        result = _hand_over(engine, d, recipients, use_smtp, now, outcome_sent="resent")
        counts["failed" if (result.refused or result.deferred) else "resent"] += 1
    return counts


def nothing_went_out(counts: dict[str, int]) -> bool:
    """Digests were handed over tonight and not one reached anybody (they stay queued for the next try)."""
    return counts.get("attempted", 0) > 0 and counts.get("delivered", 0) == 0


def alert_day(engine: Engine, settings: Settings, day: date, use_smtp: bool | None = None,
              catch_up: bool = False, now: datetime | None = None) -> dict:
    """Route the night's signals, store one digest per agency (marked 补发 when ``catch_up``: a backfilled
    day), deliver what is queued and due, and write the run's HTML report."""
    from surveillance.alerts.reports.nightly import write_report

    routed = route_day(engine, day)
    digests = build_digests(engine, settings, day, catch_up)
    sent = deliver_queued(engine, use_smtp, now)
    report = write_report(engine, settings, day)
    refused = refused_addresses(engine, day)
    summary = {"day": day.isoformat(), "alerts_routed": routed, "digests_built": len(digests), **sent,
               "refused_addresses": refused, "nothing_went_out": nothing_went_out(sent),
               "catch_up": catch_up, "outbox": str(settings.outbox / day.isoformat()),
               "digests": str(settings.digest_dir(day)), "report": str(report)}
    log.info("alert %s: %s", day, summary)
    return summary
