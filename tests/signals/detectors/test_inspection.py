"""Inspection signals on constructed samples: new failed items and failure rates by category x city."""

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import insert

from surveillance.signals.detectors.inspection import (
    detect_failure_rates,
    detect_new_failed_items,
    detect_repeat_failures,
    split_items,
)
from surveillance.signals.detectors.tuning import INSPECTION
from surveillance.warehouse.models import InspectionResult
from tests.conftest import add_batch

DAY = date(2026, 11, 26)


def _load(engine, samples: list[dict]) -> None:
    """Each sample's result arrives in a batch of the night ``arrived`` (default: the day it was sampled)."""
    nights = sorted({s.get("arrived", s["date"]) for s in samples})
    batch = {night: n for n, night in enumerate(nights, 1)}
    rows = [dict(sample_id=f"S{i}", region_code=s.get("region", "610102"), jurisdiction_code=s.get("city", "610100"),
                 product_category=s.get("category", "P0101"), product_name="儿童玩具", manufacturer_name="厂",
                 manufacturer_uscc=s.get("uscc", f"91610000MA{i:08d}"), manufacturer_key=s.get("uscc"),
                 sampling_stage=s.get("stage", "流通"), inspection_agency="所",
                 verdict="不合格" if s["failed"] else "合格", failed=s["failed"], failed_items=s.get("items", ""),
                 sampling_date=s["date"], row_hash="x", batch_id=batch[s.get("arrived", s["date"])])
            for i, s in enumerate(samples)]
    with engine.begin() as conn:
        for night, n in batch.items():
            add_batch(conn, "inspection", night, n, run_day=night)
        conn.execute(insert(InspectionResult), rows)


def test_items_are_split_on_every_list_separator_senders_use_and_nowhere_else() -> None:
    items = split_items(pd.Series(["小零件;标识", "发热；材料、pH值", None, "甲醛 , 耐磨/耐折\n标识",
                                   "邻苯二甲酸酯(DBP/BBP/DEHP/DNOP/DINP/DIDP)", "可迁移元素（铅、镉），可迁移元素（铅、镉）"]))
    # '/' joins the parts of one item, brackets hold one item's parts, and an item counts once per sample
    assert items.tolist() == ["小零件", "标识", "发热", "材料", "pH值", "甲醛", "耐磨/耐折", "标识",
                              "邻苯二甲酸酯(DBP/BBP/DEHP/DNOP/DINP/DIDP)", "可迁移元素（铅、镉）"]
    assert items.index.tolist() == [0, 0, 1, 1, 1, 3, 3, 3, 4, 5]


def test_an_item_new_to_the_category_is_a_signal_once_its_usual_items_are_known(engine) -> None:
    past = [dict(failed=True, items="小零件" if i % 3 else "小零件;标识", date=DAY - timedelta(days=30 + 20 * i))
            for i in range(INSPECTION.min_category_failures)]
    now = [dict(failed=True, items="标识；邻苯二甲酸酯", date=DAY - timedelta(days=2)),
           dict(failed=True, items="小零件", date=DAY - timedelta(days=1)),
           dict(failed=True, items="新项目", category="P0102", date=DAY - timedelta(days=1))]  # P0102: no history
    _load(engine, past + now)
    with engine.connect() as conn:
        found = detect_new_failed_items(conn, DAY).signals
        assert [s["series"] for s in found] == ["P0101|邻苯二甲酸酯"]
        assert found[0]["evidence"]["usual_items"] == {"小零件": INSPECTION.min_category_failures, "标识": 3}
        assert detect_new_failed_items(conn, DAY + timedelta(days=7)).signals == []  # a week on, it is no longer news


def test_a_city_failing_above_the_province_and_its_own_history(engine) -> None:
    samples = []
    start = DAY - timedelta(days=60)
    for city in ("610100", "610200", "610300", "610400"):  # the last 13 weeks: 40 samples a city
        for i in range(40):
            bad = (city == "610300" and i < 12) or i == 0
            samples.append(dict(failed=bad, city=city, date=start + timedelta(days=i), items="小零件" if bad else ""))
    for i in range(200):  # three years before: every city at about 5%
        samples.append(dict(failed=i % 20 == 0, city="610300", date=DAY - timedelta(days=200 + i * 3)))
    _load(engine, samples)
    with engine.connect() as conn:
        detection = detect_failure_rates(conn, DAY)
    found, stats = detection.signals, detection.figures
    assert [s["series"] for s in found] == ["P0101|610300"]
    assert found[0]["observed"] == 12 and found[0]["evidence"]["p_province"] < 0.001
    assert found[0]["sampling_stage"] == "流通" and found[0]["evidence"]["stages"] == {"流通": 12}
    assert stats["cells_tested"] == 4 and stats["expected_false_alarms"] == 0.0


MAKER = "91610000MA0000TEST"


def test_a_repeat_failure_is_news_the_night_its_late_result_arrives(engine) -> None:
    """The lab reports 12 days after sampling: the failure is news when it lands, with both dates, once."""
    _load(engine, [dict(failed=True, uscc=MAKER, items="标识", date=DAY - timedelta(days=200)),
                   dict(failed=True, uscc=MAKER, items="小零件", date=DAY - timedelta(days=13), arrived=DAY - timedelta(days=1))])
    with engine.connect() as conn:
        before = detect_repeat_failures(conn, DAY - timedelta(days=2)).signals
        found = detect_repeat_failures(conn, DAY).signals
        later = detect_repeat_failures(conn, DAY + timedelta(days=7)).signals
    assert before == [] and later == []  # not yet arrived; a week after it arrived
    assert [s["series"] for s in found] == [MAKER]
    assert found[0]["observed"] == 2 and found[0]["evidence"]["news"] == ["S1"]
    sampled, arrived = DAY - timedelta(days=13), DAY - timedelta(days=1)
    assert f"{sampled:%Y-%m-%d}抽样" in found[0]["title"] and f"{arrived:%Y-%m-%d}结果到达" in found[0]["title"]
    assert found[0]["evidence"]["arrived"] == [(DAY - timedelta(days=200)).isoformat(), arrived.isoformat()]


def test_old_results_loaded_at_once_are_history_not_news(engine) -> None:
    """A first load of last year's files (results arriving long after sampling) raises no repeat failure."""
    _load(engine, [dict(failed=True, uscc=MAKER, items="标识", date=DAY - timedelta(days=d), arrived=DAY)
                   for d in (300, 200, 100)])
    with engine.connect() as conn:
        assert detect_repeat_failures(conn, DAY).signals == []


def test_a_new_failed_item_is_news_when_it_arrives_late(engine) -> None:
    past = [dict(failed=True, items="小零件", date=DAY - timedelta(days=30 + 20 * i)) for i in range(INSPECTION.min_category_failures)]
    late = dict(failed=True, items="邻苯二甲酸酯", date=DAY - timedelta(days=20), arrived=DAY)
    _load(engine, [*past, late])
    with engine.connect() as conn:
        found = detect_new_failed_items(conn, DAY).signals
        assert detect_new_failed_items(conn, DAY - timedelta(days=1)).signals == []  # not yet arrived
    assert [s["series"] for s in found] == ["P0101|邻苯二甲酸酯"]
    assert found[0]["evidence"]["arrived"] == [DAY.isoformat()] and f"{DAY:%Y-%m-%d}结果到达" in found[0]["title"]


def test_a_failure_rate_carries_the_stages_of_its_failed_samples() -> None:
    """So that each stage's agencies receive it (routing matches a rule's stage among them)."""
    from surveillance.alerts.routing import FALLBACK_AGENCY, route
    from surveillance.signals.signal import joined_stages

    stage = joined_stages(["流通", "生产", "流通", None])
    assert stage == "流通、生产"
    agencies = {r.agency_id for r in route("inspection", "G03", stage, "610300")}
    assert {"SX-SCJG", "610300-SCJG"} <= agencies and FALLBACK_AGENCY not in agencies
    assert {r.agency_id for r in route("inspection", "G03", None, "610300")} == {FALLBACK_AGENCY}


def test_every_repeatedly_failing_maker_is_signalled_when_results_land_5_to_15_days_after_sampling(engine) -> None:
    """The shape of an independent 35-night scenario: 17 makers each failing twice in a month, every
    result landing 5–15 days after its sampling, beside 40 makers failing once. Judged by arrival, all 17
    are news on the night their second failure lands, and no single failure is; by sampling date within
    the last week, most were never news."""
    import random

    rng = random.Random(7)
    first_night = DAY - timedelta(days=34)
    samples = []
    for m in range(17):
        for k in range(2):
            sampled = first_night + timedelta(days=m - 10 + 9 * k)
            samples.append(dict(failed=True, uscc=f"91610000MA{m:06d}RF", items="标识", date=sampled,
                                arrived=sampled + timedelta(days=rng.randint(5, 15))))
    for m in range(40):
        sampled = first_night + timedelta(days=rng.randint(0, 20))
        samples.append(dict(failed=True, uscc=f"91610000MA{m:06d}ON", items="标识", date=sampled,
                            arrived=sampled + timedelta(days=rng.randint(5, 15))))
    _load(engine, samples)
    found: dict[str, date] = {}
    with engine.connect() as conn:
        for night in (first_night + timedelta(days=d) for d in range(35)):
            for s in detect_repeat_failures(conn, night).signals:
                found.setdefault(s["series"], night)
    assert sorted(found) == sorted(f"91610000MA{m:06d}RF" for m in range(17))
    landed = {m: max(s["arrived"] for s in samples if s["uscc"] == m) for m in found}
    assert found == landed  # each the night its second result landed, not before (a replay knows only what had arrived)


def test_a_repeat_failure_names_the_counties_its_failed_samples_were_taken_in(engine) -> None:
    _load(engine, [dict(failed=True, uscc=MAKER, items="标识", date=DAY - timedelta(days=40), region="610113"),
                   dict(failed=True, uscc=MAKER, items="小零件", date=DAY - timedelta(days=1), region="610102"),
                   dict(failed=True, uscc=MAKER, items="小零件", date=DAY - timedelta(days=2), region="610100")])
    with engine.connect() as conn:
        found, = detect_repeat_failures(conn, DAY).signals
    assert sorted(found["evidence"]["places"]) == ["610102", "610113"]  # 610100: the city only, no county
