"""The night's data-quality warnings: a sender whose file was mostly quarantined is news for the operator.

A county code newer than the reference table once quarantined a whole hospital's reports in silence;
each such file is named here, with its share and its commonest reason, and the run summary, the run's
HTML report, the DAG's verdict and the failure notifier all show these warnings.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from surveillance.safe_text import one_line
from surveillance.settings import Settings, load_settings
from surveillance.warehouse.models import IngestBatch, QuarantinedRow

WARN_SHARE = Settings.quarantine_warn_share  # the default (settings.py): a file with more of its rows quarantined is a warning
WARN_MIN_ROWS = 5  # fewer quarantined rows than this are a quiet line in the table, whatever the share


@dataclass(frozen=True)
class QualityWarning:
    source: str
    file_name: str
    batch_id: int
    rows_read: int
    rows_quarantined: int
    top_reason: str  # the commonest reason, as "column: check"
    top_count: int

    @property
    def share(self) -> float:
        return self.rows_quarantined / self.rows_read if self.rows_read else 0.0

    def line(self) -> str:
        return (f"WARNING {self.source} file {one_line(self.file_name, 120)} (batch {self.batch_id}): {self.rows_quarantined} of "
                f"{self.rows_read} rows quarantined ({self.share:.0%}); commonest reason on {self.top_count} rows: "
                f"{one_line(self.top_reason, 160)} — see `surveillance quarantine list --batch {self.batch_id}`")

    def line_zh(self) -> str:
        return (f"{self.source}文件 {self.file_name}（批次{self.batch_id}）：{self.rows_read}行中{self.rows_quarantined}行被隔离"
                f"（{self.share:.0%}），最多的原因（{self.top_count}行）：{self.top_reason}")


def warn_share() -> float:
    return load_settings().quarantine_warn_share


def batch_warnings(engine: Engine, batch_ids: list[int] | None = None, day: date | None = None) -> list[QualityWarning]:
    """Warnings for the given accepted batches, or for every batch ingested by the run of ``day``."""
    share = warn_share()
    stmt = select(IngestBatch.id, IngestBatch.source, IngestBatch.file_name, IngestBatch.rows_read,
                  IngestBatch.rows_quarantined).where(IngestBatch.status == "accepted")
    if batch_ids is not None:
        stmt = stmt.where(IngestBatch.id.in_(batch_ids))
    if day is not None:
        stmt = stmt.where(IngestBatch.run_day == day)
    out = []
    with engine.connect() as conn:
        for bid, source, name, read, quarantined in conn.execute(stmt.order_by(IngestBatch.id)).all():
            if not read or quarantined < WARN_MIN_ROWS or quarantined / read <= share:
                continue
            reasons: Counter[str] = Counter()
            for (text,) in conn.execute(select(QuarantinedRow.reasons).where(QuarantinedRow.batch_id == bid)):
                seen = {f"{r.get('column') or 'line'}: {r.get('check')}" for r in json.loads(text)}
                reasons.update(seen)
            top, count = reasons.most_common(1)[0] if reasons else ("-", 0)
            out.append(QualityWarning(source, name, bid, read, quarantined, top, count))
    return out
