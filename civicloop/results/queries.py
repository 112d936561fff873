"""Read-side helpers shared by pages, the API, the CLI summary and the public site."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from civicloop.results.models import (
    APPROVED_FIELDS,
    Area,
    Collaborative,
    Indicator,
    Observation,
    Period,
    Series,
)


def top_area(collaborative: Collaborative) -> Area | None:
    """The whole place the collaborative measures (its city), else its first area."""
    areas = Area.objects.filter(collaborative=collaborative, parent__isnull=True)
    return areas.filter(level="city").first() or areas.first()


@dataclass(frozen=True, slots=True)
class Headline:
    """One approved headline value, as the public sees it: what headlines, sparklines and
    the public pages read of an observation. Plain rows: a model instance per value cost
    ~35 µs, most of a result page's render (40 indicators x 20 periods)."""

    pk: int
    series: Series
    period: Period
    value: float
    margin_of_error: float | None
    confidence_level: float | None
    numerator: float | None
    denominator: float | None
    status: str
    approved_at: datetime | None

    @property
    def series_id(self) -> int:
        return self.series.pk

    @property
    def period_id(self) -> int:
        return self.period.pk


def headline_history(indicators, area: Area | None) -> dict[int, list[Headline]]:
    """Each indicator's headline values in `area`, oldest first, in one query: their
    approved copies, since these rows feed headlines, sparklines and the public pages."""
    if area is None:
        return {}
    out: dict[int, list[Headline]] = defaultdict(list)
    found = list(
        Observation.objects.approved()
        .filter(
            series__indicator__in=list(indicators), series__area=area, series__group__isnull=True
        )
        .order_by("period__start")
        .values_list("pk", "series_id", "period_id", *APPROVED_FIELDS.values(), "approved_at")
    )
    # A few series and periods are shared by hundreds of rows: read each once rather than
    # joined into every row.
    series = Series.objects.in_bulk({row[1] for row in found})
    periods = Period.objects.in_bulk({row[2] for row in found})
    for pk, series_id, period_id, *values in found:
        line = series[series_id]
        out[line.indicator_id].append(Headline(pk, line, periods[period_id], *values))
    return out


def summary_rows(collaborative: Collaborative, indicators=None) -> list[dict]:
    """One row per indicator: latest headline value, its period, and the history for sparklines."""
    if indicators is None:
        indicators = Indicator.objects.filter(result__collaborative=collaborative)
    indicators = list(
        indicators.select_related("result__collaborative", "target_period", "baseline_period")
    )
    area = top_area(collaborative)
    history = headline_history(indicators, area)
    rows = []
    for ind in indicators:
        obs = history.get(ind.pk, [])
        latest = obs[-1] if obs else None
        rows.append(
            {
                "indicator": ind,
                "area": area,
                "latest": latest,
                "values": [o.value for o in obs],
                "latest_text": ind.format_value(latest.value if latest else None),
            }
        )
    return rows
