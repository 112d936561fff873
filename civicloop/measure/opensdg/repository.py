"""What an Open SDG repository holds once read, whatever its layout: the indicators (data
and metadata merged), the translations, the boundaries of its areas, and what was met on
the way (problems that stop an import, notes that do not).

The readers in `civicloop.measure.opensdg.inputs` fill a `Repository`; the importer reads it.
Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civicloop.core.spreadsheet import unquoted

SELECTORS = ("Series", "Units")  # sdg-build's series_column and unit_column
GEOCODE = "GeoCode"
NOT_DISAGGREGATIONS = {
    # sdg-build's default non-disaggregation columns and observation attributes
    "Year",
    "Value",
    "Units",
    "Series",
    "GeoCode",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
    "SERIES",
    "COMMENT_TS",
    "DATA_LAST_UPDATE",
    "COMMENT_OBS",
    "SOURCE_DETAIL",
}
NOT_IMPORTED = NOT_DISAGGREGATIONS - {"Year", "Value", "Units", "Series", "GeoCode"}
# What pandas (so sdg-build, so Open SDG) reads as "no value" in a CSV cell.
NO_VALUE = frozenset(
    "#N/A,#N/A N/A,#NA,-1.#IND,-1.#QNAN,-NaN,-nan,1.#IND,1.#QNAN,<NA>,N/A,NA,NULL,NaN,None,"
    "n/a,nan,null".split(",")
) | {""}
SDG_ID = re.compile(r"^\d+-[0-9a-z]+-[0-9a-z]+(-[0-9a-z]+)*$")


class OpenSdgError(Exception):
    """The folder is not an Open SDG repository; one line for the CLI."""


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" row {self.row}" if self.row else "")
        return f"{where}{', ' + self.column if self.column else ''}: {self.message}"


@dataclass
class SdgIndicator:
    """One Open SDG indicator: its data file and its metadata merged from every meta file
    that names it, later inputs over earlier ones (as sdg-build merges its inputs)."""

    id: str
    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    columns: list[str] = field(default_factory=list)
    data_file: str = ""
    data_path: Path | None = None
    meta_files: list[str] = field(default_factory=list)
    _rows: list[list[str]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[list[str]]:
        """The data rows (header excluded), read when first asked for, so that a big
        repository is held in memory one file at a time (see `release`)."""
        if self._rows is None:
            self._rows = read_csv(self.data_path)[1:] if self.data_path else []
        return self._rows

    @rows.setter
    def rows(self, rows: list[list[str]]) -> None:
        self._rows = rows

    def release(self) -> None:
        """Forget the rows (they are read again if asked for)."""
        self._rows = None

    @property
    def meta_file(self) -> str:
        return self.meta_files[0] if self.meta_files else ""

    @property
    def disaggregations(self) -> list[str]:
        """Every column that tells rows apart besides Year, Series, Units and GeoCode."""
        return [c for c in self.columns if c and c not in NOT_DISAGGREGATIONS]

    def column(self, row: list[str], name: str) -> str:
        i = self.columns.index(name) if name in self.columns else -1
        return row[i].strip() if 0 <= i < len(row) else ""

    def add_meta(self, meta: dict[str, Any], name: str, body: str = "") -> None:
        self.meta.update(meta)
        self.meta_files.append(name)
        if body:
            self.body = body


@dataclass(frozen=True)
class Boundary:
    """An area's name and GeoJSON geometry, from a ``geojson/`` file."""

    name: str
    geometry: dict[str, Any] | None


@dataclass
class Repository:
    folder: Path
    indicators: dict[str, SdgIndicator] = field(default_factory=dict)
    translations: dict[str, str] = field(default_factory=dict)  # "group.key" → text
    boundaries: dict[str, Boundary] = field(default_factory=dict)  # GeoCode → boundary
    config: dict[str, Any] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def indicator(self, sdg_id: str) -> SdgIndicator:
        return self.indicators.setdefault(sdg_id, SdgIndicator(sdg_id))

    def translate(self, text: Any) -> str | None:
        """A translation key's text (``global_indicators.1-1-1-title``), else None."""
        return self.translations.get(text) if isinstance(text, str) else None

    def sorted(self) -> list[SdgIndicator]:
        return sorted(self.indicators.values(), key=lambda i: natural(i.id))


def natural(text: str) -> list[tuple[int, str]]:
    return [(int(p), "") if p.isdigit() else (0, p) for p in re.split(r"[-.]", text)]


def read_csv(path: Path) -> list[list[str]]:
    """Every record of a CSV file as text cells (quoted newlines kept inside their cell).
    A cell civicloop's export quoted against formula injection ('=...) reads as it was."""
    return [
        [unquoted(cell) if cell[:1] == "'" else cell for cell in row]
        for row in csv.reader(io.StringIO(read_text(path), newline=""))
    ]


def read_text(path: Path) -> str:
    """UTF-8 (with or without BOM); Latin-1 when the bytes are not UTF-8."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
