"""Excel workbooks civicloop hands to people: one writer for every table of numbers.

Every "Excel" download beside a CSV goes through `workbook`, so they share what makes a
spreadsheet safe to open: text is stored as text and never as a formula (a partner's area
named ``=HYPERLINK(...)`` shows as those characters and runs nothing; the CSVs get the
same protection from `civicloop.core.spreadsheet`), numbers stay numbers, characters XML
cannot hold are dropped instead of failing the download, and NaN and infinities become
empty cells. Written in openpyxl's write-only mode, so memory stays flat on large tables.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own limit on a sheet's name, and characters it refuses in one.
TITLE_LENGTH = 31
TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def text_cell(sheet, value: str, **style) -> WriteOnlyCell:
    """A cell that holds ``value`` as text whatever its first character."""
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl would store "=..." as a formula
    for key, v in style.items():
        setattr(cell, key, v)
    return cell


def value_cell(sheet, value: Any):
    if value is None:
        return None
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value)
    if isinstance(value, (int, float)):
        return WriteOnlyCell(sheet, value) if math.isfinite(value) else None
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return text_cell(sheet, value.isoformat())
    return text_cell(sheet, str(value))


def sheet_title(title: str) -> str:
    return (title.translate(TITLE_FORBIDDEN).strip() or "data")[:TITLE_LENGTH]


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The .xlsx bytes of these sheets, each a bold header row and its rows."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title))
        ws.freeze_panes = "A2"
        ws.append([text_cell(ws, str(h), font=bold) for h in sheet.header])
        for row in sheet.rows:
            ws.append([value_cell(ws, v) for v in row])
    if not book.worksheets:
        book.create_sheet("data")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
