"""What verification concluded, and the positive predictive value it gives the detectors: of the signals
whose episode was verified, the share that was a real problem (已确认, then perhaps 已处置 and 已关闭) rather
than dismissed (已排除). PPV by method, level and city tells which rules to tighten or loosen
(docs/warning-levels.md, "Tuning the levels from PPV")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.response.groupings import GROUPINGS
from surveillance.response.states import CHECKING, CONFIRMED, DISMISSED, PENDING
from surveillance.signals.levels import label
from surveillance.signals.registry import method_label
from surveillance.warehouse.models import EpisodeAction, Signal


def outcome(path: Iterable[str]) -> bool | None:
    """True (a real problem), False (dismissed) or None (not concluded) from an episode's states in order:
    the last conclusion stands unless a later step sent the episode back to 核查中."""
    result = None
    for state in path:
        if state == CONFIRMED:
            result = True
        elif state == DISMISSED:
            result = False
        elif state in (CHECKING, PENDING):
            result = None
    return result


@dataclass(frozen=True)
class Ppv:
    key: tuple  # (method,), (level,) or (city,)
    confirmed: int
    dismissed: int

    @property
    def verified(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def ppv(self) -> float | None:
        return self.confirmed / self.verified if self.verified else None


def outcomes(conn: Session) -> dict[int, bool]:
    """The concluded outcome of every episode that has one: its overall state, decided by its lead agency
    or the office (an agency's own verification does not conclude an episode for the others)."""
    query = select(EpisodeAction.episode_id, EpisodeAction.to_state).where(EpisodeAction.overall.is_(True)).order_by(
        EpisodeAction.at, EpisodeAction.id)
    paths: dict[int, list[str]] = {}
    for episode, state in conn.execute(query):
        paths.setdefault(episode, []).append(state)
    found = {e: outcome(p) for e, p in paths.items()}
    return {e: o for e, o in found.items() if o is not None}




def ppv_tables(conn: Session, groupings: tuple[str, ...] = GROUPINGS) -> dict[str, list[Ppv]]:
    """PPV of the signals of verified episodes, grouped by each of ``groupings``: "method", "level" or
    "city" (the signal's jurisdiction; province-wide signals under "省级"). The trail and the signals are
    read once for all groupings."""
    unknown = [by for by in groupings if by not in GROUPINGS]
    if unknown:
        raise ValueError(f"PPV by method, level or city, not {', '.join(map(repr, unknown))}")
    concluded = outcomes(conn)
    if not concluded:
        return {by: [] for by in groupings}
    rows = conn.execute(select(Signal.episode_id, Signal.method, Signal.level, Signal.jurisdiction_code)
                        .where(Signal.episode_id.in_(sorted(concluded)))).all()
    tables = {}
    for by in groupings:
        tally: dict[tuple, list[int]] = {}
        for episode, method, level, city in rows:
            key = {"method": (method,), "level": (level,), "city": (city or "省级",)}[by]
            counts = tally.setdefault(key, [0, 0])
            counts[0 if concluded[episode] else 1] += 1
        tables[by] = [Ppv(k, c, d) for k, (c, d) in sorted(tally.items(), key=lambda kv: str(kv[0]))]
    return tables




def group_label(by: str, key: tuple) -> str:
    """The Chinese name of a PPV row's group: a method's label, a level, a city's name."""
    if by == "method":
        return method_label(key[0])
    if by == "level":
        return label(key[0])
    return reference.jurisdiction_names().get(key[0], key[0])


def ppv_by(conn: Session, by: str) -> list[Ppv]:
    """PPV grouped one way (``ppv_tables`` for several)."""
    return ppv_tables(conn, (by,))[by]
