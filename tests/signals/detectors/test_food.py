"""Food signals judged by arrival: an exceedance is news the night its result lands, whenever it was sampled."""

from datetime import date, timedelta

from sqlalchemy import insert

from surveillance.signals.detectors.food import detect_exceedances
from surveillance.signals.detectors.tuning import FOOD, NEWS
from surveillance.warehouse.models import FoodResult
from tests.conftest import add_batch

DAY = date(2026, 11, 26)


def _cadmium(engine, results: list[tuple[str, date, date]], verdicts: dict[str, str] | None = None) -> None:
    """(sample id, sampling date, night its result arrived): rice with cadmium at 0.5 mg/kg (limit 0.2);
    ``verdicts``: the lab's own verdict by sample id (none given otherwise)."""
    nights = sorted({arrived for _, _, arrived in results})
    with engine.begin() as conn:
        for n, night in enumerate(nights, 1):
            add_batch(conn, "food", night, n, run_day=night)
        conn.execute(insert(FoodResult), [
            dict(sample_id=sid, sampling_date=sampled, region_code="610102", jurisdiction_code="610100",
                 food_category="F01", food_name="大米", sampling_stage="流通", analyte="CD", result_raw="0.5",
                 result_value=0.5, censored=False, unit="mg/kg", limit_value=0.2, exceeds_limit=True,
                 row_hash=sid, batch_id=nights.index(arrived) + 1, sender_verdict=(verdicts or {}).get(sid))
            for sid, sampled, arrived in results])


def test_an_exceedance_arriving_after_the_lookback_is_news_the_night_it_lands(engine) -> None:
    late = FOOD.lookback_days + 10  # sampled longer ago than the lookback: missed by a rule on sampling dates
    _cadmium(engine, [("LATE", DAY - timedelta(days=late), DAY), ("PROMPT", DAY - timedelta(days=2), DAY - timedelta(days=1))])
    with engine.connect() as conn:
        tonight = detect_exceedances(conn, DAY).signals
        before = detect_exceedances(conn, DAY - timedelta(days=1)).signals
        after = detect_exceedances(conn, DAY + timedelta(days=FOOD.lookback_days)).signals
    assert sorted(s["evidence"]["sample_id"] for s in tonight) == ["LATE", "PROMPT"]
    assert [s["evidence"]["sample_id"] for s in before] == ["PROMPT"]  # LATE had not arrived yet
    assert after == []
    late_signal = next(s for s in tonight if s["evidence"]["sample_id"] == "LATE")
    assert late_signal["evidence"]["arrived_on"] == DAY.isoformat()
    assert f"{DAY - timedelta(days=late):%Y-%m-%d}抽样" in late_signal["title"] and f"{DAY:%Y-%m-%d}结果到达" in late_signal["title"]


def test_an_exceedance_in_a_first_load_of_old_files_is_history(engine) -> None:
    _cadmium(engine, [("OLD", DAY - timedelta(days=NEWS.late_days + 1), DAY)])
    with engine.connect() as conn:
        assert detect_exceedances(conn, DAY).signals == []


def test_the_evidence_states_a_disagreement_only_where_the_lab_gave_a_verdict(engine) -> None:
    """A lab that gave no verdict does not disagree with the limit: no such statement reaches the agencies."""
    _cadmium(engine, [("NONE", DAY, DAY), ("AGREES", DAY, DAY), ("DISAGREES", DAY, DAY)],
             verdicts={"AGREES": "不合格", "DISAGREES": "合格"})
    with engine.connect() as conn:
        evidence = {s["evidence"]["sample_id"]: (s["evidence"], s["title"]) for s in detect_exceedances(conn, DAY).signals}
    none, _ = evidence["NONE"]
    assert "verdicts_disagree" not in none and "sender_verdict" not in none
    assert evidence["AGREES"][0]["verdicts_disagree"] is False and evidence["AGREES"][0]["sender_verdict"] == "不合格"
    assert evidence["DISAGREES"][0]["verdicts_disagree"] is True and "请核对" in evidence["DISAGREES"][1]
    assert "请核对" not in evidence["NONE"][1] and "请核对" not in evidence["AGREES"][1]


def test_an_exceedance_names_the_county_its_sample_was_taken_in(engine) -> None:
    """The county (新城区 610102) is what routes the signal to that county's market regulation bureau and
    colours it on the map; a sample placed only in its city names no county."""
    _cadmium(engine, [("COUNTY", DAY, DAY)])
    with engine.connect() as conn:
        signal, = detect_exceedances(conn, DAY).signals
    assert signal["evidence"]["places"] == ["610102"] and signal["jurisdiction_code"] == "610100"
    with engine.begin() as conn:
        conn.execute(FoodResult.__table__.update().values(region_code="610100"))
    with engine.connect() as conn:
        assert detect_exceedances(conn, DAY).signals[0]["evidence"]["places"] == []
