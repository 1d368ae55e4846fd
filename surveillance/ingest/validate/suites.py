"""Build the Great Expectations suites from the contract and reference data.

The JSON under ``expectations/`` is what runs; ``surveillance expectations build`` rewrites it
from here when reference data change, and a test keeps the two in sync.
"""

from __future__ import annotations

import json
from pathlib import Path

from surveillance import reference
from surveillance.ingest import contract as c
from surveillance.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
PROGRAMME_START = "2015-01-01"  # the action plan's year: nothing earlier is a valid report
TODAY = "$today"  # replaced by the ingest day when the suite runs

INJURY_CAUSES = reference.injury_labels("injury_cause")
INJURY_INTENTS = reference.injury_labels("injury_intent")
INJURY_NATURES = reference.injury_labels("injury_nature")
BODY_PARTS = reference.injury_labels("body_part")
SEVERITIES = reference.injury_labels("severity")
OUTCOMES = reference.injury_labels("outcome")


def _e(kind: str, **kwargs: object) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def _not_null(cols: list[str]) -> list[dict]:
    return [_e("expect_column_values_to_not_be_null", column=col) for col in cols]


def _in_set(col: str, values: list[str]) -> dict:
    return _e("expect_column_values_to_be_in_set", column=col, value_set=sorted(values))


def _date_range(col: str) -> dict:
    return _e("expect_column_values_to_be_between", column=col, min_value=PROGRAMME_START, max_value=TODAY)


def _unique(cols: list[str]) -> dict:
    if len(cols) == 1:
        return _e("expect_column_values_to_be_unique", column=cols[0])
    return _e("expect_compound_columns_to_be_unique", column_list=cols)


def build_suite(source: str) -> dict:
    # categories, analytes and products our tables lack are loaded and counted (pipeline.not_in_reference),
    # not quarantined: the sender's own limit and verdict stand for them
    counties = reference.place_codes()
    if source == "injury":
        exps = _not_null(c.INJURY.required) + [
            _unique(list(c.INJURY.key)),
            _date_range("visit_date"),
            _in_set("region_code", counties),
            _in_set("sex", list(c.SEX_VALUES)),
            _e("expect_column_values_to_be_between", column="age", min_value=0, max_value=120),
            _in_set("injury_cause", INJURY_CAUSES),
            _in_set("injury_intent", INJURY_INTENTS),
            _in_set("injury_nature", INJURY_NATURES),
            _in_set("body_part", BODY_PARTS),
            _in_set("severity", SEVERITIES),
            _in_set("outcome", OUTCOMES),
        ]
    elif source == "inspection":
        exps = _not_null(c.INSPECTION.required) + [
            _unique(list(c.INSPECTION.key)),
            _date_range("sampling_date"),
            _in_set("region_code", counties),
            _in_set("sampling_stage", [*c.INSPECTION_STAGES, c.NOT_STATED]),
            _in_set("verdict", list(c.VERDICTS)),
            _e("expect_column_values_to_match_regex", column="manufacturer_uscc", regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
        ]
    elif source == "food":
        exps = _not_null([("result_raw" if col == "result_value" else col) for col in c.FOOD.required] + ["unit"]) + [
            _unique(list(c.FOOD.key)),
            _date_range("sampling_date"),
            _in_set("region_code", counties),
            _in_set("sampling_stage", [*c.FOOD_STAGES, c.NOT_STATED]),
            _e("expect_column_values_to_be_between", column="result_value", min_value=0),
            _e("expect_column_values_to_be_between", column="lod", min_value=0),
            _e("expect_column_values_to_be_between", column="limit_value", min_value=0),
            # a detection limit above the legal limit cannot show compliance; a limit of 0 (不得检出, 不得使用, a
            # banned substance) is met only by not detecting it, whatever the method's detection limit
            _e("expect_column_pair_values_a_to_be_greater_than_b", column_A="limit_value", column_B="lod",
               or_equal=True, ignore_row_if="either_value_is_missing", row_condition="limit_value>0",
               condition_parser="pandas"),
        ]
    else:
        raise ValueError(f"unknown source {source!r}")
    return {"name": f"{source}_rows", "expectations": exps, "meta": {"source": source}}


def suite_path(source: str) -> Path:
    return EXPECTATIONS_DIR / f"{source}.json"


def write_suites() -> list[Path]:
    paths = []
    for source in c.CONTRACTS:
        path = suite_path(source)
        path.write_text(json.dumps(build_suite(source), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
