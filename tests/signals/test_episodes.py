"""Episodes on constructed signals: new -> ongoing -> escalated -> new cases -> resolved, as documented in
docs/warning-levels.md, and only what agencies must hear about is routed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from surveillance.alerts.run import route_day
from surveillance.signals.detect import store_signals
from surveillance.signals.episodes import episode_key, resolve_quiet, transition
from surveillance.warehouse.models import Alert, Episode, Signal

DAY = date(2026, 11, 23)


def injury_signal(week: date, observed: float, deaths: int = 0, method: str = "farrington-flexible") -> dict:
    """A weekly count signal for e-bike batteries in 宝鸡; a death makes it Ⅱ级 (Ⅰ级 with 5+ cases)."""
    return dict(signal_key=f"injury|{method}|P0401|610300|{week.isoformat()}", domain="injury", method=method,
                series="P0401|610300", category_code="P0401", category_group="G04", sampling_stage=None,
                jurisdiction_code="610300", period_start=week, period_end=week + timedelta(days=6),
                observed=observed, expected=1.0, threshold=4.0, score=3.0, title="宝鸡市锂离子电池相关伤害病例异常增多",
                evidence=dict(deaths=deaths, severe=0, children=0))


def statuses(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(select(Signal.signal_key, Signal.status, Signal.level, Signal.episode_id)
                            .order_by(Signal.id)).all()


def test_late_cases_raising_a_known_signal_are_new_cases() -> None:
    assert transition("ongoing", 3, True, 3, more_cases=True).signal_status == "new-cases"
    assert transition("ongoing", 3, True, 2, more_cases=True).signal_status == "escalated"


@pytest.mark.parametrize(("episode", "level", "known", "new_level", "expected"), [
    (None, None, False, 3, ("new", "new", 3)),
    ("new", 3, True, 3, ("ongoing", "ongoing", 3)),
    ("ongoing", 3, True, 2, ("escalated", "escalated", 2)),
    ("ongoing", 3, True, 3, ("ongoing", "ongoing", 3)),
    ("escalated", 2, True, 3, ("ongoing", "ongoing", 2)),  # a milder night does not lower the episode
    ("ongoing", 2, False, 3, ("new-cases", "ongoing", 2)),
    ("ongoing", 3, False, 1, ("escalated", "escalated", 1)),  # a worse new period escalates
])
def test_transitions(episode, level, known, new_level, expected) -> None:
    t = transition(episode, level, known, new_level)
    assert (t.signal_status, t.episode_status, t.episode_level) == expected


def test_a_count_series_stays_one_episode_across_methods() -> None:
    week = date(2026, 11, 16)
    assert episode_key(injury_signal(week, 5, method="ears-c2")) == episode_key(injury_signal(week, 5))


def test_lifecycle_through_the_nights(engine) -> None:
    w1, w2 = date(2026, 11, 16), date(2026, 11, 23)
    store_signals(engine, DAY, [injury_signal(w1, 4)])  # night 1: a new episode, Ⅳ级
    first = statuses(engine)
    assert [s.status for s in first] == ["new"]
    store_signals(engine, DAY, [injury_signal(w1, 4)])  # the same night again: nothing changes
    assert statuses(engine) == first
    assert route_day(engine, DAY) > 0
    with engine.connect() as conn:
        routed = conn.execute(select(func.count()).select_from(Alert)).scalar()

    night2 = DAY + timedelta(days=1)
    store_signals(engine, night2, [injury_signal(w1, 4)])  # found again: ongoing, not sent again
    assert statuses(engine)[0].status == "ongoing"
    assert route_day(engine, night2) == 0

    night3 = DAY + timedelta(days=2)
    store_signals(engine, night3, [injury_signal(w1, 4, deaths=1)])  # a death: Ⅱ级, escalated and sent again
    s = statuses(engine)[0]
    assert (s.status, s.level) == ("escalated", 2)
    assert route_day(engine, night3) > 0
    with engine.connect() as conn:
        levels = sorted(set(conn.execute(select(Alert.level)).scalars()))
        assert conn.execute(select(func.count()).select_from(Alert)).scalar() == 2 * routed
    assert levels == [2, 4]

    night4 = w2 + timedelta(days=7)
    store_signals(engine, night4, [injury_signal(w2, 7)])  # next week's alarm joins the episode: new cases
    rows = statuses(engine)
    assert rows[1].status == "new-cases" and rows[1].episode_id == rows[0].episode_id
    assert route_day(engine, night4) > 0
    with engine.connect() as conn:
        episode = conn.execute(select(Episode.status, Episode.level, Episode.signals)).one()
    assert tuple(episode) == ("ongoing", 2, 2)

    # quiet for two weeks (the default): resolved; the next signal opens a new episode
    with engine.begin() as conn:
        assert resolve_quiet(conn, night4 + timedelta(days=14)) == 0
        # a night detecting only food (the DAG's per-domain task) leaves the injury episode to the injury task
        assert resolve_quiet(conn, night4 + timedelta(days=15), domains=("food",)) == 0
        assert resolve_quiet(conn, night4 + timedelta(days=15), domains=("injury",)) == 1
        assert resolve_quiet(conn, night4 + timedelta(days=15)) == 0
    w5 = date(2027, 1, 4)
    store_signals(engine, w5 + timedelta(days=7), [injury_signal(w5, 6)])
    last = statuses(engine)[-1]
    assert last.status == "new" and last.episode_id != rows[0].episode_id


def test_quiet_periods_are_configurable(engine) -> None:
    store_signals(engine, DAY, [injury_signal(date(2026, 11, 16), 6)])
    with engine.begin() as conn:
        assert resolve_quiet(conn, DAY + timedelta(days=8), quiet_periods=1) == 1


def test_late_reports_adding_cases_to_a_sent_signal_send_it_again(engine) -> None:
    week = date(2026, 11, 16)
    store_signals(engine, DAY, [injury_signal(week, 4)])
    route_day(engine, DAY)
    later = DAY + timedelta(days=2)
    store_signals(engine, later, [injury_signal(week, 6)])  # two late reports for the same week
    assert statuses(engine)[0].status == "new-cases"
    assert route_day(engine, later) > 0  # sent again with its new count
    assert route_day(engine, later) == 0  # once


def pattern_signal(week: date, prr: float, method: str = "disproportionality") -> dict:
    """A disproportionate pair re-found every week over its sliding 13 weeks (a new key each week)."""
    return dict(signal_key=f"injury|{method}|P0401|kind:烧烫伤|{week.isoformat()}", domain="injury", method=method,
                series="P0401|kind:烧烫伤", category_code="P0401", category_group="G04", sampling_stage=None,
                jurisdiction_code=None, period_start=week - timedelta(weeks=12), period_end=week + timedelta(days=6),
                observed=6.0, expected=2.0, threshold=4.0, score=prr, title="锂离子电池相关伤害出现异常伤害性质“烧烫伤”",
                evidence=dict(deaths=0, severe=0, children=0))


@pytest.mark.parametrize(("band_rise", "expected"), [(None, "new-cases"), (False, "ongoing"), (True, "stronger")])
def test_a_pattern_of_a_new_period_is_news_only_when_its_band_rises(band_rise, expected) -> None:
    assert transition("ongoing", 3, False, 3, band_rise=band_rise).signal_status == expected
    assert transition("ongoing", 3, False, 2, band_rise=False).signal_status == "escalated"  # a level rise always is


def test_an_unchanged_pattern_is_told_once_and_again_when_it_doubles(engine) -> None:
    """Week after week the same disproportion (PRR about 3): sent the first week only; PRR 6.5 (a band
    above, signals/bands.py) is sent again as stronger. Each week's key is new, as the detector makes it."""
    weeks = [date(2026, 11, 2) + timedelta(weeks=k) for k in range(4)]
    sent = []
    for week, prr in zip(weeks, (3.0, 3.6, 2.5, 6.5), strict=True):
        night = week + timedelta(days=8)
        store_signals(engine, night, [pattern_signal(week, prr)])
        sent.append(route_day(engine, night) > 0)
    assert [s.status for s in statuses(engine)] == ["new", "ongoing", "ongoing", "stronger"]
    assert sent == [True, False, False, True]
    assert len({s.episode_id for s in statuses(engine)}) == 1


def test_weekly_counts_of_new_weeks_stay_news(engine) -> None:
    """Injury counts have no band: each new week's cases are news (new cases), as before."""
    w1, w2 = date(2026, 11, 2), date(2026, 11, 9)
    store_signals(engine, w1 + timedelta(days=8), [injury_signal(w1, 5)])
    store_signals(engine, w2 + timedelta(days=8), [injury_signal(w2, 5)])
    assert [s.status for s in statuses(engine)] == ["new", "new-cases"]
