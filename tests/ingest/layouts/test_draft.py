"""`surveillance layouts draft`: a file the ingest cannot read gets a profile to start from; answered and put where
SURVEILLANCE_LAYOUTS points, the file reads right."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from surveillance.ingest.file import ingest_file
from surveillance.ingest.layouts.draft import draft
from tests.conftest import TODAY
from tests.ingest.corpus import all_cases, read_case

DUMP = next(c for c in all_cases() if c.name == "food-datacentre-coded-columns")
ANSWERS = {"spdata_0": "analyte", "spdata_1": "result_value", "spdata_18": "unit", "spdata_2": "sender_verdict",
           "spdata_15": "limit_value", "spdata_16": "limit_unit", "spdata_7": "lod", "spdata_8": "lod_unit",
           "new_sample_name": "food_name", "fcc_grade_one_name": "food_category"}


def test_a_dump_with_coded_columns_is_refused_until_an_operator_names_them(engine, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = DUMP.write(tmp_path / "in")
    refused = ingest_file(engine, path, "food", "salt", TODAY)
    assert refused.status == "rejected" and "nearest layout: food-" in refused.error  # a sender's layout, not ours
    assert "surveillance layouts draft" in refused.error

    text = draft(path, "food")
    assert 'sample_id_given = ["sample_code"]' in text and 'sampling_date_given = ["cyrq"]' in text  # pinyin/English read
    assert '# ? = ["spdata_0"]' in text and "镉(以Cd计)" in text  # an unknown column with its sample values
    assert 'QUESTION: which field is ["check_result"]' in text  # a verdict-like column nobody reads: a question
    answered = text.replace('extends = "food-announcement"', 'extends = "food-sampling-export"')
    for column, field in ANSWERS.items():
        answered = answered.replace(f'# ? = ["{column}"]', f'{field} = ["{column}"]')
    answered = answered.replace('# QUESTION: which field is ["check_result"]?', 'verdict_given = ["check_result"] #')
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "sjzx.toml").write_text(answered, encoding="utf-8")
    monkeypatch.setenv("SURVEILLANCE_LAYOUTS", str(folder))

    outcome = read_case(replace(DUMP, refuse=None), tmp_path / "landing", engine, TODAY)
    assert outcome.ok, outcome.explain()


def test_the_draft_command_writes_the_profile(tmp_path: Path) -> None:
    path = DUMP.write(tmp_path)
    out = tmp_path / "draft.toml"
    done = subprocess.run([sys.executable, "-m", "surveillance.cli", "layouts", "draft", str(path), "--source", "food",
                           "-o", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# Sender profile drafted") and "wrote" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "surveillance.cli", "layouts", "draft", str(tmp_path / "none.csv"),
                              "--source", "food"], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and missing.stderr.startswith("error: ") and len(missing.stderr.splitlines()) == 1
