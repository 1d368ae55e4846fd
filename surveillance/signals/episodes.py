"""Signals form episodes: one problem (a series of one detector family) over the nights it stays active.

new -> ongoing -> escalated -> resolved. An episode opens with its first signal (status "new"); a later
signal of a more severe level escalates it ("escalated"); a signal of a new period or sample joins it
("new-cases"), as do late cases raising a known signal's count; the same signal found again on a later
night with no more cases is "ongoing". A pattern re-found every period (a method with a band,
signals/bands.py) is not news again while it has not changed materially: a later period's signal is
"ongoing" unless its statistic reaches a band above the episode's highest ("stronger"). An episode with
no signal for ``quiet_periods`` weeks is resolved; a signal after that opens a new episode. Only new,
escalated, stronger and new-cases signals are sent to agencies again (docs/warning-levels.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Row, insert, select, update

from surveillance.signals.registry import band_of, episode_family
from surveillance.warehouse.models import Episode, Signal

QUIET_PERIODS = 2  # weeks without a signal before an episode is resolved
PERIOD_DAYS = 7
SENDABLE = ("new", "escalated", "stronger", "new-cases")
STATUS_ZH = {"new": "新发", "escalated": "升级", "stronger": "持续（明显加重）", "new-cases": "持续（新增病例）",
             "ongoing": "持续", "resolved": "已解除"}


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
               more_cases: bool = False, band_rise: bool | None = None) -> Transition:
    """The signal's and its episode's status when a signal of ``level`` arrives (1 = most severe).
    ``episode_status`` None: no open episode; ``known_signal``: the same signal key was found before;
    ``more_cases``: it was, with a smaller count (late reports joined its period); ``band_rise``: for a
    pattern method (one with a band), whether its statistic reached a band above the episode's highest
    (None: the method has no band, so a new period or sample is news)."""
    if episode_status is None or episode_level is None:
        return Transition("new", "new", level)
    if level < episode_level:
        return Transition("escalated", "escalated", level)
    if not known_signal or more_cases:
        if band_rise is None:
            return Transition("new-cases", "ongoing", episode_level)
        return Transition("stronger" if band_rise else "ongoing", "ongoing", episode_level)
    return Transition("ongoing", "ongoing", episode_level)


def band_rise(conn: Connection, episode_id: int, signal: dict) -> bool | None:
    """Whether ``signal``'s band is above every band its episode's other signals reached (None: no band)."""
    band = band_of(signal)
    if band is None:
        return None
    others = conn.execute(select(Signal.method, Signal.score).where(
        Signal.episode_id == episode_id, Signal.signal_key != signal["signal_key"])).all()
    reached = [band_of(dict(method=m, score=s)) for m, s in others]
    return band > max((b for b in reached if b is not None), default=-2)


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
                      known_here, level, more, None if episode is None else band_rise(conn, episode.id, signal))
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
