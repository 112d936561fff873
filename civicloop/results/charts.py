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
    forecast: Sequence[BandPoint] = (),
    forecast_label: str = "",
    height: int = 280,
    legend_title: str | None = None,
) -> dict:
    """A line per series, a margin-of-error band where known, and the target as a marked point.

    forecast: the headline's baseline forecast band (Turn the Curve), drawn grey behind the
    lines with its expected value dashed, named by `forecast_label` in its tooltip.
    """
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
        "legend": _legend(legend_title) if len(names) > 1 else None,
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
    if forecast:
        layers.append(_forecast_layer(forecast, forecast_label, unit, x))
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


@dataclass(frozen=True)
class BandPoint:
    """One period of a baseline forecast band (see `civicloop.learn.store.curve`)."""

    start: str  # ISO date, the x position
    period: str
    expected: float
    lower: float
    upper: float


def _forecast_layer(band: Sequence[BandPoint], label: str, unit: str, x: dict) -> dict:
    values = [
        {
            "date": b.start,
            "period": b.period,
            "expected": b.expected,
            "lower": b.lower,
            "upper": b.upper,
            "band": label,
        }
        for b in band
    ]
    from django.utils.translation import gettext as _

    tooltip = [
        {"field": "band", "title": " "},
        {"field": "period", "title": _("Period")},
        {"field": "expected", "title": _("Expected"), "format": ",.1f"},
        {"field": "lower", "title": _("From"), "format": ",.1f"},
        {"field": "upper", "title": _("To"), "format": ",.1f"},
    ]
    date = {**x, "field": "date"}
    return {
        "data": {"values": values},
        "layer": [
            {
                # A single period's band is a bar, not an area of zero width.
                "mark": {
                    "type": "area" if len(values) > 1 else "rule",
                    "color": "#8a94a0",
                    "opacity": 0.35,
                    **({} if len(values) > 1 else {"strokeWidth": 8}),
                },
                "encoding": {
                    "x": date,
                    "y": {"field": "lower", "type": "quantitative", "title": unit},
                    "y2": {"field": "upper"},
                    "tooltip": tooltip,
                },
                "name": "forecast_band",
            },
            {
                "mark": {
                    "type": "line",
                    "strokeDash": [6, 4],
                    "color": "#4a5563",
                    "strokeWidth": 1.5,
                },
                "encoding": {
                    "x": date,
                    "y": {"field": "expected", "type": "quantitative"},
                    "tooltip": tooltip,
                },
            },
        ],
    }


def _legend(title: str | None) -> dict:
    """The key to a breakdown's lines (by group or by area), above the chart so it is read
    before the lines; three columns fit a phone's 390 px as well as a desktop."""
    return {
        "title": title,
        "orient": "top",
        "columns": 3,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "symbolSize": 120,
        "symbolStrokeWidth": 3,
        "labelLimit": 220,
        "columnPadding": 16,
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
