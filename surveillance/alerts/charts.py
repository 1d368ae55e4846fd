"""A small chart of a signal's series against its threshold, as PNG bytes for emails and reports."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from functools import lru_cache

CHART_SIZE = (3.6, 1.5)  # inches; 100 dpi: a thumbnail beside the signal's line in an email
CHART_FIELDS = ("threshold", "expected", "observed")
SERIES_EVIDENCE = ("weekly_counts", "first_week", "medians", "months")


WEEKLY, MONTHLY = "weekly cases", "monthly median"


def signal_series(evidence: dict) -> tuple[list[str], list[float], str]:
    """A signal's series from its evidence, with full labels (each week's Monday as ISO text, or the month)
    and what it is: weekly cases, monthly medians, or nothing (a signal of one result or one rate)."""
    if "weekly_counts" in evidence:
        first = date.fromisoformat(evidence["first_week"]) if evidence.get("first_week") else None
        labels = [(first + timedelta(weeks=i)).isoformat() if first else str(i) for i in range(len(evidence["weekly_counts"]))]
        return labels, [float(v) for v in evidence["weekly_counts"]], WEEKLY
    if "medians" in evidence:
        return [str(m) for m in evidence["months"]], [float(v) for v in evidence["medians"]], MONTHLY
    return [], [], ""


def _short(labels: list[str], what: str) -> list[str]:
    """Tick labels for a thumbnail: MM-DD of a week, YY-MM of a month."""
    if what == MONTHLY:
        return [m[2:] for m in labels]
    return [label[5:] if len(label) == 10 else label for label in labels]


def signal_chart(signal: dict) -> bytes:
    """Bars of the series with the threshold (dashed) and expected value (dotted) of the last period;
    a signal without a series (one result, one rate) shows observed, expected and threshold as bars.

    A night draws the same signal for each agency's digest and again for its report: drawn once per
    process (the PNG depends only on the figures keyed here)."""
    ev = signal["evidence"]
    key = {"evidence": {k: ev[k] for k in SERIES_EVIDENCE if k in ev}, **{k: signal.get(k) for k in CHART_FIELDS}}
    return _chart(json.dumps(key, sort_keys=True, default=_plain))


def _plain(value: object) -> object:
    return value.tolist() if hasattr(value, "tolist") else str(value)  # numpy scalars and arrays; dates as ISO text


@lru_cache(maxsize=512)
def _chart(key: str) -> bytes:
    from matplotlib.figure import Figure

    signal = json.loads(key)
    labels, values, what = signal_series(signal["evidence"])
    labels = _short(labels, what)
    fig = Figure(figsize=CHART_SIZE, dpi=100)
    ax = fig.subplots()
    if values:
        colours = ["#9e9e9e"] * (len(values) - 1) + ["#d32f2f"]
        ax.bar(range(len(values)), values, color=colours, width=0.8)
        step = max(1, len(labels) // 4)
        ax.set_xticks(range(0, len(labels), step), labels[::step], fontsize=6)
        last = len(values) - 1
        if signal.get("threshold") is not None and "weekly_counts" in signal["evidence"]:
            ax.hlines(signal["threshold"], last - 0.45, last + 0.45, colors="black", linestyles="dashed", lw=1.2)
        if signal.get("expected") is not None and "weekly_counts" in signal["evidence"]:
            ax.hlines(signal["expected"], last - 0.45, last + 0.45, colors="#1976d2", linestyles="dotted", lw=1.2)
    else:
        bars = [(name, v, c) for name, v, c in (("obs", signal.get("observed"), "#d32f2f"),
                                                 ("exp", signal.get("expected"), "#1976d2"),
                                                 ("thr", signal.get("threshold"), "black")) if v is not None]
        ax.bar(range(len(bars)), [v for _, v, _ in bars], color=[c for _, _, c in bars], width=0.6)
        ax.set_xticks(range(len(bars)), [name for name, _, _ in bars], fontsize=6)
    ax.tick_params(axis="y", labelsize=6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout(pad=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
