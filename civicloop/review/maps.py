"""The packet's maps: each indicator's latest value by area, from the data as of the date.

The printed packet is read around a table, where "which neighbourhoods?" is the first
question; so each indicator with values by area gets a small server-drawn map
(`civicloop.results.maps`, `civicloop.declare.svgmap`) with its numbers beside it. The
values are those of `civicloop.review.asof` (nothing after the date, later revisions
undone), so a packet printed again later maps what it mapped then. The trend map is left
out: learn's verdicts by area are today's, not the date's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.safestring import mark_safe

from civicloop.results.maps import AreaValue, indicator_map, svg_maps
from civicloop.results.models import Collaborative, Indicator, Series
from civicloop.review import asof


def packet_maps(collaborative: Collaborative, on: date, width: int = 300) -> list[dict[str, Any]]:
    """[{"map": IndicatorMap, "svg": safe SVG}] for each indicator that has values by area."""
    indicators = list(
        Indicator.objects.filter(result__collaborative=collaborative)
        .population()
        .select_related("result__collaborative")
        .order_by("result__order", "order", "name")
    )
    headline = {
        pk: (indicator_id, area_id)
        for pk, indicator_id, area_id in Series.objects.filter(
            indicator__in=indicators, group__isnull=True
        ).values_list("pk", "indicator_id", "area_id")
    }
    values: dict[int, list[AreaValue]] = {}
    for sid, _kind, label, start, end, value, _moe, _level in asof.observations_as_of(headline, on):
        indicator_id, area_id = headline[sid]
        values.setdefault(indicator_id, []).append(AreaValue(area_id, label, start, end, value))
    out = []
    for ind in indicators:
        if ind.pk not in values:
            continue
        the_map = indicator_map(ind, approved_only=False, values=values[ind.pk], verdicts=False)
        if the_map is None or not the_map.drawn:
            continue
        svg = svg_maps(the_map, map_id=f"packet-{ind.slug}", width=width)["value"]
        out.append({"map": the_map, "svg": mark_safe(svg)})
    return out
