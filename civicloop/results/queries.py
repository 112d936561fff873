"""Read-side helpers shared by pages, the API, the CLI summary and the public site."""

from __future__ import annotations

from collections import defaultdict

from civicloop.results.models import Area, Collaborative, Indicator, Observation, Period, Series


def top_area(collaborative: Collaborative) -> Area | None:
    """The whole place the collaborative measures (its city), else its first area."""
    areas = Area.objects.filter(collaborative=collaborative, parent__isnull=True)
    return areas.filter(level="city").first() or areas.first()


def headline_history(indicators, area: Area | None) -> dict[int, list[Observation]]:
    """Each indicator's headline observations in `area`, oldest first, in one query: their
    approved copies, since these rows feed headlines, sparklines and the public pages."""
    if area is None:
        return {}
    out: dict[int, list[Observation]] = defaultdict(list)
    qs = (
        Observation.objects.as_approved()
        .filter(
            series__indicator__in=list(indicators), series__area=area, series__group__isnull=True
        )
        .order_by("period__start")
    )
    found = list(qs)
    # A few series and periods are shared by hundreds of rows: read each once rather than
    # joined into every row (a result page's sparklines are most of its cost).
    series = Series.objects.in_bulk({o.series_id for o in found})
    periods = Period.objects.in_bulk({o.period_id for o in found})
    for obs in found:
        obs.series, obs.period = series[obs.series_id], periods[obs.period_id]
        out[obs.series.indicator_id].append(obs)
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
