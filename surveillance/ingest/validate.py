"""Run a source's Great Expectations suite on a normalised batch and list the failing rows."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from functools import cache

import pandas as pd

from surveillance.ingest.suites import TODAY, suite_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RowFailure:
    row: int  # position in the batch
    column: str
    expectation: str
    value: str


@cache
def _batch_definition(source: str):
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    asset = context.data_sources.add_pandas(f"{source}_source").add_dataframe_asset(source)
    return asset.add_batch_definition_whole_dataframe(f"{source}_batch")


def load_suite(source: str, today: date):
    """The suite JSON from ``expectations/``, with ``$today`` set to the ingest day."""
    import great_expectations as gx

    spec = json.loads(suite_path(source).read_text(encoding="utf-8"))
    for exp in spec["expectations"]:
        for key, value in exp["kwargs"].items():
            if value == TODAY:
                exp["kwargs"][key] = today.isoformat()
    return gx.ExpectationSuite(**spec)


def validate(source: str, frame: pd.DataFrame, today: date) -> tuple[list[RowFailure], list[str]]:
    """Row-level failures (by position) and batch-level problems GX could not evaluate."""
    frame = frame.reset_index(drop=True)
    batch = _batch_definition(source).get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(load_suite(source, today), result_format={"result_format": "COMPLETE"})
    failures: list[RowFailure] = []
    errors: list[str] = []
    for res in result.results:
        if res.success:
            continue
        cfg = res.expectation_config
        column = cfg.kwargs.get("column", "")
        if res.exception_info and res.exception_info.get("raised_exception"):
            errors.append(f"{cfg.type}({column}): {res.exception_info.get('exception_message')}")
            continue
        for idx in res.result.get("unexpected_index_list") or []:
            row = int(idx)
            value = frame.at[row, column]
            failures.append(RowFailure(row, column, cfg.type, "" if pd.isna(value) else str(value)))
    return failures, errors
