"""Every layout of the corpus (tests/ingest/corpus/) read as a correct reading reads it: the records, their
verdicts, exceedances, places, dates and ages; or refused with the reason, never misread."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.ingest.corpus import all_cases, read_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_real_layout_reads_right(case, engine, tmp_path: Path) -> None:
    outcome = read_case(case, tmp_path / "landing", engine, TODAY)
    assert outcome.ok, outcome.explain()
