"""A corpus of real senders' layouts, each a small file built in code from a public source, with what a
correct reading of it yields.

Each case module (``food_*.py``, ``inspection_*.py``, ``injury_*.py``) defines ``CASES: list[Case]``. A case
is one file as its sender publishes or exports it (title rows, two-row headers, merged cells, notes, several
sheets, CSV encodings), the public source it follows (``cite``), and the records a correct reading yields in
the warehouse's terms (``expect``), or the reason the file must be refused (``refuse``).

Expected records use the stored values: analytes and categories by our reference code when the reference
tables (``surveillance/reference/data/``) know them, else as written; regions as 6-digit codes (a place
outside Shaanxi: its province's code, e.g. ``410000``); dates ISO; numbers in the analyte's reference unit.
Only the fields a record names are compared. Records are matched to stored ones by ``IDENTITY[source]``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

# the fields that pick out a stored record for an expected one (unique within a case)
IDENTITY = {
    "food": ("food_name", "analyte"),
    "inspection": ("manufacturer_name", "product_name"),
    "injury": ("report_id",),
}


@dataclass
class Sheet:
    rows: list[list[object]]  # every row as written, title rows and notes included; '' or None is an empty cell
    name: str = "Sheet1"
    merges: list[str] = field(default_factory=list)  # XLSX merged ranges, e.g. "A3:A5" (the value sits in the first cell)


@dataclass
class Case:
    name: str  # short id, unique in the corpus
    source: str  # injury | inspection | food
    cite: str  # the public source this layout follows (URL or repository + path) and what it is
    file_name: str  # as the sender names it (its words may carry the list's meaning or the date)
    sheets: list[Sheet]
    expect: list[dict] = field(default_factory=list)  # records a correct reading yields
    refuse: str | None = None  # a file that must be refused: words the rejection must contain
    quarantined: int = 0  # rows a correct reading quarantines (bad data in the file itself)
    sender: str | None = None  # the folder it lands in (landing/SOURCE/DAY/SENDER/), when the case needs one
    encoding: str = "utf-8-sig"  # for .csv files
    notes: str = ""  # what the layout does that is hard to read
    notes_expected_if_dated: list[dict] = field(default_factory=list)  # what undated rows would say (kept for reference)

    def write(self, folder: Path) -> Path:
        """The file, in ``folder`` (or ``folder/SENDER/``)."""
        folder = folder / self.sender if self.sender else folder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.file_name
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            _write_xlsx(path, self.sheets)
        elif path.suffix.lower() == ".xls":
            _write_xls(path, self.sheets)
        else:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerows([["" if v is None else str(v) for v in r] for r in self.sheets[0].rows])
            path.write_bytes(buf.getvalue().encode(self.encoding))
        return path


def _write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append([None if v == "" else v for v in row])
        for m in sheet.merges:
            ws.merge_cells(m)
    wb.save(path)


def _write_xls(path: Path, sheets: list[Sheet]) -> None:
    """The same workbook in the older binary format many bureaus still publish (xlwt)."""
    import re

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for sheet in sheets:
        ws = wb.add_sheet(sheet.name[:31])
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for m in sheet.merges:
            (c1, r1), (c2, r2) = [(ord(a) - 65, int(b) - 1) for a, b in re.findall(r"([A-Z])(\d+)", m)]
            merged[(r1, c1)] = (r2, c2)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if (r, c) in covered or value in ("", None):
                    continue
                if (r, c) in merged:
                    r2, c2 = merged[(r, c)]
                    ws.write_merge(r, r2, c, c2, value)
                else:
                    ws.write(r, c, value)
    wb.save(str(path))


def all_cases() -> list[Case]:
    import importlib
    import pkgutil

    cases: list[Case] = []
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        cases += importlib.import_module(f"{__name__}.{mod.name}").CASES
    return cases


@dataclass
class Outcome:
    case: Case
    status: str  # accepted | rejected
    error: str | None = None
    right: int = 0  # expected records stored with every named field right
    wrong: list[str] = field(default_factory=list)  # expected records stored with a field wrong: what differs
    missing: list[str] = field(default_factory=list)  # expected records not stored (quarantined or lost)
    extra: list[str] = field(default_factory=list)  # stored records no correct reading yields
    quarantined: int = 0
    derivations: dict[str, int] = field(default_factory=dict)  # field -> records with a derived value

    @property
    def ok(self) -> bool:
        if self.case.refuse is not None:
            return self.status == "rejected" and self.case.refuse in (self.error or "")
        return (self.status == "accepted" and not self.wrong and not self.missing and not self.extra
                and self.quarantined == self.case.quarantined)

    def explain(self) -> str:
        if self.case.refuse is not None:
            return f"{self.case.name}: expected a refusal naming {self.case.refuse!r}, got {self.status}: {self.error}"
        lines = [f"{self.case.name}: {self.status} {self.error or ''} right {self.right}, quarantined {self.quarantined} "
                 f"(expected {self.case.quarantined})"]
        lines += [f"  wrong   {w}" for w in self.wrong] + [f"  missing {m}" for m in self.missing]
        lines += [f"  extra   {x}" for x in self.extra]
        return "\n".join(lines)


_MODELS = {"food": "FoodResult", "inspection": "InspectionResult", "injury": "InjuryReport"}


def _same(expected: object, got: object) -> bool:
    import datetime

    if isinstance(expected, float) or (isinstance(expected, int) and not isinstance(expected, bool)):
        return got is not None and not isinstance(got, str) and abs(float(got) - float(expected)) <= 1e-6 * max(1.0, abs(float(expected)))
    if isinstance(got, datetime.date):
        got = got.isoformat()
    return expected == got


def read_case(case: Case, landing: Path, engine, today, salt: str = "corpus-salt") -> Outcome:
    """Ingest ``case`` as landed on the day before ``today`` and compare the warehouse with a correct reading."""
    import json

    from sqlalchemy import select

    from surveillance.ingest.file import ingest_file
    from surveillance.warehouse import models

    day_folder = landing / case.source / (today.fromordinal(today.toordinal() - 1)).isoformat()
    path = case.write(day_folder)
    result = ingest_file(engine, path, case.source, salt, today, confine_to=landing)
    out = Outcome(case, result.status, result.error, quarantined=result.rows_quarantined)
    if result.status != "accepted":
        out.missing = [_label(e, case.source) for e in case.expect]
        return out
    model = getattr(models, _MODELS[case.source])
    with engine.connect() as conn:
        stored = [r._asdict() for r in conn.execute(select(*model.__table__.columns).where(model.batch_id == result.batch_id))]
    identity = IDENTITY[case.source]
    used: set[int] = set()
    for exp in case.expect:
        found = [n for n, r in enumerate(stored) if all(_same(exp[k], r.get(k)) for k in identity if k in exp)]
        if not found:
            out.missing.append(_label(exp, case.source))
            continue
        n = found[0]
        used.add(n)
        differs = [f"{k}: expected {exp[k]!r}, stored {stored[n].get(k)!r}" for k in exp if k not in identity
                   and not _same(exp[k], stored[n].get(k))]
        if differs:
            out.wrong.append(f"{_label(exp, case.source)}: " + "; ".join(differs))
        else:
            out.right += 1
    out.extra = [_label(r, case.source) for n, r in enumerate(stored) if n not in used]
    for r in stored:
        extra = json.loads(r.get("extra") or "{}")
        for k in json.loads(extra.get("_derived") or "{}"):
            out.derivations[k] = out.derivations.get(k, 0) + 1
    return out


def _label(record: dict, source: str) -> str:
    return "/".join(str(record.get(k, "?")) for k in IDENTITY[source])
