"""Each product-safety signal fires on the demo's injected event and stays quiet on the clean demo;
the demo's false alarms are counted and set beside the nights' expected figure."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from surveillance.cli import main
from surveillance.demo.check import STATISTICAL, check_events, false_alarms
from surveillance.signals.detectors.food import detect_exceedances, hazard_rank
from surveillance.warehouse.models import Signal

pytestmark = pytest.mark.slow

NEW_METHODS = ["disproportionality", "failure-rate", "new-failed-item", "exceedance-rate", "unusual-profile", "trend-mk"]


def signals(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(Signal.method, Signal.series, Signal.level, Signal.evidence)).all()
    return pd.DataFrame(rows, columns=["method", "series", "level", "evidence"])


def test_every_injected_event_is_found_by_its_own_method(demo) -> None:
    settings, engine, _, _ = demo
    events = check_events(engine, settings.demo_truth)
    assert len(events) == 8
    assert [e["event"] for e in events if not e["found"]] == []


def test_the_clean_demo_raises_none_of_the_injected_signals(clean_demo) -> None:
    settings, engine, _, _ = clean_demo
    assert pd.read_csv(settings.demo_truth).empty
    found = signals(engine)
    assert found[found["method"].isin(NEW_METHODS)].empty, found[found["method"].isin(NEW_METHODS)]
    # nor the cluster: no count signal for e-bike batteries anywhere
    assert not found["series"].str.startswith("P0401|").any()
    # repeat failures are facts, not tests: the clean demo has a few chance repeat offenders, each real
    for evidence in found[found["method"] == "repeat-failure"]["evidence"]:
        assert len(json.loads(evidence)["samples"]) >= 2


def test_injury_pattern_is_new_for_the_product_not_its_usual_injury(demo) -> None:
    _, engine, _, _ = demo
    found = signals(engine)
    patterns = found[found["method"] == "disproportionality"]
    assert set(patterns["series"]) <= {"P0101|nature:内脏器官伤", "P0101|body:躯干"}
    evidence = json.loads(patterns[patterns["series"] == "P0101|nature:内脏器官伤"]["evidence"].iloc[-1])
    assert evidence["prr"] >= 2 and evidence["chi2"] >= 4 and evidence["a"] >= 3  # Evans
    assert evidence["ror_low"] > 1 and evidence["ic025"] > 0
    # kettles burn and knives cut every year: never a signal
    assert not found["series"].str.contains("nature:烧烫伤|nature:锐器伤").any()


def test_classifier_puts_uncoded_reports_into_the_cluster(demo) -> None:
    settings, engine, spec, _ = demo
    found = signals(engine)
    cluster = found[(found["series"] == "P0401|610300") & found["method"].isin(["farrington-flexible", "ears-c2"])]
    proposed = [json.loads(e)["proposed_by_classifier"] for e in cluster["evidence"]]
    assert max(proposed) > 0
    nights = [json.loads(settings.detect_summary_path(spec.daily_start + timedelta(days=i)).read_text(encoding="utf-8"))
              ["detectors"]["injury/classifier"] for i in range(spec.daily_days)]
    first = nights[0]  # the history's uncoded reports, proposed on the first night; later nights only their own
    assert first["used"] and first["accuracy_confident"] >= 0.95 and first["held_out"] > 1000
    assert first["pending"] > 1000 and first["proposed"] > 0.9 * first["pending"]
    assert all(n["pending"] < 100 and (n["pending"] == 0 or n["used"]) for n in nights[1:])


def test_exceedances_are_ranked_by_hazard(demo) -> None:
    _, engine, spec, _ = demo
    with engine.connect() as conn:
        ranked = detect_exceedances(conn, spec.end).signals
    ranks = [s["evidence"]["hazard_rank"] for s in ranked]
    assert len(set(ranks)) > 1 and ranks == sorted(ranks)
    assert hazard_rank("pathogen", 1, True, False, "流通") == 1
    assert hazard_rank("pathogen", 1, False, False, "学校食堂") == 1
    assert hazard_rank("mycotoxin", 1, False, True, "流通") == 1
    assert hazard_rank("mycotoxin", 1, False, False, "流通") == 2
    assert hazard_rank("contaminant", 2, True, True, "流通") == 3


def test_false_alarm_figure_for_the_demo(demo, clean_demo, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for settings, engine, spec, runs in (demo, clean_demo):
        fa = false_alarms(engine, settings.demo_truth, settings.reports)
        assert fa["nights"] == spec.daily_days
        assert fa["expected_per_night"] > 0
        nightly = [r["detect"]["expected_false_alarms"] for r in runs.values()]
        assert fa["expected"] == pytest.approx(sum(nightly), abs=0.05)
        assert all(s["method"] in STATISTICAL for s in fa["signals"])
        assert fa["false_alarms"] == sum(fa["by_method"].values())
        assert 0 <= fa["sent"] <= fa["false_alarms"]
    # on the clean demo every statistical signal is a false alarm
    settings, engine, _, _ = clean_demo
    assert false_alarms(engine, settings.demo_truth, settings.reports)["false_alarms"] == \
        signals(engine)["method"].isin(STATISTICAL).sum()
    settings = demo[0]
    monkeypatch.setenv("SURVEILLANCE_HOME", str(settings.home))
    monkeypatch.setenv("SURVEILLANCE_DB_URL", settings.db_url)
    assert main(["demo-check"]) == 0
    out = capsys.readouterr().out
    assert out.count("FOUND as signal") == 8
    assert "false alarms (statistical signals no injected event explains)" in out and "per night" in out
    assert "sent to agencies" in out
