"""Charts for series: Vega-Lite specs (drawn by the bundled vega-embed) and inline SVG sparklines.

Specs carry their data inline, so a chart needs nothing but the page and the vendored
JavaScript: no CDN, no second request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Point:
    series: str  # legend label: the group or area name, "All" for the headline
    period: str
    start: str  # ISO date, the x position
    value: float
    low: float | None = None  # value ± margin of error, when there is one
    high: float | None = None


def series_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str,
    target: tuple[str, float] | None = None,
    baseline: tuple[str, float] | None = None,
    height: int = 280,
) -> dict:
    """A line per series, a margin-of-error band where known, and the target as a marked point."""
    data = [
        {
            "series": p.series,
            "period": p.period,
            "date": p.start,
            "value": p.value,
            **({"low": p.low, "high": p.high} if p.low is not None else {}),
        }
        for p in points
    ]
    names = list(dict.fromkeys(p.series for p in points))
    color = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names, "scheme": "tableau10"},
        "legend": {"orient": "bottom", "columns": 4} if len(names) > 1 else None,
    }
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%Y", "tickCount": 8},
    }
    y = {"field": "value", "type": "quantitative", "title": unit, "scale": {"zero": False}}
    tooltip = [
        {"field": "series", "title": "Series"},
        {"field": "period", "title": "Period"},
        {"field": "value", "title": unit, "format": ",.1f"},
    ]
    layers: list[dict] = []
    if any(p.low is not None for p in points):
        layers.append(
            {
                "transform": [{"filter": "isValid(datum.low)"}],
                "mark": {"type": "area", "opacity": 0.18},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative", "title": unit},
                    "y2": {"field": "high"},
                    "color": {**color, "legend": None},
                },
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "point": {"size": 30}, "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip},
        }
    )
    marks = []
    if baseline is not None:
        marks.append({"date": baseline[0], "value": baseline[1], "label": _("Baseline")})
    if target is not None:
        marks.append({"date": target[0], "value": target[1], "label": _("Target")})
    if marks:
        layers.append(
            {
                "data": {"values": marks},
                "layer": [
                    {
                        "mark": {
                            "type": "point",
                            "shape": "diamond",
                            "size": 120,
                            "filled": True,
                            "color": "#333",
                        },
                        "encoding": {
                            "x": {"field": "date", "type": "temporal"},
                            "y": {"field": "value", "type": "quantitative"},
                            "tooltip": [{"field": "label"}, {"field": "value", "format": ",.1f"}],
                        },
                    },
                    {
                        "mark": {"type": "text", "dy": -12, "fontSize": 11, "color": "#333"},
                        "encoding": {
                            "x": {"field": "date", "type": "temporal"},
                            "y": {"field": "value", "type": "quantitative"},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    if target is not None and points:
        latest = max(points, key=lambda p: p.start)
        # A dashed straight path from the latest headline value to the target.
        layers.append(
            {
                "data": {
                    "values": [
                        {"date": latest.start, "value": latest.value},
                        {"date": target[0], "value": target[1]},
                    ]
                },
                "mark": {"type": "line", "strokeDash": [4, 4], "color": "#555"},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "value", "type": "quantitative"},
                },
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "width": "container",
        "height": height,
        "data": {"values": data},
        "layer": layers,
        "config": {"font": "system-ui, sans-serif", "axis": {"labelFontSize": 12}},
    }


def sparkline(
    values: Sequence[float], *, width: int = 120, height: int = 28, label: str = ""
) -> str:
    """A tiny inline SVG line; server-rendered so result pages need no JavaScript at all."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(values) - 1)
    coords = [
        (2 + i * step, height - 2 - (v - lo) / span * (height - 4)) for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    return (
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}"><polyline fill="none" stroke="currentColor" '
        f'stroke-width="1.5" points="{path}"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" '
        f'fill="currentColor"/></svg>'
    )
