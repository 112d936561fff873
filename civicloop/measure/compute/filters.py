"""Record filters: a list of ``{column, op, value}`` compiled to Ibis, never ``eval``-ed.

>>> rule = Filter("status", "in", ("open", "closed"))
>>> rule.to_dict()
{'column': 'status', 'op': 'in', 'value': ['open', 'closed']}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from civicloop.measure.compute.errors import DefinitionError

if TYPE_CHECKING:
    import ibis.expr.types as ir

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
MEMBERSHIP = ("in", "not in")
NULL_TESTS = ("is null", "not null")
OPS = COMPARISONS + MEMBERSHIP + NULL_TESTS
# Spellings people type for the same operators.
ALIASES = {"=": "==", "<>": "!=", "not_in": "not in", "is_null": "is null", "not_null": "not null"}

Scalar = str | int | float | bool | dt.date


@dataclass(frozen=True)
class Filter:
    """Keep the records whose ``column`` satisfies ``op value``.

    Comparisons (``== != < <= > >=``) take one value, ``in``/``not in`` a list,
    ``is null``/``not null`` none. Dates are written as ISO strings ("2024-07-01").
    As in SQL, a missing value fails every comparison, ``!=`` included.
    """

    column: str
    op: str
    value: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", ALIASES.get(self.op, self.op))
        if isinstance(self.value, list):
            object.__setattr__(self, "value", tuple(self.value))

    def problem(self) -> str | None:
        """What is wrong with the rule on its own, if anything."""
        if not isinstance(self.column, str) or not self.column:
            return "column must be a column name"
        if self.op not in OPS:
            return f"unknown op {self.op!r}; expected one of {', '.join(OPS)}"
        if self.op in NULL_TESTS:
            return None if self.value is None else f"'{self.op}' takes no value"
        if self.op in MEMBERSHIP:
            if not isinstance(self.value, tuple) or not self.value:
                return f"'{self.op}' needs a non-empty list of values"
            if not all(_is_scalar(v) for v in self.value):
                return f"'{self.op}' values must be text, numbers, booleans or dates"
            return None
        if not _is_scalar(self.value):
            return f"'{self.op}' needs one value (text, number, boolean or date)"
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"column": self.column, "op": self.op}
        if self.op not in NULL_TESTS:
            value = self.value
            data["value"] = (
                [_plain(v) for v in value] if isinstance(value, tuple) else _plain(value)
            )
        return data


def filters_from_data(data: Any, where: str) -> tuple[Filter, ...]:
    """Filters from a list of dicts, checking each one; ``where`` names the field."""
    if isinstance(data, str | bytes | Mapping) or not isinstance(data, Iterable):
        raise DefinitionError({where: "expected a list of {column, op, value}"})
    rules = []
    problems: dict[str, str] = {}
    for i, item in enumerate(data):
        if isinstance(item, Filter):
            rules.append(item)
            continue
        if not isinstance(item, Mapping) or set(item) - {"column", "op", "value"}:
            problems[f"{where}[{i}]"] = "expected {column, op, value}"
            continue
        rules.append(Filter(item.get("column", ""), item.get("op", ""), item.get("value")))
    if problems:
        raise DefinitionError(problems)
    return tuple(rules)


def filter_problems(rules: Iterable[Filter], where: str) -> dict[str, str]:
    """Problems of each rule, keyed by its field path (``filters[0]``...)."""
    problems = {}
    for i, rule in enumerate(rules):
        if message := rule.problem():
            problems[f"{where}[{i}]"] = message
    return problems


def compile_filter(rule: Filter, table: ir.Table, where: str) -> ir.BooleanValue:
    """The Ibis condition for ``rule`` on ``table``, after checking the value's type."""
    column = table[rule.column]
    if rule.op == "is null":
        return column.isnull()
    if rule.op == "not null":
        return column.notnull()
    if rule.op in MEMBERSHIP:
        values = [_typed(v, column, where) for v in rule.value]
        return column.isin(values) if rule.op == "in" else column.notin(values)
    value = _typed(rule.value, column, where)
    match rule.op:
        case "==":
            return column == value
        case "!=":
            return column != value
        case "<":
            return column < value
        case "<=":
            return column <= value
        case ">":
            return column > value
        case _:
            return column >= value


def _typed(value: Scalar, column: ir.Column, where: str) -> Any:
    """``value`` as the column's type, or a DefinitionError naming the mismatch."""
    dtype = column.type()
    name = column.get_name()
    if dtype.is_temporal():
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                raise DefinitionError(
                    {where: f"{value!r} is not an ISO date for date column {name!r}"}
                ) from None
            return parsed.date() if dtype.is_date() else parsed
    elif dtype.is_boolean():
        if isinstance(value, bool):
            return value
    elif dtype.is_numeric():
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
    elif dtype.is_string():
        if isinstance(value, str):
            return value
    else:
        raise DefinitionError(
            {where: f"column {name!r} has type {dtype}, which cannot be filtered"}
        )
    raise DefinitionError(
        {where: f"value {value!r} does not match column {name!r} of type {_kind(dtype)}"}
    )


def _kind(dtype: Any) -> str:
    if dtype.is_temporal():
        return "date"
    if dtype.is_boolean():
        return "boolean"
    if dtype.is_numeric():
        return "number"
    return "text" if dtype.is_string() else str(dtype)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, Scalar)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
