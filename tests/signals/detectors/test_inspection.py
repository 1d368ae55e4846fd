"""Inspection signals on constructed samples: new failed items and failure rates by category x city."""

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import insert

from surveillance.signals.detectors.inspection import detect_failure_rates, detect_new_failed_items, split_items
from surveillance.signals.detectors.tuning import INSPECTION
from surveillance.warehouse.models import InspectionResult
from tests.conftest import add_batch

DAY = date(2026, 11, 26)


def _load(engine, samples: list[dict]) -> None:
    rows = [dict(sample_id=f"S{i}", region_code=s.get("region", "610102"), jurisdiction_code=s.get("city", "610100"),
                 product_category=s.get("category", "P0101"), product_name="儿童玩具", manufacturer_name="厂",
                 manufacturer_uscc=f"91610000MA{i:08d}", sampling_stage="流通", inspection_agency="所",
                 verdict="不合格" if s["failed"] else "合格", failed=s["failed"], failed_items=s.get("items", ""),
                 sampling_date=s["date"], row_hash="x", batch_id=1) for i, s in enumerate(samples)]
    with engine.begin() as conn:
        add_batch(conn, "inspection", DAY)
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
    assert stats["cells_tested"] == 4 and stats["expected_false_alarms"] == 0.0
