"""Signals form episodes: one problem (a series of one detector family) over the nights it stays active.

new -> ongoing -> escalated -> resolved. An episode opens with its first signal (status "new"); a later
signal of a more severe level escalates it ("escalated"); a signal of a new period or sample joins it
("new-cases"), as do late cases raising a known signal's count; the same signal found again on a later
night with no more cases is "ongoing". An episode with no signal for
``quiet_periods`` weeks is resolved; a signal after that opens a new episode. Only new, escalated and
new-cases signals are sent to agencies again (docs/warning-levels.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Row, insert, select, update

from surveillance.signals.registry import episode_family
from surveillance.warehouse.models import Episode

QUIET_PERIODS = 2  # weeks without a signal before an episode is resolved
PERIOD_DAYS = 7
SENDABLE = ("new", "escalated", "new-cases")
STATUS_ZH = {"new": "新发", "escalated": "升级", "new-cases": "持续（新增病例）", "ongoing": "持续", "resolved": "已解除"}


def episode_key(signal: dict) -> str:
    """domain|method family|series: the weekly count detectors share one family, so a series moving
    from EARS to Farrington as its history grows stays one episode."""
    return f"{signal['domain']}|{episode_family(signal['method'])}|{signal['series']}"


@dataclass(frozen=True)
class Transition:
    signal_status: str
    episode_status: str
    episode_level: int


def transition(episode_status: str | None, episode_level: int | None, known_signal: bool, level: int,
               more_cases: bool = False) -> Transition:
    """The signal's and its episode's status when a signal of ``level`` arrives (1 = most severe).
    ``episode_status`` None: no open episode; ``known_signal``: the same signal key was found before;
    ``more_cases``: it was, with a smaller count (late reports joined its period)."""
    if episode_status is None or episode_level is None:
        return Transition("new", "new", level)
    if level < episode_level:
        return Transition("escalated", "escalated", level)
    if not known_signal or more_cases:
        return Transition("new-cases", "ongoing", episode_level)
    return Transition("ongoing", "ongoing", episode_level)


def open_episode(conn: Connection, key: str) -> Row | None:
    """The open episode of ``key`` (id, status, level, last_detected_on, signals), if any."""
    return conn.execute(select(Episode.id, Episode.status, Episode.level, Episode.last_detected_on, Episode.signals)
                        .where(Episode.episode_key == key, Episode.status != "resolved")
                        .order_by(Episode.id.desc()).limit(1)).first()


def place(conn: Connection, day: date, signal: dict, level: int, known: dict | None) -> tuple[int, str]:
    """Put one signal into its episode for ``day``; returns (episode id, signal status). ``known``: the
    stored signal with the same key (its episode_id, status, detected_on), or None. Running the same
    night again keeps the status the signal got that night."""
    key = episode_key(signal)
    if known is not None and known["detected_on"] == day and known["episode_id"] is not None:
        conn.execute(update(Episode).where(Episode.id == known["episode_id"]).values(last_detected_on=day))
        return known["episode_id"], known["status"]
    episode = open_episode(conn, key)
    known_here = known is not None and episode is not None and known["episode_id"] == episode.id
    more = known_here and signal["observed"] > (known.get("observed") or 0)
    step = transition(None if episode is None else episode.status, None if episode is None else episode.level,
                      known_here, level, more)
    if episode is None:
        episode_id = conn.execute(insert(Episode).returning(Episode.id), dict(
            episode_key=key, domain=signal["domain"], status=step.episode_status, level=step.episode_level,
            opened_on=day, last_detected_on=day, signals=1)).scalar_one()
        return episode_id, step.signal_status
    conn.execute(update(Episode).where(Episode.id == episode.id).values(
        status=step.episode_status, level=step.episode_level, last_detected_on=max(day, episode.last_detected_on),
        signals=episode.signals + (0 if known is not None else 1)))
    return episode.id, step.signal_status


def resolve_quiet(conn: Connection, day: date, quiet_periods: int = QUIET_PERIODS,
                  domains: tuple[str, ...] | None = None) -> int:
    """Resolve the open episodes (of ``domains``; None: all) with no signal in the last ``quiet_periods``
    weeks; returns how many. Only the domains detected tonight: another domain's detection, perhaps
    still running in its own task, may yet place tonight's signal in its episode."""
    cutoff = day - timedelta(days=PERIOD_DAYS * quiet_periods)
    stmt = update(Episode).where(Episode.status != "resolved", Episode.last_detected_on < cutoff)
    if domains is not None:
        stmt = stmt.where(Episode.domain.in_(domains))
    result = conn.execute(stmt.values(status="resolved", resolved_on=day))
    return int(result.rowcount or 0)
