"""The injury scan (not yet nightly) on the demo: it finds the injected battery-fire cluster in 宝鸡's
counties, with its serious cases, and finds nothing on the clean twin; every reported cluster names its
places, weeks, counts and p-value."""

from __future__ import annotations

import pytest

from surveillance.demo.generate import CLUSTER_CITY, CLUSTER_PRODUCT
from surveillance.reference import jurisdiction_of
from surveillance.signals.detectors.injury_scan import detect_injury_scan

pytestmark = pytest.mark.slow


def test_the_scan_finds_the_injected_cluster_in_its_city_and_nothing_on_the_clean_demo(demo, clean_demo) -> None:
    _, engine, spec, _ = demo
    with engine.connect() as conn:
        found = detect_injury_scan(conn, spec.end).signals
    assert found, "the injected cluster was not found"
    top = found[0]
    assert top["category_code"] == CLUSTER_PRODUCT and top["jurisdiction_code"] == CLUSTER_CITY
    assert all(jurisdiction_of()[p] == CLUSTER_CITY for p in top["evidence"]["places"])
    assert top["observed"] > 3 * top["expected"] and top["evidence"]["p_value"] <= 0.05
    assert {s["category_code"] for s in found} <= {CLUSTER_PRODUCT, "G04", "all"}  # nothing else in the province

    _, clean_engine, clean_spec, _ = clean_demo
    with clean_engine.connect() as conn:
        detection = detect_injury_scan(conn, clean_spec.end)
    assert detection.signals == [] and detection.figures["clusters_scanned"] > 100_000
