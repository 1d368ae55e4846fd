"""Ingest one landed file end to end, with every row accounted for.

rows read = rows loaded + rows quarantined + rows duplicate, for every accepted file.
The batch record, its quarantined rows, its loaded rows and the days it revised commit in one
transaction (see ``writer``): a file that turns out unreadable half-way, or a killed run, leaves
nothing behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import InterfaceError, OperationalError

from surveillance.ingest.contract import CONTRACTS, NOT_STATED, Contract
from surveillance.ingest.load.hashing import row_hashes
from surveillance.ingest.load.rows import LoadCounts, in_index_order, key_text
from surveillance.ingest.load.writer import ChunkWrite, ProcessWriter, ThreadWriter
from surveillance.ingest.read import FileRejected, InvalidLine, RawChunk, file_hash, open_file
from surveillance.ingest.senders import declared_sender
from surveillance.ingest.validate.rows import RowValidator
from surveillance.ingest.values import personal
from surveillance.ingest.values.derive import DERIVED
from surveillance.ingest.values.normalise import normalise, per_unique
from surveillance.safe_text import one_line
from surveillance.warehouse.lock import file_lock
from surveillance.warehouse.models import IngestBatch

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    file: str
    source: str
    status: str  # accepted | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_updated: int = 0  # of rows_loaded: corrections of records already stored
    error: str | None = None
    batch_id: int | None = None
    already_ingested: bool = False
    encoding: str | None = None
    layout: str | None = None  # the sender layout the file was read with
    sender: str | None = None  # who the file says sent it (folder or name): only they correct their records
    lines_folded: int = 0  # continuation lines of merged cells, folded into their record (not rows)
    lines_notes: int = 0  # footnote and title lines below or inside the table (not rows)
    rows_expanded: int = 0  # of rows_read: records added by splitting a line that names several items
    not_in_reference: dict[str, int] = field(default_factory=dict)  # column -> loaded rows with a value our tables lack
    derived: dict[str, int] = field(default_factory=dict)  # field -> loaded rows whose value a layout rule derived
    not_stated: dict[str, int] = field(default_factory=dict)  # field -> loaded rows that load it as 未注明
    skipped: list[str] = field(default_factory=list)  # parts of the file not read, and why (a sheet fitting no layout)
    unread_columns: list[str] = field(default_factory=list)  # columns no layout field read (kept as extra)
    revised_days: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time by stage: read, normalise, validate, load

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        if self.status == "rejected":
            return f"REJECTED {one_line(self.file)}: {one_line(self.error)}"
        note = " (already ingested: nothing new)" if self.already_ingested else ""
        if self.rows_updated:
            note += f" ({self.rows_updated} corrected records, previous versions kept)"
        if self.revised_days:
            note += f"; revised {len(self.revised_days)} past day(s) from {self.revised_days[0]}"
        if self.layout and not self.layout.startswith("native-"):
            note += f"; layout {self.layout}"
        shaped = [f"{n} {what}" for n, what in ((self.rows_expanded, "rows from lines naming several items"),
                                                (self.lines_folded, "merged-cell lines folded"),
                                                (self.lines_notes, "note lines skipped")) if n]
        if shaped:
            note += f" ({', '.join(shaped)})"
        if self.skipped:
            note += "; " + "; ".join(self.skipped)
        if self.unread_columns:
            note += "; columns not read (kept as extra): " + "、".join(one_line(c, 40) for c in self.unread_columns[:12])
        if self.not_in_reference:
            note += "; not in reference: " + ", ".join(f"{c} {n}" for c, n in sorted(self.not_in_reference.items()))
        if self.derived:
            note += "; derived: " + ", ".join(f"{c} {n}" for c, n in sorted(self.derived.items()))
        if self.not_stated:
            note += "; 未注明: " + ", ".join(f"{c} {n}" for c, n in sorted(self.not_stated.items()))
        return (f"accepted {one_line(self.file)}: read {self.rows_read} = loaded {self.rows_loaded}"
                f" + quarantined {self.rows_quarantined} + duplicate {self.rows_duplicate}{note}")


class FileKeys:
    """Keys seen so far in one file (across its chunks) with the hash of their first row."""

    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}

    def add(self, keys: pd.Series, hashes: pd.Series) -> None:
        """Record first occurrences (``keys`` unique, none seen before)."""
        self.hashes.update(zip(keys.tolist(), hashes.tolist(), strict=True))

    def earlier(self, keys: pd.Series) -> pd.Series:
        """The first row hash of each key seen in an earlier chunk (None for keys new to the file)."""
        get = self.hashes.get
        return pd.Series([get(k) for k in keys.tolist()], index=keys.index, dtype=object)


def _reason(check: str, column: str, message: str) -> dict:
    return {"check": check, "column": column, "message": message}


def _extra_json(raw: pd.DataFrame, extra: list[str]) -> pd.Series | None:
    if not extra:
        return None
    values = raw[extra].to_dict(orient="records")
    return pd.Series([json.dumps({k: v for k, v in r.items() if v != ""}, ensure_ascii=False) for r in values],
                     index=raw.index, dtype=object)


@dataclass
class ChunkOutcome:
    good: pd.DataFrame
    quarantine: list[dict]
    duplicates: int
    not_in_reference: dict[str, int] = field(default_factory=dict)
    derived: dict[str, int] = field(default_factory=dict)
    not_stated: dict[str, int] = field(default_factory=dict)


class StageClock:
    """Adds up wall time per stage, for the run log and the benchmark."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds, self.last = seconds, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self.last, 3)
        self.last = now


def split_chunk(contract: Contract, chunk: RawChunk, salt: str, validator: RowValidator,
                seen: FileKeys, run_name: str, clock: StageClock | None = None, sender_hospital: str | None = None) -> ChunkOutcome:
    """Scrub, normalise, de-duplicate and validate one chunk: rows to load, rows to quarantine.

    Columns outside the contract (the file's own, and what a layout derived) are kept as ``extra``."""
    clock = clock or StageClock({})
    if chunk.frame.empty:
        return ChunkOutcome(pd.DataFrame(columns=[*contract.names, "row_hash"]), [_invalid_line(x, contract) for x in chunk.invalid], 0)
    own = {*contract.names, *(c.name for c in contract.personal)}
    raw, found = personal.scrub(chunk.frame, salt, coded_columns(contract), personal=bool(contract.personal),
                                contract_columns=tuple(contract.names))
    frame, problems = normalise(contract, raw)
    extra_json = _extra_json(raw, [c for c in raw.columns if c not in own and c != "patient_hash"])
    if extra_json is not None:
        frame["extra"] = extra_json
    frame["row_hash"] = row_hashes(frame, list(frame.columns))
    reasons: dict[int, list[dict]] = defaultdict(list)
    for row, column, message in [*chunk.problems, *found, *problems, *_foreign_cards(frame, sender_hospital)]:
        reasons[row].append(_reason("parse", column, personal.redact_value(message)))

    keys = key_text(frame, contract.key)
    earlier = seen.earlier(keys)
    in_file_repeat = keys.duplicated(keep="first")
    first_here = frame.groupby(keys, sort=False)["row_hash"].transform("first") if in_file_repeat.any() else frame["row_hash"]
    first_hash = earlier.where(earlier.notna(), first_here)
    repeated = earlier.notna() | in_file_repeat
    exact_dup = repeated & (frame["row_hash"] == first_hash)
    unique_check = "expect_compound_columns_to_be_unique" if len(contract.key) > 1 else "expect_column_values_to_be_unique"
    for row in frame.index[earlier.notna() & ~exact_dup]:
        reasons[row].append(_reason(unique_check, ",".join(contract.key), "key already in an earlier part of this file with different values"))
    seen.add(keys[~repeated], frame.loc[~repeated, "row_hash"])

    candidates = frame[~exact_dup & earlier.isna()]
    failures, errors = [], []
    clock.lap("normalise")
    if len(candidates):
        failures, errors = validator.validate(_for_validation(candidates, contract), run_name)
    clock.lap("validate")
    if errors:
        raise FileRejected("validation could not run: " + "; ".join(errors))
    positions = candidates.index
    for f in failures:
        row = positions[f.row]
        if any(r["check"] == "parse" and r["column"] == f.column for r in reasons[row]):
            continue  # the parse problem already says why this value is missing
        message = f"value '{f.value}'" if f.value else "missing value"
        if f.expectation == unique_check:
            message = f"key '{f.value}' repeated in this file with different values"
        reasons[row].append(_reason(f.expectation, f.column, message))

    bad = sorted(r for r in reasons if reasons[r] and not exact_dup[r])
    quarantine = [dict(row_number=int(r) + 1, raw=json.dumps(raw.loc[r].to_dict(), ensure_ascii=False),
                       reasons=json.dumps(reasons[r], ensure_ascii=False)) for r in bad]
    quarantine += [_invalid_line(line, contract) for line in chunk.invalid]
    good = in_index_order(frame[~exact_dup & ~frame.index.isin(bad)], contract)
    clock.lap("normalise")
    derived, not_stated = derivations(raw.loc[good.index] if DERIVED in raw.columns else None)
    return ChunkOutcome(good, quarantine, int(exact_dup.sum()), not_in_reference(contract, good), derived, not_stated)


def derivations(raw: pd.DataFrame | None) -> tuple[dict[str, int], dict[str, int]]:
    """Per field, the loaded rows whose value a layout rule derived, and those loaded as 未注明."""
    if raw is None or DERIVED not in raw.columns:
        return {}, {}
    derived: Counter = Counter()
    unstated: Counter = Counter()
    for text, n in raw[DERIVED].value_counts().items():
        if not text:
            continue
        for name, how in json.loads(text).items():
            derived[name] += n
            if NOT_STATED in str(how):
                unstated[name] += n
    return dict(derived), dict(unstated)


def _foreign_cards(frame: pd.DataFrame, hospital: str | None) -> list[tuple[int, str, str]]:
    """Cards of another hospital in a file a sentinel hospital sent: only a hospital sends (and corrects) its own."""
    if not hospital or "hospital_code" not in frame.columns:
        return []
    other = frame["hospital_code"].notna() & (frame["hospital_code"].astype(str).str.upper() != hospital)
    return [(row, "hospital_code", f"a card of hospital {frame.at[row, 'hospital_code']} in a file sent by hospital {hospital}: "
                                   "only a hospital sends and corrects its own cards") for row in frame.index[other]]


def not_in_reference(contract: Contract, good: pd.DataFrame) -> dict[str, int]:
    """Loaded rows whose category, analyte or product our reference tables do not know (loaded with the
    sender's own limit and verdict, counted so that the tables can grow)."""
    counts = {}
    for col, known in reference_sets(contract.source).items():
        if col in good.columns:
            n = int((good[col].notna() & ~good[col].isin(known)).sum())
            if n:
                counts[col] = n
    return counts


def reference_sets(source: str) -> dict[str, set[str]]:
    from surveillance import reference

    products = set(reference.product_categories()["code"])
    return {"injury": {"product_code": products},
            "inspection": {"product_category": products},
            "food": {"food_category": set(reference.food_categories()["code"]),
                     "analyte": set(reference.analytes()["code"])}}[source]


def _for_validation(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Text columns as pandas' Arrow-backed strings (GX's null and set checks run far faster on
    them); the ISO date column as dates, which GX compares with the suite's date bounds."""
    frame = frame.drop(columns=["row_hash", "extra"], errors="ignore")
    text = [c for c in frame.columns if frame[c].dtype == object and c != contract.date_column]
    frame = frame.astype(dict.fromkeys(text, "str"))
    frame[contract.date_column] = per_unique(frame[contract.date_column], lambda u: u.map(_iso_date))
    return frame


def _iso_date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def coded_columns(contract: Contract) -> tuple[str, ...]:
    """Keys, codes, dates and numbers: an ID or phone number found there makes the row a quarantined one."""
    present = set(contract.names)
    return tuple(c for c in dict.fromkeys((*contract.key, "region_code", contract.date_column, "manufacturer_uscc", "age",
                                           "result_value", "lod", "limit_value")) if c in present)


def _invalid_line(line: InvalidLine, contract: Contract) -> dict:
    text = personal.redact_line(line.text, _labels()) if contract.personal else personal.redact_value(line.text)
    return dict(row_number=None, raw=json.dumps({"line": text}, ensure_ascii=False),
                reasons=json.dumps([_reason("parse", "", line.reason)], ensure_ascii=False))


@functools.cache
def _labels() -> frozenset[str]:
    """Values a line of an injury card may show in clear: its code tables' labels and codes."""
    from surveillance import reference

    codes = reference.injury_codes()
    return frozenset({*codes["label"].astype(str), *codes["code"].astype(str), "男", "女", "未知"})


def _previous_batch(engine: Engine, source: str, digest: str):
    with engine.connect() as conn:
        return conn.execute(
            select(IngestBatch.id, IngestBatch.status, IngestBatch.error, IngestBatch.rows_read)
            .where(IngestBatch.source == source, IngestBatch.content_hash == digest)
        ).first()


def _record_rejection(engine: Engine, path: Path, source: str, digest: str, error: str, day: date) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(IngestBatch).returning(IngestBatch.id),
            dict(source=source, file_name=path.name, file_path=str(path), content_hash=digest,
                 status="rejected", error=error, ingested_at=datetime.now(), run_day=day),
        ).scalar_one()


def ingest_file(engine: Engine, path: Path, source: str, salt: str, today: date | None = None, *,
                day: date | None = None, sheet: str | None = None, layout: str | None = None, validator: RowValidator | None = None,
                writer: ThreadWriter | ProcessWriter | None = None, progress: Callable[[int], None] | None = None,
                confine_to: Path | None = None, sender: str | None = None) -> IngestResult:
    """Ingest ``path`` as ``source``; never raises for bad input, reports it in the result.

    ``today`` bounds dates (nothing after it is valid); ``day`` is the day whose run this is
    (default: the day before ``today``): rows dated before it mark their days as revised.
    ``confine_to``: a landing folder; a file (or symlink) resolving outside it is refused unread.
    ``sender``: who sent the file (default: what its folder or name declares, see ``senders``).
    """
    contract = CONTRACTS[source]
    today = today or date.today()
    day = day or today - timedelta(days=1)
    path = Path(path)
    result = IngestResult(file=str(path), source=source, status="rejected")
    if confine_to is not None and not path.resolve().is_relative_to(Path(confine_to).resolve()):
        result.error = "refused: a link to a file outside the landing folder (only files landed there are read)"
        digest = hashlib.sha256(f"outside:{path}".encode()).hexdigest()
        if _previous_batch(engine, source, digest) is None:
            result.batch_id = _record_rejection(engine, path, source, digest, result.error, day)
        return result
    try:
        digest = file_hash(path)
    except OSError as exc:
        result.error = f"cannot read file: {exc.strerror}"
        return result
    result.sender = sender if sender is not None else declared_sender(path, source, confine_to, _hospital_codes(source))
    with file_lock(engine, f"ingest:{source}:{digest}"):  # the same file twice at once loads once
        return _ingest_new(engine, path, source, salt, today, day, sheet, layout, validator, writer, progress, result,
                           contract, digest)


def _hospital_codes(source: str) -> set[str]:
    if source != "injury":
        return set()
    from surveillance.ingest.senders.hospitals import RegistryError, registry

    try:
        return set(registry())
    except RegistryError:
        return set()  # the card reader reports an unusable registry itself


def _ingest_new(engine: Engine, path: Path, source: str, salt: str, today: date, day: date, sheet: str | None,
                layout: str | None, validator: RowValidator | None, writer: ThreadWriter | ProcessWriter | None,
                progress: Callable[[int], None] | None, result: IngestResult, contract: Contract, digest: str) -> IngestResult:
    previous = _previous_batch(engine, source, digest)
    if previous is not None and previous.status != "rejected":
        result.status, result.error, result.batch_id = previous.status, previous.error, previous.id
        result.rows_read = result.rows_duplicate = previous.rows_read
        result.already_ingested = True
        return result
    if previous is not None:
        # a rejected file is tried again (another --layout, a registry that now lists its hospital): its
        # old rejection gives way to this attempt's outcome, so the file still has exactly one batch row
        log.info("%s: previously rejected (%s), trying again", path, previous.error)
        with engine.begin() as conn:
            conn.execute(delete(IngestBatch).where(IngestBatch.id == previous.id))
    validator = validator or RowValidator(source, today)
    own_writer = writer is None
    writer = writer or ThreadWriter(engine)
    try:
        raw = open_file(path, contract, sheet, layout=layout, sender=result.sender)
        result.encoding = raw.encoding
        result.layout = raw.layout.name if raw.layout else None
        result.skipped = list(raw.skipped)
        result.unread_columns = [str(c) for c in raw.extra_columns if str(c).strip() and not str(c).startswith("column_")]
        _load_file(raw, contract, path, digest, salt, day, sheet, validator, writer, result, progress)
    except Exception as exc:
        # anything the file's content can provoke rejects this file alone, in one line, and the run goes on;
        # a warehouse that cannot be reached is the run's problem, not the file's
        if isinstance(exc, OperationalError | InterfaceError):
            raise
        if not isinstance(exc, FileRejected):
            log.exception("%s: unexpected failure reading the file", path)
            exc = FileRejected(f"could not be read ({type(exc).__name__}: {one_line(exc, 200)})")
        result.error = one_line(exc)
        result.rows_read = result.rows_loaded = result.rows_quarantined = result.rows_duplicate = result.rows_updated = 0
        result.rows_expanded = result.lines_folded = result.lines_notes = 0
        result.revised_days, result.not_in_reference, result.unread_columns = [], {}, []
        result.derived, result.not_stated = {}, {}
        result.batch_id = _record_rejection(engine, path, source, digest, result.error, day)
        return result
    finally:
        if own_writer:
            writer.close()
    result.status = "accepted"
    log.info(result.line())
    return result


def _load_file(raw, contract: Contract, path: Path, digest: str, salt: str, day: date, sheet: str | None,
               validator: RowValidator, writer: ThreadWriter | ProcessWriter, result: IngestResult,
               progress: Callable[[int], None] | None) -> None:
    """Prepare chunk n+1 here while the writer stores chunk n; one transaction for the whole file."""
    now = datetime.now()
    clock = StageClock(result.seconds)
    seen = FileKeys()
    totals = LoadCounts()
    days: list[date] = []

    def collect() -> None:
        written = writer.collect()
        if written is None:
            return
        totals.inserted += written.counts.inserted
        totals.updated += written.counts.updated
        totals.unchanged += written.counts.unchanged
        totals.days.update(written.counts.days)
        result.rows_quarantined += written.quarantined
        result.rows_duplicate += written.counts.unchanged
        days.extend(d for d in (written.first_day, written.last_day) if d is not None)
        clock.lap("load")
        if progress:
            progress(totals.inserted + totals.updated + result.rows_quarantined + result.rows_duplicate)

    writer.begin(dict(source=contract.source, file_name=path.name, file_path=str(path), content_hash=digest,
                                 status="accepted", encoding=raw.encoding, ingested_at=now, run_day=day, sheet=sheet,
                                 layout=result.layout, sender=result.sender,
                                 unread_columns=json.dumps(result.unread_columns, ensure_ascii=False) if result.unread_columns else None))
    hospital = result.sender if result.sender and result.sender in _hospital_codes(contract.source) else None
    try:
        for n, chunk in enumerate(raw.chunks(), 1):
            clock.lap("read")
            outcome = split_chunk(contract, chunk, salt, validator, seen, f"{path.name} part {n}", clock, hospital)
            result.rows_read += len(chunk.frame) + len(chunk.invalid)
            result.rows_duplicate += outcome.duplicates
            result.rows_expanded += chunk.expanded
            result.lines_folded += chunk.folded
            result.lines_notes += chunk.notes
            for total, part in ((result.not_in_reference, outcome.not_in_reference), (result.derived, outcome.derived),
                                (result.not_stated, outcome.not_stated)):
                for col, k in part.items():
                    total[col] = total.get(col, 0) + k
            collect()
            writer.submit(ChunkWrite(contract.source, outcome.good, outcome.quarantine))
        collect()
        result.rows_loaded = totals.inserted + totals.updated
        result.rows_updated = totals.updated
        revised = Counter({d: k for d, k in totals.days.items() if d < day})
        result.revised_days = sorted(d.isoformat() for d in revised)
        batch_id = writer.commit(contract.source, revised, dict(
            rows_read=result.rows_read, rows_loaded=result.rows_loaded, rows_quarantined=result.rows_quarantined,
            rows_duplicate=result.rows_duplicate, first_day=min(days, default=None), last_day=max(days, default=None)))
    except BaseException:
        writer.rollback()
        raise
    clock.lap("load")
    result.batch_id = batch_id


def landed_files(landing_dir: Path) -> list[Path]:
    """Files waiting in one landing folder and in its sender folders (``DAY/SENDER/file``), in name order;
    links are listed too, for the ingest to refuse those leading out of the landing area."""
    if not landing_dir.is_dir():
        return []

    def files(folder: Path) -> list[Path]:
        return [p for p in folder.iterdir() if (p.is_file() or p.is_symlink()) and not p.name.startswith(".")]

    senders = [d for d in landing_dir.iterdir() if d.is_dir() and not d.is_symlink() and not d.name.startswith(".")]
    return sorted([*files(landing_dir), *(p for d in senders for p in files(d))])
