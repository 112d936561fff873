"""The declarative definition of an indicator computed from raw records.

A definition is plain data: it round-trips through a dict (so it can be stored as
JSON in the database) and YAML (so a data lead can write it by hand). Nothing in it
is ever evaluated as code; filters are a list of ``{column, op, value}``.

Example, the share of 311 requests closed within a week, per month and
neighbourhood, broken down by request type:

>>> definition = IndicatorDefinition.from_dict({
...     "name": "closed_within_7_days",
...     "table": "service_requests",
...     "measure": "rate",
...     "numerator": {"filters": [{"column": "days_to_close", "op": "<=", "value": 7}]},
...     "denominator": {"filters": [{"column": "status", "op": "==", "value": "closed"}]},
...     "per_n": 100,
...     "period": {"column": "opened", "grain": "month"},
...     "area": {"column": "neighbourhood"},
...     "disaggregate": ["request_type"],
... })
>>> definition.measure, definition.period.grain
('rate', 'month')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicloop.measure.compute.areas import Polygons
from civicloop.measure.compute.errors import DefinitionError
from civicloop.measure.compute.filters import Filter, filter_problems, filters_from_data
from civicloop.measure.compute.periods import GRAINS

MEASURES = ("count", "sum", "mean", "median", "rate")
# Measures that summarise one numeric column of the records.
VALUE_MEASURES = ("sum", "mean", "median")


@dataclass(frozen=True)
class Period:
    """Which date column places a record in time, and the grain of the periods.

    >>> Period("opened", "school_year").grain
    'school_year'
    """

    column: str
    grain: str = "month"


@dataclass(frozen=True)
class Area:
    """Where a record is: an area column, or latitude/longitude placed in polygons.

    ``polygons`` is a GeoJSON FeatureCollection; each feature's ``name_property`` names
    its area. A point on a shared border goes to the first feature that holds it. A
    definition may leave ``polygons`` out: civicloop then uses the boundaries stored on
    the collaborative's areas (see ``civicloop.measure.records``), so they are drawn
    once, not pasted into every definition; ``compute`` itself needs them given.

    >>> Area(column="neighbourhood").by_point
    False
    """

    column: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    polygons: Mapping[str, Any] | None = None
    name_property: str = "name"

    @property
    def by_point(self) -> bool:
        return self.column is None


@dataclass(frozen=True)
class RatePart:
    """One side of a rate: the records counted (``filters``), or summed (``column``).

    With a column, the side is the sum of that column over the records that pass
    the filters; without one, it is the number of those records.
    """

    filters: tuple[Filter, ...] = ()
    column: str | None = None


@dataclass(frozen=True)
class IndicatorDefinition:
    """An indicator over one raw record table; see the module docstring.

    Measures: ``count`` records; ``sum``, ``mean`` or ``median`` of the ``value``
    column; ``rate`` = numerator / denominator x ``per_n``. ``filters`` apply to
    every record before anything else. A missing ``denominator`` means all records.
    """

    name: str
    measure: str
    period: Period
    table: str = "records"
    value: str | None = None
    numerator: RatePart | None = None
    denominator: RatePart | None = None
    per_n: float = 1.0
    filters: tuple[Filter, ...] = ()
    area: Area | None = None
    disaggregate: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        # Lists are welcome from Python callers; tuples keep the definition hashable.
        for name in ("filters", "disaggregate"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        problems = _problems(self)
        if problems:
            raise DefinitionError(problems)

    def column_uses(self) -> list[tuple[str, str]]:
        """Each column the definition reads, with the field that names it, in field order.

        >>> IndicatorDefinition("n", "count", Period("opened"), disaggregate=["sex"]).column_uses()
        [('opened', 'period.column'), ('sex', 'disaggregate[0]')]
        """
        uses = [(self.period.column, "period.column")]
        if self.value:
            uses.append((self.value, "value"))
        for side in ("numerator", "denominator"):
            part: RatePart | None = getattr(self, side)
            if part is not None:
                if part.column:
                    uses.append((part.column, f"{side}.column"))
                uses += [
                    (f.column, f"{side}.filters[{i}].column") for i, f in enumerate(part.filters)
                ]
        uses += [(f.column, f"filters[{i}].column") for i, f in enumerate(self.filters)]
        if self.area is not None:
            for attr in ("column", "latitude", "longitude"):
                if name := getattr(self.area, attr):
                    uses.append((name, f"area.{attr}"))
        uses += [(name, f"disaggregate[{i}]") for i, name in enumerate(self.disaggregate)]
        return uses

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndicatorDefinition:
        """Build a definition from plain data (parsed JSON or YAML)."""
        return _from_dict(data)

    @classmethod
    def from_yaml(cls, text: str) -> IndicatorDefinition:
        """Build a definition from a YAML document."""
        import yaml

        data = yaml.safe_load(text)
        if not isinstance(data, Mapping):
            raise DefinitionError({"definition": "expected a mapping of fields"})
        return _from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that ``from_dict`` turns back into an equal definition."""
        data: dict[str, Any] = {
            "name": self.name,
            "table": self.table,
            "measure": self.measure,
            "period": {"column": self.period.column, "grain": self.period.grain},
        }
        if self.description:
            data["description"] = self.description
        if self.value:
            data["value"] = self.value
        for side in ("numerator", "denominator"):
            part: RatePart | None = getattr(self, side)
            if part is not None:
                data[side] = {"filters": [f.to_dict() for f in part.filters]}
                if part.column:
                    data[side]["column"] = part.column
        if self.measure == "rate":
            data["per_n"] = self.per_n
        if self.filters:
            data["filters"] = [f.to_dict() for f in self.filters]
        if self.area is not None:
            data["area"] = _area_dict(self.area)
        if self.disaggregate:
            data["disaggregate"] = list(self.disaggregate)
        return data


def _area_dict(area: Area) -> dict[str, Any]:
    if area.column:
        return {"column": area.column}
    data = {"latitude": area.latitude, "longitude": area.longitude, "polygons": area.polygons}
    if area.name_property != "name":
        data["name_property"] = area.name_property
    return data


FIELDS = {
    "name",
    "table",
    "measure",
    "value",
    "numerator",
    "denominator",
    "per_n",
    "filters",
    "period",
    "area",
    "disaggregate",
    "description",
}


def _from_dict(data: Mapping[str, Any]) -> IndicatorDefinition:
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise DefinitionError({key: "unknown field" for key in unknown})
    problems: dict[str, str] = {}
    for key in ("name", "measure", "period"):
        if key not in data:
            problems[key] = "is required"
    if problems:
        raise DefinitionError(problems)
    period = _period(data["period"])
    return IndicatorDefinition(
        name=data["name"],
        measure=data["measure"],
        period=period,
        table=data.get("table", "records"),
        value=data.get("value"),
        numerator=_rate_part(data.get("numerator"), "numerator"),
        denominator=_rate_part(data.get("denominator"), "denominator"),
        per_n=data.get("per_n", 1.0),
        filters=filters_from_data(data.get("filters") or (), "filters"),
        area=_area(data.get("area")),
        disaggregate=_names(data.get("disaggregate") or (), "disaggregate"),
        description=data.get("description", ""),
    )


def _period(data: Any) -> Period:
    if isinstance(data, str):
        return Period(column=data)
    if not isinstance(data, Mapping) or "column" not in data:
        raise DefinitionError({"period": "expected {column, grain}"})
    unknown = sorted(set(data) - {"column", "grain"})
    if unknown:
        raise DefinitionError({f"period.{key}": "unknown field" for key in unknown})
    return Period(column=data["column"], grain=data.get("grain", "month"))


def _rate_part(data: Any, where: str) -> RatePart | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise DefinitionError({where: "expected {filters, column}"})
    unknown = sorted(set(data) - {"filters", "column"})
    if unknown:
        raise DefinitionError({f"{where}.{key}": "unknown field" for key in unknown})
    return RatePart(
        filters=filters_from_data(data.get("filters") or (), f"{where}.filters"),
        column=data.get("column"),
    )


def _area(data: Any) -> Area | None:
    if data is None:
        return None
    if isinstance(data, str):
        return Area(column=data)
    if not isinstance(data, Mapping):
        raise DefinitionError({"area": "expected {column} or {latitude, longitude, polygons}"})
    unknown = sorted(set(data) - {"column", "latitude", "longitude", "polygons", "name_property"})
    if unknown:
        raise DefinitionError({f"area.{key}": "unknown field" for key in unknown})
    polygons = data.get("polygons")
    if isinstance(polygons, str | Path):
        # A path is read once here; the definition then carries the GeoJSON itself.
        import json

        try:
            polygons = json.loads(Path(polygons).read_text())
        except (OSError, ValueError) as error:
            raise DefinitionError({"area.polygons": f"cannot read GeoJSON: {error}"}) from None
    return Area(
        column=data.get("column"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        polygons=polygons,
        name_property=data.get("name_property", "name"),
    )


def _names(data: Any, where: str) -> tuple[str, ...]:
    if isinstance(data, str) or not isinstance(data, Iterable):
        raise DefinitionError({where: "expected a list of column names"})
    return tuple(data)


def _problems(d: IndicatorDefinition) -> dict[str, str]:
    """Everything wrong with a definition that can be seen without the data."""
    problems: dict[str, str] = {}
    if not isinstance(d.name, str) or not d.name.strip():
        problems["name"] = "must be a non-empty string"
    if not isinstance(d.table, str) or not d.table.strip():
        problems["table"] = "must be a non-empty string"
    if d.measure not in MEASURES:
        problems["measure"] = (
            f"unknown measure {d.measure!r}; expected one of {', '.join(MEASURES)}"
        )
    problems.update(_measure_problems(d))
    problems.update(filter_problems(d.filters, "filters"))
    for side in ("numerator", "denominator"):
        if (part := getattr(d, side)) is not None:
            problems.update(filter_problems(part.filters, f"{side}.filters"))
    if not isinstance(d.period.column, str) or not d.period.column:
        problems["period.column"] = "must name a date column"
    if d.period.grain not in GRAINS:
        problems["period.grain"] = (
            f"unknown grain {d.period.grain!r}; expected one of {', '.join(GRAINS)}"
        )
    if d.area is not None:
        problems.update(_area_problems(d.area))
    problems.update(_disaggregate_problems(d))
    return problems


def _measure_problems(d: IndicatorDefinition) -> dict[str, str]:
    problems: dict[str, str] = {}
    if d.measure in VALUE_MEASURES and not d.value:
        problems["value"] = f"'{d.measure}' needs the column to summarise"
    if d.measure not in VALUE_MEASURES and d.value:
        problems["value"] = f"'{d.measure}' takes no value column"
    if d.measure == "rate":
        if d.numerator is None or not (d.numerator.filters or d.numerator.column):
            problems["numerator"] = "a rate needs numerator filters or a numerator column"
        if isinstance(d.per_n, bool) or not isinstance(d.per_n, int | float) or d.per_n <= 0:
            problems["per_n"] = "must be a positive number"
    else:
        for side in ("numerator", "denominator"):
            if getattr(d, side) is not None:
                problems[side] = f"only a rate has a {side}; this measure is '{d.measure}'"
        if d.per_n != 1:
            problems["per_n"] = f"only a rate is scaled by per_n; this measure is '{d.measure}'"
    return problems


def _area_problems(area: Area) -> dict[str, str]:
    problems: dict[str, str] = {}
    has_point = area.latitude or area.longitude or area.polygons
    if area.column and has_point:
        problems["area"] = "give either an area column or latitude/longitude/polygons, not both"
    elif not area.column:
        for attr in ("latitude", "longitude"):
            if not getattr(area, attr):
                problems[f"area.{attr}"] = "is required to place records by point"
        if area.polygons:
            try:
                Polygons.from_geojson(area.polygons, area.name_property)
            except ValueError as error:
                problems["area.polygons"] = str(error)
    return problems


def _disaggregate_problems(d: IndicatorDefinition) -> dict[str, str]:
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for i, name in enumerate(d.disaggregate):
        if not isinstance(name, str) or not name:
            problems[f"disaggregate[{i}]"] = "must be a column name"
        elif name in seen:
            problems[f"disaggregate[{i}]"] = f"column {name!r} is listed twice"
        elif d.area is not None and name == d.area.column:
            problems[f"disaggregate[{i}]"] = f"{name!r} is already the area column"
        elif name in ("total",):
            problems[f"disaggregate[{i}]"] = "'total' is reserved for the headline rows"
        seen.add(name)
    return problems


def as_definition(value: IndicatorDefinition | Mapping[str, Any]) -> IndicatorDefinition:
    """Accept a definition or its dict form."""
    if isinstance(value, IndicatorDefinition):
        return value
    return IndicatorDefinition.from_dict(value)


__all__ = [
    "Area",
    "DefinitionError",
    "IndicatorDefinition",
    "Period",
    "RatePart",
    "as_definition",
]
