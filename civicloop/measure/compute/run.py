"""Compute indicators: load the records once, run each definition, return observations.

>>> import pyarrow as pa, datetime as dt
>>> records = pa.table({"opened": [dt.date(2024, 1, 5), dt.date(2024, 2, 9)]})
>>> obs = compute({"name": "requests", "measure": "count", "period": "opened"}, records)
>>> [(row["period"], row["value"]) for row in obs]
[('2024-01', 1.0), ('2024-02', 1.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from civicloop.measure.compute.definition import IndicatorDefinition, as_definition
from civicloop.measure.compute.engines import Engine, get_engine
from civicloop.measure.compute.errors import DefinitionError
from civicloop.measure.compute.observations import Observations, finish
from civicloop.measure.compute.query import build_query
from civicloop.measure.compute.sources import ArrowSource, as_source

Definition = IndicatorDefinition | Mapping[str, Any]


def compute(
    definition: Definition, source: Any = None, engine: str | Engine = "duckdb"
) -> Observations:
    """The observations of one indicator over ``source`` on ``engine``.

    ``source`` is a CSV/Parquet path, a pandas DataFrame, an Arrow table, an
    ``EngineTable``, or None for the engine's table named by ``definition.table``.
    ``engine`` is a name or URL from ``ENGINES`` ("duckdb", "postgres://...",
    "spark") or an ``Engine``; one made here from a name is closed afterwards.
    """
    return compute_many([definition], source, engine)[0]


def compute_many(
    definitions: Iterable[Definition], source: Any = None, engine: str | Engine = "duckdb"
) -> list[Observations]:
    """Several indicators over the same records, loaded into the engine once."""
    definitions = [as_definition(d) for d in definitions]
    if not definitions:
        return []
    for definition in definitions:
        area = definition.area
        if area is not None and area.by_point and not area.polygons:
            raise DefinitionError(
                {
                    "area.polygons": "is required to place records by point (civicloop fills it "
                    "from the areas' stored boundaries)"
                }
            )
    runner = get_engine(engine)
    try:
        records = runner.load(as_source(source, definitions[0].table))
        return [_compute_one(d, records, runner) for d in definitions]
    finally:
        if runner is not engine:
            runner.close()


def _compute_one(definition: IndicatorDefinition, records: Any, engine: Engine) -> Observations:
    query = build_query(
        definition,
        records,
        run=engine.run,
        load=lambda table: engine.load(ArrowSource(table)),
    )
    return finish(definition, engine.run(query))
