"""The data calendar read from the database: for each indicator of a collaborative, what was
received, what is due next, by when, and who owes it; and the context the collaborative's
home, each indicator page and the network view show it with.

The arithmetic is `civicloop.measure.datacalendar` (no Django); this module only gathers its
inputs in a fixed number of queries whatever the number of indicators, and pairs each entry
with its indicator and the organisations that owe its numbers (`access.owing_organisations`).

What counts as received: for members, every value not returned to its steward (a pending
value was delivered; it waits for approval, not for the steward) or that has an approved
copy; for the public, approved values of declared indicators only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db.models import Max, Q, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from civicloop.core import access
from civicloop.core import cache as data_cache
from civicloop.measure import datacalendar as dc
from civicloop.results.models import Approval, Collaborative, Indicator, Observation
from civicloop.results.periods import PeriodSpec

STATUS_WORDS = {
    dc.OVERDUE: gettext_lazy("overdue"),
    dc.DUE: gettext_lazy("due"),
    dc.FRESH: gettext_lazy("up to date"),
    dc.NOT_EXPECTED: gettext_lazy("no more data expected"),
}


@dataclass
class CalendarRow:
    """One indicator on the calendar."""

    indicator: Indicator
    entry: dc.DueEntry
    owers: list  # the organisations that owe its numbers; empty: the backbone
    last_updated: datetime | None  # when its latest value came in (or was approved)
    mine: bool = False  # the reader owes it
    collaborative: Collaborative | None = None  # known to the caller: no query for it

    @property
    def status(self) -> str:
        return self.entry.status

    @property
    def status_words(self) -> str:
        return str(STATUS_WORDS[self.entry.status])

    @property
    def entry_url(self) -> str:
        return entry_url(self.indicator, self.collaborative)

    def as_json(self) -> dict:
        e = self.entry
        return {
            "indicator": self.indicator.slug,
            "name": self.indicator.name,
            "frequency": self.indicator.frequency,
            "status": e.status,
            "last_period": e.last.label if e.last else None,
            "last_updated": self.last_updated.isoformat() if self.last_updated else None,
            "next_period": e.next.label if e.next else None,
            "due": e.due.isoformat() if e.due else None,
            "days_late": e.days_late,
            "days_left": e.days_left,
            "periods_behind": e.periods_behind,
            "lag_days": e.lag_days,
            "weight": e.weight,
            "owed_by": [o.slug for o in self.owers] or ["backbone"],
        }


def entry_url(indicator: Indicator, collaborative: Collaborative | None = None) -> str:
    """The data-entry form for `indicator` (a path; emails prefix the site's address).

    The entry grid is named ``measure:enter``; until it exists, its path is built by hand
    so the links already point where it will be."""
    slug = (collaborative or indicator.result.collaborative).slug
    try:
        base = reverse("measure:enter", args=[slug])
    except NoReverseMatch:
        base = f"/c/{slug}/measure/enter/"
    return f"{base}?{urlencode({'indicator': indicator.slug})}"


def received(
    indicators: list[Indicator], *, public: bool = False
) -> tuple[dict[int, list[PeriodSpec]], dict[int, datetime]]:
    """({indicator pk: periods received}, {indicator pk: when the latest value came in}).

    One indicator (its page): one query, each period with the moment of its latest value.
    Many (the collaborative's calendar): that query converts a date and a moment per
    (indicator, period) in Python, tens of thousands for a few hundred indicators, so
    two are cheaper (~45 ms vs ~105 ms at 200 indicators): the distinct periods of each
    indicator, and the latest moment of each indicator."""
    values = Observation.objects.filter(series__indicator__in=[i.pk for i in indicators])
    if public:
        values, moment = values.approved(), "approved_at"
    else:
        # Named, not "not returned": the index on approval answers an IN list.
        delivered = [a for a in Approval.values if a != Approval.RETURNED]
        values = values.filter(Q(approved_value__isnull=False) | Q(approval__in=delivered))
        moment = "updated_at"
    values = values.order_by()
    columns = ("series__indicator_id", "period__kind", "period__label", "period__start")
    periods: dict[int, list[PeriodSpec]] = defaultdict(list)
    updated: dict[int, datetime] = {}
    if len(indicators) == 1:
        rows = values.values_list(*columns, "period__end").annotate(last=Max(moment))
        for indicator_id, kind, label, start, end, last in rows:
            periods[indicator_id].append(PeriodSpec(kind, label, start, end))
            if last is not None and (indicator_id not in updated or last > updated[indicator_id]):
                updated[indicator_id] = last
    else:
        for indicator_id, kind, label, start, end in values.values_list(
            *columns, "period__end"
        ).distinct():
            periods[indicator_id].append(PeriodSpec(kind, label, start, end))
        latest = values.values_list("series__indicator_id").annotate(last=Max(moment))
        updated = {i: last for i, last in latest if last is not None}
    for specs in periods.values():
        specs.sort(key=lambda p: (p.start, p.end))
    return periods, updated


def today() -> date:
    return timezone.localdate()


def calendar_rows(
    collaborative: Collaborative,
    *,
    on: date | None = None,
    public: bool = False,
    indicators=None,
    duty: access.DataDuty | None = None,
) -> list[CalendarRow]:
    """Every indicator of `collaborative` (or of `indicators`) on the calendar of day `on`,
    the most urgent first: overdue (latest first), due (soonest first), fresh, not expected.
    `public`: the public's view (declared indicators, approved values). `duty`: the
    reader's (`access.data_duty`), which marks the rows they owe (`CalendarRow.mine`)."""
    on = on or today()
    if indicators is None:
        indicators = Indicator.objects.filter(result__collaborative=collaborative)
        if public:
            indicators = indicators.filter(is_public=True)
    if isinstance(indicators, list):  # instances a page has loaded already
        prefetch_related_objects(indicators, "stewards")
    else:
        indicators = list(
            indicators.select_related(
                "result", "performance_measure__commitment__organisation"
            ).prefetch_related("stewards")
        )
        for ind in indicators:
            # The same row for all (links read its slug): not joined into every indicator.
            ind.result.collaborative = collaborative
    periods, updated = received(indicators, public=public)
    rows = []
    for ind in indicators:
        entry = dc.due_entry(
            ind.frequency,
            periods.get(ind.pk, []),
            on,
            lag=ind.data_lag_days,
            expected=ind.expects_data,
        )
        owers = access.owing_organisations(ind)
        mine = duty is not None and duty.owes(owers)
        rows.append(CalendarRow(ind, entry, owers, updated.get(ind.pk), mine, collaborative))
    return sorted(rows, key=_urgency)


def shared_rows(
    collaborative: Collaborative,
    *,
    on: date | None = None,
    public: bool = False,
    duty: access.DataDuty | None = None,
) -> list[CalendarRow]:
    """`calendar_rows` of the whole collaborative, read
    once per data version and day for every reader (members, or the public) and then
    marked with this reader's `duty`: every member's home asked the same thing of the
    collaborative's every value (a grouped query over all its observations, hundreds of
    calendar entries) until the data changed. The calendar follows from the
    data alone, so `civicloop.core.cache` keys it on the data version (a change shows at
    once); only `mine` is the reader's own."""
    on = on or today()
    rows = data_cache.cached(
        ("calendar", collaborative.pk, public, on.isoformat()),
        data_cache.version(collaborative.pk),
        lambda: calendar_rows(collaborative, on=on, public=public),
    )
    return [replace(r, mine=duty is not None and duty.owes(r.owers)) for r in rows]


def _urgency(row: CalendarRow):
    e = row.entry
    return (dc.STATUSES.index(e.status), -e.days_late, e.days_left, row.indicator.name)


@dataclass
class HomeCalendar:
    """What the collaborative's home shows of the calendar."""

    collaborative: Collaborative
    rows: list[CalendarRow]
    freshness: dc.Freshness

    def _with(self, status: str) -> list[CalendarRow]:
        return [r for r in self.rows if r.status == status]

    @property
    def overdue(self) -> list[CalendarRow]:
        return self._with(dc.OVERDUE)

    @property
    def due(self) -> list[CalendarRow]:
        return self._with(dc.DUE)

    @property
    def fresh(self) -> list[CalendarRow]:
        return self._with(dc.FRESH)

    @property
    def not_expected(self) -> list[CalendarRow]:
        return self._with(dc.NOT_EXPECTED)

    @property
    def mine(self) -> list[CalendarRow]:
        """The reader's own indicators that are due or overdue."""
        return [r for r in self.rows if r.mine and r.status in (dc.DUE, dc.OVERDUE)]


def home_context(user, collaborative: Collaborative, *, on: date | None = None) -> dict:
    """The context of ``measure/_calendar_home.html`` on the collaborative's home:
    ``data_calendar`` (a `HomeCalendar`), for members only (None for anyone else)."""
    duty = access.data_duty(user, collaborative)
    if not duty.member:
        return {"data_calendar": None}
    rows = shared_rows(collaborative, on=on, duty=duty)
    return {"data_calendar": HomeCalendar(collaborative, rows, dc.freshness(r.entry for r in rows))}


def indicator_context(
    user,
    indicator: Indicator,
    *,
    on: date | None = None,
    member: bool | None = None,
    collaborative: Collaborative | None = None,
    duty: access.DataDuty | None = None,
) -> dict:
    """The context of ``measure/_indicator_dates.html`` on an indicator page:
    ``data_due`` (its `CalendarRow`), as the reader may see it (the public: approved
    values only). `member`, `collaborative` and `duty` (the reader's `access.data_duty`):
    what the page knows already, to save queries."""
    collab = collaborative or indicator.result.collaborative
    if member is None:
        member = access.is_member(user, collab)
    # One indicator's values only: the collaborative's whole calendar (`shared_rows`) costs
    # a hundred pages' worth to build, each time the data changes.
    rows = calendar_rows(
        collab,
        on=on,
        public=not member,
        indicators=[indicator],
        duty=(duty or access.data_duty(user, collab)) if member else None,
    )
    return {"data_due": rows[0]}


def collaborative_freshness(
    collaborative: Collaborative, *, on: date | None = None, public: bool = False
) -> dc.Freshness:
    return dc.freshness(r.entry for r in calendar_rows(collaborative, on=on, public=public))


def network_context(user, collaboratives, *, on: date | None = None) -> dict:
    """The context of ``measure/_network_freshness.html``: ``freshness_rows``, each
    collaborative shown with its freshness as `user` may see it (members: every indicator;
    anyone else: the declared ones and their approved values)."""
    rows = []
    for collab in collaboratives:
        public = not access.is_member(user, collab)
        rows.append((collab, collaborative_freshness(collab, on=on, public=public), public))
    return {"freshness_rows": rows}
