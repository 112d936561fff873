"""Definitions: dict/YAML round trips, and clear errors naming the field at fault."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from civicloop.measure.compute import (
    DefinitionError,
    Filter,
    IndicatorDefinition,
    Period,
    RatePart,
    compute,
)
from civicloop.measure.compute.tests.records import ward_polygons

RATE = {
    "name": "closed_within_7_days",
    "description": "Share of closed requests closed within a week.",
    "table": "service_requests",
    "measure": "rate",
    "numerator": {"filters": [{"column": "days_to_close", "op": "<=", "value": 7}]},
    "denominator": {"filters": [{"column": "status", "op": "in", "value": ["closed"]}]},
    "per_n": 100,
    "filters": [{"column": "opened", "op": ">=", "value": "2023-01-01"}],
    "period": {"column": "opened", "grain": "school_year"},
    "area": {"latitude": "latitude", "longitude": "longitude", "polygons": ward_polygons()},
    "disaggregate": ["request_type", "channel"],
}


def test_dict_round_trip() -> None:
    definition = IndicatorDefinition.from_dict(RATE)
    assert definition.to_dict() == RATE
    assert IndicatorDefinition.from_dict(definition.to_dict()) == definition


def test_python_and_dict_forms_are_equal() -> None:
    built = IndicatorDefinition(
        name="median_days",
        measure="median",
        value="days_to_close",
        period=Period("opened", "week"),
        filters=[Filter("status", "==", "closed")],
    )
    assert built == IndicatorDefinition.from_dict(built.to_dict())
    assert built.to_dict()["filters"] == [{"column": "status", "op": "==", "value": "closed"}]


def test_yaml() -> None:
    definition = IndicatorDefinition.from_yaml(
        """
        name: attendance_rate
        table: attendance
        measure: rate
        numerator: {column: days_attended}
        denominator: {column: days_enrolled}
        per_n: 100
        period: {column: week_of, grain: school_year}
        area: school
        disaggregate: [grade, race_ethnicity]
        """
    )
    assert definition.numerator == RatePart(column="days_attended")
    assert definition.area is not None and definition.area.column == "school"


def problems(**changes: object) -> dict[str, str]:
    data = {**RATE, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    with pytest.raises(DefinitionError) as error:
        IndicatorDefinition.from_dict(data)
    return error.value.problems


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"measure": "avg"}, "measure", "unknown measure 'avg'"),
        ({"name": " "}, "name", "non-empty"),
        ({"measure": "sum"}, "value", "needs the column to summarise"),
        ({"measure": "count", "value": "days_to_close", "numerator": None, "denominator": None},
         "value", "takes no value column"),
        ({"measure": "count", "denominator": None}, "numerator", "only a rate has a numerator"),
        ({"numerator": {}}, "numerator", "numerator filters or a numerator column"),
        ({"numerator": {"column": "x", "filter": []}}, "numerator.filter", "unknown field"),
        ({"per_n": 0}, "per_n", "positive"),
        ({"measure": "count", "numerator": None, "denominator": None}, "per_n", "only a rate"),
        ({"per_n": "100"}, "per_n", "positive"),
        ({"period": {"column": "opened", "grain": "fortnight"}}, "period.grain", "fortnight"),
        ({"period": None}, "period", "is required"),
        ({"filters": [{"column": "status", "op": "~", "value": 1}]}, "filters[0]", "unknown op"),
        ({"filters": [{"column": "status", "value": 1, "opp": "=="}]}, "filters[0]", "expected"),
        ({"filters": {"column": "status"}}, "filters", "expected a list"),
        ({"denominator": {"filters": [{"column": "s", "op": "in", "value": []}]}},
         "denominator.filters[0]", "non-empty list"),
        ({"disaggregate": "race"}, "disaggregate", "expected a list"),
        ({"disaggregate": ["total"]}, "disaggregate[0]", "reserved"),
        ({"areas": "ward"}, "areas", "unknown field"),
    ],
)  # fmt: skip
def test_problems_name_their_field(changes: dict, field: str, message: str) -> None:
    found = problems(**changes)
    assert message in found[field], found


def test_every_problem_is_reported_at_once() -> None:
    found = problems(measure="median", per_n=-1, period={"column": "opened", "grain": "decade"})
    assert {"value", "numerator", "period.grain"} <= set(found)


RECORDS = pa.table(
    {
        "opened": [dt.date(2024, 1, 1)],
        "status": ["closed"],
        "days_to_close": [1.5],
        "ward": [1.0],
        "count": [3],
    }
)


@pytest.mark.parametrize(
    ("definition", "field", "message"),
    [
        ({"measure": "count", "period": "openned"}, "period.column",
         "unknown column 'openned' in table 'records' (columns: opened, status,"),
        ({"measure": "count", "period": "count"}, "period.column", "column 'count' is int64"),
        ({"measure": "count", "period": "days_to_close"}, "period.column", "date, timestamp"),
        ({"measure": "median", "value": "status", "period": "opened"}, "value",
         "column 'status' is text; a median needs a numeric column"),
        ({"measure": "mean", "value": "opened", "period": "opened"}, "value", "numeric or boolean"),
        ({"measure": "count", "period": "opened", "area": "ward"}, "area.column",
         "column 'ward' is a decimal number; areas and groups need text"),
        ({"measure": "rate", "numerator": {"column": "status"}, "period": "opened"},
         "numerator.column", "sums a numeric or boolean column"),
        ({"measure": "count", "period": "opened",
          "filters": [{"column": "sttaus", "op": "==", "value": "x"}]},
         "filters[0].column", "unknown column 'sttaus'"),
    ],
)  # fmt: skip
def test_columns_are_checked_against_the_records(
    definition: dict, field: str, message: str
) -> None:
    with pytest.raises(DefinitionError) as error:
        compute({"name": "x", **definition}, RECORDS)
    assert message in error.value.problems[field], error.value.problems
