"""Series in as batches: all observations of a set of series in one query.

Each period sits on a real time axis in years (its midpoint, `PeriodSpec.midpoint_year`);
series of one frequency share one `SeriesBatch`; monthly and quarterly batches carry the
month or quarter as their season; survey margins of error come along, brought to 90%
confidence whatever level they were published at.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from civicloop.learn.batch import SeriesBatch
from civicloop.learn.margins import z_for_level
from civicloop.results.models import Collaborative, Indicator, Observation, Series
from civicloop.results.periods import PeriodSpec

MOE_LEVEL = 0.90  # margins of error are compared at the ACS's 90%
SEASONS = {"month": 12, "quarter": 4}


def collaborative_series(collaborative: Collaborative):
    return Series.objects.filter(indicator__result__collaborative=collaborative).order_by(
        "indicator__result__order", "indicator__order", "area__level", "area__name", "group__order"
    )


def collaborative_indicators(collaborative: Collaborative) -> dict[int, Indicator]:
    found = Indicator.objects.filter(result__collaborative=collaborative).select_related(
        "target_period", "baseline_period", "result", "performance_measure"
    )
    return {ind.pk: ind for ind in found}


@dataclass
class Loaded:
    """One batch: the series of one frequency on one time axis."""

    batch: SeriesBatch
    moe: np.ndarray | None  # at MOE_LEVEL, NaN where none
    labels: list[str]  # the period label of each column
    frequency: str


def period_time(kind: str, label: str, start: date, end: date) -> float:
    return PeriodSpec(kind, label, start, end).midpoint_year


def year_fraction(day: date) -> float:
    """A date as a real time in years (the start of a strategy's first period)."""
    length = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - 1) / length


def _season(kind: str, start: date) -> int:
    if kind == "month":
        return start.month
    if kind == "quarter":
        return (start.month - 1) // 3 + 1
    return 0


# The observation fields of one row of `batches_from_rows`, in its order.
ROW_FIELDS = (
    "series_id",
    "period__kind",
    "period__label",
    "period__start",
    "period__end",
    "value",
    "margin_of_error",
    "confidence_level",
)


# The same, of each observation's approved copy: what learn analyses, since its verdicts
# and effects reach the public pages, the feed and the alerts (pending values are the
# working app's, marked as such, until their steward or the backbone approves them).
APPROVED_ROW_FIELDS = tuple(
    f"approved_{f}" if f in ("value", "margin_of_error", "confidence_level") else f
    for f in ROW_FIELDS
)


def load_batches(
    series: Sequence[Series], indicators: dict[int, Indicator]
) -> list[tuple[list[Series], Loaded]]:
    """The approved observations of `series` in one query, as one batch per frequency."""
    if not series:
        return []
    ids = {s.pk for s in series}
    qs = Observation.objects.approved()
    if len(ids) <= 500:
        qs = qs.filter(series_id__in=ids)
    else:  # one query per indicator set, whatever its size
        qs = qs.filter(series__indicator_id__in={s.indicator_id for s in series})
    rows = qs.values_list(*APPROVED_ROW_FIELDS)
    return batches_from_rows(series, indicators, (r for r in rows if r[0] in ids))


def batches_from_rows(
    series: Sequence[Series], indicators: dict[int, Indicator], rows: Iterable[tuple]
) -> list[tuple[list[Series], Loaded]]:
    """Batches from observation rows (`ROW_FIELDS`: series id, period kind, label, start,
    end, value, margin of error, confidence level): the current ones, or (review) those as
    of a date."""
    if not series:
        return []
    points: dict[int, dict[float, tuple[float, float]]] = defaultdict(dict)
    # Each frequency's own columns: a quarter's middle can fall on a month's middle, and
    # must not lend that month its label and season.
    frequency_of = {s.pk: indicators[s.indicator_id].frequency for s in series}
    columns_of: dict[str, dict[float, tuple[str, int]]] = defaultdict(dict)
    for sid, kind, label, start, end, value, moe, level in rows:
        if sid not in frequency_of:
            continue
        t = period_time(kind, label, start, end)
        columns_of[frequency_of[sid]][t] = (label, _season(kind, start))
        if moe is not None:  # margins are compared at one level (the ACS's 90%)
            moe = abs(moe) / z_for_level(level or MOE_LEVEL) * z_for_level(MOE_LEVEL)
        points[sid][t] = (value, math.nan if moe is None else moe)
    by_frequency: dict[str, list[Series]] = defaultdict(list)
    for s in series:
        by_frequency[indicators[s.indicator_id].frequency].append(s)
    out = []
    for frequency, members in by_frequency.items():
        columns = columns_of[frequency]
        times = sorted({t for s in members for t in points.get(s.pk, {})}) or [0.0]
        column = {t: j for j, t in enumerate(times)}
        values = np.full((len(members), len(times)), np.nan)
        moes = np.full_like(values, np.nan)
        for i, s in enumerate(members):
            for t, (v, m) in points.get(s.pk, {}).items():
                values[i, column[t]], moes[i, column[t]] = v, m
        labels = [columns.get(t, ("", 0))[0] for t in times]
        season = None
        if frequency in SEASONS and columns:
            season = np.array([columns.get(t, ("", 0))[1] for t in times])
        keys = [_key(s, indicators) for s in members]
        batch = SeriesBatch(values, np.array(times), season, keys)
        has_moe = not np.isnan(moes).all()
        out.append((members, Loaded(batch, moes if has_moe else None, labels, frequency)))
    return out


def _key(s: Series, indicators: dict[int, Indicator]) -> str:
    """A readable name for error messages: indicator/area#series."""
    return f"{indicators[s.indicator_id].slug}/area {s.area_id}" + (
        f"/group {s.group_id}" if s.group_id else ""
    )


def mean_observed(values: np.ndarray) -> np.ndarray:
    """Mean over the first axis of the observed (non-NaN) values; NaN where none."""
    count = np.count_nonzero(~np.isnan(values), axis=0)
    total = np.nansum(values, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
