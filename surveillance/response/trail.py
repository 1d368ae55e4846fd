"""The verification trail in the warehouse: record a step, read an episode's history, its states and
deadlines. Steps are only ever added; nothing here updates or deletes one.

Each agency verifies what it was sent (its own track of steps). The episode's *overall* state, which
PPV, baselines and the artefact rule read, moves only by its lead agency (牵头, declared per routing
rule and recorded on the alerts) or the provincial office: nothing one agency does decides for another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.response.deadlines import due, overdue
from surveillance.response.exclusions import exclude_episode, restore_episode
from surveillance.response.states import ARTEFACT, CHECKING, CONFIRMED, DISMISSED, PENDING, Step, StepRefused, check
from surveillance.warehouse.models import Alert, Episode, EpisodeAction, Signal

CONCLUDED = (CONFIRMED, DISMISSED)  # once the lead concluded, the other agencies are no longer late


@dataclass(frozen=True)
class EpisodeState:
    """An episode as one reader sees it: the office (overall) or one agency (its own track, unless it leads)."""

    episode_id: int
    state: str  # the reader's state: overall for the office and the lead, the agency's own otherwise
    level: int  # the episode's level now
    level_since: date  # the night the reader (any agency, for the office) was told of it at that level
    due: date
    overdue: bool
    dismissed_as_artefact_at_level: int | None  # the level it had when the reader's track dismissed it as an artefact
    overall: str = PENDING  # the episode's overall state (decided by the lead or the office)
    leads: tuple[str, ...] = ()  # the agencies that decide the overall state (beside the office)
    decides: bool = True  # whether the reader's steps move the overall state


def _canonical(agency_id: str) -> str:
    """Today's agency for an id, also for a department the 2018 reform merged (alerts keep the id they were sent to)."""
    return reference.successors().get(agency_id, agency_id)


def _province_level(agency_id: str) -> bool:
    return reference.agency_levels().get(agency_id) == "province"


def leads_of(conn: Session, episode_ids: list[int]) -> dict[int, set[str]]:
    """Each episode's lead agencies: those its signals were sent to as 牵头. An episode reaching more than one
    jurisdiction is decided by the provincial department only, never by one of the cities it reached."""
    rows = conn.execute(select(Signal.episode_id, Alert.agency_id).join(Alert, Alert.signal_id == Signal.id)
                        .where(Signal.episode_id.in_(episode_ids), Alert.lead.is_(True), Alert.withheld.is_(None))).all()
    places: dict[int, set] = {}
    for episode, place in conn.execute(select(Signal.episode_id, Signal.jurisdiction_code)
                                       .where(Signal.episode_id.in_(episode_ids)).distinct()):
        places.setdefault(episode, set()).add(place or "")
    out: dict[int, set[str]] = {e: set() for e in episode_ids}
    for episode, agency in rows:
        agency = _canonical(agency)
        if len(places.get(episode, ())) > 1 and not _province_level(agency):
            continue
        out[episode].add(agency)
    return out


def told_of(conn: Session, episode_ids: list[int]) -> dict[int, dict[str, date]]:
    """The agencies each episode was sent to (alerts not withheld), each with the first night it was told."""
    out: dict[int, dict[str, date]] = {e: {} for e in episode_ids}
    rows = conn.execute(select(Signal.episode_id, Alert.agency_id, func.min(Alert.routed_on))
                        .join(Alert, Alert.signal_id == Signal.id)
                        .where(Signal.episode_id.in_(episode_ids), Alert.withheld.is_(None))
                        .group_by(Signal.episode_id, Alert.agency_id)).all()
    for episode, agency, first in rows:
        agency = _canonical(agency)
        out[episode][agency] = min(first, out[episode].get(agency, first))
    return out


def decides(agency_id: str | None, leads: set[str]) -> bool:
    """Whether a step by ``agency_id`` (None: the office or an operator at the command line) moves the
    episode's overall state."""
    return agency_id is None or agency_id == reference.office() or agency_id in leads


def _latest_steps(conn: Session, episode_ids: list[int]) -> dict[tuple[int, str | None], EpisodeAction]:
    """The latest step of each track: (episode, None) for the overall state, (episode, agency) for an
    agency's own verification."""
    latest: dict[tuple[int, str | None], EpisodeAction] = {}
    query = select(EpisodeAction).where(EpisodeAction.episode_id.in_(episode_ids)).order_by(EpisodeAction.at, EpisodeAction.id)
    for step in conn.execute(query).scalars():
        latest[(step.episode_id, None if step.overall else step.agency_id)] = step
    return latest


def record(engine: Engine, episode_id: int, step: Step, agency_id: str | None = None, at: datetime | None = None) -> int:
    """Add ``step`` to the trail: to the episode's overall state when ``agency_id`` decides it (None: the
    office), else to that agency's own verification, after checking it follows that track's state. Only a
    confirmation of the overall state leaves the episode's weeks out of later baselines. The new row's id."""
    with Session(engine) as conn, conn.begin():
        episode = conn.get(Episode, episode_id, with_for_update=True)
        if episode is None:
            raise StepRefused(f"没有编号为{episode_id}的事件")
        agency = _canonical(agency_id) if agency_id else None
        overall = decides(agency, leads_of(conn, [episode_id])[episode_id])
        if not overall and agency not in told_of(conn, [episode_id])[episode_id]:
            raise StepRefused("本单位未收到该事件的预警，不能登记核查")
        last = _latest_steps(conn, [episode_id]).get((episode_id, None if overall else agency))
        current = last.to_state if last else PENDING
        check(current, step)
        when = at or datetime.now()
        if overall and step.to == CONFIRMED:
            exclude_episode(conn, episode_id, step.actor.strip(), when)
        elif overall and current == CONFIRMED and step.to == CHECKING:  # withdrawn: its weeks go back into the baselines
            restore_episode(conn, episode_id, step.actor.strip(), when)
        return conn.execute(insert(EpisodeAction).returning(EpisodeAction.id), dict(
            episode_id=episode_id, from_state=current, to_state=step.to, actor=step.actor.strip(),
            reason=step.reason, action=step.action, comment=step.comment, level=episode.level,
            at=when, agency_id=agency, overall=overall)).scalar_one()


def history(engine: Engine, episode_id: int) -> list[EpisodeAction]:
    """Every step of the episode, every track, oldest first."""
    with Session(engine) as conn:
        rows = conn.execute(select(EpisodeAction).where(EpisodeAction.episode_id == episode_id)
                            .order_by(EpisodeAction.at, EpisodeAction.id)).scalars().all()
        conn.expunge_all()
        return list(rows)


def states(engine: Engine, today: date, episode_ids: list[int] | None = None,
           agency_id: str | None = None) -> dict[int, EpisodeState]:
    """Each episode's verification state and deadline on ``today`` (all episodes, or those given), as the
    office sees it or, with ``agency_id``, as that agency does."""
    with Session(engine) as conn:
        return states_in(conn, today, episode_ids, agency_id)


def _since(conn: Session, episode_ids: list[int] | None, agency_id: str | None) -> dict[int, date]:
    """The night the reader was first told of each episode at its level (detection, if never routed)."""
    told = select(Signal.episode_id, func.min(Alert.routed_on)).join(Alert, Alert.signal_id == Signal.id).join(
        Episode, Episode.id == Signal.episode_id).where(Alert.level == Episode.level, Alert.withheld.is_(None))
    detected = select(Signal.episode_id, func.min(Signal.first_detected_on)).join(
        Episode, Episode.id == Signal.episode_id).where(Signal.level == Episode.level)
    if agency_id is not None:
        told = told.where(Alert.agency_id.in_(reference.predecessors(agency_id)))
    if episode_ids is not None:
        told = told.where(Signal.episode_id.in_(episode_ids))
        detected = detected.where(Signal.episode_id.in_(episode_ids))
    return {**dict(conn.execute(detected.group_by(Signal.episode_id)).all()),
            **dict(conn.execute(told.group_by(Signal.episode_id)).all())}


def states_in(conn: Session, today: date, episode_ids: list[int] | None = None,
              agency_id: str | None = None) -> dict[int, EpisodeState]:
    """``states`` inside a session the caller holds (routing reads them in its own transaction)."""
    query = select(Episode)
    if episode_ids is not None:
        query = query.where(Episode.id.in_(episode_ids))
    episodes = conn.execute(query).scalars().all()
    ids = [e.id for e in episodes]
    agency = _canonical(agency_id) if agency_id else None
    since = _since(conn, episode_ids, agency)
    latest = _latest_steps(conn, ids)
    leads = leads_of(conn, ids)
    out = {}
    for e in episodes:
        overall_step = latest.get((e.id, None))
        overall = overall_step.to_state if overall_step else PENDING
        reader_decides = decides(agency, leads[e.id])
        last = overall_step if reader_decides else latest.get((e.id, agency))
        state = last.to_state if last else PENDING
        reached = since.get(e.id, e.opened_on)
        artefact = last.level if last and state == DISMISSED and last.reason == ARTEFACT else None
        waiting = state == PENDING and (reader_decides or overall not in CONCLUDED)
        late = overdue(e.level, reached, not waiting, today) and e.status != "resolved"
        out[e.id] = EpisodeState(e.id, state, e.level, reached, due(e.level, reached), late, artefact, overall,
                                 tuple(sorted(leads[e.id])), reader_decides)
    return out


def artefact_dismissals(conn: Session, episode_ids: list[int]) -> dict[tuple[int, str | None], EpisodeAction]:
    """The tracks whose latest step dismissed the episode as a data artefact: (episode, None) for the overall
    state, (episode, agency) for one agency's own verification."""
    return {key: step for key, step in _latest_steps(conn, episode_ids).items()
            if step.to_state == DISMISSED and step.reason == ARTEFACT}


def late_agencies(conn: Session, today: date, episode_ids: list[int]) -> dict[int, list[str]]:
    """For the office: the agencies late on each episode — told of it at its level, past the deadline
    counted from that night, with no step of their own, while the overall state is not concluded (the
    lead or the office are late while the overall state waits)."""
    if not episode_ids:
        return {}
    episodes = {e.id: e for e in conn.execute(select(Episode).where(Episode.id.in_(episode_ids))).scalars()}
    first = conn.execute(select(Signal.episode_id, Alert.agency_id, func.min(Alert.routed_on))
                         .join(Alert, Alert.signal_id == Signal.id).join(Episode, Episode.id == Signal.episode_id)
                         .where(Signal.episode_id.in_(episode_ids), Alert.withheld.is_(None), Alert.level == Episode.level)
                         .group_by(Signal.episode_id, Alert.agency_id)).all()
    latest = _latest_steps(conn, episode_ids)
    leads = leads_of(conn, episode_ids)
    out: dict[int, list[str]] = {}
    for episode_id, agency_id, told in first:
        e = episodes[episode_id]
        agency = _canonical(agency_id)
        overall = latest.get((episode_id, None))
        concluded = overall is not None and overall.to_state in CONCLUDED
        leading = decides(agency, leads[episode_id])
        answered = overall if leading else latest.get((episode_id, agency))
        if e.status == "resolved" or answered is not None or (concluded and not leading):
            continue
        if overdue(e.level, told, False, today):
            out.setdefault(episode_id, []).append(agency)
    return {e: sorted(set(a)) for e, a in out.items()}
