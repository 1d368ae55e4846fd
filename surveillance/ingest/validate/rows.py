"""Run a source's Great Expectations suite on normalised batches, list the failing rows, and write
GX's own HTML validation report (Data Docs) for the run."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from surveillance.ingest.validate.suites import TODAY, suite_path

log = logging.getLogger(__name__)

UNIQUE_KEY_EXPECTATIONS = {"expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique"}


@dataclass(frozen=True)
class RowFailure:
    row: int  # position in the batch
    column: str
    expectation: str
    value: str


def load_suite(source: str, today: date):
    """The suite JSON from ``expectations/``, with ``$today`` set to the ingest day."""
    import great_expectations as gx

    spec = json.loads(suite_path(source).read_text(encoding="utf-8"))
    for exp in spec["expectations"]:
        for key, value in exp["kwargs"].items():
            if value == TODAY:
                exp["kwargs"][key] = today.isoformat()
    return gx.ExpectationSuite(**spec)


def _raised(info: dict | None) -> str | None:
    """The exception message GX recorded for an expectation, flat or nested by metric."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


_NOT_TEXT = {"date", "datetime", "datetime64", "integer", "floating", "decimal", "boolean", "empty"}
_MARKUP = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame GX sees: markup characters in text made their full-width look-alikes, because GX writes
    unexpected values into the Data Docs HTML unescaped. No suite tests for '<', '>' or '&', so every
    outcome is the same; the failures we report quote the original values (``frame``, not this copy)."""
    out = None
    for col in frame.columns:
        values = frame[col]
        if values.dtype.kind not in "OUT" and str(values.dtype) not in ("str", "string"):
            continue
        if values.dtype.kind == "O" and pd.api.types.infer_dtype(values, skipna=True) in _NOT_TEXT:
            continue
        marked = values.astype(str).str.contains(r"[<>&]", regex=True) & values.notna()
        if marked.any():
            out = frame.copy() if out is None else out
            out.loc[marked, col] = values[marked].astype(str).str.translate(_MARKUP)
    return frame if out is None else out


class RowValidator:
    """One run's validation of one source: an ephemeral GX context holding the suite and a
    checkpoint, whose results become a Data Docs site under ``docs_dir`` when the run ends."""

    def __init__(self, source: str, today: date, docs_dir: Path | None = None) -> None:
        import great_expectations as gx

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        self.source, self.today, self.docs_dir = source, today, docs_dir
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        for name, site in list((self.context.variables.data_docs_sites or {}).items()):
            # the ephemeral context's default site lives in a temporary folder nobody reads: drop it
            base = (site.get("store_backend") or {}).get("base_directory")
            self.context.delete_data_docs_site(name)
            if base and Path(base).is_dir() and Path(base).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve()):
                shutil.rmtree(base, ignore_errors=True)
        if docs_dir is not None:
            self.context.add_data_docs_site("run", {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            })
        asset = self.context.data_sources.add_pandas(f"{source}_files").add_dataframe_asset(source)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{source}_batch")
        suite = self.context.suites.add(load_suite(source, today))
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{source}_rows", data=batch_definition, suite=suite))
        self.checkpoint = self.context.checkpoints.add(gx.Checkpoint(
            name=f"{source}_ingest", validation_definitions=[definition], actions=[],
            result_format={"result_format": "COMPLETE"}))
        self.runs = 0

    def validate(self, frame: pd.DataFrame, run_name: str) -> tuple[list[RowFailure], list[str]]:
        """Row-level failures (by position in ``frame``) and problems GX could not evaluate."""
        from great_expectations.core.run_identifier import RunIdentifier

        frame = frame.reset_index(drop=True)
        result = self.checkpoint.run(batch_parameters={"dataframe": inert(frame)}, run_id=RunIdentifier(run_name=run_name))
        self.runs += 1
        failures: list[RowFailure] = []
        errors: list[str] = []
        for validation in result.run_results.values():
            for res in validation.results:
                if res.success:
                    continue
                cfg = res.expectation_config
                kw = cfg.kwargs
                column = kw.get("column") or ",".join(kw.get("column_list") or [kw[k] for k in ("column_A", "column_B") if k in kw])
                problem = _raised(res.exception_info)
                if problem:
                    errors.append(f"{cfg.type}({column}): {problem}")
                    continue
                failures.extend(self._row_failures(frame, cfg.type, column, res.result.get("unexpected_index_list") or []))
        return failures, errors

    @staticmethod
    def _row_failures(frame: pd.DataFrame, kind: str, column: str, indexes: list) -> list[RowFailure]:
        columns = column.split(",")
        rows = sorted(int(i) for i in indexes)
        if kind in UNIQUE_KEY_EXPECTATIONS:
            # GX flags every row of a repeated key; the first one is the record, the later ones conflict.
            keys = frame.loc[rows, columns].astype(str).agg("\x1f".join, axis=1)
            rows = keys.index[keys.duplicated(keep="first")].tolist()
        out = []
        for row in rows:
            values = [frame.at[row, c] for c in columns]
            text = ",".join("" if pd.isna(v) else str(v) for v in values)
            out.append(RowFailure(row, column, kind, text))
        return out

    def build_docs(self) -> Path | None:
        """Write the run's Data Docs; returns the site's index.html (None if nothing was validated)."""
        if self.docs_dir is None or self.runs == 0:
            return None
        self.context.build_data_docs(site_names=["run"])
        return self.docs_dir / "index.html"
