"""Each agency verifies for itself: a dismissal by one agency changes neither another agency's view nor
the episode's overall state, and never silences a warning to an agency that was never told; only the
lead agency (牵头, from the routing rules) or the office decides the overall state, which PPV and the
baselines read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveillance.alerts.run import route_day
from surveillance.response.exclusions import listing
from surveillance.response.outcomes import outcomes
from surveillance.response.states import CHECKING, CONFIRMED, DISMISSED, PENDING, Step, StepRefused
from surveillance.response.trail import leads_of, record, states
from surveillance.signals.detect import store_signals
from surveillance.warehouse.models import Alert, Signal
from tests.signals.test_episodes import injury_signal

NIGHT = date(2026, 11, 23)
WEEK = date(2026, 11, 16)


def farm_signal(city: str, n: int) -> dict:
    """A pesticide exceedance of one grower's produce, sampled at the farm (种植养殖: agriculture leads), in
    ``city``: every such signal is one episode (same series), whichever city it was sampled in."""
    return dict(signal_key=f"food|exceedance|S{n}|氧乐果|{WEEK}", domain="food", method="exceedance",
                series="某合作社|氧乐果", category_code="F02", category_group="FG02", sampling_stage="种植养殖",
                jurisdiction_code=city, period_start=WEEK, period_end=WEEK, observed=0.29, expected=None,
                threshold=0.02, score=14.5, title=f"{city} 韭菜氧乐果超标", evidence=dict(analyte="氧乐果", ratio_to_limit=14.5))


def alerts_of(engine, day: date) -> dict[str, str | None]:
    """Agency -> why withheld (None: sent) for the alerts routed on ``day``."""
    with engine.connect() as conn:
        return dict(conn.execute(select(Alert.agency_id, Alert.withheld).where(Alert.routed_on == day)).all())


def test_a_city_bureau_dismissing_a_many_city_episode_decides_only_for_itself(engine) -> None:
    store_signals(engine, NIGHT, [farm_signal("610100", 1), farm_signal("610900", 2)])  # 西安 and 安康
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
    with Session(engine) as conn:
        # an episode in two cities is decided by the provincial department of the lead kind, not a city's
        assert leads_of(conn, [episode])[episode] == {"SX-NYNC"}
    record(engine, episode, Step(DISMISSED, "安康农业农村局 李四", "我市无此合作社", reason="数据问题"), "610900-NYNC")

    assert states(engine, NIGHT, agency_id="610900-NYNC")[episode].state == DISMISSED  # its own verification
    for reader in (None, "SX-WJW", "SX-NYNC", "610100-NYNC"):
        assert states(engine, NIGHT, agency_id=reader)[episode].state == PENDING, reader
    with Session(engine) as conn:
        assert outcomes(conn) == {}  # the office's PPV counts no dismissal nobody with authority made

    # next night the same episode reaches 汉中: its bureaus were never told and are told now; so are the
    # provincial departments; only 安康's bureau, which dismissed it, is not sent it again
    later = NIGHT + timedelta(days=1)
    store_signals(engine, later, [farm_signal("610700", 3), farm_signal("610900", 4)])
    route_day(engine, later)
    routed = alerts_of(engine, later)
    for agency in ("610700-NYNC", "610700-WJW", "SX-NYNC", "SX-WJW", "610900-WJW"):
        assert routed[agency] is None, (agency, routed[agency])
    assert "本单位" in routed["610900-NYNC"] and "数据问题" in routed["610900-NYNC"]


def test_the_lead_decides_and_its_artefact_dismissal_still_reaches_agencies_never_told(engine) -> None:
    store_signals(engine, NIGHT, [farm_signal("610100", 1), farm_signal("610900", 2)])
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
    record(engine, episode, Step(DISMISSED, "省农业农村厅 王五", "检测机构录入错误", reason="数据问题"), "SX-NYNC")
    assert states(engine, NIGHT)[episode].state == DISMISSED  # the overall state
    assert states(engine, NIGHT, agency_id="610900-WJW")[episode].overall == DISMISSED
    with Session(engine) as conn:
        assert outcomes(conn) == {episode: False}

    later = NIGHT + timedelta(days=1)
    store_signals(engine, later, [farm_signal("610100", 5), farm_signal("611000", 6)])  # 西安 again; 商洛 new
    route_day(engine, later)
    routed = alerts_of(engine, later)
    for told in ("SX-NYNC", "SX-WJW", "610100-NYNC", "610100-WJW"):
        assert routed[told] and "牵头部门" in routed[told], told
    for never_told in ("611000-NYNC", "611000-WJW"):
        assert routed[never_told] is None, never_told


def test_a_city_bureau_cannot_confirm_a_provincial_episode_nor_rewrite_its_baselines(engine) -> None:
    store_signals(engine, NIGHT, [farm_signal("610100", 1), farm_signal("610900", 2)])
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
    record(engine, episode, Step(CHECKING, "李四"), "610900-NYNC")
    record(engine, episode, Step(CONFIRMED, "李四"), "610900-NYNC")
    assert states(engine, NIGHT)[episode].state == PENDING
    with Session(engine) as conn:
        assert outcomes(conn) == {}


def test_a_city_signal_is_led_by_the_citys_bureau_and_the_province_and_a_confirmation_excludes_its_weeks(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 7)])  # 宝鸡 only: market regulation leads
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
    with Session(engine) as conn:
        assert leads_of(conn, [episode])[episode] == {"SX-SCJG", "610300-SCJG"}
    record(engine, episode, Step(CHECKING, "赵六"), "610300-WJW")  # health: its own track
    record(engine, episode, Step(CONFIRMED, "赵六"), "610300-WJW")
    assert listing(engine) == [] and states(engine, NIGHT)[episode].state == PENDING
    record(engine, episode, Step(CHECKING, "钱七"), "610300-SCJG")  # the city's lead bureau: the overall state
    record(engine, episode, Step(CONFIRMED, "钱七"), "610300-SCJG")
    assert states(engine, NIGHT)[episode].state == CONFIRMED and len(listing(engine)) == 1
    # the health bureau's own view keeps its own step; the lead's view is the overall state
    assert states(engine, NIGHT, agency_id="610300-WJW")[episode].state == CONFIRMED
    assert states(engine, NIGHT, agency_id="SX-SCJG")[episode].state == CONFIRMED


def test_an_agency_never_told_of_an_episode_cannot_verify_it_and_the_office_always_can(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 4)])
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
    with pytest.raises(StepRefused, match="未收到"):
        record(engine, episode, Step(CHECKING, "孙八"), "610700-NYNC")
    record(engine, episode, Step(CHECKING, "省质量强省办"), None)
    assert states(engine, NIGHT)[episode].state == CHECKING


def test_an_agency_is_late_on_its_own_response_until_the_lead_concludes(engine) -> None:
    store_signals(engine, NIGHT, [injury_signal(WEEK, 4)])  # Ⅳ级: ten days
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
    late = NIGHT + timedelta(days=11)
    record(engine, episode, Step(CHECKING, "钱七"), "SX-SCJG")
    assert not states(engine, late)[episode].overdue
    assert states(engine, late, agency_id="SX-WJW")[episode].overdue  # health has not answered for itself
    record(engine, episode, Step(DISMISSED, "钱七", reason="偶然波动"), "SX-SCJG")
    assert not states(engine, late, agency_id="SX-WJW")[episode].overdue  # the lead concluded


def retail_signal(county: str, n: int) -> dict:
    """Cadmium in rice sold at a shop in ``county`` of 西安 (流通: market regulation leads; the rule reaches
    the county bureau of where the sample was taken)."""
    return dict(signal_key=f"food|exceedance|R{n}|CD|{WEEK}", domain="food", method="exceedance",
                series="F01|CD", category_code="F01", category_group="FG02", sampling_stage="流通",
                jurisdiction_code="610100", period_start=WEEK, period_end=WEEK, observed=0.5, expected=None,
                threshold=0.2, score=2.5, title="西安市流通环节大米镉超标",
                evidence=dict(sample_id=f"R{n}", analyte="CD", places=[county], ratio_to_limit=2.5))


def test_a_county_bureau_is_told_of_its_countys_sample_and_decides_only_for_itself(engine) -> None:
    store_signals(engine, NIGHT, [retail_signal("610103", 1)])  # 碑林区
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalars().first()
        routed = dict(conn.execute(select(Alert.agency_id, Alert.lead).where(Alert.routed_on == NIGHT)).all())
    assert routed["610103-SCJG"] is False and routed["610100-SCJG"] is True and routed["SX-SCJG"] is True
    assert "610104-SCJG" not in routed  # 莲湖区: no sample of its own in the signal

    record(engine, episode, Step(DISMISSED, "碑林区市场监管局 赵六", "检测机构录错门店", reason="数据问题"), "610103-SCJG")
    assert states(engine, NIGHT, agency_id="610103-SCJG")[episode].state == DISMISSED
    assert states(engine, NIGHT)[episode].state == PENDING  # the overall state is the lead's
    with pytest.raises(StepRefused):  # a county bureau never told of the episode cannot step
        record(engine, episode, Step(CHECKING, "莲湖区市场监管局 钱七", "核查"), "610104-SCJG")

    # the next night samples of the same episode from 莲湖区 and 碑林区: 莲湖区's bureau, never told, is told;
    # 碑林区's own 数据问题 dismissal withholds it from 碑林区 only
    later = NIGHT + timedelta(days=1)
    store_signals(engine, later, [retail_signal("610104", 2), retail_signal("610103", 3)])
    route_day(engine, later)
    routed = alerts_of(engine, later)
    assert routed["610104-SCJG"] is None and routed["610100-SCJG"] is None
    assert "本单位" in routed["610103-SCJG"]
