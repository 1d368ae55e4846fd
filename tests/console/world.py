"""A small warehouse for the console's tests: an injury signal (sent to health and quality supervision)
with the case behind it, a food signal (sent to health and food-and-drug), both routed; three accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select

from surveillance.alerts.run import route_day
from surveillance.console import accounts
from surveillance.signals.detect import store_signals
from surveillance.warehouse.models import Alert, FoodResult, InjuryReport, Signal
from tests.conftest import add_batch

NIGHT = date(2026, 11, 23)
WEEK = date(2026, 11, 16)
PASSWORD = "correct horse battery"
PATIENT_HASH = "9f2c4b7a1d3e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4"


@dataclass(frozen=True)
class World:
    injury: int  # signal ids
    food: int
    injury_episode: int
    injury_agency: str  # an agency sent the injury signal and not the food one
    food_agency: str  # the other way round


def build(engine) -> World:
    with engine.begin() as conn:
        add_batch(conn, "injury", NIGHT)
        conn.execute(insert(InjuryReport), dict(
            report_id="R0001", hospital_code="H61030201", region_code="610302", jurisdiction_code="610300",
            visit_date=WEEK + timedelta(days=2), sex="女", age=6.0, injury_cause="烧烫伤", injury_intent="非故意",
            injury_nature="烧烫伤", body_part="上肢", severity="中度", outcome="住院", product_code="P0401",
            product_name="电动自行车电池", narrative="充电时电池起火", patient_hash=PATIENT_HASH, row_hash="a" * 32, batch_id=1))
        add_batch(conn, "food", NIGHT, batch_id=2)
        conn.execute(insert(FoodResult), dict(
            sample_id="SP2026-0001", sampling_date=WEEK, region_code="610102", jurisdiction_code="610100",
            food_category="FG02", food_name="散装白酒", sampling_stage="流通", analyte="甲醇", result_raw="0.9",
            result_value=0.9, censored=False, unit="g/L", lod=0.01, limit_value=0.6, limit_standard="GB 2757-2012",
            exceeds_limit=True, sender_verdict="不合格", verdict_conflict=False, row_hash="b" * 32, batch_id=2))
    injury = dict(signal_key=f"injury|farrington-flexible|P0401|610300|{WEEK}", domain="injury", method="farrington-flexible",
                  series="P0401|610300", category_code="P0401", category_group="G04", sampling_stage=None,
                  jurisdiction_code="610300", period_start=WEEK, period_end=WEEK + timedelta(days=6), observed=7.0,
                  expected=1.2, threshold=4.0, score=4.1, title="宝鸡市电动自行车电池相关伤害病例异常增多",
                  evidence=dict(weekly_counts=[1, 0, 2, 1, 1, 0, 1, 2, 1, 1, 0, 7], first_week=(WEEK - timedelta(weeks=11)).isoformat(),
                                severe=1, serious=1, deaths=0, children=1, elderly=0, records=["H61030201/R0001"]))
    food = dict(signal_key=f"food|exceedance|SP2026-0001|甲醇|{WEEK}", domain="food", method="exceedance",
                series="SP2026-0001|甲醇", category_code="FG02", category_group="FG02", sampling_stage="流通",
                jurisdiction_code="610100", period_start=WEEK, period_end=WEEK, observed=0.9, expected=None, threshold=0.6,
                score=1.5, title="西安市散装白酒甲醇超标", evidence=dict(sample_id="SP2026-0001", analyte="甲醇", ratio_to_limit=1.5))
    store_signals(engine, NIGHT, [injury, food])
    route_day(engine, NIGHT)
    with engine.connect() as conn:
        ids = dict(conn.execute(select(Signal.domain, Signal.id)).all())
        episode = conn.execute(select(Signal.episode_id).where(Signal.id == ids["injury"])).scalar_one()
        sent = {d: set(conn.execute(select(Alert.agency_id).where(Alert.signal_id == ids[d])).scalars()) for d in ids}
    world = World(ids["injury"], ids["food"], episode, sorted(sent["injury"] - sent["food"])[0],
                  sorted(sent["food"] - sent["injury"])[0])
    accounts.add(engine, "analyst", "analyst", PASSWORD)
    accounts.add(engine, "injury-staff", "agency", PASSWORD, agency_id=world.injury_agency)
    accounts.add(engine, "food-staff", "agency", PASSWORD, agency_id=world.food_agency)
    return world
