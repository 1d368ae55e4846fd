"""The analyst's command line: ingest output and exit codes, quarantine list and export."""

import csv
import io
import json
from pathlib import Path

import pytest

from surveillance.cli import main
from tests.conftest import INJURY_HEADER_ZH, injury_row, write_csv


def _files(tmp_path: Path) -> tuple[Path, Path]:
    good = write_csv(tmp_path / "good.csv", INJURY_HEADER_ZH, [
        injury_row("R1"), injury_row("R2", sex="?", narrative="=1+2"), injury_row("R3", narrative="=cmd|' /C calc'!A0")])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary\x00" * 100)
    return good, bad


def test_ingest_json_reports_each_file_and_exits_2_on_a_rejection(settings, tmp_path: Path, capsys) -> None:
    good, bad = _files(tmp_path)
    code = main(["ingest", "--source", "injury", "--json", "--day", "2026-11-26", "--today", "2026-11-27", str(good), str(bad)])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    first, second = out["files"]
    assert (first["status"], first["rows_read"], first["rows_loaded"], first["rows_quarantined"], first["rows_duplicate"]) == (
        "accepted", 3, 2, 1, 0)
    assert second["status"] == "rejected" and second["error"] == "binary content, not a text CSV"
    assert out["totals"]["rejected"] == 1
    assert out["data_docs"] and Path(out["data_docs"]).exists()
    assert Path(out["data_docs"]).is_relative_to(settings.reports / "2026-11-26")
    assert main(["ingest", "--source", "injury", "--json", str(good)]) == 0  # all accepted (already ingested)


def test_ingest_text_output_has_one_line_per_file_and_the_data_docs_path(settings, tmp_path: Path, capsys) -> None:
    good, bad = _files(tmp_path)
    assert main(["ingest", "--source", "injury", "--today", "2026-11-27", str(good), str(bad)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[1/2] accepted ") and "read 3 = loaded 2 + quarantined 1 + duplicate 0" in out[0]
    assert out[1] == f"[2/2] REJECTED {bad}: binary content, not a text CSV"
    assert out[-1].startswith("GX Data Docs: ") and out[-1].endswith("index.html")


def test_quarantine_list_and_export(settings, tmp_path: Path, capsys) -> None:
    good, _ = _files(tmp_path)
    main(["ingest", "--source", "injury", "--today", "2026-11-27", str(good)])
    capsys.readouterr()
    assert main(["quarantine", "list", "--source", "injury"]) == 0
    listed = capsys.readouterr().out
    assert "good.csv row 2: sex: expect_column_values_to_be_in_set (value '?')" in listed
    out = tmp_path / "q.csv"
    assert main(["quarantine", "export", "--source", "injury", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["行号"] == "2" and "expect_column_values_to_be_in_set" in rows[0]["原因"]
    assert rows[0]["report_id"] == "R2" and rows[0]["sex"] == "?" and rows[0]["narrative"] == "'=1+2"  # never evaluated
    jl = tmp_path / "q.jsonl"
    assert main(["quarantine", "export", "--format", "jsonl", "-o", str(jl)]) == 0
    record = json.loads(jl.read_text(encoding="utf-8").splitlines()[0])
    assert record["raw"]["report_id"] == "R2" and record["reasons"][0]["column"] == "sex"


def test_help_describes_ingest(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    text = capsys.readouterr().out
    assert "--sheet" in text and "rows read = loaded + quarantined + duplicate" in text


def test_layouts_lists_and_checks_and_ingest_can_force_one(settings, tmp_path: Path, capsys, monkeypatch) -> None:
    from tests.ingest.sender_files import card, write_card_csv

    registry = tmp_path / "h.csv"
    registry.write_text("hospital_code,hospital_name,region_code\nH001,示例医院,610104\n", encoding="utf-8")
    monkeypatch.setenv("SURVEILLANCE_HOSPITALS", str(registry))
    assert main(["layouts"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in ("injury-card", "food-announcement", "food-sampling-export",
                                           "inspection-samr-national", "inspection-provincial", "native-food"))
    cards = write_card_csv(tmp_path / "cards.csv", [card("H001", "C1")])
    odd = write_csv(tmp_path / "odd.csv", ["甲", "乙"], [["1", "2"]])
    assert main(["layouts", "check", str(cards), str(odd)]) == 2
    out = capsys.readouterr().out
    assert "layout injury-card" in out and "derived  region_code" in out and "odd.csv:" in out
    args = ["ingest", "--source", "injury", "--json", "--day", "2026-11-26", "--today", "2026-11-27"]
    assert main([*args, "--layout", "native-injury", str(cards)]) == 2  # forced: the card lacks the contract's columns
    forced = json.loads(capsys.readouterr().out)["files"][0]
    assert forced["status"] == "rejected" and "missing required columns" in forced["error"]
    assert main([*args, str(cards)]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["layout"] == "injury-card"


def test_config_show_prints_every_tuning_constant_and_hides_secrets(settings, capsys, monkeypatch) -> None:
    from surveillance.signals.detectors.tuning import describe

    monkeypatch.setenv("SURVEILLANCE_PII_SALT", "a-real-secret-key-0123456789")
    monkeypatch.setenv("SURVEILLANCE_DB_URL", "postgresql://analyst:hunter2@db.example/warehouse")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert all(f"{name}" in out and doc in out for name, _, doc in describe())
    assert "injury_counts.alpha                    0.01" in out and "night.fdr_q" in out
    assert "a-real-secret-key" not in out and "hunter2" not in out and "(set, hidden)" in out


def test_detect_series_defaults_come_from_the_control_classes(tmp_path: Path, capsys) -> None:
    """No option given: the result equals the method run with its control class's defaults (R's)."""
    import numpy as np
    import pandas as pd

    from surveillance.signals.methods.cusum import CusumControl, cusum_with

    rng = np.random.default_rng(5)
    dates = pd.date_range("2024-01-01", periods=60, freq="W-MON")
    pd.DataFrame({"date": dates.date, "A": rng.poisson(4, 60)}).to_csv(tmp_path / "in.csv", index=False)
    assert main(["detect-series", str(tmp_path / "in.csv"), "--method", "cusum", "--last", "10",
                 "--output", str(tmp_path / "out.csv")]) == 0
    out = pd.read_csv(tmp_path / "out.csv")
    counts = pd.read_csv(tmp_path / "in.csv")[["A"]].to_numpy(float).T
    ref = cusum_with(counts, 10, CusumControl(), start=int(dates[0].isocalendar().week))
    assert np.allclose(out["threshold"], ref.threshold.ravel()) and (out["alarm"] == ref.alarm.ravel()).all()
    assert main(["detect-series", str(tmp_path / "in.csv"), "--method", "cusum", "--last", "10", "--h", "9",
                 "--output", str(tmp_path / "h9.csv")]) == 0
    assert not pd.read_csv(tmp_path / "h9.csv")["threshold"].equals(out["threshold"])  # an option given replaces it


def test_every_option_a_control_declares_reaches_that_control() -> None:
    """detect-series' options are generated from the controls' field metadata (controls.option): each declared
    field is an option, and a value given on the command line lands in that field of that control."""
    from dataclasses import fields

    from surveillance.cli import build_parser
    from surveillance.commands.detect import CONTROL_LABELS, series_control
    from surveillance.signals.methods import controls

    given = {"b": ["--b", "3"], "limit54": ["--limit54", "2", "6"], "powertrans": ["--powertrans", "1/2"],
             "reweight": ["--no-reweight"], "threshold_method": ["--threshold-method", "muan"], "min_sigma": ["--min-sigma", "0.5"],
             "trans": ["--trans", "rossi"], "harmonics": ["--harmonics", "3"], "past_weeks_not_included": ["--past-weeks-not-included", "4"]}
    args = build_parser().parse_args(["detect-series", "in.csv", "--method", "cusum", "--output", "o.csv",
                                      *(word for words in given.values() for word in words)])
    control = series_control(args)
    assert (control.farrington.b, control.farrington.limit54, control.farrington.powertrans) == (3, (2, 6), "1/2")
    assert (control.farrington.reweight, control.farrington.threshold_method, control.farrington.past_weeks_not_included) \
        == (False, "muan", 4)
    assert (control.ears.min_sigma, control.cusum.trans, control.nbglm.harmonics) == (0.5, "rossi", 3)
    declared = {f.name for name, _ in CONTROL_LABELS for f in fields(type(getattr(controls.SeriesControl(), name)))
                if "option" in f.metadata}
    assert set(given) <= declared and len(declared) == 17  # every declared field is an option of detect-series
    untouched = series_control(build_parser().parse_args(["detect-series", "in.csv", "--method", "cusum", "--output", "o.csv"]))
    assert untouched == controls.SeriesControl()  # no option given: R's defaults, field for field


def test_the_command_line_starts_without_loading_the_numerical_stack() -> None:
    """Every command builds the whole parser (detect-series' defaults and method choices included): that
    must not import numpy, scipy or pandas, or each call of `surveillance` pays seconds for nothing."""
    import subprocess
    import sys

    code = ("import sys; from surveillance.cli import build_parser; build_parser(); "
            "print([m for m in ('numpy', 'scipy', 'pandas', 'sqlalchemy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_scan_refuses_too_few_replicates_and_says_when_the_history_is_too_short(settings, capsys) -> None:
    assert main(["scan", "--day", "2026-11-26", "--replicates", "5"]) == 2
    assert "at least 19" in capsys.readouterr().err
    assert main(["scan", "--day", "2026-11-26", "--replicates", "19", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["clusters"] == [] and out["figures"]["tested"] == 0 and "history" in out["figures"]["note"]
