"""Compare the demo's injected events (ground truth) with the signals in the warehouse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from surveillance.warehouse.models import Signal

EXPECTED_METHOD = {"injury_cluster": ("farrington-flexible", "ears-c2"), "repeat_failures": ("repeat-failure",),
                   "contaminant_trend": ("trend-mk",)}


def check_events(engine: Engine, truth_path: Path) -> list[dict]:
    """One row per injected event: whether a signal of the expected method covers its series."""
    truth = pd.read_csv(truth_path, dtype=str)
    with engine.connect() as conn:
        signals = pd.DataFrame(conn.execute(select(Signal.id, Signal.method, Signal.series, Signal.level)).all(),
                               columns=["id", "method", "series", "level"])
    out = []
    for event in truth.itertuples(index=False):
        hits = signals[signals["method"].isin(EXPECTED_METHOD[event.event]) & (signals["series"] == event.series)]
        out.append(dict(event=event.event, series=event.series, description=event.description,
                        found=not hits.empty, signal_ids=hits["id"].tolist(),
                        best_level=int(hits["level"].min()) if not hits.empty else None))
    return out
