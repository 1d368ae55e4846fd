"""surveillance detect-series: an analyst's wide CSV in, a long CSV out, same numbers as the library."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveillance.cli import main
from surveillance.signals.methods.ears import ears


def _wide(path: Path) -> Path:
    rng = np.random.default_rng(3)
    dates = pd.date_range("2026-01-05", periods=30, freq="W-MON").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date": dates, "A": rng.poisson(4, 30), "B": rng.poisson(9, 30).astype(float)})
    frame.loc[29, "A"] = 30
    frame.loc[3, "B"] = np.nan  # an empty cell: a missing count
    frame.to_csv(path, index=False)
    return path


def test_detect_series_writes_the_long_table(tmp_path: Path, capsys) -> None:
    src = _wide(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    assert main(["detect-series", str(src), "--method", "ears-c2", "--output", str(out), "--last", "5", "--alpha", "0.01"]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["date", "series", "observed", "expected", "threshold", "alarm", "score"]
    assert len(table) == 10 and set(table["series"]) == {"A", "B"}
    wide = pd.read_csv(src)
    reference = ears(wide[["A", "B"]].to_numpy(dtype=float).T, "C2", alpha=0.01, last=5)
    np.testing.assert_allclose(table["threshold"].to_numpy(), reference.threshold.ravel())
    last_a = table[(table["series"] == "A")].iloc[-1]
    assert last_a["date"] == wide["date"].iloc[-1] and last_a["observed"] == 30 and last_a["alarm"] == 1
    assert "1 alarm" in capsys.readouterr().out or table["alarm"].sum() >= 1


def test_missing_counts_leave_thresholds_undefined_not_zero(tmp_path: Path) -> None:
    src = _wide(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    assert main(["detect-series", str(src), "--method", "ears-c1", "--output", str(out)]) == 0
    b = pd.read_csv(out).query("series == 'B'")
    # week index 3 is missing: the C1 windows holding it (weeks 7 .. 10, the first four evaluated) have no threshold
    assert b["threshold"].iloc[:4].isna().all() and (b["alarm"].iloc[:4] == 0).all() and b["threshold"].iloc[4:].notna().all()


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("week,A\n1,2\n", encoding="utf-8")
    assert main(["detect-series", str(bad), "--method", "ears-c1", "--output", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    short = tmp_path / "short.csv"
    short.write_text("date,A\n2026-01-05,1\n2026-01-12,2\n", encoding="utf-8")
    assert main(["detect-series", str(short), "--method", "ears-c3", "--output", str(tmp_path / "o.csv")]) == 2
    assert "needs at least 12 periods" in capsys.readouterr().err


def test_farrington_through_the_command_line_matches_the_library(tmp_path: Path) -> None:
    from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible

    rng = np.random.default_rng(5)
    weeks = 52 * 5 + 30
    frame = pd.DataFrame({"date": pd.date_range("2020-01-06", periods=weeks, freq="W-MON").strftime("%Y-%m-%d"),
                          "x": rng.poisson(8, weeks), "y": rng.poisson(3, weeks)})
    frame.loc[weeks - 1, "x"] = 40
    src, out = tmp_path / "w.csv", tmp_path / "o.csv"
    frame.to_csv(src, index=False)
    args = ["detect-series", str(src), "--method", "farrington-flexible", "--output", str(out), "--last", "10", "--b", "4",
            "--no-periods", "10", "--past-weeks-not-included", "26", "--p-threshold-trend", "1", "--threshold-method", "nbPlugin",
            "--alpha", "0.1"]
    assert main(args) == 0
    table = pd.read_csv(out)
    control = FarringtonControl(b=4, no_periods=10, past_weeks_not_included=26, p_threshold_trend=1,
                                threshold_method="nbPlugin", alpha=0.1)
    ref = farrington_flexible(frame[["x", "y"]].to_numpy(float).T, control, last=10, dates=frame["date"].tolist())
    np.testing.assert_allclose(table["threshold"].to_numpy(), ref.threshold.ravel())
    assert table.query("series == 'x'")["alarm"].iloc[-1] == 1
    # the dates' reference weeks (4 years: 209 weeks back) are not the index rule's (208)
    by_index = farrington_flexible(frame[["x", "y"]].to_numpy(float).T, control, last=10)
    assert not np.allclose(by_index.threshold.ravel(), ref.threshold.ravel())
    assert main([*args, "--reference-weeks", "index", "--output", str(tmp_path / "i.csv")]) == 0
    np.testing.assert_allclose(pd.read_csv(tmp_path / "i.csv")["threshold"].to_numpy(), by_index.threshold.ravel())
    assert main([*args[:6], "--last", "200", "--b", "5"]) == 2  # 290 weeks cannot hold 5 years + 200 evaluated


def test_cusum_through_the_command_line(tmp_path: Path) -> None:
    from surveillance.signals.methods.cusum import cusum

    src, out = _wide(tmp_path / "in.csv"), tmp_path / "o.csv"
    assert main(["detect-series", str(src), "--method", "cusum", "--output", str(out), "--last", "8", "--trans", "rossi"]) == 0
    table = pd.read_csv(out)
    wide = pd.read_csv(src)
    ref = cusum(wide[["A"]].to_numpy(float).T, 8, trans="rossi")
    np.testing.assert_allclose(table.query("series == 'A'")["score"].to_numpy(), ref.score[0])
    assert main(["detect-series", str(src), "--method", "cusum", "--output", str(out)]) == 2  # needs --last
    # m = "glm" with the negative-binomial Anscombe residuals; the GLM's weeks count from the first date's ISO week
    assert main(["detect-series", str(src), "--method", "cusum", "--output", str(out), "--last", "8",
                 "--m", "glm", "--trans", "anscombeNegBin"]) == 0
    start = int(pd.Timestamp(wide["date"].iloc[0]).isocalendar().week)
    ref = cusum(wide[["A"]].to_numpy(float).T, 8, m="glm", trans="anscombeNegBin", start=start)
    np.testing.assert_allclose(pd.read_csv(out).query("series == 'A'")["score"].to_numpy(), ref.score[0])
    with pytest.raises(SystemExit):
        main(["detect-series", str(src), "--method", "cusum", "--output", str(out), "--last", "8", "--m", "mean"])


def test_nb_glm_through_the_command_line(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    weeks = 52 * 4
    t = np.arange(1, weeks + 1)
    mean = 10 * np.exp(0.4 * np.sin(2 * np.pi * t / 52))
    frame = pd.DataFrame({"date": pd.date_range("2022-01-03", periods=weeks, freq="W-MON").strftime("%Y-%m-%d"),
                          "x": rng.negative_binomial(5, 5 / (5 + mean))})
    frame.loc[weeks - 1, "x"] = int(mean[-1] * 4)
    src, out = tmp_path / "w.csv", tmp_path / "o.csv"
    frame.to_csv(src, index=False)
    assert main(["detect-series", str(src), "--method", "nb-glm", "--output", str(out), "--last", "8"]) == 0
    table = pd.read_csv(out)
    assert len(table) == 8 and table["alarm"].iloc[-1] == 1 and table["alarm"].iloc[:-1].sum() <= 1
    assert np.allclose(table["expected"], mean[-8:], rtol=0.35)  # the seasonal curve is recovered
