"""Entering numbers by hand: the grid a steward fills in, written as a load of its own.

Many partners have a handful of numbers a quarter, not a file. The grid offers each of
their indicators × areas × groups for the period due (the one after the last received),
with last period's values beside each cell for reference. What they type is not written
here: `submit` turns the filled cells into a long-format CSV, one row per cell, and hands it
to `civicloop.measure.loads.load_file`, so a number typed in the grid is archived, checked,
refused or written, made pending and revised exactly as the same number in an uploaded
file. Each problem the load reports names a line of that CSV, and each line is one cell,
so the message goes back beside the cell it is about.

The Excel template (`civicloop.measure.template`) offers the same rows; `rows_for` is the
one place that decides them.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core import access
from civicloop.measure import calendar_data
from civicloop.measure import datacalendar as dc
from civicloop.measure.loads import LoadReport, load_file
from civicloop.results.models import Area, Group, Indicator, Observation, Period, Series
from civicloop.results.periods import PeriodError, PeriodSpec, parse_period

# A grid is a form people fill in by hand: past this many cells it is a file's work.
MAX_CELLS = 5_000
CELL = re.compile(r"^v-(\d+)-(\d+)-(\d+)$")
HEADER = ["indicator", "area", "dimension", "group", "period", "value"]
_SPAN = re.compile(r"^(\d{4})(\s*)([-/–])(\s*)(\d{2}|\d{4})$")


# -- periods: which one is due -------------------------------------------------------------


def containing(day: date, kind: str) -> PeriodSpec | None:
    """The period of ``kind`` that holds ``day``; None for kinds with no fixed length."""
    if kind == "year":
        label = str(day.year)
    elif kind == "school_year":
        y = day.year if day.month >= 7 else day.year - 1
        label = f"{y}-{(y + 1) % 100:02d}"
    elif kind == "quarter":
        label = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    elif kind == "month":
        label = f"{day.year}-{day.month:02d}"
    elif kind == "week":
        iso = day.isocalendar()
        label = f"{iso.year}-W{iso.week:02d}"
    elif kind == "day":
        label = day.isoformat()
    else:
        return None
    return parse_period(label, kind)


def following(spec: PeriodSpec) -> PeriodSpec:
    """The period after ``spec``, of its kind, written as ``spec`` writes its label
    (``2023/24`` is followed by ``2024/25``, not ``2024-25``: another label is another
    period)."""
    if spec.kind == "multi_year":
        span = spec.end.year - spec.start.year + 1
        first = spec.end.year + 1
        return parse_period(f"{first}-{first + span - 1}", "multi_year")
    nxt = containing(spec.end + timedelta(days=1), spec.kind)
    assert nxt is not None
    if spec.kind == "school_year" and (m := _SPAN.match(spec.label)):
        y = nxt.start.year
        second = str(y + 1) if len(m[5]) == 4 else f"{(y + 1) % 100:02d}"
        return parse_period(f"{y}{m[2]}{m[3]}{m[4]}{second}", "school_year")
    return nxt


# -- the grid ------------------------------------------------------------------------------


@dataclass
class Cell:
    indicator: Indicator
    area: Area
    group: Group | None
    last: float | None = None  # the value at the last period received
    current: float | None = None  # already there for the period due (pending or not)
    typed: str = ""  # what the person typed, when the form comes back
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"v-{self.indicator.pk}-{self.area.pk}-{self.group.pk if self.group else 0}"

    @property
    def shown(self) -> str:
        """The input's value: what was typed, else what is already there."""
        if self.typed:
            return self.typed
        if self.current is None:
            return ""
        return f"{self.current:g}"


@dataclass
class Block:
    """One indicator's part of the grid: its period due and a row per area × group."""

    indicator: Indicator
    last_period: str | None
    period: str
    cells: list[Cell]
    period_errors: list[str] = field(default_factory=list)

    @property
    def period_name(self) -> str:
        return f"period-{self.indicator.pk}"


def indicators_for(user, collaborative, focus: str | None = None):
    """The indicators this person enters: their organisation's (backbone staff: all)."""
    writer = access.writer_for(user, collaborative)
    qs = access.writable_indicators(writer, collaborative).select_related("result")
    if focus:
        qs = qs.filter(slug=focus)
    return list(qs.order_by("result__order", "result__title", "order", "name"))


@dataclass
class Known:
    """What the grid reads of its indicators, read for all of them at once.

    A grid of every indicator (the backbone's) asked, per indicator, for its series, its
    groups, the periods it holds and how full each is: a dozen queries an indicator. Read
    here in a fixed handful whatever the number of indicators, areas and groups, so the
    grid's cost does not grow with its size (`civicloop.measure.tests.test_entry_queries`).
    """

    received: dict[int, list[PeriodSpec]]
    # indicator pk → (kind, label) → (period, how many values it holds there)
    held: dict[int, dict[tuple[str, str], tuple[Period, int]]]
    series: dict[int, list[Series]]
    groups: dict[int, list[Group]]
    areas: dict[int, list[Area]]  # collaborative pk → its areas

    @classmethod
    def of(cls, indicators: list[Indicator]) -> Known:
        ids = [i.pk for i in indicators]
        held: dict[int, dict[tuple[str, str], tuple[Period, int]]] = defaultdict(dict)
        rows = (
            Observation.objects.filter(series__indicator__in=ids)
            .order_by()
            .values_list(
                "series__indicator_id",
                "period_id",
                "period__kind",
                "period__label",
                "period__start",
                "period__end",
            )
            .annotate(n=Count("id"))
        )
        for ind, pk, kind, label, start, end, n in rows:
            period = Period(pk=pk, kind=kind, label=label, start=start, end=end)
            held[ind][(kind, label)] = (period, n)
        series: dict[int, list[Series]] = defaultdict(list)
        for s in (
            Series.objects.filter(indicator__in=ids)
            .select_related("area", "group__dimension")
            .defer("area__geometry")
        ):
            series[s.indicator_id].append(s)
        links = Indicator.dimensions.through.objects.filter(indicator_id__in=ids)
        dimensions: dict[int, list[int]] = defaultdict(list)
        for ind, dim in links.values_list("indicator_id", "dimension_id"):
            dimensions[dim].append(ind)
        groups: dict[int, list[Group]] = defaultdict(list)
        for g in Group.objects.filter(dimension__in=list(dimensions)).select_related("dimension"):
            for ind in dimensions[g.dimension_id]:
                groups[ind].append(g)
        collabs = {i.result.collaborative_id for i in indicators}
        areas: dict[int, list[Area]] = defaultdict(list)
        for a in Area.objects.filter(collaborative__in=collabs).defer("geometry"):
            areas[a.collaborative_id].append(a)
        return cls(calendar_data.received(indicators)[0], held, series, groups, areas)

    def last_period(self, indicator: Indicator, before: date | None = None) -> Period | None:
        """The latest period this indicator has any value for (ending before ``before``)."""
        periods = [p for p, _n in self.held.get(indicator.pk, {}).values()]
        if before is not None:
            periods = [p for p in periods if p.end < before]
        return max(periods, key=lambda p: (p.end, p.start), default=None)

    def count(self, indicator: Indicator, period) -> int:
        found = self.held.get(indicator.pk, {}).get((period.kind, period.label))
        return found[1] if found else 0


def rows_for(
    indicator: Indicator, known: Known | None = None
) -> tuple[list[tuple[Area, Group | None]], list[Area]]:
    """The area × group rows of one indicator: every series it has, and for every area it
    is measured in (all of the collaborative's when it has no data yet) the headline and
    each group of the disaggregations it declares."""
    known = known or Known.of([indicator])
    series = known.series.get(indicator.pk, [])
    areas = {s.area for s in series} or set(known.areas.get(indicator.result.collaborative_id, []))
    groups: list[Group | None] = [None, *known.groups.get(indicator.pk, [])]
    combos = {(a.pk, g.pk if g else 0): (a, g) for a in areas for g in groups}
    for s in series:
        combos.setdefault((s.area_id, s.group_id or 0), (s.area, s.group))

    def order(pair):
        area, group = pair
        return (
            area.level != "city",
            area.name,
            group is not None,
            group.dimension.name if group else "",
            group.order if group else 0,
            group.name if group else "",
        )

    return sorted(combos.values(), key=order), sorted(areas, key=lambda a: a.name)


def last_period(indicator: Indicator, before: date | None = None):
    """The latest period this indicator has any value for (ending before ``before``)."""
    return Known.of([indicator]).last_period(indicator, before)


def _start(label: str, indicator: Indicator) -> date | None:
    try:
        return parse_period(label, indicator.frequency).start
    except PeriodError:
        return None


def due(
    indicator: Indicator, today: date | None = None, known: Known | None = None
) -> tuple[str, object]:
    """The label of the period due, and the period received before it (for reference).

    The data calendar's next expected period (`datacalendar.due_entry` over what
    `calendar_data.received` counts as received), so the reminder, the calendar and the
    grid name one period: with no data the latest whose due date has come, after a
    survey every two years the one two on. One refinement of the grid's own: a last
    period that holds fewer values than the one before it is still arriving (a steward
    entered three of sixteen areas), so it is still the one due, and its rest is what the
    grid asks for; the calendar, which counts periods and not cells, already calls it
    received."""
    today = today or timezone.localdate()
    known = known or Known.of([indicator])
    received = known.received.get(indicator.pk, [])
    # A source that publishes no more still takes corrections: ask for its next period.
    expected = dc.due_entry(indicator.frequency, received, today, lag=indicator.data_lag_days)
    spec = expected.next
    last = expected.last
    if last is not None:
        before = known.last_period(indicator, last.start)
        if before is not None and known.count(indicator, last) < known.count(indicator, before):
            return last.label, before
        after = following(last) if last.kind == spec.kind else None
        if after is not None and (after.start, after.end) == (spec.start, spec.end):
            spec = after  # the same period, written as the last one was (2023/24, 2024/25)
    return spec.label, known.last_period(indicator, spec.start)


def _values_at(
    indicators: list[Indicator], wanted: dict[int, set[str]]
) -> dict[tuple[int, str], dict[tuple[int, int], float]]:
    """{(indicator pk, period label): {(area pk, group pk or 0): value}} for the periods
    each indicator's block shows (of its own kind), in one query."""
    frequency = {i.pk: i.frequency for i in indicators}
    labels = {label for some in wanted.values() for label in some}
    out: dict[tuple[int, str], dict[tuple[int, int], float]] = defaultdict(dict)
    rows = Observation.objects.filter(
        series__indicator__in=list(wanted), period__label__in=labels
    ).values_list(
        "series__indicator_id",
        "period__kind",
        "period__label",
        "series__area_id",
        "series__group_id",
        "value",
    )
    for ind, kind, label, area, group, value in rows:
        if kind == frequency[ind] and label in wanted[ind]:
            out[(ind, label)][(area, group or 0)] = value
    return out


def build(indicators: list[Indicator], periods: dict[int, str] | None = None) -> list[Block]:
    """The grid: a block per indicator, for the period due (or the one chosen); read in
    a fixed number of queries whatever its size (`Known`)."""
    known = Known.of(indicators)
    chosen_periods: dict[int, tuple[str, object]] = {}
    for ind in indicators:
        chosen = (periods or {}).get(ind.pk)
        if chosen:  # e.g. correcting a period already received: compare with the one before
            start = _start(chosen, ind)
            last = known.last_period(ind, start) if start else known.last_period(ind)
            chosen_periods[ind.pk] = (chosen, last)
        else:
            chosen_periods[ind.pk] = due(ind, known=known)
    wanted: dict[int, set[str]] = {
        pk: {period} | ({last.label} if last else set())
        for pk, (period, last) in chosen_periods.items()
    }
    values = _values_at(indicators, wanted)
    blocks = []
    for ind in indicators:
        period, last = chosen_periods[ind.pk]
        previous = values.get((ind.pk, last.label), {}) if last else {}
        now = values.get((ind.pk, period), {})
        pairs, _areas = rows_for(ind, known)
        cells = [
            Cell(
                ind,
                area,
                group,
                previous.get((area.pk, group.pk if group else 0)),
                now.get((area.pk, group.pk if group else 0)),
            )
            for area, group in pairs
        ]
        blocks.append(Block(ind, last.label if last else None, period, cells))
    return blocks


# -- a filled grid, as a load --------------------------------------------------------------


class EntryError(ValueError):
    """The form itself is wrong (a cell that names nothing, nothing typed, too many cells)."""


@dataclass
class Submitted:
    """The filled cells, in the order they become the CSV's lines (line = index + 2)."""

    cells: list[tuple[Indicator, Area, Group | None, str, str]]  # ..., period, typed value
    typed: dict[str, str]  # input name → text, to show the form again
    periods: dict[int, str]  # indicator pk → the period label posted


def read_post(data, collaborative) -> Submitted:
    """The cells a posted grid filled, looked up in this collaborative (whatever the form
    offered: a cell naming an indicator the person may not write reaches the load, which
    refuses it with the steward's name)."""
    wanted: list[tuple[str, int, int, int, str]] = []
    periods: dict[int, str] = {}
    for key, text in data.items():
        if key.startswith("period-") and key[7:].isdigit():
            periods[int(key[7:])] = text.strip()
        m = CELL.match(key)
        if m and text.strip():
            wanted.append((key, int(m[1]), int(m[2]), int(m[3]), text.strip()))
    if len(wanted) > MAX_CELLS:
        raise EntryError(
            _("%(n)s cells: at most %(max)s in one grid") % {"n": len(wanted), "max": MAX_CELLS}
        )
    indicators = (
        Indicator.objects.filter(result__collaborative=collaborative, pk__in={w[1] for w in wanted})
        .select_related("result")
        .in_bulk()
    )
    areas = Area.objects.filter(
        collaborative=collaborative, pk__in={w[2] for w in wanted}
    ).in_bulk()
    groups = (
        Group.objects.filter(dimension__collaborative=collaborative, pk__in={w[3] for w in wanted})
        .select_related("dimension")
        .in_bulk()
    )
    unsaid = [ind for pk, ind in indicators.items() if not periods.get(pk)]
    known = Known.of(unsaid) if unsaid else None
    due_of = {ind.pk: due(ind, known=known)[0] for ind in unsaid}
    cells = []
    for key, i, a, g, text in sorted(wanted, key=lambda w: (w[1], w[2], w[3])):
        if i not in indicators or a not in areas or (g and g not in groups):
            raise EntryError(_("%(cell)s: no such indicator, area or group here") % {"cell": key})
        period = periods.get(i) or due_of[i]
        cells.append((indicators[i], areas[a], groups.get(g), period, text))
    typed = {w[0]: w[4] for w in wanted}
    return Submitted(cells, typed, periods)


def as_csv(submitted: Submitted) -> bytes:
    """The long-format file the load reads and archives: what was typed, unchanged (the
    loader reads ``41,5`` and ``1,234.5`` as it reads them in any file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for ind, area, group, period, text in submitted.cells:
        writer.writerow(
            [
                ind.slug,
                area.code,
                group.dimension.slug if group else "",
                group.slug if group else "",
                period,
                text,
            ]
        )
    return out.getvalue().encode("utf-8")


def submit(submitted: Submitted, collaborative, user, *, approve: bool = False) -> LoadReport:
    """Load the filled cells as a file of their own: all written, or nothing."""
    if not submitted.cells:
        raise EntryError(_("Nothing was typed: fill in at least one value."))
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"data-entry-{user.get_username()}-{stamp}.csv"
    with tempfile.TemporaryDirectory(prefix="civicloop-entry-") as folder:
        path = Path(folder) / name
        path.write_bytes(as_csv(submitted))
        return load_file(path, collaborative, user=user, original_name=name, approve=approve)


def place_problems(blocks: list[Block], submitted: Submitted, report: LoadReport) -> list[str]:
    """Put each problem beside its cell (or its block's period); returns those that fit no
    cell of the grid shown (a cell the form did not offer), for the summary."""
    by_name = {c.name: c for b in blocks for c in b.cells}
    by_indicator = {b.indicator.pk: b for b in blocks}
    for b in blocks:
        for c in b.cells:
            c.typed = submitted.typed.get(c.name, "")
    elsewhere = []
    seen_period: set[tuple[int, str]] = set()
    grouped: dict[int, list] = defaultdict(list)
    for p in report.problems:
        grouped[p.row].append(p)
    for row, problems in grouped.items():
        i = row - 2
        if not 0 <= i < len(submitted.cells):
            elsewhere.extend(p.message for p in problems)
            continue
        ind, area, group, _period, _text = submitted.cells[i]
        name = f"v-{ind.pk}-{area.pk}-{group.pk if group else 0}"
        for p in problems:
            block = by_indicator.get(ind.pk)
            if p.column == "period" and block is not None:
                if (ind.pk, p.message) not in seen_period:
                    seen_period.add((ind.pk, p.message))
                    block.period_errors.append(p.message)
            elif name in by_name:
                by_name[name].errors.append(p.message)
            else:
                elsewhere.append(f"{ind.slug} · {area.code}: {p.message}")
    return elsewhere


def periods_posted_raw(data, indicators: list[Indicator]) -> dict[int, str]:
    """The period each block showed, so the form comes back as it was sent."""
    return {
        i.pk: data[f"period-{i.pk}"].strip()
        for i in indicators
        if data.get(f"period-{i.pk}", "").strip()
    }


def check_period(label: str, indicator: Indicator) -> str | None:
    """A period typed for the grid: None when it reads as one of the indicator's kind."""
    try:
        spec = parse_period(label, indicator.frequency)
    except PeriodError as exc:
        return str(exc)
    if spec.kind != indicator.frequency:
        return _("%(label)s is a %(kind)s, not a %(frequency)s") % {
            "label": label,
            "kind": spec.kind.replace("_", " "),
            "frequency": indicator.get_frequency_display(),
        }
    return None
