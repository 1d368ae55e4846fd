"""The lattice evaluation: clusters go where their shape says, both methods find a strong one and are
scored for it, the measures and the matched level by hand, and the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from surveillance.cli import main
from surveillance.demo.generate import SERIOUS_SHARE
from surveillance.evaluation import lattice as lat


@pytest.fixture(scope="module")
def base() -> lat.Baseline:
    return lat.baseline(5)


def test_the_baseline_is_the_demo_s_sentinel_lattice(base) -> None:
    lay = base.layout
    assert base.mean.shape == (len(lay.leaves), len(lay.codes), len(base.dates))
    with_cases = np.flatnonzero(base.mean.sum(axis=(0, 2)) > 0)
    assert 0 < len(with_cases) <= 20  # the demo's at most 20 sentinel hospitals' counties
    assert all(d.weekday() == 0 for d in base.dates) and base.dates[-1] == lat.LAST_WEEK
    counts = lat.simulate(base, np.random.default_rng(1))
    n = len(lay.leaves)
    assert (counts[n:] <= counts[:n]).all()  # serious cases are cases
    share = counts[n:].sum() / counts[:n].sum()
    assert share == pytest.approx(SERIOUS_SHARE, abs=0.01)
    # overdispersed as drawn: the all-cases total of a big cell varies more than its mean
    big = np.unravel_index(np.argmax(base.mean[:, :, :52].mean(axis=2)), base.mean.shape[:2])
    draws = np.array([lat.simulate(base, np.random.default_rng(s))[big][:52] / base.mean[big][:52] for s in range(30)])
    assert draws.var() * base.mean[big][:52].mean() > 1.0


@pytest.mark.parametrize("shape", lat.SHAPES)
def test_clusters_fall_where_their_shape_says(base, shape) -> None:
    lay, rng = base.layout, np.random.default_rng(11)
    where = lat.locate(base, shape, rng)
    cities = {int(lay.place_city[p]) for p in where.places if base.mean[where.leaves][:, p].sum() > 0}
    if shape == "cell":
        assert len(where.leaves) == len(where.places) == 1
    elif shape == "group-city":
        assert len(where.leaves) > 1 and len({int(lay.place_city[p]) for p in where.places}) == 1
    elif shape == "product-two-cities":
        assert len(where.leaves) == 1 and len(cities) >= 2
    else:
        assert where.serious and len({int(lay.place_city[p]) for p in where.places}) == 1
    clean = lat.simulate(base, rng)
    counts, cells = lat.inject(base, clean, where, 4, 2, rng)
    added = counts - clean
    n, weeks = len(lay.leaves), clean.shape[2]
    assert added.min() == 0 and added.sum() > 0
    assert not added[..., : weeks - lat.EVALUATED].any() and not added[..., weeks - lat.EVALUATED + 2:].any()
    assert not added[~cells].any()  # cases only in the cluster's cells and weeks
    if shape == "serious":
        np.testing.assert_array_equal(added[:n], added[n:])  # every extra case serious
    else:
        assert added[n:].sum() < added[:n].sum()


def test_both_methods_find_a_strong_cluster_and_score_it(base) -> None:
    rng = np.random.default_rng([5, 1, 0])
    clean = lat.simulate(base, rng)
    default, scan = lat.Default(base, clean), lat.Scan(base, clean, 99, rng)
    where = lat.locate(base, "group-city", np.random.default_rng(2))
    counts, cells = lat.inject(base, clean, where, 6, 2, rng)
    for method in (default, scan):
        nights = method.nights(counts, cells, 2)
        assert len(nights) == 2
        assert any(n.true for n in nights) and np.nanmin([n.level_true for n in nights]) <= 0.05
        clean_night = method.nights(clean, None, 1)[0]
        assert clean_night.true == 0 and np.isnan(clean_night.level_true)


def night(true: int = 0, false: int = 0, level_true: float = np.nan, level_false: float = np.nan) -> lat.Night:
    return lat.Night(true, false, level_true, level_false)


def test_measures_and_the_matched_level_by_hand() -> None:
    raw = {"clean": {"scan": [night(false=1, level_false=0.01), night(level_false=0.3), night(level_false=0.2),
                              night(level_false=0.6)],
                     "farrington-bh": [night(), night(), night(), night(false=1, level_false=0.02)]},
           "clustered": {"scan": [("cell", 3, 2, 0, [night(level_true=0.2), night(true=1, level_true=0.01)]),
                                  ("cell", 3, 2, 1, [night(false=1, level_false=0.04), night()])],
                         "farrington-bh": [("cell", 3, 2, 0, [night(true=1, level_true=0.001), night()]),
                                           ("cell", 3, 2, 1, [night(), night()])]}}
    nightly = lat._measures(raw, "scan", None)
    assert nightly["false_nights"] == 0.25
    assert nightly["table"] == [dict(shape="cell", size=3, duration=2, pod=0.5, weeks_to_detection=2.0, ppv=0.5,
                                     clusters=2)]
    assert lat._measures(raw, "farrington-bh", None)["table"][0]["weeks_to_detection"] == 1.0
    # at 0.25 false nights the scan may signal on one of its four clean nights: below its second smallest level
    level = lat.matched_level(raw, "scan", 0.25)
    assert 0.01 <= level < 0.2
    at = lat._measures(raw, "scan", level)
    assert at["false_nights"] == 0.25 and at["table"][0]["pod"] == 0.5
    assert lat._measures(raw, "scan", 0.25)["table"][0]["weeks_to_detection"] == 1.0  # 0.2 <= 0.25: the first week
    assert lat.matched_level(raw, "scan", 1.0) == 1.0
    result = lat.measures(raw)
    at_default = result["matched"][0]
    assert at_default["false_nights"] == 0.25 and at_default["pod"] == {"cell": {"scan": 0.5, "farrington-bh": 0.5}}
    at_target = result["matched"][1]  # 0.05 of four nights: neither may signal on a clean night
    assert at_target["observed_false_nights"] == {"scan": 0.0, "farrington-bh": 0.0}
    assert at_target["pod"] == {"cell": {"scan": 0.0, "farrington-bh": 0.5}}
    assert result["scan_beats_default"] is False


def test_the_command_line_writes_the_table_the_json_and_the_plot(tmp_path, capsys) -> None:
    assert main(["evaluate", "--lattice", "--replicates", "1", "--null-replicates", "19", "--seed", "3",
                 "--output-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "product-two-cities" in out and "false nights per night" in out
    data = json.loads((tmp_path / "lattice_evaluation.json").read_text(encoding="utf-8"))
    assert {r["shape"] for r in data["nightly"]["scan"]["table"]} == set(lat.SHAPES)
    assert len(data["nightly"]["scan"]["table"]) == len(lat.SHAPES) * len(lat.SIZES) * len(lat.DURATIONS)
    assert (tmp_path / "lattice_pod.png").stat().st_size > 1000
    assert main(["evaluate", "--lattice", "--null-replicates", "5"]) == 2


def test_the_oracle_signals_a_strong_cluster_at_once_and_a_clean_one_at_its_level(base) -> None:
    rng = np.random.default_rng(8)
    where = lat.locate(base, "group-city", rng)
    clean = lat.simulate(base, rng)
    counts, _ = lat.inject(base, clean, where, 8, 1, rng)
    assert lat.oracle_week(base, counts, where, 1) == 1
    # on clean lattices its one test a night signals at about its level, never far above it
    found = [lat.oracle_week(base, lat.simulate(base, rng), lat.locate(base, "cell", rng), 1) for _ in range(300)]
    assert sum(w is not None for w in found) / 300 <= 0.05 + 3 * (0.05 * 0.95 / 300) ** 0.5
    assert lat.oracle_table([("cell", 3, 2, 0, 2), ("cell", 3, 2, 1, None)]) == [
        dict(shape="cell", size=3, duration=2, pod=0.5, weeks_to_detection=2.0, clusters=2)]
