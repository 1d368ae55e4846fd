"""The verification trail in the warehouse: steps recorded in order and never lost, refused steps adding
nothing, deadlines judged from the night an episode reached its level, a dismissed data artefact not sent
again unless it escalates, and overdue episodes in the nightly summary and the next digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from surveillance.alerts.run import route_day
from surveillance.response.states import CHECKING, CLOSED, CONFIRMED, DISMISSED, HANDLED, PENDING, Step, StepRefused
from surveillance.response.trail import history, record, states
from surveillance.signals.detect import store_signals
from surveillance.warehouse.models import Alert, EpisodeAction, Signal
from tests.signals.test_episodes import injury_signal

NIGHT = date(2026, 11, 23)
WEEK = date(2026, 11, 16)


def _episode(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(Signal.episode_id)).scalars().first()


def test_the_audit_trail_keeps_every_step_in_order(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 4)])
    episode = _episode(engine)
    at = datetime(2026, 11, 24, 9, 0)
    steps = [Step(CHECKING, "宝鸡市卫健委 张三", "已联系医院核对病例"), Step(CONFIRMED, "张三", "同一批次电池"),
             Step(HANDLED, "市场监管局 李四", "责令召回", action="下架/召回"), Step(CLOSED, "省协调办 王五")]
    for i, step in enumerate(steps):
        record(engine, episode, step, at=at + timedelta(hours=i))
    trail = history(engine, episode)
    assert [(a.from_state, a.to_state) for a in trail] == [(PENDING, CHECKING), (CHECKING, CONFIRMED),
                                                           (CONFIRMED, HANDLED), (HANDLED, CLOSED)]
    assert [a.actor for a in trail] == ["宝鸡市卫健委 张三", "张三", "市场监管局 李四", "省协调办 王五"]
    assert trail[0].comment == "已联系医院核对病例" and trail[2].action == "下架/召回" and trail[0].level == 4
    assert [a.at for a in trail] == [at + timedelta(hours=i) for i in range(4)]
    # a refused step (closed is final; a repeated step) adds nothing, so running a command twice changes nothing
    with pytest.raises(StepRefused):
        record(engine, episode, Step(CHECKING, "张三"))
    with pytest.raises(StepRefused):
        record(engine, episode, Step(CLOSED, "王五"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(EpisodeAction)).scalar() == 4
    assert states(engine, NIGHT)[episode].state == CLOSED
    with pytest.raises(StepRefused, match="没有编号为999的事件"):
        record(engine, 999, Step(CHECKING, "张三"))


def test_an_episode_waiting_past_its_levels_deadline_is_overdue_until_someone_responds(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 4)])  # Ⅳ级: ten days
    episode = _episode(engine)
    assert states(engine, NIGHT)[episode].level_since == NIGHT  # not routed yet: from its detection
    route_day(engine, NIGHT)
    assert states(engine, NIGHT)[episode].level_since == NIGHT
    assert not states(engine, NIGHT + timedelta(days=10))[episode].overdue
    assert states(engine, NIGHT + timedelta(days=11))[episode].overdue
    # escalated to Ⅱ级 (a death) three nights later: two days from the escalation night
    store_signals(engine, NIGHT + timedelta(days=3), [injury_signal(WEEK, 4, deaths=1)])
    route_day(engine, NIGHT + timedelta(days=3))
    s = states(engine, NIGHT + timedelta(days=6))[episode]
    assert (s.level, s.level_since, s.due) == (2, NIGHT + timedelta(days=3), NIGHT + timedelta(days=5))
    assert s.overdue
    record(engine, episode, Step(CHECKING, "张三"))
    assert not states(engine, NIGHT + timedelta(days=6))[episode].overdue


def test_a_dismissed_data_artefact_is_not_sent_again_unless_it_escalates(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 4)])
    assert route_day(engine, NIGHT) > 0
    episode = _episode(engine)
    record(engine, episode, Step(DISMISSED, "张三", "医院重复上报同一批病例", reason="数据问题"))

    def alerts() -> int:  # sent, or to be: a withheld alert is kept with its reason and never delivered
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Alert).where(Alert.withheld.is_(None))).scalar()

    before = alerts()
    later = NIGHT + timedelta(days=2)
    store_signals(engine, later, [injury_signal(WEEK, 6)])  # more (artefactual) cases: new-cases, not sent
    assert route_day(engine, later) == 0 and alerts() == before
    worse = NIGHT + timedelta(days=3)
    store_signals(engine, worse, [injury_signal(WEEK, 6, deaths=1)])  # a death: Ⅱ级, sent although dismissed
    assert route_day(engine, worse) > 0 and alerts() > before


def test_a_dismissal_for_another_reason_does_not_silence_new_cases(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 4)])
    route_day(engine, NIGHT)
    record(engine, _episode(engine), Step(DISMISSED, "张三", reason="偶然波动"))
    later = NIGHT + timedelta(days=2)
    store_signals(engine, later, [injury_signal(WEEK, 6)])
    assert route_day(engine, later) > 0


def test_overdue_episodes_are_in_the_nightly_summary_and_the_next_digest(settings, engine) -> None:
    from surveillance.alerts.run import build_digests, overdue_for
    from surveillance.nightly import verification
    from surveillance.warehouse.models import Delivery

    store_signals(engine, NIGHT, [injury_signal(WEEK, 4, deaths=1)])  # Ⅱ级: two days
    route_day(engine, NIGHT)
    assert build_digests(engine, settings, NIGHT)
    episode = _episode(engine)
    late = NIGHT + timedelta(days=3)
    summary = verification(settings, late)
    assert summary["by_state"] == {PENDING: 1}
    assert summary["overdue"] == [dict(episode_id=episode, level=2, due=(NIGHT + timedelta(days=2)).isoformat())]
    # the next digest of an agency that was sent the episode lists it
    from sqlalchemy.orm import Session

    with Session(engine) as conn:
        agency = conn.execute(select(Delivery.agency_id)).scalars().first()
        listed = overdue_for(conn, agency, late)
    assert [e["episode_id"] for e in listed] == [episode]
    store_signals(engine, late, [injury_signal(WEEK + timedelta(days=7), 4, deaths=1)])  # Ⅱ级 again: new cases
    route_day(engine, late)
    build_digests(engine, settings, late)
    with engine.connect() as conn:
        eml = conn.execute(select(Delivery.eml_path).where(Delivery.day == late, Delivery.agency_id == agency)).scalar()
    from email import policy
    from email.parser import BytesParser
    from pathlib import Path

    message = BytesParser(policy=policy.default).parsebytes(Path(eml).read_bytes())
    text = message.get_body(("plain",)).get_content()
    assert f"事件E{episode:06d}" in text and "已超过响应时限" in text
    record(engine, episode, Step(CHECKING, "张三"))
    assert verification(settings, late)["overdue"] == []


def test_ppv_comes_from_verified_outcomes_by_method_level_and_city(engine) -> None:
    from sqlalchemy.orm import Session

    from surveillance.response.outcomes import outcome, ppv_by

    assert outcome([CHECKING, CONFIRMED, HANDLED, CLOSED]) is True
    assert outcome([DISMISSED, CLOSED]) is False
    assert outcome([CHECKING, CONFIRMED, CHECKING]) is None  # sent back: not concluded
    assert outcome([CHECKING, DISMISSED, CHECKING, CONFIRMED]) is True  # the last conclusion stands
    # three series (episodes): one confirmed, one dismissed, one still being checked
    signals = [injury_signal(WEEK, 4), injury_signal(WEEK, 5, method="ears-c2"), injury_signal(WEEK, 4, deaths=1)]
    signals[1]["series"] = signals[1]["series"].replace("610300", "610100")
    signals[1]["jurisdiction_code"] = "610100"
    signals[1]["signal_key"] = signals[1]["signal_key"].replace("610300", "610100")
    signals[2]["series"] = "P0402|610300"
    signals[2]["category_code"] = "P0402"
    signals[2]["signal_key"] = signals[2]["signal_key"].replace("P0401", "P0402")
    store_signals(engine, NIGHT, signals)
    with engine.connect() as conn:
        episodes = dict(conn.execute(select(Signal.signal_key, Signal.episode_id)).all())
    confirmed, dismissed, checking = (episodes[s["signal_key"]] for s in signals)
    assert len({confirmed, dismissed, checking}) == 3
    record(engine, confirmed, Step(CHECKING, "张三"))
    record(engine, confirmed, Step(CONFIRMED, "张三"))
    record(engine, dismissed, Step(DISMISSED, "李四", reason="重复"))
    record(engine, checking, Step(CHECKING, "王五"))
    with Session(engine) as conn:
        by_method = {r.key: (r.confirmed, r.dismissed, r.ppv) for r in ppv_by(conn, "method")}
        by_city = {r.key: (r.confirmed, r.dismissed) for r in ppv_by(conn, "city")}
        by_level = {r.key: (r.confirmed, r.dismissed) for r in ppv_by(conn, "level")}
        with pytest.raises(ValueError):
            ppv_by(conn, "hospital")
    assert by_method == {("farrington-flexible",): (1, 0, 1.0), ("ears-c2",): (0, 1, 0.0)}
    assert by_city == {("610300",): (1, 0), ("610100",): (0, 1)}
    assert by_level == {(4,): (1, 1)}  # the Ⅱ级 episode is not concluded: not counted
