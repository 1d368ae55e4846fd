"""Who may see and act on what, checked on the server for every page and API call: the provincial
office and analysts see every signal; an agency's staff see (and verify, for their agency) only the
signals sent to their agency (or to the department whose duty it took over in the 2018 reform) and those
signals' episodes; the office verifies any episode, analysts none; patient-level records only for
accounts allowed them. Whose step moves an episode's overall state is the response layer's rule
(``response.trail.decides``), not the console's."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.console.accounts import COORDINATOR, User
from surveillance.warehouse.models import Alert, Signal

PATIENT_EVIDENCE = ("records",)  # evidence keys naming individual cases (hospital / report id)


def visible(query: Select, user: User) -> Select:
    """``query`` over signals narrowed to those ``user`` may see."""
    if user.sees_everything:
        return query
    return query.where(exists().where(Alert.signal_id == Signal.id, Alert.withheld.is_(None),
                                      Alert.agency_id.in_(reference.predecessors(user.agency_id or ""))))


def can_see_signal(conn: Session, user: User, signal_id: int) -> bool:
    return conn.execute(visible(select(Signal.id).where(Signal.id == signal_id), user)).first() is not None


def can_act_on_episode(conn: Session, user: User, episode_id: int) -> bool:
    """Whether ``user`` may take verification steps on the episode: the office on any, agency staff on one
    whose signals were sent to their agency, analysts on none (they read; agencies decide)."""
    if user.sees_everything:
        return user.role == COORDINATOR and conn.execute(select(Signal.id).where(Signal.episode_id == episode_id)
                                                          .limit(1)).first() is not None
    return conn.execute(visible(select(Signal.id).where(Signal.episode_id == episode_id), user).limit(1)).first() is not None


def evidence_for(user: User, evidence: dict) -> dict:
    """The signal's evidence as ``user`` may read it: case-level keys only for patient-record roles."""
    if user.patient_records:
        return evidence
    return {k: v for k, v in evidence.items() if k not in PATIENT_EVIDENCE}
