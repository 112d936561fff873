"""Filters keep exactly the records their rule says, with SQL's treatment of gaps."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from civicloop.measure.compute import DefinitionError, compute

RECORDS = pa.table(
    {
        "opened": [dt.date(2024, 1, d) for d in range(1, 7)],
        "status": ["open", "closed", "closed", None, "open", "closed"],
        "priority": [1, 2, 3, 1, 2, None],
        "escalated": [True, False, False, True, None, False],
    }
)


def count(*rules: dict) -> int:
    definition = {"name": "n", "measure": "count", "period": "opened", "filters": list(rules)}
    return int(compute(definition, RECORDS).headline().to_pylist()[0]["value"])


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"column": "status", "op": "==", "value": "closed"}, 3),
        # A missing status is neither "closed" nor "not closed", as in SQL.
        ({"column": "status", "op": "!=", "value": "closed"}, 2),
        ({"column": "priority", "op": "<", "value": 2}, 2),
        ({"column": "priority", "op": "<=", "value": 2}, 4),
        ({"column": "priority", "op": ">", "value": 2}, 1),
        ({"column": "priority", "op": ">=", "value": 2.5}, 1),
        ({"column": "status", "op": "in", "value": ["open", "closed"]}, 5),
        ({"column": "priority", "op": "not in", "value": [1]}, 3),
        ({"column": "status", "op": "is null"}, 1),
        ({"column": "priority", "op": "not null"}, 5),
        ({"column": "escalated", "op": "==", "value": True}, 2),
        ({"column": "opened", "op": ">=", "value": "2024-01-04"}, 3),
        ({"column": "status", "op": "=", "value": "open"}, 2),
    ],
)
def test_each_operator(rule: dict, expected: int) -> None:
    assert count(rule) == expected


def test_filters_all_apply() -> None:
    both = count(
        {"column": "status", "op": "==", "value": "closed"},
        {"column": "priority", "op": ">=", "value": 3},
    )
    assert both == 1


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"column": "priority", "op": "==", "value": "high"}, "does not match column 'priority'"),
        ({"column": "status", "op": "==", "value": 1}, "does not match column 'status'"),
        ({"column": "opened", "op": ">", "value": "last week"}, "not an ISO date"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_filter(rule: dict, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        count(rule)
    assert message in error.value.problems["filters[0]"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"column": "status", "op": "like", "value": "c%"}, "unknown op 'like'"),
        ({"column": "status", "op": "in", "value": "closed"}, "needs a non-empty list"),
        ({"column": "status", "op": "is null", "value": "x"}, "takes no value"),
        ({"column": "status", "op": "=="}, "needs one value"),
        ({"column": "status", "op": "==", "value": {"$ne": 1}}, "needs one value"),
    ],
)
def test_malformed_rules_are_refused_before_any_data_is_read(rule: dict, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        count(rule)
    assert message in error.value.problems["filters[0]"]
