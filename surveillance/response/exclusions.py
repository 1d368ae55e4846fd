"""Weeks of a confirmed outbreak left out of later baselines, so that one outbreak does not raise next
year's threshold (what R users do by hand). Confirming an episode (已确认) excludes the weeks of its weekly
count signals; sending it back to 核查中 restores them; an analyst can restore (or add) one by hand. A
restored exclusion keeps its row: the list is visible (`surveillance baseline list`) and reversible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from surveillance.signals.registry import episode_family
from surveillance.signals.signal import episode_code
from surveillance.warehouse.models import BaselineExclusion, Signal

COUNTS_FAMILY = "counts"  # the weekly count detectors (Farrington, EARS) whose baselines are past weeks


class ExclusionRefused(ValueError):
    """An exclusion that cannot be added or restored, said in one line."""


@dataclass(frozen=True)
class Excluded:
    id: int
    series: str
    week_start: date
    episode_id: int | None
    reason: str
    added_by: str
    added_at: datetime
    restored_by: str | None
    restored_at: datetime | None


def exclude_episode(conn: Session, episode_id: int, actor: str, at: datetime) -> int:
    """Exclude the weeks of the episode's weekly count signals (each once); how many were added."""
    weeks = conn.execute(select(Signal.domain, Signal.series, Signal.period_start, Signal.method)
                         .where(Signal.episode_id == episode_id)).all()
    added = 0
    for domain, series, week, method in weeks:
        if episode_family(method) != COUNTS_FAMILY:
            continue
        if _active(conn, series, week) is not None:
            continue
        conn.execute(insert(BaselineExclusion), dict(domain=domain, series=series, week_start=week, episode_id=episode_id,
                                                     reason=f"已确认的事件 {episode_code(episode_id)}", added_by=actor, added_at=at))
        added += 1
    return added


def restore_episode(conn: Session, episode_id: int, actor: str, at: datetime) -> int:
    """Restore the episode's exclusions (its confirmation was withdrawn); how many."""
    return conn.execute(update(BaselineExclusion).where(BaselineExclusion.episode_id == episode_id,
                                                        BaselineExclusion.restored_at.is_(None))
                        .values(restored_by=actor, restored_at=at)).rowcount


def _active(conn: Session, series: str, week: date) -> int | None:
    return conn.execute(select(BaselineExclusion.id).where(BaselineExclusion.series == series,
                                                           BaselineExclusion.week_start == week,
                                                           BaselineExclusion.restored_at.is_(None))).scalar()


def exclude(engine: Engine, domain: str, series: str, week: date, actor: str, reason: str) -> int:
    """Exclude one week of one series by hand (a Monday, as the weekly signals' periods start); its id."""
    if week.weekday() != 0:
        raise ExclusionRefused(f"{week} is not a Monday: weekly periods start on Mondays")
    if not actor.strip() or not reason.strip():
        raise ExclusionRefused("an exclusion names who adds it (--by) and why (--reason)")
    with Session(engine) as conn, conn.begin():
        if _active(conn, series, week) is not None:
            raise ExclusionRefused(f"{series} {week} is already excluded")
        return conn.execute(insert(BaselineExclusion).returning(BaselineExclusion.id), dict(
            domain=domain, series=series, week_start=week, episode_id=None, reason=reason, added_by=actor.strip(),
            added_at=datetime.now())).scalar_one()


def restore(engine: Engine, exclusion_id: int, actor: str) -> None:
    """Put one excluded week back into the baselines."""
    if not actor.strip():
        raise ExclusionRefused("a restore names who does it (--by)")
    with Session(engine) as conn, conn.begin():
        row = conn.get(BaselineExclusion, exclusion_id)
        if row is None:
            raise ExclusionRefused(f"no exclusion {exclusion_id}")
        if row.restored_at is not None:
            raise ExclusionRefused(f"exclusion {exclusion_id} was already restored by {row.restored_by} on {row.restored_at:%Y-%m-%d}")
        row.restored_by, row.restored_at = actor.strip(), datetime.now()


def listing(engine: Engine, series: str | None = None, include_restored: bool = False) -> list[Excluded]:
    """Exclusions, by series and week."""
    query = select(BaselineExclusion).order_by(BaselineExclusion.series, BaselineExclusion.week_start, BaselineExclusion.id)
    if series is not None:
        query = query.where(BaselineExclusion.series == series)
    if not include_restored:
        query = query.where(BaselineExclusion.restored_at.is_(None))
    with Session(engine) as conn:
        return [Excluded(r.id, r.series, r.week_start, r.episode_id, r.reason, r.added_by, r.added_at, r.restored_by,
                         r.restored_at) for r in conn.execute(query).scalars()]
