"""Turn the curve for one indicator: its baseline forecast band and where the actual line is.

The engine (`civicloop.learn.baseline.turn_the_curve`) fits a forecast to the values
*before* a start and reads the values since against its prediction band. Here an
indicator gets its start, the period its work began, from the nearest place that says
(`starts`): the indicator itself, its result, the collaborative (each a
``work_began`` a collaborative sets), else the earliest start period of the strategies
aimed at it (the same start their effects are measured from). Where none says, there is no
"before", and the curve is not read (status ``no_start``), rather than a start invented.

Only approved values are read (the band reaches the public site, the packet and the
PDF); the working app's chart shows pending values too, but they do not move the band.
The app, the public site, the packet and the CLI all call `curve_of` with the headline
observations they already hold, so the same numbers appear everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from civicloop.learn import words
from civicloop.learn.baseline import MIN_POINTS, turn_the_curve
from civicloop.learn.batch import SeriesBatch
from civicloop.learn.store.batches import period_time, year_fraction
from civicloop.learn.store.results import _Plain
from civicloop.results.models import Area, Indicator, Observation

LEVEL = 0.95
METHOD = "linear"


# Where a start came from, nearest first (`Start.source`, `Curve.since_source`).
SOURCES = ("indicator", "result", "collaborative", "strategies")


@dataclass(frozen=True)
class Start:
    """When the work began (the first day of a period), and which of `SOURCES` said so."""

    day: date
    label: str
    source: str = "strategies"

    @property
    def source_text(self) -> str:
        return words.start_source(self.source)


@dataclass(frozen=True)
class BandPoint:
    label: str
    start: str  # ISO date, the chart's x position
    expected: float
    lower: float
    upper: float
    actual: float | None


@dataclass(frozen=True)
class Curve(_Plain):
    """One indicator's baseline band and the verdict on its latest value since the start.

    status: better_than_baseline | worse_than_baseline | within_baseline | no_data_since |
    not_enough_data | no_start | within_margin (a survey estimate outside the band whose
    margin of error reaches back into it: it may be sampling noise, so no turn is claimed).
    """

    indicator: str
    name: str
    area: str
    status: str
    level: float
    method: str
    since: str | None  # the start's period label
    n_fit: int  # observations before the start the forecast is fitted to
    min_fit: int
    fit_from: str | None
    fit_to: str | None
    latest_label: str | None = None
    latest_value: float | None = None
    latest_expected: float | None = None
    latest_lower: float | None = None
    latest_upper: float | None = None
    latest_margin: float | None = None  # the latest survey estimate's margin of error
    n_above: int = 0
    n_within: int = 0
    n_below: int = 0
    band: list[BandPoint] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)  # every value read: label, start, value
    sentence: str = ""
    since_source: str | None = None  # which of `SOURCES` gave the start

    @property
    def since_source_text(self) -> str:
        return words.start_source(self.since_source) if self.since_source else ""

    @property
    def badge(self) -> str:
        return words.badge(self.status)

    @property
    def short(self) -> str:
        return words.curve_short(self.status)

    @property
    def level_text(self) -> str:
        return words.level_text(self.level)

    @property
    def turning(self) -> bool:
        return self.status == "better_than_baseline"


def starts(indicators: Iterable[Indicator]) -> dict[int, Start]:
    """{indicator id: its start} in two queries, from the nearest that says: the
    indicator's own ``work_began``, its result's, its collaborative's, else the earliest
    start period of the strategies aimed at it."""
    from civicloop.table.models import Strategy

    ids = [i.pk for i in indicators]
    out: dict[int, Start] = {}
    said = Indicator.objects.filter(pk__in=ids).values_list(
        "pk",
        *(f"{path}work_began__{f}" for path in _PATHS for f in ("start", "label")),
    )
    for pk, *pairs in said:
        for source, day, label in zip(SOURCES, pairs[::2], pairs[1::2], strict=False):
            if day is not None:
                out[pk] = Start(day, label, source)
                break
    rows = (
        Strategy.objects.filter(indicators__in=[pk for pk in ids if pk not in out])
        .filter(start_period__isnull=False)
        .values_list("indicators", "start_period__start", "start_period__label")
        .order_by("start_period__start")
    )
    for pk, day, label in rows:
        out.setdefault(pk, Start(day, label, "strategies"))
    return out


# How an indicator reaches each `SOURCES` entry's ``work_began`` (all but the strategies).
_PATHS = ("", "result__", "result__collaborative__")


def curve_of(
    indicator: Indicator,
    area: Area | None,
    observations: Sequence[Any],
    start: Start | None,
) -> Curve:
    """The curve of `indicator`'s headline at `area` from its (approved) `observations`:
    anything with ``.period`` (kind, label, start, end) and ``.value``, oldest first or not."""
    units = words.Units.of(indicator)
    base = {
        "indicator": indicator.slug,
        "name": indicator.name,
        "area": area.name if area else "",
        "level": LEVEL,
        "method": METHOD,
        "min_fit": MIN_POINTS[METHOD],
    }
    by_time: dict[float, Any] = {}
    for o in observations:
        p = o.period
        by_time[period_time(p.kind, p.label, p.start, p.end)] = o
    times = sorted(by_time)
    base["history"] = [
        {
            "label": by_time[t].period.label,
            "start": by_time[t].period.start.isoformat(),
            "value": float(by_time[t].value),
        }
        for t in times
    ]
    if start is None:
        curve = Curve(**base, status="no_start", since=None, n_fit=0, fit_from=None, fit_to=None)
        return _with_sentence(curve, units)
    base["since_source"] = start.source
    since = year_fraction(start.day)
    before = [by_time[t] for t in times if t < since]
    fit = {
        "since": start.label,
        "n_fit": len(before),
        "fit_from": before[0].period.label if before else None,
        "fit_to": before[-1].period.label if before else None,
    }
    if not times:
        return _with_sentence(Curve(**base, status="not_enough_data", **fit), units)
    batch = SeriesBatch([[by_time[t].value for t in times]], np.array(times), keys=[indicator.slug])
    verdict = turn_the_curve(batch, since, indicator.direction, method=METHOD, level=LEVEL)
    status = str(verdict.status[0])
    b = verdict.baseline
    band = []
    for j, t in enumerate(times):
        if math.isnan(b.expected[0, j]):
            continue
        o = by_time[t]
        band.append(
            BandPoint(
                o.period.label,
                o.period.start.isoformat(),
                float(b.expected[0, j]),
                float(b.lower[0, j]),
                float(b.upper[0, j]),
                float(o.value),
            )
        )
    latest: dict[str, Any] = {}
    if not math.isnan(verdict.latest_time[0]):
        last = by_time[float(verdict.latest_time[0])]
        margin = getattr(last, "margin_of_error", None)
        if margin is not None and status in ("better_than_baseline", "worse_than_baseline"):
            # A survey estimate is only that: when its margin of error reaches back into
            # the band, the difference may be sampling noise, and no turn is claimed.
            low, high = last.value - abs(margin), last.value + abs(margin)
            if high >= float(verdict.latest_lower[0]) and low <= float(verdict.latest_upper[0]):
                status = "within_margin"
        latest = {
            "latest_margin": None if margin is None else abs(float(margin)),
            "latest_label": last.period.label,
            "latest_value": float(verdict.latest_value[0]),
            "latest_expected": float(verdict.latest_expected[0]),
            "latest_lower": float(verdict.latest_lower[0]),
            "latest_upper": float(verdict.latest_upper[0]),
        }
    curve = Curve(
        **base,
        status=status,
        **fit,
        **latest,
        n_above=int(verdict.n_above[0]),
        n_within=int(verdict.n_within[0]),
        n_below=int(verdict.n_below[0]),
        band=band,
    )
    return _with_sentence(curve, units)


def _with_sentence(curve: Curve, units: words.Units) -> Curve:
    return Curve(**{**curve.__dict__, "sentence": words.curve_sentence(curve.as_dict(), units)})


@dataclass(frozen=True)
class _Period:
    kind: str
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Row:
    """An observation read flat (`civicloop.review.asof.observations_as_of`'s rows)."""

    period: _Period
    value: float
    margin_of_error: float | None = None

    @classmethod
    def of(cls, kind: str, label: str, start: date, end: date, value: float, margin=None) -> Row:
        return cls(_Period(kind, label, start, end), value, margin)


def indicator_curve(indicator: Indicator, area: Area | None) -> Curve:
    """The curve of one indicator's headline at `area`, from its approved values."""
    observations = []
    if area is not None:
        observations = list(
            Observation.objects.as_approved()
            .filter(series__indicator=indicator, series__area=area, series__group__isnull=True)
            .select_related("period")
        )
    return curve_of(indicator, area, observations, starts([indicator]).get(indicator.pk))


def collaborative_curves(indicators: Sequence[Indicator], area: Area | None) -> list[Curve]:
    """Every indicator's curve at `area` (its headline), in a few queries (the CLI, the packet)."""
    found = starts(indicators)
    by_indicator: dict[int, list] = {i.pk: [] for i in indicators}
    if area is not None:
        rows = (
            Observation.objects.as_approved()
            .filter(series__indicator__in=indicators, series__area=area, series__group__isnull=True)
            .select_related("period", "series")
        )
        for o in rows:
            by_indicator[o.series.indicator_id].append(o)
    return [curve_of(i, area, by_indicator[i.pk], found.get(i.pk)) for i in indicators]
