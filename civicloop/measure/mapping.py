"""Column mappings: how a source's own layout becomes civicloop's long format.

A mapping is plain JSON, so it can be stored on a `Source` and reused for the next upload
from the same source::

    {
      "columns": {"School Year": "period", "Pct Proficient": "value", "Ward": "area"},
      "constants": {"indicator": "third-grade-reading"},
      "wide": null
    }

- ``columns``: source column → civicloop field (``indicator``, ``area``, ``period``, ``value``,
  ``dimension``, ``group``, ``margin_of_error``, ``confidence_level``, ``numerator``,
  ``denominator``, ``status``). Source column names match case-insensitively; columns that
  already carry a field's name need no entry.
- ``constants``: field → value used on every row (e.g. one indicator per file).
- ``wide``: ``"periods"`` when each remaining column is a period (``2019, 2020, ...``) or
  ``"areas"`` when each is an area; every cell of those columns becomes one observation.
  ``value_columns`` optionally lists them (default: every column not mapped to a field).

Problems found later are reported against the original file: the row's line number and the
source column the value came from (in wide files, the period or area column).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIELDS = (
    "indicator",
    "area",
    "period",
    "value",
    "dimension",
    "group",
    "margin_of_error",
    "confidence_level",
    "numerator",
    "denominator",
    "status",
)
REQUIRED = ("indicator", "area", "period", "value")
# "unit" is checked against the indicator's unit when a file carries it.
FIELDS = (*FIELDS, "unit")


class MappingError(ValueError):
    """The mapping does not fit the file; the message names the column or field."""


def normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    wide: str | None = None
    value_columns: list[str] | None = None

    @classmethod
    def from_json(cls, data: dict | None) -> Mapping:
        data = data or {}
        unknown = set(data) - {"columns", "constants", "wide", "value_columns"}
        if unknown:
            raise MappingError(f"unknown mapping key(s): {', '.join(sorted(unknown))}")
        mapping = cls(
            columns=dict(data.get("columns") or {}),
            constants={k: str(v) for k, v in (data.get("constants") or {}).items()},
            wide=data.get("wide"),
            value_columns=data.get("value_columns"),
        )
        for target in [*mapping.columns.values(), *mapping.constants]:
            if target not in FIELDS:
                raise MappingError(f"{target!r} is not a field: use one of {', '.join(FIELDS)}")
        if mapping.wide not in (None, "periods", "areas"):
            raise MappingError("wide must be null, 'periods' or 'areas'")
        return mapping

    def to_json(self) -> dict:
        return {
            "columns": self.columns,
            "constants": self.constants,
            "wide": self.wide,
            **({"value_columns": self.value_columns} if self.value_columns else {}),
        }

    @property
    def is_identity(self) -> bool:
        return not (self.columns or self.constants or self.wide)


@dataclass
class LongTable:
    """The long format, column-wise: field → pyarrow text array; plus where each row came from.

    ``origin`` names the source column each field was read from; for the values of a wide
    file it is an array (one source column per row).
    """

    fields: dict[str, pa.Array]
    line: np.ndarray  # line number in the original file (header = 1)
    origin: dict[str, str | np.ndarray]

    def __len__(self) -> int:
        return len(self.line)


def apply(
    header: list[str],
    columns: dict[str, pa.Array],
    mapping: Mapping,
    lines: np.ndarray | None = None,
) -> LongTable:
    """Turn a file's columns (name → text array, in file order) into the long format.

    ``lines`` gives each row's line number in the file when it is not simply its index + 2.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    by_norm = {normalise(h): h for h in header}
    fields: dict[str, pa.Array] = {}
    origin: dict[str, str | np.ndarray] = {}
    used: set[str] = set()
    for src, target in mapping.columns.items():
        real = by_norm.get(normalise(src))
        if real is None:
            raise MappingError(f"the mapping names column {src!r}, which the file does not have")
        fields[target], origin[target] = columns[real], real
        used.add(real)
    for norm, real in by_norm.items():
        if norm in FIELDS and norm not in fields and real not in used:
            fields[norm], origin[norm] = columns[real], real
            used.add(real)
    for target, value in mapping.constants.items():
        fields[target] = pa.array(np.full(n, value, dtype=object), type=pa.string())
        origin[target] = f"(constant {target})"
    line = np.arange(2, n + 2) if lines is None else np.asarray(lines, dtype=np.int64)
    if mapping.wide:
        fields, origin, rows = _unpivot(header, columns, mapping, fields, origin, used, by_norm, n)
        line = line[rows]
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise MappingError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}"
            " (map them with a column mapping, or name them in the header)"
        )
    return LongTable(fields, line, origin)


def _unpivot(header, columns, mapping, fields, origin, used, by_norm, n):
    """Each cell of the period (or area) columns becomes one row; empty cells are no rows."""
    target = "period" if mapping.wide == "periods" else "area"
    wanted = mapping.value_columns or [h for h in header if h not in used]
    missing = [c for c in wanted if normalise(c) not in by_norm]
    if missing:
        raise MappingError(f"value column(s) {', '.join(missing)} not in the file")
    wanted = [by_norm[normalise(c)] for c in wanted]
    if not wanted:
        raise MappingError(f"a wide file needs at least one {target} column")
    k = len(wanted)
    # Row-major order: row i, column j sits at i*k + j; in the stacked columns at j*n + i.
    stacked = pa.concat_arrays([columns[c] for c in wanted])
    order = (np.arange(n)[:, None] + np.arange(k)[None, :] * n).reshape(-1)
    values = stacked.take(pa.array(order))
    keep = np.asarray(pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(values), ""), False))
    keep_idx = pa.array(np.flatnonzero(keep))
    rows = np.repeat(np.arange(n), k)[keep]
    out = {name: arr.take(pa.array(rows)) for name, arr in fields.items()}
    names = np.array(wanted, dtype=object)
    out[target] = pa.array(np.tile(names, n)[keep], type=pa.string())
    out["value"] = values.take(keep_idx)
    new_origin = dict(origin)
    new_origin[target] = "(column header)"
    new_origin["value"] = np.tile(names, n)[keep]
    return out, new_origin, rows
