"""The verification trail in the warehouse: record a step, read an episode's history, its current state,
the episodes overdue for a first response. Steps are only ever added; nothing here updates or deletes one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from surveillance.response.deadlines import due, overdue
from surveillance.response.exclusions import exclude_episode, restore_episode
from surveillance.response.states import ARTEFACT, CHECKING, CONFIRMED, DISMISSED, PENDING, Step, StepRefused, check
from surveillance.warehouse.models import Alert, Episode, EpisodeAction, Signal


@dataclass(frozen=True)
class EpisodeState:
    episode_id: int
    state: str
    level: int  # the episode's level now
    level_since: date  # the night agencies were told of it at that level (detected, if never routed)
    due: date
    overdue: bool
    dismissed_as_artefact_at_level: int | None  # the level it had when dismissed as a data artefact, if it was


def record(engine: Engine, episode_id: int, step: Step, at: datetime | None = None) -> int:
    """Add ``step`` to the episode's trail after checking it follows the current state; the new row's id."""
    with Session(engine) as conn, conn.begin():
        episode = conn.get(Episode, episode_id, with_for_update=True)
        if episode is None:
            raise StepRefused(f"no episode {episode_id}")
        current = _latest(conn, episode_id)
        check(current, step)
        when = at or datetime.now()
        if step.to == CONFIRMED:
            exclude_episode(conn, episode_id, step.actor.strip(), when)
        elif current == CONFIRMED and step.to == CHECKING:  # the confirmation is withdrawn: its weeks go back into the baselines
            restore_episode(conn, episode_id, step.actor.strip(), when)
        return conn.execute(insert(EpisodeAction).returning(EpisodeAction.id), dict(
            episode_id=episode_id, from_state=current, to_state=step.to, actor=step.actor.strip(),
            reason=step.reason, action=step.action, comment=step.comment, level=episode.level,
            at=when)).scalar_one()


def history(engine: Engine, episode_id: int) -> list[EpisodeAction]:
    """Every step of the episode, oldest first."""
    with Session(engine) as conn:
        rows = conn.execute(select(EpisodeAction).where(EpisodeAction.episode_id == episode_id)
                            .order_by(EpisodeAction.at, EpisodeAction.id)).scalars().all()
        conn.expunge_all()
        return list(rows)


def _latest(conn: Session, episode_id: int) -> str:
    state = conn.execute(select(EpisodeAction.to_state).where(EpisodeAction.episode_id == episode_id)
                         .order_by(EpisodeAction.at.desc(), EpisodeAction.id.desc()).limit(1)).scalar()
    return state or PENDING


def states(engine: Engine, today: date, episode_ids: list[int] | None = None) -> dict[int, EpisodeState]:
    """Each episode's verification state and deadline on ``today`` (all episodes, or those given)."""
    with Session(engine) as conn:
        return states_in(conn, today, episode_ids)


def states_in(conn: Session, today: date, episode_ids: list[int] | None = None) -> dict[int, EpisodeState]:
    """``states`` inside a session the caller holds (routing reads them in its own transaction)."""
    query = select(Episode)
    steps_query = select(EpisodeAction).order_by(EpisodeAction.at, EpisodeAction.id)
    if episode_ids is not None:
        query = query.where(Episode.id.in_(episode_ids))
        steps_query = steps_query.where(EpisodeAction.episode_id.in_(episode_ids))
    episodes = conn.execute(query).scalars().all()
    # the clock starts when agencies were first told of the episode at its level (detection, if never routed)
    told = select(Signal.episode_id, func.min(Alert.routed_on)).join(Alert, Alert.signal_id == Signal.id).join(
        Episode, Episode.id == Signal.episode_id).where(Alert.level == Episode.level).group_by(Signal.episode_id)
    detected = select(Signal.episode_id, func.min(Signal.first_detected_on)).join(
        Episode, Episode.id == Signal.episode_id).where(Signal.level == Episode.level).group_by(Signal.episode_id)
    if episode_ids is not None:
        told = told.where(Signal.episode_id.in_(episode_ids))
        detected = detected.where(Signal.episode_id.in_(episode_ids))
    since = {**dict(conn.execute(detected).all()), **dict(conn.execute(told).all())}
    latest: dict[int, EpisodeAction] = {}
    for step in conn.execute(steps_query).scalars():
        latest[step.episode_id] = step
    out = {}
    for e in episodes:
        last = latest.get(e.id)
        state = last.to_state if last else PENDING
        reached = since.get(e.id, e.opened_on)
        artefact = last.level if last and state == DISMISSED and last.reason == ARTEFACT else None
        late = overdue(e.level, reached, state != PENDING, today) and e.status != "resolved"
        out[e.id] = EpisodeState(e.id, state, e.level, reached, due(e.level, reached), late, artefact)
    return out
