"""Compile a definition into one Ibis query, the same on every engine.

The query is a union of one aggregation per grouping set: the headline (period
only), each disaggregation dimension on its own, and both again per area (see
``grouping_sets``). Counts, sums, means and rates add up, so the records are
aggregated once into the finest cells (period x area x every dimension) and each
grouping set adds those up. A median does not add up, so for it each grouping
set aggregates the records again.

The rows carry raw aggregates (counts, sums, a median); ``observations`` derives
values and labels from them in Python, so that division by zero, period labels
and missing groups come out identically whatever the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from civicloop.measure.compute.areas import Polygons
from civicloop.measure.compute.definition import IndicatorDefinition, RatePart
from civicloop.measure.compute.errors import DefinitionError
from civicloop.measure.compute.filters import compile_filter
from civicloop.measure.compute.periods import as_date, period_start

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Internal column names; the leading underscore keeps them apart from record columns.
PERIOD, AREA, VALUE, NUM, DEN = "_period", "_area", "_value", "_num", "_den"
LAT, LON = "_lat", "_lon"
METRICS = ("n_records", "value", "numerator", "denominator")
# Measures whose aggregates add up from finer cells to coarser ones.
DECOMPOSABLE = ("count", "sum", "mean", "rate")
# Fetches a small query's rows and loads a small table back into the engine.
Run = Callable[["ir.Table"], pa.Table]
Load = Callable[[pa.Table], "ir.Table"]


def build_query(
    definition: IndicatorDefinition, records: ir.Table, run: Run, load: Load
) -> ir.Table:
    """The Ibis query computing ``definition`` over ``records``.

    ``run`` and ``load`` are only used to place points in polygons: the distinct
    points are fetched, placed in Python and joined back as a small table.
    """
    check_columns(definition, records.schema())
    records = _apply_filters(definition, records)
    if definition.area is not None and definition.area.by_point:
        records = _place_points(definition, records, run, load)
    sets = list(grouping_sets(definition))
    if definition.measure in DECOMPOSABLE:
        # One scan: aggregate the finest cells, then add them up into every grouping set.
        finest = _aggregate_finest(definition, _prepare(definition, records, None, None))
        parts = [_roll_up(definition, finest, all_areas, dim) for all_areas, dim in sets]
    else:
        # A median does not add up: each grouping set reads the records again, taking
        # only the columns it groups by (which also keeps engines from sharing, and
        # materialising, one wide intermediate table).
        parts = [
            _aggregate(definition, _prepare(definition, records, all_areas, dim), all_areas, dim)
            for all_areas, dim in sets
        ]
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


def grouping_sets(definition: IndicatorDefinition) -> Iterator[tuple[bool, str | None]]:
    """(all areas?, dimension or None) of each grouping set, headline first.

    >>> from civicloop.measure.compute.definition import Period
    >>> d = IndicatorDefinition("n", "count", Period("opened"), area=None, disaggregate=["sex"])
    >>> list(grouping_sets(d))
    [(True, None), (True, 'sex')]
    """
    levels = (True, False) if definition.area is not None else (True,)
    for all_areas in levels:
        for dimension in (None, *definition.disaggregate):
            yield all_areas, dimension


def check_columns(definition: IndicatorDefinition, schema: ibis.Schema) -> None:
    """Raise a DefinitionError for every column that is missing or of the wrong type."""
    problems: dict[str, str] = {}
    for column, where in definition.column_uses():
        if column not in schema:
            problems[where] = _unknown_column(column, definition.table, schema)
            continue
        if message := _type_problem(definition, where, schema[column]):
            problems[where] = f"column {column!r} is {_describe(schema[column])}; {message}"
    if problems:
        raise DefinitionError(problems)


def _unknown_column(column: str, table: str, schema: ibis.Schema) -> str:
    names = list(schema.names)
    shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
    return f"unknown column {column!r} in table {table!r} (columns: {shown})"


def _type_problem(definition: IndicatorDefinition, where: str, dtype: dt.DataType) -> str | None:
    if where == "period.column":
        if not (dtype.is_date() or dtype.is_timestamp() or dtype.is_string()):
            return "the period needs a date, timestamp or ISO date text column"
    elif where == "value":
        if definition.measure == "median" and not dtype.is_numeric():
            return "a median needs a numeric column"
        if not (dtype.is_numeric() or dtype.is_boolean()):
            return f"'{definition.measure}' needs a numeric or boolean column"
    elif where in ("numerator.column", "denominator.column"):
        if not (dtype.is_numeric() or dtype.is_boolean()):
            return "a rate sums a numeric or boolean column"
    elif where in ("area.latitude", "area.longitude"):
        if not dtype.is_numeric():
            return "coordinates must be numeric"
    elif where == "area.column" or where.startswith("disaggregate"):
        # Only these types print the same on every engine, which group labels need.
        if not (dtype.is_string() or dtype.is_integer() or dtype.is_boolean() or dtype.is_date()):
            return (
                "areas and groups need text, integer, boolean or date columns (bin numbers first)"
            )
    return None


def _describe(dtype: dt.DataType) -> str:
    if dtype.is_string():
        return "text"
    if dtype.is_floating() or dtype.is_decimal():
        return "a decimal number"
    return str(dtype)


def _apply_filters(definition: IndicatorDefinition, records: ir.Table) -> ir.Table:
    conditions = [
        compile_filter(rule, records, f"filters[{i}]") for i, rule in enumerate(definition.filters)
    ]
    return records.filter(*conditions) if conditions else records


def _place_points(
    definition: IndicatorDefinition, records: ir.Table, run: Run, load: Load
) -> ir.Table:
    """Add the area of each record's point, placing each distinct point once."""
    area = definition.area
    assert area is not None and area.polygons is not None
    records = records.mutate(
        **{
            LAT: records[area.latitude].cast("float64"),
            LON: records[area.longitude].cast("float64"),
        }
    )
    points = run(
        records.select(LAT, LON).filter(ibis._[LAT].notnull(), ibis._[LON].notnull()).distinct()
    )
    polygons = Polygons.from_geojson(area.polygons, area.name_property)
    index = polygons.assign_index(
        points[LAT].to_numpy(zero_copy_only=False), points[LON].to_numpy(zero_copy_only=False)
    )
    names = pa.array((*polygons.names, None), pa.string()).take(pa.array(index))
    placed = load(pa.table({LAT: points[LAT], LON: points[LON], AREA: names}))
    joined = records.left_join(placed, [LAT, LON])
    return joined.select(*records.columns, AREA)


def _prepare(
    definition: IndicatorDefinition,
    records: ir.Table,
    all_areas: bool | None,
    dimension: str | None,
) -> ir.Table:
    """The columns one grouping set reads, in the types it needs.

    ``all_areas=None`` asks for the finest cells: the area and every dimension.
    """
    columns: dict[str, ir.Value] = {
        PERIOD: period_start(as_date(records[definition.period.column]), definition.period.grain)
    }
    area = definition.area
    if area is not None and not all_areas:
        columns[AREA] = records[AREA] if area.by_point else records[area.column].cast("string")
    dimensions = definition.disaggregate if all_areas is None else [dimension] if dimension else []
    for name in dimensions:
        columns[_dimension_key(definition, name)] = records[name].cast("string")
    if definition.value:
        columns[VALUE] = records[definition.value].cast("float64")
    if definition.measure == "rate":
        assert definition.numerator is not None
        columns[NUM] = _rate_term(definition.numerator, records, "numerator")
        if definition.denominator is not None:
            columns[DEN] = _rate_term(definition.denominator, records, "denominator")
    return records.select(**columns)


def _rate_term(part: RatePart, records: ir.Table, where: str) -> ir.NumericValue:
    """Per record: what it adds to this side of the rate (0 when filtered out)."""
    # Without a column each record adds 1: an integer, since PostgreSQL reads a bare 1.0
    # as NUMERIC and Ibis, taking it for a double, would not cast its sum back.
    amount = records[part.column].cast("float64") if part.column else ibis.literal(1, "int64")
    conditions = [
        compile_filter(rule, records, f"{where}.filters[{i}]")
        for i, rule in enumerate(part.filters)
    ]
    if not conditions:
        return amount
    # A condition that is NULL (missing data) counts as not met, as in a SQL WHERE.
    return ibis.ifelse(ibis.and_(*conditions), amount, ibis.literal(0, amount.type()))


def _dimension_key(definition: IndicatorDefinition, name: str) -> str:
    return f"_d{definition.disaggregate.index(name)}"


def _keys(definition: IndicatorDefinition, all_areas: bool, dimension: str | None) -> list[str]:
    keys = [PERIOD]
    if not all_areas:
        keys.append(AREA)
    if dimension is not None:
        keys.append(_dimension_key(definition, dimension))
    return keys


def _aggregate(
    definition: IndicatorDefinition, prepared: ir.Table, all_areas: bool, dimension: str | None
) -> ir.Table:
    keys = _keys(definition, all_areas, dimension)
    grouped = prepared.group_by(keys).aggregate(**_metrics(definition, prepared))
    return _shape(definition, grouped, all_areas, dimension)


def _aggregate_finest(definition: IndicatorDefinition, prepared: ir.Table) -> ir.Table:
    keys = [name for name in prepared.columns if name in (PERIOD, AREA) or name.startswith("_d")]
    return prepared.group_by(keys).aggregate(**_metrics(definition, prepared))


def _roll_up(
    definition: IndicatorDefinition, finest: ir.Table, all_areas: bool, dimension: str | None
) -> ir.Table:
    keys = _keys(definition, all_areas, dimension)
    sums = {name: finest[name].sum() for name in METRICS if name in finest.columns}
    return _shape(definition, finest.group_by(keys).aggregate(**sums), all_areas, dimension)


def _shape(
    definition: IndicatorDefinition, grouped: ir.Table, all_areas: bool, dimension: str | None
) -> ir.Table:
    """One grouping set's rows in the columns of ``observations.RAW_SCHEMA``."""
    no_text, no_number = ibis.null().cast("string"), ibis.null().cast("float64")
    group_key = _dimension_key(definition, dimension) if dimension else None
    return grouped.select(
        period_start=grouped[PERIOD].cast("date"),
        all_areas=ibis.literal(all_areas),
        area=no_text if all_areas else grouped[AREA],
        dimension=ibis.literal(dimension, "string") if dimension else no_text,
        group=grouped[group_key] if group_key else no_text,
        **{name: grouped[name] if name in grouped.columns else no_number for name in METRICS},
    )


def _metrics(definition: IndicatorDefinition, prepared: ir.Table) -> dict[str, ir.Scalar]:
    """The raw aggregates of the measure; ``observations`` derives the value from them.

    All are doubles, counts included, so that sums of them stay doubles on every
    engine (PostgreSQL sums integers as NUMERIC); counts below 2**53 are exact.
    """
    metrics: dict[str, ir.Scalar] = {"n_records": prepared.count()}
    match definition.measure:
        case "sum":
            metrics["numerator"] = prepared[VALUE].sum()
        case "mean":
            metrics["numerator"] = prepared[VALUE].sum()
            metrics["denominator"] = prepared[VALUE].count()
        case "median":
            metrics["value"] = prepared[VALUE].median()
            metrics["denominator"] = prepared[VALUE].count()
        case "rate":
            metrics["numerator"] = prepared[NUM].sum()
            metrics["denominator"] = (
                prepared[DEN].sum() if DEN in prepared.columns else prepared.count()
            )
    return {name: metric.cast("float64") for name, metric in metrics.items()}
