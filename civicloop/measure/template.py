"""The data-entry grid as an Excel workbook: filled in offline, uploaded back as it is.

A steward who would rather work in Excel downloads their grid (`civicloop.measure.entry`)
as a workbook: one row per indicator × area × group, the period due filled in, last
period's value beside an empty value cell. Its ``data`` sheet is civicloop's long format
(indicator, area, dimension, group, period, value first, then columns for reading only,
whose names are no field of a load), so it loads through the upload page or
``civicloop load`` with no mapping step; the ``about`` sheet carries `TEMPLATE_MARK`, by
which the reader knows to leave out the rows whose value was left blank (`readers`).

Only the period and value cells are unlocked (the sheet is protected without a password,
against slips, not people: the load checks every row again, stewardship included).
"""

from __future__ import annotations

import io

__all__ = ["CONTENT_TYPE", "workbook"]

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection

from civicloop.core.excel import CONTENT_TYPE
from civicloop.measure.entry import HEADER, Block
from civicloop.measure.readers import TEMPLATE_MARK

PERIOD, VALUE = HEADER.index("period") + 1, HEADER.index("value") + 1


def _reference_header() -> list[str]:
    # Read by people only: none of these names is a field a load reads (`mapping.FIELDS`).
    return [
        _("indicator name"),
        _("area name"),
        _("group name"),
        _("unit (for reference)"),
        _("last period"),
        _("last value"),
    ]


def _text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # a name starting with "=" stays text, never a formula


def workbook(collaborative, blocks: list[Block]) -> bytes:
    book = Workbook()
    data = book.active
    data.title = "data"
    bold = Font(bold=True)
    entry_fill = PatternFill("solid", fgColor="FFF8DC")
    for col, name in enumerate([*HEADER, *_reference_header()], start=1):
        _text(data.cell(row=1, column=col), name)
        data.cell(row=1, column=col).font = bold
    row = 2
    for block in blocks:
        ind = block.indicator
        for c in block.cells:
            texts = [
                ind.slug,
                c.area.code,
                c.group.dimension.slug if c.group else "",
                c.group.slug if c.group else "",
                block.period,
            ]
            for col, text in enumerate(texts, start=1):
                _text(data.cell(row=row, column=col), text)
            value = data.cell(row=row, column=VALUE)
            value.value = c.current
            refs = [
                ind.name,
                c.area.name,
                c.group.name if c.group else _("All"),
                ind.unit,
                block.last_period or "",
            ]
            for col, text in enumerate(refs, start=VALUE + 1):
                _text(data.cell(row=row, column=col), text)
            data.cell(row=row, column=VALUE + len(refs) + 1).value = c.last
            for col in (PERIOD, VALUE):
                data.cell(row=row, column=col).protection = Protection(locked=False)
                data.cell(row=row, column=col).fill = entry_fill
            row += 1
    data.protection.sheet = True
    data.protection.formatRows = data.protection.formatColumns = False  # widen, hide freely
    data.freeze_panes = "A2"
    widths = (26, 14, 14, 14, 10, 12, 36, 22, 18, 12, 12, 12)
    for letter, width in zip("ABCDEFGHIJKL", widths, strict=True):
        data.column_dimensions[letter].width = width
    about = book.create_sheet("about")
    lines = [
        TEMPLATE_MARK,
        _("Data-entry template for %(name)s") % {"name": collaborative.name},
        _(
            "Type each value in the value column (and change the period if it is not the "
            "one you are entering). Leave a value empty when you have no number for it: "
            "empty rows are left out."
        ),
        _(
            "Upload this file as it is (Loads, Upload a file) or run: civicloop load "
            "FILE -c %(slug)s. It is checked row by row as any file; nothing is written "
            "while a row has a problem, and the values wait for approval."
        )
        % {"slug": collaborative.slug},
        _("Do not rename the first six columns of the data sheet: civicloop reads them."),
    ]
    for i, line in enumerate(lines, start=1):
        _text(about.cell(row=i, column=1), line)
    about.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
