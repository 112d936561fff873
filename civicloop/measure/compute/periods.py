"""Period grains: where each period starts (computed by the engine) and its label.

The engine only computes the first day of each record's period; labels are made
here, in Python, from that date, so every engine labels periods identically.

>>> import datetime as dt
>>> label(dt.date(2023, 7, 1), "school_year"), label(dt.date(2024, 1, 1), "week")
('2023-24', '2024-W01')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

# A school year runs from July to June, as in most US districts.
SCHOOL_YEAR_FIRST_MONTH = 7

GRAINS = ("year", "school_year", "quarter", "month", "week", "day")
# Ibis truncation units of the calendar grains; weeks start on Monday (ISO 8601)
# in DuckDB, PostgreSQL and Spark alike.
_TRUNCATE_UNITS = {"year": "Y", "quarter": "Q", "month": "M", "week": "W", "day": "D"}


def as_date(column: ir.Value) -> ir.DateValue:
    """A date, timestamp or ISO text column as a date."""
    dtype = column.type()
    if dtype.is_date():
        return column
    if dtype.is_string():
        # DuckDB refuses text with a time of day as a date but takes it as a timestamp.
        return column.cast("timestamp").cast("date")
    return column.cast("date")


def period_start(day: ir.DateValue, grain: str) -> ir.DateValue:
    """The first day of the period holding ``day``."""
    import ibis

    if grain == "school_year":
        before_july = (day.month() < SCHOOL_YEAR_FIRST_MONTH).cast("int32")
        return ibis.date(day.year() - before_july, SCHOOL_YEAR_FIRST_MONTH, 1)
    return day.truncate(_TRUNCATE_UNITS[grain]).cast("date")


def label(start: dt.date, grain: str) -> str:
    """The label of the period starting on ``start``.

    >>> [label(dt.date(2023, 4, 1), g) for g in ("year", "quarter", "month", "day")]
    ['2023', '2023-Q2', '2023-04', '2023-04-01']
    """
    return _LABELS[grain](start)


def _school_year(start: dt.date) -> str:
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def _week(start: dt.date) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


_LABELS: dict[str, Callable[[dt.date], str]] = {
    "year": lambda start: f"{start.year}",
    "school_year": _school_year,
    "quarter": lambda start: f"{start.year}-Q{(start.month - 1) // 3 + 1}",
    "month": lambda start: f"{start.year}-{start.month:02d}",
    "week": _week,
    "day": lambda start: start.isoformat(),
}
