"""Period labels and their real dates, with no Django in them.

A period is a span with a start and an end, named by a label whose shape tells its kind.
The label is kept exactly as published (``2014/15``, ``2000 - 02``, ``2021-2022*``), so
what came in goes out identical; the span places it in time.

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
>>> parse_period("2017/2019").kind, parse_period("2017/2019").open_sdg_year
('multi_year', 2017)
>>> parse_period("2021-2022*").label
'2021-2022*'

School (and fiscal) years run from 1 July to 30 June (``SCHOOL_YEAR_START_MONTH``): two
consecutive years, ``2015-16``, ``2014/15`` or ``2023/2024``. A multi-year period
(``2017-2019``, ``1990-1999``, ``2000 - 02``: pooled estimates, decades) runs from 1 January
of its first year to 31 December of its last. A trailing footnote marker (``*``, ``†``,
``(p)``...) is part of the label and says nothing about the span.

``2011-12`` is both December 2011 and a school year, ``2001-05`` both May 2001 and a
five-year span: ``kind`` (the indicator's frequency) settles them; without it the first
is a school year and the second a month, as before. `guess_kind` picks the reading that
fits most of a whole column of labels, for files that do not say.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def gettext_noop(message: str) -> str:
    """Marks a message for the catalog (makemessages knows the name); translated where it
    is shown (`PeriodError.translated`). Defined here so periods, and the data calendar's
    arithmetic built on them, import no Django."""
    return message


SCHOOL_YEAR_START_MONTH = 7
KINDS = ("year", "school_year", "multi_year", "quarter", "month", "week", "day")
# A two-digit end year may cross a century (1999-00) but no further than this.
MAX_SHORT_SPAN = 20

_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4})(\s*)([-/–])(\s*)(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Footnote markers publishers put on a label: 2021-2022*, 2019†, 2020 (p), 2018r.
_MARKER = re.compile(
    r"^(.*?\d)\s*([*†‡§#¹²³⁴⁵⁶⁷⁸⁹⁰]+|\((?:[a-z]{1,3}|provisional|revised|estimated?)\)|[pre])$",
    re.IGNORECASE,
)


class PeriodError(ValueError):
    """A label that names no period; the message says what shapes are understood.

    Raised with an English template and its values, so that `str()` stays English for logs
    and the configuration, and `translated()` says it in the reader's language for a load's
    problems (the module itself stays free of Django's settings).
    """

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)

    def translated(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.template) % self.params if self.params else gettext(self.template)


@dataclass(frozen=True)
class PeriodSpec:
    kind: str
    label: str
    start: date
    end: date

    @property
    def midpoint_year(self) -> float:
        """Position on a real time axis in years, used by the learn stage for spacing.

        A multi-year period sits at the middle of its span (``2017-2019`` at 2018.5)."""
        mid = self.start + (self.end - self.start) / 2
        year_len = 366 if calendar.isleap(mid.year) else 365
        return mid.year + (mid.timetuple().tm_yday - 1) / year_len

    @property
    def open_sdg_year(self) -> int:
        """The year Open SDG's published progress measure reads for this period: the first
        year of its label (``2017/2019`` counts as 2017, ``2014/15`` as 2014)."""
        return open_sdg_year(self)


def open_sdg_year(period) -> int:
    """The Open SDG year of a `PeriodSpec` or a ``results.Period`` (anything with a start)."""
    return period.start.year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(raw: object, kind: str | None = None) -> PeriodSpec:
    """Parse a period label; ``kind`` disambiguates ``2023-24`` style labels if given."""
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if (lead := re.match(r"\d{4}", text)) and not 1000 <= int(lead[0]) <= 9998:
        raise PeriodError(
            gettext_noop("%(label)r: a period's year is between 1000 and 9998"), label=text
        )
    core = text
    if (m := _MARKER.match(text)) and not _YEAR.match(text):
        core = m[1].strip()
    spec = _parse(core, text, kind)
    if spec is None:
        raise PeriodError(
            gettext_noop(
                "%(label)r is not a period: use 2023, 2023-24 or 2023/24 (school year), "
                "2017-2019 (several years), 2023-Q2, 2023-05, 2023-W14 or 2023-05-14"
            ),
            label=text,
        )
    return spec


def _parse(core: str, label: str, kind: str | None) -> PeriodSpec | None:
    if m := _YEAR.match(core):
        y = int(m[1])
        if kind == "school_year" and core == label:
            return _school_year(y)
        return PeriodSpec("year", label, date(y, 1, 1), date(y, 12, 31))
    if m := _QUARTER.match(core):
        y, q = int(m[1]), int(m[2])
        first = 3 * (q - 1) + 1
        return PeriodSpec("quarter", label, date(y, first, 1), _month_end(y, first + 2))
    if m := _WEEK.match(core):
        y, w = int(m[1]), int(m[2])
        try:
            start = date.fromisocalendar(y, w, 1)
        except ValueError as exc:
            raise PeriodError(
                gettext_noop("%(label)r: %(year)d has no ISO week %(week)d"),
                label=label,
                year=y,
                week=w,
            ) from exc
        return PeriodSpec("week", label, start, start + timedelta(days=6))
    if m := _DAY.match(core):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            day = date(y, mo, d)
        except ValueError as exc:
            raise PeriodError(gettext_noop("%(label)r is not a real date"), label=label) from exc
        return PeriodSpec("day", label, day, day)
    month = _MONTH.match(core)
    if kind == "month" and month:
        # 2011-12 is both December 2011 and a school year: the indicator's frequency decides.
        return _month(int(month[1]), int(month[2]), label)
    if m := _SPAN.match(core):
        y, second = int(m[1]), m[5]
        y2 = _end_year(y, second)
        if y2 is None:
            if month:
                return _month(int(month[1]), int(month[2]), label)
            raise PeriodError(
                gettext_noop("%(label)r: a period cannot end before it starts"), label=label
            )
        if y2 == y + 1 and kind != "multi_year":
            return _school_year(y, label)
        if month and kind not in ("school_year", "multi_year") and 1 <= int(second) <= 12:
            return _month(y, int(second), label)  # 2001-05: May 2001 unless told otherwise
        return PeriodSpec("multi_year", label, date(y, 1, 1), date(y2, 12, 31))
    if month:
        return _month(int(month[1]), int(month[2]), label)
    return None


def _end_year(y: int, second: str) -> int | None:
    """The last year of ``y-second``: ``2015-16`` → 2016, ``1999-00`` → 2000, ``2017/2019``
    → 2019; None when the span would end before it starts (``2014-11`` is a month)."""
    if len(second) == 4:
        y2 = int(second)
        return y2 if y2 > y else None
    y2 = (y // 100) * 100 + int(second)
    if y2 <= y:
        y2 += 100
    return y2 if y2 - y <= MAX_SHORT_SPAN else None


def possible_kinds(label: str) -> set[str]:
    """Every kind ``label`` can be read as, whatever the frequency, keeping the label (a
    year read as a school year becomes ``2011-12``: that is a reading of another label)."""
    found = set()
    for kind in (None, "month", "school_year", "multi_year"):
        try:
            spec = parse_period(label, kind)
        except PeriodError:
            continue
        if spec.label == str(label).strip():
            found.add(spec.kind)
    return found


def read_as(label: str, kind: str | None) -> PeriodSpec:
    """``label`` read with ``kind`` when that keeps the label as published, else on its
    own: a file's ``2008`` stays the year 2008 among its school years ``2008/09``."""
    spec = parse_period(label, kind)
    return spec if spec.label == str(label).strip() else parse_period(label)


def guess_kind(labels: Iterable[str]) -> str | None:
    """The kind that reads the most of these labels (a file's ``Year`` column), so that
    ambiguous ones (``2011-12``, ``2001-05``) are read as their neighbours are; ties go to
    the reading a label gets on its own. None when no label parses."""
    fits: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for label in set(labels):
        kinds = possible_kinds(label)
        fits.update(kinds)
        try:
            alone[parse_period(label).kind] += 1
        except PeriodError:
            pass
    if not fits:
        return None
    return max(fits, key=lambda k: (fits[k], alone[k], -KINDS.index(k)))


def _month(y: int, mo: int, label: str) -> PeriodSpec:
    if not 1 <= mo <= 12:
        raise PeriodError(
            gettext_noop("%(label)r: month %(month)d does not exist"), label=label, month=mo
        )
    return PeriodSpec("month", label, date(y, mo, 1), _month_end(y, mo))


def _school_year(y: int, label: str | None = None) -> PeriodSpec:
    return PeriodSpec(
        "school_year",
        label or f"{y}-{(y + 1) % 100:02d}",
        date(y, SCHOOL_YEAR_START_MONTH, 1),
        date(y + 1, SCHOOL_YEAR_START_MONTH, 1) - timedelta(days=1),
    )
