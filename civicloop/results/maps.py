"""An indicator by area: its latest value and its trend verdict in each area of one level.

Results are about places, so each indicator page has two maps side by side: the latest
value in each area (one period for all, so the colours compare like with like) and the
trend verdict learn stored for each area's headline series (never one made up here). The
same `IndicatorMap` feeds the working app's Vega-Lite map (`vega_spec`), the public
site's and the PDF's server-drawn SVG (`civicloop.declare.svgmap`), and the table beside
each map, so a screen reader and a printed page get the same numbers.

Nothing is dropped silently: an area of the level without a value is drawn hatched and
listed as such; one without a boundary cannot be drawn, and the page says so by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from civicloop.results import geometry as geo
from civicloop.results.models import Area, AreaLevel, Indicator, Observation, UnitKind

# Light to dark, for low to high values (ColorBrewer "Blues"): the colour says "more",
# never "better"; whether more is better is the trend map's to say.
RAMP = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")
NO_DATA = "#f4f6f8"
# Verdicts in a colour-blind-safe order: blue improving, orange-red worsening.
VERDICT_COLOURS = {
    "improving": "#2c7bb6",
    "worsening": "#d7301f",
    "borderline": "#fdae61",
    "within_margin_of_error": "#fee08b",
    "no_clear_trend": "#a6adb4",
    "not_enough_data": "#e3e7ec",
    "not_analysed": "#e3e7ec",
    "no_data": NO_DATA,
}
LEVEL_ORDER = [c for c, _label in AreaLevel.choices]


@dataclass
class MapArea:
    """One area of the map's level, as the map and its table show it."""

    pk: int
    code: str
    name: str
    shapes: list[geo.Polygon]  # [] when the area has no (usable) boundary
    value: float | None = None
    value_text: str = ""
    pending: bool = False  # a member's current value, not yet approved
    note: str = ""  # why there is no value, or the area's own latest when older
    verdict: str = "no_data"  # a learn status, or "not_analysed" / "no_data"
    verdict_words: str = ""
    verdict_sentence: str = ""
    url: str = ""
    value_class: int = -1  # index in the value legend; -1: no value


@dataclass(frozen=True)
class Swatch:
    colour: str
    label: str
    hatched: bool = False  # "no data": drawn hatched on the SVG map


@dataclass
class IndicatorMap:
    indicator: Indicator
    level: str
    level_label: str
    levels: list[tuple[str, str]]  # every level that can be mapped: (code, label)
    period: str  # the period the value map shows
    areas: list[MapArea]
    value_legend: list[Swatch] = field(default_factory=list)
    verdict_legend: list[Swatch] = field(default_factory=list)
    has_verdicts: bool = True  # False: the values alone (a review's data as of its date)

    @property
    def drawn(self) -> list[MapArea]:
        return [a for a in self.areas if a.shapes]

    @property
    def undrawn(self) -> list[MapArea]:
        """Areas of the level with no boundary: listed by name under the map."""
        return [a for a in self.areas if not a.shapes]

    @property
    def undrawn_names(self) -> str:
        return ", ".join(a.name for a in self.undrawn)

    @property
    def value_title(self) -> str:
        return _("%(indicator)s by %(level)s, %(period)s") % {
            "indicator": self.indicator.name,
            "level": self.level_label.lower(),
            "period": self.period,
        }

    @property
    def value_heading(self) -> str:
        """The value map's visible title (the page says which indicator)."""
        return _("Latest value, %(period)s") % {"period": self.period}

    @property
    def verdict_heading(self) -> str:
        return _("Trend in each area")

    @property
    def verdict_title(self) -> str:
        return _("Trend of %(indicator)s by %(level)s") % {
            "indicator": self.indicator.name,
            "level": self.level_label.lower(),
        }

    def value_swatch(self, area: MapArea) -> Swatch:
        if area.value_class < 0:
            return Swatch(NO_DATA, _("No data for %(period)s") % {"period": self.period}, True)
        return self.value_legend[area.value_class]

    def verdict_swatch(self, area: MapArea) -> Swatch:
        return Swatch(
            VERDICT_COLOURS.get(area.verdict, NO_DATA),
            area.verdict_words,
            area.verdict == "no_data",
        )

    def box(self) -> tuple[float, float, float, float] | None:
        return geo.bounds(a.shapes for a in self.areas)


# -- classes ---------------------------------------------------------------------------------


def short_value(indicator: Indicator) -> Callable[[float], str]:
    """A value for a legend: the number with its % or $ (the unit is said in the title)."""

    def text(value: float) -> str:
        number = f"{value:,.{indicator.decimals}f}"
        if indicator.unit_kind == UnitKind.PERCENT:
            return f"{number}%"
        if indicator.unit_kind == UnitKind.CURRENCY:
            return f"${number}"
        return number

    return text


def breaks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round class edges covering [lo, hi]: equal steps of 1, 2, 2.5 or 5 times a power of
    ten, at most `most` classes (a reader compares a colour with a legend, not a number).

    >>> breaks(22.2, 50.0)
    [20.0, 30.0, 40.0, 50.0]
    >>> breaks(3.0, 3.0)
    [3.0, 3.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi - lo < 1e-12:
        return [lo, hi]
    raw = (hi - lo) / most
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10, 20):
        step = m * power
        start = math.floor(lo / step + 1e-9) * step
        edges = [round(start, 10)]
        while edges[-1] < hi - step * 1e-9:
            edges.append(round(edges[-1] + step, 10))
        if len(edges) - 1 <= most:
            return edges
    return [lo, hi]


def classify(the_map: IndicatorMap) -> None:
    """Give each area its value class and the map its two legends."""
    fmt = short_value(the_map.indicator)
    values = [a.value for a in the_map.areas if a.value is not None]
    legend: list[Swatch] = []
    if values:
        edges = breaks(min(values), max(values))
        n = len(edges) - 1
        # Spread the classes over the ramp, darkest for the highest.
        picks = [round(i * (len(RAMP) - 1) / max(n - 1, 1)) for i in range(n)] if n > 1 else [4]
        for i in range(max(n, 1)):
            lo, hi = edges[i], edges[min(i + 1, len(edges) - 1)]
            label = (
                fmt(lo)
                if lo == hi
                else _("%(low)s to %(high)s") % {"low": fmt(lo), "high": fmt(hi)}
            )
            legend.append(Swatch(RAMP[picks[i]], label))
        for a in the_map.areas:
            if a.value is not None:
                a.value_class = next((i for i in range(n) if a.value < edges[i + 1]), max(n - 1, 0))
    if any(a.value is None for a in the_map.areas):
        legend.append(
            Swatch(NO_DATA, _("No data for %(period)s") % {"period": the_map.period}, True)
        )
    the_map.value_legend = legend
    seen: dict[str, Swatch] = {}
    for status in VERDICT_COLOURS:
        for a in the_map.areas:
            if a.verdict == status and status not in seen:
                seen[status] = the_map.verdict_swatch(a)
    the_map.verdict_legend = list(seen.values())


# -- reading an indicator's map ----------------------------------------------------------------


@dataclass(frozen=True)
class AreaValue:
    """One headline value of an area: what `indicator_map` reads from observations."""

    area_id: int
    period: str
    start: date
    end: date
    value: float
    pending: bool = False


def mappable_levels(areas: Iterable[Area], with_data: set[int]) -> list[tuple[str, int]]:
    """(level, areas with data) of each level that has two areas or more, in level order."""
    count: dict[str, int] = {}
    data: dict[str, int] = {}
    for a in areas:
        count[a.level] = count.get(a.level, 0) + 1
        data[a.level] = data.get(a.level, 0) + (a.pk in with_data)
    return [(lv, data[lv]) for lv in LEVEL_ORDER if count.get(lv, 0) >= 2 and data[lv] > 0]


def indicator_map(
    indicator: Indicator,
    *,
    approved_only: bool,
    level: str = "",
    values: Iterable[AreaValue] | None = None,
    area_url: Callable[[Area], str] | None = None,
    verdicts: bool = True,
    freshness=None,
) -> IndicatorMap | None:
    """The map of `indicator` at `level` (default: the level where most areas have data;
    the finer one on a tie), or None when no level of two areas or more has any.

    approved_only: the public's numbers (each value's approved copy); else the current
    ones, pending marked. values: the headline values, when the caller has read them
    already (the public site's snapshot, a review's data as of its date); else read here
    in one query. verdicts: False leaves learn's verdicts out (they are today's, and a
    review's packet maps the data as of its own date). freshness: the collaborative's
    `civicloop.learn.store.freshness.Freshness`, when the caller has it (a page, from the
    data cache), so the verdicts' freshness is not read again.
    """
    collaborative = indicator.result.collaborative
    areas = list(Area.objects.filter(collaborative=collaborative).defer("geometry"))
    # The areas with data are those with values: read every level's at once (a query),
    # rather than the series first and then the chosen level's values.
    values = list(_read_values(indicator, approved_only) if values is None else values)
    with_data = {v.area_id for v in values}
    levels = mappable_levels(areas, with_data)
    if not levels:
        return None
    chosen = next((lv for lv, _n in levels if lv == level), None)
    if chosen is None:
        best = max(n for _lv, n in levels)
        chosen = [lv for lv, n in levels if n == best][-1]
    labels = dict(AreaLevel.choices)
    here = sorted((a for a in areas if a.level == chosen), key=lambda a: a.name)
    ids = {a.pk for a in here}
    latest: dict[int, AreaValue] = {}
    every: list[AreaValue] = []
    for v in values:
        if v.area_id in ids:
            every.append(v)
            if v.area_id not in latest or v.start > latest[v.area_id].start:
                latest[v.area_id] = v
    if every:
        newest = max(every, key=lambda v: (v.start, v.end))
        period, period_start = newest.period, newest.start
    else:
        period, period_start = "", None
    shapes = dict(
        Area.objects.filter(pk__in=ids, geometry__isnull=False).values_list("pk", "geometry")
    )
    from civicloop.learn.store.areas import headline_entries_by_area

    entries = (
        headline_entries_by_area(
            indicator, [a for a in here if a.pk in with_data], freshness=freshness
        )
        if verdicts
        else {}
    )
    out = []
    for a in here:
        item = MapArea(
            a.pk,
            a.code,
            a.name,
            geo.polygons(shapes.get(a.pk)),
            url=area_url(a) if area_url else "",
        )
        own = latest.get(a.pk)
        if own is not None and own.start == period_start:
            item.value, item.pending = own.value, own.pending
            item.value_text = indicator.format_value(own.value)
        elif own is not None:
            item.note = _("no value for %(period)s; latest %(value)s in %(own)s") % {
                "period": period,
                "value": indicator.format_value(own.value),
                "own": own.period,
            }
        else:
            item.note = _("no data")
        entry = entries.get(a.pk)
        if entry is not None:
            from civicloop.learn import words

            verdict = entry.get("verdict") or {}
            item.verdict = verdict.get("status") or "not_enough_data"
            # learn stores its words in English; short_verdict says them in the reader's.
            item.verdict_words = words.short_verdict(entry)
            item.verdict_sentence = words.trend_sentence(entry, words.Units.of(indicator))
        elif own is not None:
            item.verdict, item.verdict_words = "not_analysed", _("not analysed")
        else:
            item.verdict, item.verdict_words = "no_data", _("no data")
        out.append(item)
    the_map = IndicatorMap(
        indicator,
        chosen,
        str(labels.get(chosen, chosen)),
        [(lv, str(labels.get(lv, lv))) for lv, _n in levels],
        period,
        out,
        has_verdicts=verdicts,
    )
    classify(the_map)
    return the_map


def _read_values(indicator: Indicator, approved_only: bool) -> list[AreaValue]:
    """Every headline value of `indicator`, in every area: the approved copies, or the
    current values with pending ones marked."""
    qs = Observation.objects.filter(series__indicator=indicator, series__group__isnull=True)
    if approved_only:
        qs = qs.approved()
    field_name = "approved_value" if approved_only else "value"
    rows = qs.values_list(
        "series__area_id", "period__label", "period__start", "period__end", field_name, "approval"
    )
    return [
        AreaValue(area, label, start, end, value, not approved_only and approval != "approved")
        for area, label, start, end, value, approval in rows
    ]


# -- the working app's map: Vega-Lite ------------------------------------------------------------


def vega_spec(the_map: IndicatorMap, *, width: int = 250) -> dict[str, Any]:
    """Two geoshape maps side by side (latest value; trend verdict), each with its legend,
    from the areas' own boundaries: no tiles, no CDN. The classes and colours are those of
    the SVG map and the table."""
    box = the_map.box()
    features = []
    height = width
    if box is not None:
        west, south, east, north = box
        tolerance = math.hypot(east - west, north - south) / 1500
        shape = geo.Projection.fit(box, 1000, 1000, pad=0).size(box)
        height = int(min(max(width * shape[1] / max(shape[0], 1e-9), 180), 480))
        for a in the_map.drawn:
            g = geo.for_d3(a.shapes, tolerance)
            if g is None:
                continue
            value = the_map.value_swatch(a)
            features.append(
                {
                    "type": "Feature",
                    "geometry": g,
                    "properties": {
                        "name": a.name,
                        "value_class": value.label,
                        "value_text": a.value_text or a.note,
                        "verdict": the_map.verdict_swatch(a).label,
                        "no_value": a.value is None,
                        "no_verdict": a.verdict == "no_data",
                    },
                }
            )

    def view(
        title: str, field_name: str, legend: list[Swatch], legend_title: str, missing: str
    ) -> dict:
        # No value: a dashed outline, where the SVG map hatches (Vega has no patterns).
        dashed = {"test": f"datum.properties.{missing}", "value": [3, 2]}
        return {
            "title": {"text": title, "fontSize": 13, "anchor": "start", "limit": width},
            "width": width,
            "height": height,
            "projection": {"type": "mercator"},
            "mark": {"type": "geoshape", "stroke": "#4a5563", "strokeWidth": 0.7},
            "encoding": {
                "color": {
                    "field": f"properties.{field_name}",
                    "type": "nominal",
                    "scale": {
                        "domain": [s.label for s in legend],
                        "range": [s.colour for s in legend],
                    },
                    "legend": {
                        "title": legend_title,
                        "orient": "bottom",
                        "columns": 1,
                        "symbolType": "square",
                        "symbolSize": 160,
                        "symbolStrokeColor": "#4a5563",
                        "labelLimit": 240,
                    },
                },
                "strokeDash": {"condition": dashed, "value": [1, 0]},
                "tooltip": [
                    {"field": "properties.name", "type": "nominal", "title": _("Area")},
                    {"field": "properties.value_text", "type": "nominal", "title": _("Value")},
                    {"field": "properties.verdict", "type": "nominal", "title": _("Trend")},
                ],
            },
        }

    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": the_map.value_title,
        "data": {"values": features},
        "hconcat": [
            view(
                the_map.value_heading,
                "value_class",
                the_map.value_legend,
                the_map.indicator.unit,
                "no_value",
            ),
            view(
                the_map.verdict_heading, "verdict", the_map.verdict_legend, _("Trend"), "no_verdict"
            ),
        ],
        "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


# -- the public site's and the PDF's map: SVG drawn on the server ------------------------------


def svg_maps(the_map: IndicatorMap, *, map_id: str, width: int = 300) -> dict[str, str]:
    """{"value": svg, "verdict": svg}: the two maps drawn by `civicloop.declare.svgmap`."""
    from civicloop.declare import svgmap

    drawn = the_map.drawn
    missing = len(the_map.areas) - len(drawn)
    undrawn = (
        " " + _("%(count)s area(s) have no boundary and are not drawn.") % {"count": missing}
        if missing
        else ""
    )
    with_value = [a for a in the_map.areas if a.value is not None]
    if with_value:
        low, high = min(with_value, key=lambda a: a.value), max(with_value, key=lambda a: a.value)
        said = _(
            "%(count)s of %(total)s areas have a value for %(period)s, from %(low)s "
            "(%(low_area)s) to %(high)s (%(high_area)s)."
        ) % {
            "count": len(with_value),
            "total": len(the_map.areas),
            "period": the_map.period,
            "low": low.value_text,
            "low_area": low.name,
            "high": high.value_text,
            "high_area": high.name,
        }
    else:
        said = _("No area has a value.")
    counts: dict[str, int] = {}
    for a in the_map.areas:
        counts[a.verdict_words] = counts.get(a.verdict_words, 0) + 1
    verdicts = "; ".join(f"{words}: {n}" for words, n in counts.items())
    table = " " + _("The table beside the map has every area.")

    def value_shape(a: MapArea) -> svgmap.Shape:
        swatch = the_map.value_swatch(a)
        tip = f"{a.name}: {a.value_text or a.note}"
        return svgmap.Shape(a.name, a.shapes, swatch.colour, tip, swatch.hatched)

    def verdict_shape(a: MapArea) -> svgmap.Shape:
        swatch = the_map.verdict_swatch(a)
        return svgmap.Shape(
            a.name, a.shapes, swatch.colour, f"{a.name}: {a.verdict_words}", swatch.hatched
        )

    return {
        "value": svgmap.choropleth(
            [value_shape(a) for a in drawn],
            [svgmap.Key(s.colour, s.label, s.hatched) for s in the_map.value_legend],
            title=the_map.value_title,
            description=said + undrawn + table,
            width=width,
            max_height=width,
            map_id=f"{map_id}-value",
            heading=the_map.value_heading,
            legend_title=the_map.indicator.unit,
        ),
        "verdict": svgmap.choropleth(
            [verdict_shape(a) for a in drawn],
            [svgmap.Key(s.colour, s.label, s.hatched) for s in the_map.verdict_legend],
            title=the_map.verdict_title,
            description=verdicts + "." + undrawn + table,
            width=width,
            max_height=width,
            map_id=f"{map_id}-verdict",
            heading=the_map.verdict_heading,
        ),
    }
