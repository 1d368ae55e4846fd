"""The method registry: every detector declared once, read by detection, levels, episodes, digests, the
demo's check and detect-series; and a detector added as docs/detectors.md says (one module, one entry)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from surveillance.alerts.digest import digest_rows
from surveillance.cli import build_parser
from surveillance.demo.check import EXPECTED_DETECTOR, STATISTICAL, expected_methods
from surveillance.nightly import night_warnings
from surveillance.signals import registry
from surveillance.signals.detect import detect_day
from surveillance.signals.episodes import episode_key
from surveillance.signals.registry import DETECTORS, DOMAINS, METHODS, Detector, Method, level_of
from surveillance.warehouse.models import DetectorRun, FoodResult, Signal
from tests.conftest import add_batch

DAY = date(2026, 11, 25)


def test_every_nightly_method_is_fully_declared() -> None:
    names = [m.name for d in DETECTORS for m in d.methods]
    assert len(names) == len(set(names)) == 10
    for d in DETECTORS:
        assert d.domain in DOMAINS and callable(d.run)  # the function the entry names exists
        for m in d.methods:
            assert m.label and m.level is not None and registry.DOMAIN_OF[m.name] == d.domain
    assert {registry.episode_family(m) for m in ("farrington-flexible", "ears-c2")} == {"counts"}
    assert registry.episode_family("trend-mk") == "trend-mk"


def test_statistical_methods_are_the_tests_not_the_facts() -> None:
    assert set(STATISTICAL) == {"farrington-flexible", "ears-c2", "disproportionality", "failure-rate",
                                "exceedance-rate", "unusual-profile", "trend-mk"}
    assert expected_methods("injury_cluster") == ("farrington-flexible", "ears-c2")
    assert all(expected_methods(event) for event in EXPECTED_DETECTOR)


def test_detect_series_offers_the_registrys_series_methods() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["detect-series"]
    method = next(a for a in sub._actions if a.dest == "method")
    assert list(method.choices) == list(registry.series_methods())
    assert set(method.choices) == {"farrington-flexible", "farrington-accumulated", "ears-c1", "ears-c2", "ears-c3", "cusum",
                                   "nb-glm"}
    assert all(callable(registry.METHODS[m].run_series) for m in method.choices)


def test_a_method_without_a_level_rule_is_refused() -> None:
    with pytest.raises(KeyError, match=r"register it in signals/registry\.py"):
        level_of(dict(method="no-such-method", domain="food"))


def _food(engine, values: list[float]) -> None:
    with engine.begin() as conn:
        add_batch(conn, "food", DAY)
        conn.execute(insert(FoodResult), [
            dict(sample_id=f"F{i}", sampling_date=DAY - timedelta(days=1), region_code="610102",
                 jurisdiction_code="610100", food_category="F01", food_name="大米", sampling_stage="流通",
                 analyte="CD", result_raw=str(v), result_value=v, censored=False, unit="mg/kg", limit_value=0.2,
                 exceeds_limit=v > 0.2, row_hash=f"h{i}", batch_id=1) for i, v in enumerate(values)])


def _register(monkeypatch: pytest.MonkeyPatch, entry: Detector) -> None:
    monkeypatch.setattr(registry, "DETECTORS", (*DETECTORS, entry))
    monkeypatch.setattr(registry, "METHODS", {**METHODS, **{m.name: m for m in entry.methods}})
    monkeypatch.setattr(registry, "DOMAIN_OF", {**registry.DOMAIN_OF, **{m.name: entry.domain for m in entry.methods}})


def test_a_detector_added_with_one_module_and_one_entry_runs_every_night(engine, settings, monkeypatch) -> None:
    """The worked example of docs/detectors.md: the night runs it, stores its signals with the level its
    rule gives, places them in episodes of its family, labels them in the digest, records its figures."""
    _register(monkeypatch, Detector("food", "half-limit", "tests.signals.example_detector:detect_half_limit", (
        Method("half-limit", "接近限量（超过限量一半）", statistical=False, level=lambda s: 4),)))
    _food(engine, [0.05, 0.15, 0.12, 0.3])
    summary = detect_day(engine, DAY, ("food",))
    assert summary["detectors"]["food/half-limit"] == {"results_read": 4, "expected_false_alarms": 0.0, "signals": 3}
    with engine.connect() as conn:
        mine = [r._asdict() for r in conn.execute(select(Signal).where(Signal.method == "half-limit"))]
        figures = conn.execute(select(DetectorRun.signals).where(DetectorRun.detector == "food/half-limit")).scalar_one()
    assert sorted(s["signal_key"] for s in mine) == ["food|half-limit|F1", "food|half-limit|F2", "food|half-limit|F3"]
    assert {s["level"] for s in mine} == {4} and figures == 3
    assert episode_key(mine[0]) == "food|half-limit|F01|CD"
    rows = digest_rows([dict(s, evidence={}) for s in mine], {})
    assert {r[4] for r in rows} == {"接近限量（超过限量一半）"}
    assert summary["output_check"]["ok"]


def test_a_broken_detector_fails_the_output_check_and_the_nights_verdict(engine, settings, monkeypatch) -> None:
    _register(monkeypatch, Detector("food", "broken", "tests.signals.example_detector:detect_broken", (
        Method("broken", "坏", statistical=True, level=lambda s: 4),)))
    summary = detect_day(engine, DAY, ("food",))
    errors = summary["output_check"]["errors"]
    assert not summary["output_check"]["ok"] and len(errors) == 2
    assert "food|broken|a: threshold not a finite number" in errors[0] and "threshold 1 below expected 2" in errors[1]
    warnings = night_warnings(settings, DAY)  # what the DAG's verdict fails on and the operator's email lists
    assert [w for w in warnings if "[food/broken]" in w] == errors
    assert any("[injury/counts]" in w and "no figures recorded" in w for w in warnings)  # injury was not detected
