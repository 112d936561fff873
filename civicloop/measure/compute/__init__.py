"""Indicators computed from raw records, on DuckDB, PostgreSQL or Spark.

A definition (``IndicatorDefinition``, or its dict/YAML form) says what to
measure over a table of raw records (311 requests, attendance, permits, loans);
``compute`` compiles it with Ibis, runs it on an engine, and returns
``Observations``, a tidy Arrow table whose shape is described in
``civicloop.measure.compute.observations``. No Django here: the Django side
stores definitions as JSON and observations as rows.

>>> import datetime as dt, pyarrow as pa
>>> records = pa.table({
...     "opened": [dt.date(2024, 1, 5), dt.date(2024, 1, 9), dt.date(2024, 2, 1)],
...     "ward": ["North", "South", "North"],
...     "days_to_close": [2.0, 6.0, 3.0],
... })
>>> obs = compute({
...     "name": "median_days_to_close", "measure": "median", "value": "days_to_close",
...     "period": {"column": "opened", "grain": "month"}, "area": "ward",
... }, records)
>>> [(r["period"], r["area"], r["value"]) for r in obs]
[('2024-01', 'all', 4.0), ('2024-01', 'North', 2.0), ('2024-01', 'South', 6.0), ('2024-02', 'all', 3.0), ('2024-02', 'North', 3.0)]
"""

from __future__ import annotations

from civicloop.measure.compute.areas import Polygons
from civicloop.measure.compute.definition import (
    Area,
    IndicatorDefinition,
    Period,
    RatePart,
)
from civicloop.measure.compute.engines import (
    ENGINES,
    DuckDBEngine,
    Engine,
    PostgresEngine,
    SparkEngine,
    get_engine,
)
from civicloop.measure.compute.errors import DefinitionError
from civicloop.measure.compute.filters import Filter
from civicloop.measure.compute.observations import (
    ALL_AREAS,
    MISSING,
    SCHEMA,
    TOTAL,
    Observations,
)
from civicloop.measure.compute.periods import GRAINS
from civicloop.measure.compute.run import compute, compute_many
from civicloop.measure.compute.sources import ArrowSource, EngineTable, FileSource

__all__ = [
    "ALL_AREAS",
    "ENGINES",
    "GRAINS",
    "MISSING",
    "SCHEMA",
    "TOTAL",
    "Area",
    "ArrowSource",
    "DefinitionError",
    "DuckDBEngine",
    "Engine",
    "EngineTable",
    "FileSource",
    "Filter",
    "IndicatorDefinition",
    "Observations",
    "Period",
    "Polygons",
    "PostgresEngine",
    "RatePart",
    "SparkEngine",
    "compute",
    "compute_many",
    "get_engine",
]
