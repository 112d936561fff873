"""CSV cells that a spreadsheet will not run: formula injection neutralised on the way out.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return before one) as a formula, so a partner's organisation
or area named ``=HYPERLINK(...)`` would run in every reader's spreadsheet when they open
the open data. Every CSV civicloop hands to people is written through `writer` or
`dict_writer`, which prefix such text with an apostrophe (OWASP's advice: the cell shows
as text). Numbers are data, not formulas: ``-3.5`` and ``+2`` stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def unquoted(value: str) -> str:
    """The inverse of `safe_cell` for a reader of civicloop's own exports (an Open SDG
    repository exported and imported again): the apostrophe it added comes off."""
    rest = value[1:]
    if value.startswith("'") and rest.startswith(TRIGGERS) and not NUMBER.fullmatch(rest):
        return rest
    return value


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet should show it: text that would run is quoted."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if NUMBER.fullmatch(value):
        return value
    return "'" + value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, writer: csv.DictWriter):
        self._writer = writer

    def writeheader(self):
        return self._writer.writer.writerow([safe_cell(f) for f in self._writer.fieldnames])

    def writerow(self, row: Mapping[str, Any]):
        return self._writer.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh, **options) -> _SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""
    return _SafeWriter(csv.writer(fh, **options))


def dict_writer(fh, fieldnames, **options) -> _SafeDictWriter:
    """`csv.DictWriter` whose header and cells go through `safe_cell`."""
    return _SafeDictWriter(csv.DictWriter(fh, fieldnames=fieldnames, **options))
