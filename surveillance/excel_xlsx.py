"""An Excel workbook of one table, with the protections of the CSV digests: every cell is text Excel will
show and never evaluate (formula starts quoted, direction controls dropped), numbers stay numbers."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from surveillance.excel_csv import neutralise


def excel_xlsx(header: list[str], rows: list[list[object]], sheet: str = "信号") -> bytes:
    """The table as .xlsx bytes: one sheet, a bold frozen header, text cells neutralised."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([neutralise(h) for h in header])
    for row in rows:
        ws.append([v if isinstance(v, int | float) and not isinstance(v, bool) else neutralise(v) for v in row])
    for cell in ws[1]:
        cell.font = cell.font.copy(bold=True)
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(60, 2 * len(str(name)) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
