"""The output check after detection (as covidcast-indicators' validator checks each indicator's output):
every signal has finite figures and a threshold not below its expected value, and each detector's count
tonight is compared with its last ``RANGE_NIGHTS`` nights.

Errors (a figure that is not a number, a threshold below the expected value, a detector that failed to
report) mean a detector is broken: they fail the night's verdict. A count outside the range of the nights
before is shown in the report and the night's summary but does not fail the run: a real outbreak is
exactly such a night, and the operator should not be told the run failed because it found one.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from surveillance.warehouse.models import DetectorRun

RANGE_NIGHTS = 28
NUMBERS = ("observed", "expected", "threshold", "score")


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" fails the verdict; "note" is shown only
    detector: str
    message: str

    def line(self) -> str:
        return f"output check {self.severity} [{self.detector}]: {self.message}"


def check_signals(detector: str, signals: list[dict], methods: tuple[str, ...] | None = None) -> list[Finding]:
    """Errors for signals whose figures are not finite numbers (None is allowed where a method has no
    such figure), whose threshold is below its expected value (``_below``), or whose method is not one the registry
    declares for the detector (``methods``; None: not checked)."""
    found = []
    for s in signals:
        if methods is not None and s.get("method") not in methods:
            found.append(Finding("error", detector, f"{s['signal_key']}: method {s.get('method')!r} is not declared "
                                                    "for this detector in signals/registry.py"))
            continue
        bad = [k for k in NUMBERS if s.get(k) is not None and not math.isfinite(float(s[k]))]
        if s.get("observed") is None:
            bad.insert(0, "observed")
        if bad:
            found.append(Finding("error", detector, f"{s['signal_key']}: {', '.join(bad)} not a finite number"))
        elif s.get("expected") is not None and s.get("threshold") is not None and _below(s["threshold"], s["expected"]):
            found.append(Finding("error", detector, f"{s['signal_key']}: threshold {s['threshold']:.4g} below expected "
                                                    f"{s['expected']:.4g}"))
    return found


def _below(threshold: float, expected: float) -> bool:
    """A threshold below its expected value. A count threshold (a quantile of a count distribution: a whole
    number) may lie below a small or fractional mean by less than one case, as the 99% quantile 0 of a
    mean of 0.001 does; anything lower is a broken detector."""
    if float(threshold).is_integer():
        return threshold <= expected - 1
    return threshold < expected


def check_count(detector: str, tonight: int, history: list[int]) -> Finding:
    """Tonight's count against the last ``RANGE_NIGHTS`` nights' (most recent first)."""
    if len(history) < RANGE_NIGHTS:
        return Finding("note", detector, f"{tonight} signal(s); not compared: {len(history)} earlier night(s) "
                                         f"recorded, {RANGE_NIGHTS} needed")
    low, high = min(history[:RANGE_NIGHTS]), max(history[:RANGE_NIGHTS])
    if low <= tonight <= high:
        return Finding("ok", detector, f"{tonight} signal(s), within {low}..{high} of the last {RANGE_NIGHTS} nights")
    return Finding("note", detector, f"{tonight} signal(s), outside {low}..{high} of the last {RANGE_NIGHTS} nights: "
                                     "look at tonight's signals of this detector")


def _history(conn: Connection, day: date, detector: str) -> list[int]:
    return list(conn.execute(select(DetectorRun.signals).where(DetectorRun.detector == detector, DetectorRun.day < day)
                             .order_by(DetectorRun.day.desc()).limit(RANGE_NIGHTS)).scalars())


def check_and_record(engine: Engine, day: date, detections: dict[str, tuple[list[dict], dict]],
                     methods: dict[str, tuple[str, ...]] | None = None) -> dict:
    """Check each detector's signals and count for ``day`` (``methods``: the methods each detector may
    emit), record its figures and findings (``detector_runs``), and return ``{"ok", "errors", "notes"}``."""
    findings: list[Finding] = []
    with engine.begin() as conn:
        for key, (signals, figures) in detections.items():
            mine = [*check_signals(key, signals, (methods or {}).get(key)),
                    check_count(key, len(signals), _history(conn, day, key))]
            findings.extend(mine)
            row = dict(signals=len(signals), ran_at=datetime.now(),
                       figures=json.dumps(dict(figures, output_check=[asdict(f) for f in mine]), ensure_ascii=False,
                                          default=str))
            done = conn.execute(update(DetectorRun).where(DetectorRun.day == day, DetectorRun.detector == key).values(**row))
            if not done.rowcount:
                conn.execute(insert(DetectorRun), dict(row, day=day, detector=key))
    return summarise(findings)


def summarise(findings: list[Finding]) -> dict:
    errors = [f.line() for f in findings if f.severity == "error"]
    return {"ok": not errors, "errors": errors, "notes": [f.line() for f in findings if f.severity == "note"]}


def night_findings(engine: Engine, day: date, detectors: list[str] | None = None) -> dict:
    """The recorded findings of ``day``; a detector of ``detectors`` with no record for the day is an
    error (it did not run, or failed before reporting)."""
    with engine.connect() as conn:
        rows = conn.execute(select(DetectorRun.detector, DetectorRun.figures).where(DetectorRun.day == day)).all()
    findings = [Finding(**f) for _, figures in rows for f in json.loads(figures).get("output_check", [])]
    ran = {r.detector for r in rows}
    findings += [Finding("error", key, "no figures recorded for this night: the detector did not run or failed")
                 for key in (detectors or []) if key not in ran]
    return summarise(findings)
