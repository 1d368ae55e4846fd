"""Compare the demo's injected events (ground truth) with the signals in the warehouse, and count the
false alarms: statistical signals that no injected event explains."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from surveillance.demo.events import EVENTS
from surveillance.signals.registry import detector, statistical_methods
from surveillance.warehouse.models import Alert, Signal

# the detector each injected event is for (its methods are the registry's)
EXPECTED_DETECTOR = {e.name: (e.domain, e.detector) for e in EVENTS}
# signals of statistical tests, which can be false alarms; exceedances, repeat failures and new failed
# items are facts in the records
STATISTICAL = statistical_methods()


def expected_methods(event: str) -> tuple[str, ...]:
    return tuple(m.name for m in detector(*EXPECTED_DETECTOR[event]).methods)


def _signals(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(Signal.id, Signal.domain, Signal.method, Signal.series, Signal.level,
                                   Signal.first_detected_on)).all()
    return pd.DataFrame(rows, columns=["id", "domain", "method", "series", "level", "first_detected_on"])


def check_events(engine: Engine, truth_path: Path) -> list[dict]:
    """One row per injected event: whether a signal of the expected method covers its series."""
    truth = pd.read_csv(truth_path, dtype=str)
    signals = _signals(engine)
    out = []
    for event in truth.itertuples(index=False):
        hits = signals[signals["method"].isin(expected_methods(event.event)) & (signals["series"] == event.series)]
        out.append(dict(event=event.event, series=event.series, description=event.description,
                        found=not hits.empty, signal_ids=hits["id"].tolist(),
                        best_level=int(hits["level"].min()) if not hits.empty else None))
    return out


def explained(signal: pd.Series, truth: pd.DataFrame) -> bool:
    """A signal of an injected event's domain about the event's category (its series' first part): the
    event itself, or its echoes (the province-wide and severe-case series of a city's cluster)."""
    head = signal["series"].split("|")[0]
    return bool(((truth["domain"] == signal["domain"]) & (truth["series"].str.split("|").str[0] == head)).any())


def false_alarms(engine: Engine, truth_path: Path, reports: Path) -> dict:
    """Statistical signals no injected event explains, by method, over the nights detection ran, beside
    the nights' expected false alarms (the detect summaries under ``reports``)."""
    truth = pd.read_csv(truth_path, dtype=str)
    signals = _signals(engine)
    signals = signals[signals["method"].isin(STATISTICAL)]
    unexplained = signals[[not explained(s, truth) for _, s in signals.iterrows()]] if len(signals) else signals
    files = sorted(reports.glob("*/detect*.json"))  # detect.json, or one per domain when the DAG ran them apart
    summaries = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    nights = len({p.parent for p in files})
    expected = sum(s.get("expected_false_alarms", 0.0) for s in summaries)
    with engine.connect() as conn:  # the ones that reached an agency: a pattern told once is not re-sent
        alerted = set(conn.execute(select(Alert.signal_id).where(Alert.withheld.is_(None)).distinct()).scalars())
    sent = int(unexplained["id"].isin(alerted).sum()) if len(unexplained) else 0
    return {"nights": nights, "false_alarms": len(unexplained), "sent": sent,
            "per_night": round(len(unexplained) / nights, 2) if nights else None,
            "expected": round(expected, 2), "expected_per_night": round(expected / nights, 2) if nights else None,
            "by_method": unexplained["method"].value_counts().to_dict(),
            "signals": unexplained[["id", "method", "series"]].to_dict("records")}
