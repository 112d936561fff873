"""Where the raw records come from: a file, an in-memory table, or a table in the engine.

Connectors hand records over as a pandas DataFrame or an Arrow table; files are
CSV or Parquet; a table already in the engine's database is named by
``EngineTable`` (or by the definition's ``table`` when no source is given).

>>> as_source("requests.parquet", "requests")
FileSource(path=PosixPath('requests.parquet'), format='parquet')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class FileSource:
    """A CSV (optionally gzipped) or Parquet file; each engine reads it itself."""

    path: Path
    format: str


@dataclass(frozen=True)
class ArrowSource:
    """Records in memory, as an Arrow table (pandas frames are converted once)."""

    table: pa.Table


@dataclass(frozen=True)
class EngineTable:
    """A table (or view) that already exists in the engine's database."""

    name: str


Source = FileSource | ArrowSource | EngineTable


def as_source(source: Any, table: str) -> Source:
    """Accept any kind of source; ``None`` is the engine's table called ``table``."""
    if source is None:
        return EngineTable(table)
    if isinstance(source, FileSource | ArrowSource | EngineTable):
        return source
    if isinstance(source, str | Path):
        return _file(Path(source))
    if isinstance(source, pa.RecordBatchReader):
        return ArrowSource(source.read_all())
    if isinstance(source, pa.Table):
        return ArrowSource(source)
    if type(source).__name__ == "DataFrame" and hasattr(source, "to_numpy"):
        # A pandas NaN in a number column becomes a missing value, as it is meant.
        return ArrowSource(pa.Table.from_pandas(source, preserve_index=False))
    raise TypeError(
        f"cannot read records from {type(source).__name__}: give a CSV or Parquet path, "
        "a pandas DataFrame, an Arrow table, or EngineTable(name)"
    )


def _file(path: Path) -> FileSource:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes = suffixes[:-1]
    fmt = _FORMATS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise ValueError(f"{path}: expected a .csv, .csv.gz or .parquet file")
    return FileSource(path, fmt)


def plain_types(table: pa.Table) -> pa.Table:
    """Arrow types every engine takes: large and dictionary-encoded text as plain text."""
    fields = []
    for f in table.schema:
        kind = f.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            kind = pa.string()
        fields.append(pa.field(f.name, kind, f.nullable))
    schema = pa.schema(fields)
    return table if schema == table.schema else table.cast(schema)
