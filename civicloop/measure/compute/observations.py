"""Observations: the tidy table an indicator computation returns.

One row per period x area x (dimension, group), with these columns:

=============  ===========================================================
indicator      the definition's name
period         label: "2023", "2023-24" (school year), "2023-Q1", "2023-01",
               "2023-W05" (ISO week), "2023-01-31"
period_start   first day of the period (a date)
area           area name; ``ALL_AREAS`` ("all") for rows over every record;
               ``MISSING`` ("(missing)") for records with no area
dimension      disaggregation column, or ``TOTAL`` ("total") for rows that
               are not broken down
group          the dimension's value; ``TOTAL`` on total rows; ``MISSING``
               when the record has no value
value          the indicator: count, sum, mean, median, or rate x per_n;
               empty when undefined (mean of nothing, rate over zero)
numerator      count: the count; sum and mean: the sum; rate: the numerator
denominator    mean and median: how many values; rate: the denominator
n_records      records in the row (after the definition's filters)
=============  ===========================================================

The rows form a cube: for each period, every area (and ``all``) crossed with the
totals and with each dimension on its own. Dimensions are not crossed with each
other. A combination with no records has no row (its count would be 0, any other
measure undefined). So with areas and dimensions ``sex`` and ``race``, a period has the rows
``(all, total)``, ``(all, sex=*)``, ``(all, race=*)``, and the same three kinds for
every area. Rows are sorted by period, area (``all`` first), dimension (``total``
first, then in the definition's order) and group.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from civicloop.measure.compute.definition import IndicatorDefinition
from civicloop.measure.compute.periods import label

if TYPE_CHECKING:
    import pandas as pd

ALL_AREAS = "all"
TOTAL = "total"
MISSING = "(missing)"

SCHEMA = pa.schema(
    [
        ("indicator", pa.string()),
        ("period", pa.string()),
        ("period_start", pa.date32()),
        ("area", pa.string()),
        ("dimension", pa.string()),
        ("group", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("n_records", pa.int64()),
    ]
)

# The engine's raw result, as built by ``query.build_query``.
RAW_SCHEMA = pa.schema(
    [
        ("period_start", pa.date32()),
        ("all_areas", pa.bool_()),
        ("area", pa.string()),
        ("dimension", pa.string()),
        ("group", pa.string()),
        ("n_records", pa.float64()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
    ]
)


@dataclass(frozen=True)
class Observations:
    """The observations of one indicator, as an Arrow table with ``SCHEMA``.

    >>> Observations(SCHEMA.empty_table()).to_pylist()
    []
    """

    table: pa.Table

    def __len__(self) -> int:
        return self.table.num_rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.to_pylist())

    def to_pylist(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()

    def to_pandas(self) -> pd.DataFrame:
        return self.table.to_pandas()

    def headline(self) -> Observations:
        """Only the rows over all areas and not broken down: one per period."""
        keep = pc.and_(
            pc.equal(self.table["area"], ALL_AREAS), pc.equal(self.table["dimension"], TOTAL)
        )
        return Observations(self.table.filter(keep))


def finish(definition: IndicatorDefinition, raw: pa.Table) -> Observations:
    """Turn the engine's raw aggregates into labelled, sorted observations."""
    raw = raw.select(RAW_SCHEMA.names).cast(RAW_SCHEMA)
    # Records without a date belong to no period: left out rather than given a fake one.
    raw = raw.filter(pc.is_valid(raw["period_start"]))
    value, numerator, denominator = _values(definition, raw)
    dimension = raw["dimension"]
    table = pa.table(
        {
            "indicator": pa.repeat(definition.name, raw.num_rows).cast(pa.string()),
            "period": _labels(raw["period_start"], definition.period.grain),
            "period_start": raw["period_start"],
            "area": pc.if_else(raw["all_areas"], ALL_AREAS, pc.coalesce(raw["area"], MISSING)),
            "dimension": pc.coalesce(dimension, TOTAL),
            "group": pc.if_else(pc.is_null(dimension), TOTAL, pc.coalesce(raw["group"], MISSING)),
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "n_records": raw["n_records"].cast(pa.int64()),
        },
        schema=SCHEMA,
    )
    return Observations(_sorted(table, definition))


def _values(definition: IndicatorDefinition, raw: pa.Table) -> tuple[Any, Any, Any]:
    numerator, denominator = raw["numerator"], raw["denominator"]
    match definition.measure:
        case "count":
            count = raw["n_records"].cast(pa.float64())
            return count, count, denominator
        case "sum":
            return numerator, numerator, denominator
        case "median":
            return raw["value"], numerator, denominator
        case "mean":
            return _ratio(numerator, denominator, 1.0), numerator, denominator
        case _:
            return _ratio(numerator, denominator, float(definition.per_n)), numerator, denominator


def _ratio(numerator: Any, denominator: Any, scale: float) -> Any:
    """numerator / denominator x scale, empty where the denominator is zero."""
    defined = pc.not_equal(denominator, 0.0)
    quotient = pc.multiply(pc.divide(numerator, pc.if_else(defined, denominator, 1.0)), scale)
    return pc.if_else(defined, quotient, pa.scalar(None, pa.float64()))


def _labels(starts: pa.ChunkedArray, grain: str) -> pa.ChunkedArray:
    # Few distinct periods: label each once, then spread the labels over the rows.
    unique = pc.unique(starts)
    labels = pa.array([label(start, grain) for start in unique.to_pylist()], pa.string())
    return labels.take(pc.index_in(starts, value_set=unique))


def _sorted(table: pa.Table, definition: IndicatorDefinition) -> pa.Table:
    area, group = table["area"], table["group"]
    keys = pa.table(
        {
            "start": table["period_start"],
            "area_rank": _rank(area, ALL_AREAS),
            "area": area,
            "dimension_rank": pc.index_in(
                table["dimension"], value_set=pa.array([TOTAL, *definition.disaggregate])
            ),
            "group_rank": _rank(group, TOTAL),
            "group": group,
        }
    )
    order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in keys.column_names])
    return table.take(order)


def _rank(labels: pa.ChunkedArray, first: str) -> pa.ChunkedArray:
    """0 for ``first``, 2 for MISSING, 1 for everything else: totals first, gaps last."""
    return pc.if_else(pc.equal(labels, first), 0, pc.if_else(pc.equal(labels, MISSING), 2, 1))
