"""Readers: one small function per file format, registered in one place (``READERS``).

Every reader returns a `RawTable`: the header in file order and each column as a pyarrow
string array, so validation can work on whole columns at once. Cells are text; the loader
decides what they mean.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from django.utils.translation import gettext as _

from civicloop.measure import limits

LONE_GROUP = re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$")


class ReadError(Exception):
    """The file cannot be read as a table; the message says why, for the user."""


@dataclass
class RawTable:
    header: list[str]
    columns: dict[str, pa.Array]
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    # Line number of each row in the file, when rows are not simply lines 2, 3, 4...
    lines: np.ndarray | None = None
    # Rows whose shape is wrong (too many or too few cells): (line, message).
    shape_problems: list[tuple[int, str]] = field(default_factory=list)
    # A text file's delimiter: a ``;`` says decimal commas are likely (see measure.numbers).
    delimiter: str = ","

    @property
    def nrows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def decode(raw: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes for the parser, and the encoding the file was really in.

    UTF-8 (with or without a byte-order mark) is read as is; anything that is not valid
    UTF-8 is read as Latin-1 (every byte is a Latin-1 character) and reported as such.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:], "utf-8-sig"
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1").encode("utf-8"), "latin-1"


def _dedupe(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        name = name.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _sniff_delimiter(sample: bytes) -> str:
    """The delimiter that splits the first lines into the same number of cells.

    Counting on the header alone is fooled by a ``;`` file whose header has a comma in a
    name, and decimal commas in the rows (``41,5``) must not look like cells.
    """
    import csv

    text = sample.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line]
    if not text.endswith(("\n", "\r")) and len(lines) > 1:
        lines.pop()  # cut short where the sample ends
    lines = lines[:20]
    best, best_key = ",", (False, 0)
    for delimiter in (",", ";", "\t", "|"):
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        key = (all(w == widths[0] for w in widths), widths[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def read_csv_bytes(raw: bytes, name: str = "file") -> RawTable:
    data, encoding = decode(raw)
    if not data.strip():
        raise ReadError(f"{name}: the file is empty")
    delimiter = _sniff_delimiter(data[:65536])
    limits.check_delimited(data, delimiter, name)
    notes = []
    if encoding == "latin-1":
        notes.append("The file is not UTF-8; it was read as Latin-1. Check accented names.")
    ragged: list[int] = []

    def invalid(row) -> str:
        ragged.append(1)
        return "skip"

    try:
        header_reader = pacsv.read_csv(
            io.BytesIO(data.split(b"\n", 1)[0] + b"\n"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
        )
        header = _dedupe([str(v[0]) for v in header_reader.to_pydict().values()])
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=False, invalid_row_handler=invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        # Quoted line breaks and the like: the careful reader knows every row's line.
        return _read_csv_slowly(data, name, delimiter, encoding, notes)
    if ragged:
        # Rows with the wrong number of cells: re-read carefully so each is reported
        # against its own line, and the lines after it keep their numbers.
        return _read_csv_slowly(data, name, delimiter, encoding, notes)
    columns = {h: table.column(h).combine_chunks() for h in header}
    return RawTable(header, columns, encoding, notes, delimiter=delimiter)


def _read_csv_slowly(
    data: bytes, name: str, delimiter: str, encoding: str, notes: list[str]
) -> RawTable:
    import csv

    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter)
    try:
        header = _dedupe(next(reader))
    except (StopIteration, csv.Error) as exc:
        raise ReadError(f"{name}: not a readable CSV file ({exc})") from None
    width = len(header)
    cols: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    shape: list[tuple[int, str]] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                shape.append(
                    (
                        line,
                        _("the row has %(cells)d cells; the header has %(width)d")
                        % {"cells": len(row), "width": width},
                    )
                )
                row = (row + [""] * width)[:width]
            for i, cell in enumerate(row):
                cols[i].append(cell)
            lines.append(line)
    except csv.Error as exc:
        raise ReadError(
            f"{name}: not a readable CSV file (line {reader.line_num}: {exc})"
        ) from None
    columns = {h: pa.array(c, type=pa.string()) for h, c in zip(header, cols, strict=True)}
    return RawTable(
        header, columns, encoding, notes, np.array(lines, dtype=np.int64), shape, delimiter
    )


def read_csv(path: Path) -> RawTable:
    return read_csv_bytes(path.read_bytes(), path.name)


# A workbook whose ``about`` sheet starts with this is civicloop's own data-entry template
# (`civicloop.measure.template`): its rows with no value are rows left unfilled, not errors.
TEMPLATE_MARK = "civicloop data-entry template"


def _is_template(book) -> bool:
    if "about" not in book.sheetnames:
        return False
    for row in book["about"].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True):
        return bool(row) and row[0] == TEMPLATE_MARK
    return False


def read_excel(path: Path) -> RawTable:
    """The first worksheet (or the one named ``data``) of an .xlsx workbook.

    Cells are read as stored: a formula is never evaluated (openpyxl reads the value the
    spreadsheet last saved for it, and none when it saved none). Each row keeps its line
    in the sheet, blank rows skipped, so problems name the row a person sees in Excel.
    """
    import openpyxl

    limits.check_xlsx(path, path.name)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ReadError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    try:
        return _read_sheet(book, path.name)
    finally:
        book.close()


def _read_sheet(book, name: str) -> RawTable:
    sheet = book["data"] if "data" in book.sheetnames else book.worksheets[0]
    template = _is_template(book)
    rows = sheet.iter_rows(values_only=True)
    try:
        header = _dedupe([str(c) if c is not None else "" for c in next(rows)])
    except StopIteration:
        raise ReadError(f"{name}: the worksheet {sheet.title!r} is empty") from None
    limits.check_width(len(header), name)
    width = len(header)
    value_at = [i for i, h in enumerate(header) if h.strip().lower() == "value"]
    cols: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    for line, row in enumerate(rows, start=2):
        if line % 10_000 == 0:
            limits.check_cells(line, width, name)
        if row is None or all(c is None for c in row):
            continue
        if template and value_at and _cell_text(_at(row, value_at[0])).strip() == "":
            continue  # a template row left unfilled
        for i in range(width):
            cols[i].append(_cell_text(_at(row, i)))
        lines.append(line)
    columns = {h: pa.array(c, type=pa.string()) for h, c in zip(header, cols, strict=True)}
    notes = [f"Read worksheet {sheet.title!r}."]
    if template:
        notes.append("Read as civicloop's data-entry template: rows with no value are left out.")
    return RawTable(header, columns, "xlsx", notes, np.array(lines, dtype=np.int64))


def _at(row, i: int):
    return row[i] if i < len(row) else None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        # A typed number is never a thousands group: 1.234 is written 1.2340, so a decimal
        # comma typed as text elsewhere in the sheet cannot make it 1234 (measure.numbers).
        return text + "0" if LONE_GROUP.match(text) else text
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _inline_rows(rows, name: str) -> tuple[list[str], list[list]]:
    """Inline data: objects (the first one's keys are the header), or lists (the first is)."""
    if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
        return [str(k) for k in rows[0]], [[r.get(k) for k in rows[0]] for r in rows]
    if isinstance(rows, list) and rows and all(isinstance(r, list) for r in rows):
        return [str(h) for h in rows[0]], rows[1:]
    raise ReadError(f"{name}: inline data is a list of rows, all objects or all lists")


def read_datapackage(path: Path) -> RawTable:
    """A Frictionless data package: ``datapackage.json`` whose first tabular resource is read."""
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(f"{path.name}: not a valid data package descriptor ({exc})") from None
    listed = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(listed, list):
        raise ReadError(f"{path.name}: a data package is an object with a list of resources")
    resources = [r for r in listed if isinstance(r, dict) and (r.get("path") or r.get("data"))]
    if not resources:
        raise ReadError(f"{path.name}: the data package has no resource with a path or data")
    resource = resources[0]
    if "data" in resource:
        header, body = _inline_rows(resource["data"], path.name)
        columns = {
            h: pa.array([_cell_text(r[i] if i < len(r) else None) for r in body], type=pa.string())
            for i, h in enumerate(header)
        }
        return RawTable(header, columns, "utf-8", [f"Read resource {resource.get('name', 0)!r}."])
    rel = resource["path"][0] if isinstance(resource["path"], list) else resource["path"]
    if not isinstance(rel, str):
        raise ReadError(f"{path.name}: a resource's path is a file name, not {rel!r}")
    target = (path.parent / rel).resolve()
    if path.parent.resolve() not in target.parents:
        raise ReadError(f"{path.name}: resource path {rel!r} points outside the package")
    if not target.is_file():
        raise ReadError(f"{path.name}: resource file {rel!r} is missing")
    table = read_csv(target)
    table.notes.append(f"Read resource {resource.get('name', rel)!r} ({rel}).")
    return table


READERS: dict[str, Callable[[Path], RawTable]] = {
    ".csv": read_csv,
    ".tsv": read_csv,
    ".txt": read_csv,
    ".xlsx": read_excel,
    ".json": read_datapackage,
}


def read_table(path: Path, name: str | None = None) -> RawTable:
    """Read ``path``; messages call it ``name`` (the file's original name, not the archive's)."""
    reader = READERS.get(path.suffix.lower())
    shown = name or path.name
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise ReadError(
            f"{shown}: cannot read {path.suffix or 'files without a suffix'}; use {known}"
        )
    try:
        return reader(path)
    except (ReadError, limits.TooLarge) as exc:
        raise ReadError(str(exc).replace(path.name, shown, 1)) from None
