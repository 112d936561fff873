"""How much one file may make civicloop read, checked before any parser starts.

A 1.2 MB workbook can unpack to hundreds of megabytes of XML (a zip bomb) and a 1 MB CSV
can hold 100,000 columns; parsed, either ties up a web worker for minutes and a gigabyte
of memory, and renders pages of unbounded size (one mapping row per column). The bounds
are far above any partner's spreadsheet or portal extract, and each refusal says which
bound was hit and how to split the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

MAX_COLUMNS = 1_000  # columns in a file (a wide file has one per period or area)
MAX_CELLS = 20_000_000  # rows x columns
MAX_UNPACKED = 64 * 2**20  # bytes of XML an .xlsx may unpack to
MAX_ZIP_RATIO = 100  # unpacked / packed, for any part over a megabyte
MAX_ZIP_PARTS = 2_000


class TooLarge(ValueError):
    """The file is over one of the bounds; the message names it, for the user."""


def check_width(columns: int, name: str) -> None:
    if columns > MAX_COLUMNS:
        raise TooLarge(
            f"{name}: {columns} columns, more than the {MAX_COLUMNS} civicloop reads; "
            "split the file, or load it in long format (one row per value)"
        )


def check_cells(rows: int, columns: int, name: str) -> None:
    if rows * columns > MAX_CELLS:
        raise TooLarge(
            f"{name}: about {rows * columns:,} cells, more than the {MAX_CELLS:,} "
            "civicloop reads in one file; split it"
        )


def check_delimited(data: bytes, delimiter: str, name: str) -> None:
    """Columns of the header line and the table's cells, before the CSV parser runs."""
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    try:
        width = len(next(csv.reader(io.StringIO(first), delimiter=delimiter)))
    except (csv.Error, StopIteration):
        width = first.count(delimiter) + 1
    check_width(width, name)
    check_cells(data.count(b"\n") + 1, width, name)


def check_xlsx(path: Path, name: str) -> None:
    """An .xlsx is a zip: read its directory (the declared sizes, which bound what Python's
    zipfile will ever unpack) and refuse a bomb before openpyxl opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: the workbook reader says so in its own words
    if len(parts) > MAX_ZIP_PARTS:
        raise TooLarge(f"{name}: {len(parts)} parts inside the workbook; at most {MAX_ZIP_PARTS}")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED:
        raise TooLarge(
            f"{name}: the workbook expands to {unpacked / 2**20:,.0f} MB, more than the "
            f"{MAX_UNPACKED / 2**20:.0f} MB civicloop reads; save it as CSV or split it"
        )
    for part in parts:
        if part.file_size > 2**20 and part.file_size > MAX_ZIP_RATIO * max(part.compress_size, 1):
            raise TooLarge(
                f"{name}: {part.filename} expands {part.file_size // max(part.compress_size, 1)}"
                " times its packed size, which no spreadsheet does; refused as a zip bomb"
            )
