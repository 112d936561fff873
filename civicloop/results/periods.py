"""Period labels and their real dates, with no Django in them.

A period is named by a label whose shape tells its kind:

>>> parse_period("2023")
PeriodSpec(kind='year', label='2023', start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
>>> parse_period("2023-24").kind
'school_year'
>>> parse_period("2023-Q2").start
datetime.date(2023, 4, 1)
>>> parse_period("2023-05").end
datetime.date(2023, 5, 31)
>>> parse_period("2023-W14").start
datetime.date(2023, 4, 3)
>>> parse_period("2023-05-14").kind
'day'

School years run from 1 July to 30 June (``SCHOOL_YEAR_START_MONTH``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

SCHOOL_YEAR_START_MONTH = 7
KINDS = ("year", "school_year", "quarter", "month", "week", "day")

_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class PeriodError(ValueError):
    """A label that names no period; the message says what shapes are understood."""


@dataclass(frozen=True)
class PeriodSpec:
    kind: str
    label: str
    start: date
    end: date

    @property
    def midpoint_year(self) -> float:
        """Position on a real time axis in years, used by the learn stage for spacing."""
        mid = self.start + (self.end - self.start) / 2
        year_len = 366 if calendar.isleap(mid.year) else 365
        return mid.year + (mid.timetuple().tm_yday - 1) / year_len


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(raw: object, kind: str | None = None) -> PeriodSpec:
    """Parse a period label; ``kind`` disambiguates ``2023-24`` style labels if given."""
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if (lead := re.match(r"\d{4}", text)) and not 1000 <= int(lead[0]) <= 9998:
        raise PeriodError(f"{text!r}: a period's year is between 1000 and 9998")
    if m := _YEAR.match(text):
        y = int(m[1])
        if kind == "school_year":
            return _school_year(y)
        return PeriodSpec("year", text, date(y, 1, 1), date(y, 12, 31))
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        first = 3 * (q - 1) + 1
        return PeriodSpec("quarter", f"{y}-Q{q}", date(y, first, 1), _month_end(y, first + 2))
    if m := _WEEK.match(text):
        y, w = int(m[1]), int(m[2])
        try:
            start = date.fromisocalendar(y, w, 1)
        except ValueError as exc:
            raise PeriodError(f"{text!r}: {y} has no ISO week {w}") from exc
        return PeriodSpec("week", f"{y}-W{w:02d}", start, start + timedelta(days=6))
    if m := _DAY.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            day = date(y, mo, d)
        except ValueError as exc:
            raise PeriodError(f"{text!r} is not a real date") from exc
        return PeriodSpec("day", day.isoformat(), day, day)
    if kind == "month" and (m := _MONTH.match(text)):
        # 2011-12 is both December 2011 and a school year: the indicator's frequency decides.
        return _month(int(m[1]), int(m[2]), text)
    if m := _SCHOOL.match(text):
        y, second = int(m[1]), m[2]
        y2 = int(second) if len(second) == 4 else (y // 100) * 100 + int(second)
        if len(second) == 2 and y2 < y:
            y2 += 100  # 1999-00
        if y2 == y + 1:
            return _school_year(y)
        if kind != "school_year" and len(second) <= 2 and 1 <= int(second) <= 12:
            return _month(y, int(second), text)
        raise PeriodError(f"{text!r}: a school year spans two consecutive years, like 2023-24")
    if m := _MONTH.match(text):
        return _month(int(m[1]), int(m[2]), text)
    raise PeriodError(
        f"{text!r} is not a period: use 2023, 2023-24 (school year), 2023-Q2, 2023-05, "
        "2023-W14 or 2023-05-14"
    )


def _month(y: int, mo: int, text: str) -> PeriodSpec:
    if not 1 <= mo <= 12:
        raise PeriodError(f"{text!r}: month {mo} does not exist")
    return PeriodSpec("month", f"{y}-{mo:02d}", date(y, mo, 1), _month_end(y, mo))


def _school_year(y: int) -> PeriodSpec:
    return PeriodSpec(
        "school_year",
        f"{y}-{(y + 1) % 100:02d}",
        date(y, SCHOOL_YEAR_START_MONTH, 1),
        date(y + 1, SCHOOL_YEAR_START_MONTH, 1) - timedelta(days=1),
    )
