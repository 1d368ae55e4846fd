"""What a file gives: which layout fits it, which contract fields it names, which are derived and how,
which are missing, and which of its columns nobody understands (kept as extra)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from surveillance.ingest.contract import CONTRACTS
from surveillance.ingest.layouts import Layout, NoLayout, all_layouts, recognise, result_like
from surveillance.ingest.read import FileRejected, header_rows


@dataclass
class LayoutReport:
    file: str
    source: str | None = None
    layout: str | None = None
    title: str | None = None
    header_row: int | None = None  # 1-based row of the header in the file
    given: dict[str, str] = field(default_factory=dict)  # contract field -> the file's header
    derived: dict[str, str] = field(default_factory=dict)  # contract field -> how
    missing: list[str] = field(default_factory=list)  # required contract fields neither given nor derived
    kept_as_extra: list[str] = field(default_factory=list)  # the file's headers outside the contract the layout reads
    not_understood: list[str] = field(default_factory=list)  # headers no field of the layout reads (named per batch)
    refused: str | None = None  # why the ingest would refuse the file although a layout fits
    error: str | None = None

    def lines(self) -> list[str]:
        if self.error:
            return [f"{self.file}: {self.error}"]
        out = [f"{self.file}: {self.source} file, layout {self.layout} ({self.title}), header on row {self.header_row}"]
        out += [f"  given    {f:<20} <- {h}" for f, h in self.given.items()]
        out += [f"  derived  {f:<20} <- {how}" for f, how in self.derived.items()]
        out += [f"  missing  {f}" for f in self.missing]
        if self.kept_as_extra:
            out.append("  kept as extra: " + "、".join(self.kept_as_extra))
        if self.not_understood:
            out.append("  not understood (kept as extra): " + "、".join(self.not_understood))
        if self.refused:
            out.append(f"  REFUSED: {self.refused}")
        return out


def _flat(header: str) -> str:
    return "".join(str(header).split())


def _how(layout: Layout, spec: dict, present: set[str]) -> str | None:
    """How a field is derived from what this file has; None when the file has none of the inputs."""
    inputs = [s for names in spec.get("from", []) for s in ([names] if isinstance(names, str) else names)
              if s in present or s in ("@title", "@sheet", "@file")]
    if spec.get("given") in present:
        inputs.insert(0, spec["given"])
    if not inputs and spec["rule"] not in ("verdict", "stable_id"):
        return None
    context = {"@title": "标题行", "@sheet": "工作表名", "@file": "文件名"}
    names = "、".join(layout.label(s) if s in layout.fields else context.get(s, s) for s in inputs)
    extra = {"hospital_registry": " (sentinel hospital registry)", "stable_id": " (made from the row when absent)"}
    return f"{spec['rule']}({names}){extra.get(spec['rule'], '')}"


def check(path: Path, source: str | None = None, layout: str | None = None, sheet: str | None = None) -> LayoutReport:
    """Describe ``path`` as the ingest would read it (``source`` None: whichever source fits)."""
    report = LayoutReport(file=str(path))
    try:
        rows = header_rows(path, sheet)
    except (FileRejected, OSError, ValueError) as exc:
        report.error = str(exc)
        return report
    sources = [source] if source else list(CONTRACTS)
    errors = []
    for src in sources:
        try:
            match = recognise(rows, src, layout)
        except (NoLayout, KeyError) as exc:
            errors.append(f"{src}: {exc}")
            continue
        lay = match.layout
        contract = CONTRACTS[src]
        report.source, report.layout, report.title, report.header_row = src, lay.name, lay.title, match.row + 1
        by_field = {f: h for h, f in match.mapping.items()}
        own = {*contract.names, *(c.name for c in contract.personal)}
        report.given = {f: _flat(by_field[f]) for f in contract.names if f in by_field and f not in lay.derive}
        hows = {f: _how(lay, spec, set(by_field)) for f, spec in lay.derive.items()}
        report.derived = {f: how for f, how in hows.items() if how}
        if lay.explode:
            report.derived.update({lay.explode[k]: f"split from {lay.label(lay.explode['field'])}" for k in ("item", "result", "limit")})
        report.derived.update({f: f"default '{v}' when absent" for f, v in lay.defaults.items() if f not in report.derived})
        report.missing = [f for f in contract.required if f not in report.given and f not in report.derived]
        report.kept_as_extra = [_flat(h) for h, f in match.mapping.items() if f not in own]
        report.not_understood = [_flat(u) for u in match.unknown if u.strip()]
        unread = result_like(match.unknown) if src != "injury" and not lay.native else []
        if unread:
            report.refused = (f"{'、'.join(_flat(c) for c in unread)} read like results, limits or verdicts and no field "
                              "reads them (surveillance layouts draft)")
        return report
    report.error = errors[0] if len(errors) == 1 else "; ".join(errors)
    return report


def listing() -> list[str]:
    """One line per layout: name, source, title, required fields."""
    return [f"{lay.name:<26} {lay.source:<11} {lay.title}  [requires: {', '.join(lay.label(f) for f in lay.required)}]"
            for lay in all_layouts()]
