"""Warehouse tables. One table per source, plus ingest accounting, signals, alerts, deliveries."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class IngestBatch(Base):
    """One landed file: where it came from, what it contained, what became of its rows."""

    __tablename__ = "ingest_batches"
    __table_args__ = (UniqueConstraint("source", "content_hash", name="uq_batch_source_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(500))
    file_path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # accepted | rejected
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    encoding: Mapped[str | None] = mapped_column(String(40), nullable=True)
    first_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    run_day: Mapped[date | None] = mapped_column(Date, nullable=True)  # the day whose run ingested it
    sheet: Mapped[str | None] = mapped_column(String(200), nullable=True)
    layout: Mapped[str | None] = mapped_column(String(60), nullable=True)  # the sender layout it was read with
    sender: Mapped[str | None] = mapped_column(String(120), nullable=True)  # who sent it: only they correct its records
    unread_columns: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list: columns no layout field read


class QuarantinedRow(Base):
    """A row that failed validation, kept whole with the reasons, never dropped."""

    __tablename__ = "quarantined_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: a line that could not be split
    raw: Mapped[str] = mapped_column(Text)  # JSON object of the row as read (personal data hashed)
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of {expectation, column, value}


class RecordRevision(Base):
    """The previous version of a record that a corrected resubmission replaced."""

    __tablename__ = "record_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    record_key: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)  # JSON of the replaced row
    row_hash: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"))  # the batch that loaded it
    superseded_by_batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"), index=True)
    superseded_at: Mapped[datetime] = mapped_column(DateTime)


class DetectorRun(Base):
    """One detector's figures for one night (the latest run of that night): what the output check
    compares tonight with."""

    __tablename__ = "detector_runs"
    __table_args__ = (UniqueConstraint("day", "detector", name="uq_detector_run_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    detector: Mapped[str] = mapped_column(String(60))  # domain/name, as in the registry
    signals: Mapped[int] = mapped_column(Integer)
    figures: Mapped[str] = mapped_column(Text)  # JSON
    ran_at: Mapped[datetime] = mapped_column(DateTime)


class RevisedDay(Base):
    """A past day whose data changed after its night: detection recomputes it."""

    __tablename__ = "revised_days"
    __table_args__ = (UniqueConstraint("source", "day", name="uq_revised_source_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date, index=True)
    rows_changed: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"))  # the latest batch revising it
    marked_at: Mapped[datetime] = mapped_column(DateTime)
    recomputed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class InjuryReport(Base):
    __tablename__ = "injury_reports"
    __table_args__ = (
        UniqueConstraint("hospital_code", "report_id", name="uq_injury_key"),
        # covers the detectors' counts (signals/detectors/injury_counts.py): read from the index alone, in its order;
        # every other read of the table is by a visit-date range (its first column) or by key: no other index
        # is worth its cost on every ingested row (#28, migration 0017)
        Index("ix_injury_reports_counts", "visit_date", "product_code", "jurisdiction_code", "severity", "outcome",
              "injury_nature", "body_part"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64))
    hospital_code: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6))
    jurisdiction_code: Mapped[str] = mapped_column(String(6))
    visit_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(4))
    age: Mapped[float] = mapped_column(Float)
    injury_cause: Mapped[str] = mapped_column(String(40))
    injury_intent: Mapped[str] = mapped_column(String(40))
    injury_nature: Mapped[str] = mapped_column(String(40))
    body_part: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20))
    product_code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    product_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    narrative: Mapped[str | None] = mapped_column(Text, nullable=True)
    patient_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"))
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON of columns outside the contract


class ProductProposal(Base):
    """The product category the text classifier proposed for an injury report that named a product but
    carried no code, proposed once per version of the report (``row_hash``: a corrected report is
    proposed again). ``product_code`` is None where the classifier was not confident."""

    __tablename__ = "product_proposals"

    injury_report_id: Mapped[int] = mapped_column(ForeignKey("injury_reports.id"), primary_key=True)
    row_hash: Mapped[str] = mapped_column(String(32))
    product_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    confidence: Mapped[float] = mapped_column(Float)
    proposed_on: Mapped[date] = mapped_column(Date)


class InspectionResult(Base):
    __tablename__ = "inspection_results"
    __table_args__ = (UniqueConstraint("sample_id", name="uq_inspection_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[str] = mapped_column(String(64))
    sampling_date: Mapped[date] = mapped_column(Date, index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    product_category: Mapped[str] = mapped_column(String(80), index=True)  # a code, or the sender's own name
    product_name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str | None] = mapped_column(String(200), nullable=True)
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    manufacturer_name: Mapped[str] = mapped_column(String(200))
    manufacturer_uscc: Mapped[str | None] = mapped_column(String(18), index=True, nullable=True)
    # the USCC, else "N:" + a digest of the normalised name and address (repeat failures group by it)
    manufacturer_key: Mapped[str | None] = mapped_column(String(40), index=True, nullable=True)
    manufacturer_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    counterfeit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 假冒: not the named maker's
    sampling_stage: Mapped[str] = mapped_column(String(10))
    inspection_agency: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(10))
    failed: Mapped[bool] = mapped_column(Boolean)
    failed_items: Mapped[str | None] = mapped_column(Text, nullable=True)
    row_hash: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"))
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON of columns outside the contract


class FoodResult(Base):
    __tablename__ = "food_results"
    __table_args__ = (UniqueConstraint("sample_id", "analyte", name="uq_food_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[str] = mapped_column(String(64))
    sampling_date: Mapped[date] = mapped_column(Date, index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    food_category: Mapped[str] = mapped_column(String(80), index=True)  # a code, or the sender's own class
    food_name: Mapped[str] = mapped_column(String(200))
    sampling_stage: Mapped[str] = mapped_column(String(10))
    analyte: Mapped[str] = mapped_column(String(80), index=True)  # a code, or the sender's own item name
    result_raw: Mapped[str] = mapped_column(String(64))
    result_value: Mapped[float | None] = mapped_column(Float, nullable=True)  # reference unit
    censored: Mapped[bool] = mapped_column(Boolean)  # below detection limit: value is the LOD
    unit: Mapped[str] = mapped_column(String(20))  # the analyte's reference unit
    lod: Mapped[float | None] = mapped_column(Float, nullable=True)
    limit_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    limit_standard: Mapped[str | None] = mapped_column(String(120), nullable=True)
    exceeds_limit: Mapped[bool] = mapped_column(Boolean)
    sender_verdict: Mapped[str | None] = mapped_column(String(10), nullable=True)  # the lab's own 合格/不合格
    verdict_conflict: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # theirs != ours
    row_hash: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"))
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON of columns outside the contract


class Signal(Base):
    """A detector's finding, keyed stably so a recomputation updates instead of duplicating."""

    __tablename__ = "signals"
    __table_args__ = (UniqueConstraint("signal_key", name="uq_signal_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_key: Mapped[str] = mapped_column(String(300))
    domain: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(40))
    series: Mapped[str] = mapped_column(String(200))
    category_code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    category_group: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sampling_stage: Mapped[str | None] = mapped_column(String(60), nullable=True)  # one stage, or a rate's stages joined by 、
    jurisdiction_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date, index=True)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float, nullable=True)
    threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    level: Mapped[int] = mapped_column(Integer)  # 1 (Ⅰ级, most severe) .. 4 (Ⅳ级)
    title: Mapped[str] = mapped_column(Text)  # Chinese one-line description for agencies
    evidence: Mapped[str] = mapped_column(Text)  # JSON
    first_detected_on: Mapped[date] = mapped_column(Date)
    detected_on: Mapped[date] = mapped_column(Date, index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", name="fk_signals_episode"), nullable=True,
                                                   index=True)
    status: Mapped[str | None] = mapped_column(String(12), nullable=True)  # new | escalated | stronger | new-cases | ongoing


class Episode(Base):
    """One problem over time: the signals of a series (any period) while it stays active. Opened by its
    first signal, escalated when a signal's level rises, resolved after quiet nights (signals/episodes.py)."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_key: Mapped[str] = mapped_column(String(300), index=True)  # domain|method family|series
    domain: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), index=True)  # new | ongoing | escalated | resolved
    level: Mapped[int] = mapped_column(Integer)  # the most severe level reached
    opened_on: Mapped[date] = mapped_column(Date)
    last_detected_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    signals: Mapped[int] = mapped_column(Integer)


class EpisodeAction(Base):
    """One step of an episode's verification (surveillance/response): the audit trail, only ever added to."""

    __tablename__ = "episode_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", name="fk_episode_actions_episode"), index=True)
    from_state: Mapped[str] = mapped_column(String(8))
    to_state: Mapped[str] = mapped_column(String(8))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(20), nullable=True)  # why dismissed (已排除)
    action: Mapped[str | None] = mapped_column(String(20), nullable=True)  # what was done (已处置)
    comment: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)  # the episode's level when the step was taken
    at: Mapped[datetime] = mapped_column(DateTime)
    agency_id: Mapped[str | None] = mapped_column(String(20), nullable=True)  # whose verification; None: the office
    overall: Mapped[bool] = mapped_column(Boolean, server_default=true())  # moves the episode's overall state


class BaselineExclusion(Base):
    """A week of a series left out of later baselines (a confirmed outbreak's week); restoring it keeps the row."""

    __tablename__ = "baseline_exclusions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(20))
    series: Mapped[str] = mapped_column(String(200), index=True)  # as the signals name it
    week_start: Mapped[date] = mapped_column(Date)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", name="fk_baseline_exclusions_episode"),
                                                   nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    restored_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    restored_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Alert(Base):
    """A signal routed to one responsible agency, with the rule that sent it there."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("signal_id", "agency_id", "level", "observed", name="uq_alert_signal_agency_level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    agency_id: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    routed_on: Mapped[date] = mapped_column(Date, index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), nullable=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the signal's level when routed
    status: Mapped[str | None] = mapped_column(String(12), nullable=True)  # the signal's status when routed
    observed: Mapped[float | None] = mapped_column(Float, nullable=True)  # its count when routed (late cases: again)
    lead: Mapped[bool] = mapped_column(Boolean, server_default=false())  # 牵头: decides the episode's overall state
    withheld: Mapped[str | None] = mapped_column(Text, nullable=True)  # why it was not sent (never delivered)


class Delivery(Base):
    """One agency's digest for one night: stored before sending, the ledger of what was sent."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("agency_id", "day", name="uq_delivery_agency_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10))  # queued | sent | partial (some refused) | failed (all refused)
    recipients: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    eml_path: Mapped[str] = mapped_column(Text)
    csv_path: Mapped[str] = mapped_column(Text)
    signal_count: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    transport: Mapped[str | None] = mapped_column(String(20), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    catch_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 补发: a backfilled day
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # back-off after a failure


class DeliveryRecipient(Base):
    """One address of a digest and its own outcome: sent once, refused for good (5xx), or waiting (4xx)."""

    __tablename__ = "delivery_recipients"
    __table_args__ = (UniqueConstraint("delivery_id", "address", name="uq_delivery_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    address: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10))  # queued | sent | failed (refused for good)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DeliveryAttempt(Base):
    """Every hand-over of a digest to the mail system, successful or not: the delivery ledger."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime)
    transport: Mapped[str] = mapped_column(String(20))  # smtp | outbox
    outcome: Mapped[str] = mapped_column(String(10))  # sent | failed | resent
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ConsoleUser(Base):
    """An account of the web console: the provincial office and analysts see everything, an agency's staff
    their agency's signals; patient-level records only where ``patient_records`` allows (surveillance/console)."""

    __tablename__ = "console_users"
    __table_args__ = (UniqueConstraint("username", name="uq_console_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # coordinator | analyst | agency
    agency_id: Mapped[str | None] = mapped_column(String(20), nullable=True)  # agency staff only
    patient_records: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, with its parameters and salt
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # since the last success or lock
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # too many failures: no login till then


class LoginThrottle(Base):
    """Wrong passwords counted per account and address, and per address over all accounts: each one past
    the free ones makes that key wait longer before the next try (console/throttle.py)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "account:<name>|<address>" or "address:<address>"
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    wait_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ConsoleSession(Base):
    """A logged-in browser: the cookie holds a random token, the warehouse only its SHA-256."""

    __tablename__ = "console_sessions"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_console_session_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id", name="fk_console_sessions_user"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
