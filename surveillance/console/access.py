"""Who may see and act on what, checked on the server for every page and API call: the provincial
office and analysts see every signal; an agency's staff see (and verify) only the signals routed to
their agency and those signals' episodes; patient-level records only for accounts allowed them."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from surveillance.console.accounts import User
from surveillance.warehouse.models import Alert, Signal

PATIENT_EVIDENCE = ("records",)  # evidence keys naming individual cases (hospital / report id)


def visible(query: Select, user: User) -> Select:
    """``query`` over signals narrowed to those ``user`` may see."""
    if user.sees_everything:
        return query
    return query.where(exists().where(Alert.signal_id == Signal.id, Alert.agency_id == user.agency_id))


def can_see_signal(conn: Session, user: User, signal_id: int) -> bool:
    return conn.execute(visible(select(Signal.id).where(Signal.id == signal_id), user)).first() is not None


def can_act_on_episode(conn: Session, user: User, episode_id: int) -> bool:
    """Whether ``user`` may take verification steps on the episode (one of its signals was sent to them)."""
    return conn.execute(visible(select(Signal.id).where(Signal.episode_id == episode_id), user).limit(1)).first() is not None


def evidence_for(user: User, evidence: dict) -> dict:
    """The signal's evidence as ``user`` may read it: case-level keys only for patient-record roles."""
    if user.patient_records:
        return evidence
    return {k: v for k, v in evidence.items() if k not in PATIENT_EVIDENCE}
