"""The data calendar: when an indicator's next numbers are due, and how fresh a whole
collaborative's data is, with no Django in it.

A table cannot ask whether an indicator is turning if nobody notices that its numbers stopped
coming. Each indicator is measured at a frequency (its periods' kind, see
`civicloop.results.periods`) and its source publishes each period some time after the period
ends (the *lag*: a school year's test results come in the autumn, a year's vital statistics
half a year later). From the periods already received, `due_entry` says:

- the last period received and the next one expected: the period after the last, or, when
  the data came every N periods twice running (a survey every two years), N periods after;
  a multi-year indicator steps by the distance between its last two spans (the ACS 5-year
  estimates roll a year at a time: 2015-2019, 2016-2020) or, with one span, by its length;
  data of another kind than the frequency (a year among school years) is followed by the
  period of the frequency that contains the day after it ends;
- its due date: the end of the next period plus the lag;
- its status: *fresh* (not due for a while), *due* (due within `DUE_SOON_DAYS`, or today),
  *overdue* (the due date has passed), *not expected* (the indicator expects no more data);
- with no data yet, the next period expected is the latest one whose due date has come, so
  an indicator that never received a number is overdue from the start.

`freshness` scores a collaborative: the mean, over the indicators that expect data, of
each indicator's weight: 1 when it is fresh or due; when overdue,
``max(0, 1 - days late / grace)``, where the grace is the time between two expected periods
(at least `MIN_GRACE_DAYS`), so an indicator a whole period behind counts nothing; 0 when it
never received any data. 1.0 means every indicator is up to date; None means no indicator
expects data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from civicloop.results.periods import PeriodSpec, parse_period

FRESH, DUE, OVERDUE, NOT_EXPECTED = "fresh", "due", "overdue", "not_expected"
STATUSES = (OVERDUE, DUE, FRESH, NOT_EXPECTED)  # the order lists show them in

# Days between a period's end and its numbers' usual publication, by frequency; an
# indicator's own ``data_lag_days`` overrides it.
DEFAULT_LAG_DAYS = {
    "day": 2,
    "week": 7,
    "month": 30,
    "quarter": 60,
    "school_year": 120,  # a school year ends on 30 June; results come by late October
    "year": 180,
    "multi_year": 365,  # pooled and 5-year survey estimates come about a year later
}
# "Due" starts this many days before the due date (and is when the first reminder goes).
DUE_SOON_DAYS = {
    "day": 1,
    "week": 3,
    "month": 10,
    "quarter": 21,
    "school_year": 30,
    "year": 30,
    "multi_year": 30,
}
MIN_GRACE_DAYS = 28
# Periods behind are counted up to this many (daily data years late need no exact count).
MAX_BEHIND = 999


@dataclass(frozen=True)
class DueEntry:
    """Where one indicator's data stands on `today`."""

    status: str
    frequency: str
    lag_days: int
    last: PeriodSpec | None  # the latest period received
    next: PeriodSpec | None  # the period expected next (None when not expected)
    due: date | None  # when `next` is due
    days_late: int = 0  # days past `due` (overdue only)
    days_left: int = 0  # days until `due` (fresh and due only)
    periods_behind: int = 0  # expected periods whose due date has passed, with no data
    grace_days: int = MIN_GRACE_DAYS
    cadence: int = 1  # periods between two expected ones

    @property
    def has_data(self) -> bool:
        return self.last is not None

    @property
    def weight(self) -> float | None:
        """This indicator's part of the freshness score (None: not counted)."""
        if self.status == NOT_EXPECTED:
            return None
        if self.status != OVERDUE:
            return 1.0
        if not self.has_data:
            return 0.0
        return max(0.0, 1.0 - self.days_late / self.grace_days)


def lag_days(frequency: str, override: int | None = None) -> int:
    """The indicator's own lag when it has one, else its frequency's usual lag."""
    if override is not None:
        return int(override)
    return DEFAULT_LAG_DAYS.get(frequency, DEFAULT_LAG_DAYS["year"])


def period_at(kind: str, day: date) -> PeriodSpec:
    """The period of `kind` that contains `day` (a multi-year span has no fixed place:
    its year is used)."""
    if kind == "school_year":
        first = day.year if day.month >= 7 else day.year - 1
        return parse_period(f"{first}-{(first + 1) % 100:02d}", "school_year")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}", "month")
    if kind == "week":
        year, week, _ = day.isocalendar()
        return parse_period(f"{year}-W{week:02d}")
    if kind == "day":
        return parse_period(day.isoformat())
    return parse_period(str(day.year))


def shift(spec: PeriodSpec, steps: int) -> PeriodSpec:
    """The period `steps` periods of the same kind after `spec` (before, when negative)."""
    kind, start = spec.kind, spec.start
    if kind == "multi_year":
        first, last = start.year + steps, spec.end.year + steps
        return parse_period(f"{first}-{last}", "multi_year")
    if kind == "school_year":
        first = start.year + steps
        return parse_period(f"{first}-{(first + 1) % 100:02d}", "school_year")
    if kind == "quarter":
        n = start.year * 4 + (start.month - 1) // 3 + steps
        return parse_period(f"{n // 4}-Q{n % 4 + 1}")
    if kind == "month":
        n = start.year * 12 + start.month - 1 + steps
        return parse_period(f"{n // 12}-{n % 12 + 1:02d}", "month")
    if kind == "week":
        return period_at("week", start + timedelta(weeks=steps))
    if kind == "day":
        return period_at("day", start + timedelta(days=steps))
    return parse_period(str(start.year + steps))


def _index(spec: PeriodSpec) -> int:
    """A period's place among the periods of its kind, so gaps count in periods."""
    start = spec.start
    return {
        "multi_year": spec.end.year,
        "school_year": start.year,
        "year": start.year,
        "quarter": start.year * 4 + (start.month - 1) // 3,
        "month": start.year * 12 + start.month - 1,
        "week": start.toordinal() // 7,
        "day": start.toordinal(),
    }[spec.kind]


def cadence(received: list[PeriodSpec]) -> int:
    """Periods between two expected ones, from the received periods of one kind (sorted).

    1 unless the last two gaps are equal and longer (2017, 2019, 2021: every 2); a missed
    period once does not change it. Multi-year spans step by their last gap in end years,
    or, with one span, by its length in years."""
    if not received:
        return 1
    indices = sorted({_index(p) for p in received})
    if received[-1].kind == "multi_year":
        if len(indices) >= 2:
            return indices[-1] - indices[-2]
        last = received[-1]
        return last.end.year - last.start.year + 1
    gaps = [b - a for a, b in zip(indices, indices[1:], strict=False)]
    if len(gaps) >= 2 and gaps[-1] == gaps[-2] and gaps[-1] > 1:
        return gaps[-1]
    return 1


def _latest_due(frequency: str, today: date, lag: int) -> PeriodSpec:
    """The latest period of `frequency` whose due date is today or before."""
    spec = period_at(frequency, today - timedelta(days=lag))
    while spec.end + timedelta(days=lag) > today:
        spec = shift(spec, -1)
    return spec


def next_period(frequency: str, received: list[PeriodSpec]) -> tuple[PeriodSpec, int]:
    """(the period expected after `received`, the cadence it steps by); `received` is not
    empty."""
    last = max(received, key=lambda p: (p.end, p.start))
    if last.kind == frequency:
        same = sorted((p for p in received if p.kind == frequency), key=lambda p: p.start)
        step = cadence(same)
        return shift(last, step), step
    if frequency == "multi_year":
        return parse_period(str(last.end.year + 1)), 1
    return period_at(frequency, last.end + timedelta(days=1)), 1


def due_entry(
    frequency: str,
    received: Iterable[PeriodSpec],
    today: date,
    *,
    lag: int | None = None,
    expected: bool = True,
) -> DueEntry:
    """Where an indicator measured by `frequency`, having received these periods, stands on
    `today`; `lag` overrides the frequency's usual lag; `expected` False: no more data is
    expected (a discontinued source)."""
    received = list(received)
    days = lag_days(frequency, lag)
    last = max(received, key=lambda p: (p.end, p.start)) if received else None
    if not expected:
        return DueEntry(NOT_EXPECTED, frequency, days, last, None, None)
    if received:
        upcoming, step = next_period(frequency, received)
    else:
        upcoming, step = _latest_due(frequency, today, days), 1
    lag_delta = timedelta(days=days)
    due = upcoming.end + lag_delta
    following = shift(upcoming, step)
    grace = max(MIN_GRACE_DAYS, (following.end - upcoming.end).days)
    behind, spec = 0, upcoming
    while spec.end + lag_delta < today and behind < MAX_BEHIND:
        behind += 1
        spec = shift(spec, step)
    common = {
        "frequency": frequency,
        "lag_days": days,
        "last": last,
        "next": upcoming,
        "due": due,
        "periods_behind": behind,
        "grace_days": grace,
        "cadence": step,
    }
    if due < today:
        return DueEntry(OVERDUE, days_late=(today - due).days, **common)
    left = (due - today).days
    soon = DUE_SOON_DAYS.get(frequency, DUE_SOON_DAYS["year"])
    return DueEntry(DUE if left <= soon else FRESH, days_left=left, **common)


@dataclass(frozen=True)
class Freshness:
    """A collaborative's freshness: `score` in [0, 1] (None: nothing expects data)."""

    score: float | None
    counted: int  # indicators expecting data
    up_to_date: int  # fresh or due
    overdue: int
    never: int  # overdue with no data at all

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)


def freshness(entries: Iterable[DueEntry]) -> Freshness:
    """The freshness score of a set of indicators (see the module's docstring)."""
    counted = [e for e in entries if e.weight is not None]
    if not counted:
        return Freshness(None, 0, 0, 0, 0)
    weights = [e.weight for e in counted]
    overdue = [e for e in counted if e.status == OVERDUE]
    return Freshness(
        score=sum(weights) / len(weights),
        counted=len(counted),
        up_to_date=len(counted) - len(overdue),
        overdue=len(overdue),
        never=sum(1 for e in overdue if not e.has_data),
    )
