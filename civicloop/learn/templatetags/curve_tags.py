"""Turn the Curve's chart from a curve as plain data (a frozen review packet keeps only
JSON): the same server-drawn SVG as the public site, band and actual line together."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from civicloop.declare import svgchart
from civicloop.learn.words import level_text
from civicloop.results.charts import BandPoint, Point

register = template.Library()


@register.filter
def curve_chart(curve: dict | None, title: str = "") -> str:
    """An SVG of `curve` (`Curve.as_dict()` plus ``value_text``'s unit kind and decimals)."""
    if not curve or not curve.get("history"):
        return ""
    decimals = int(curve.get("decimals") or 1)
    suffix = "%" if curve.get("unit_kind") == "percent" else ""

    def text(value: float) -> str:
        return f"{value:,.{decimals}f}{suffix}"

    name = curve.get("area") or _("Actual")
    points = [Point(name, h["label"], h["start"], h["value"]) for h in curve["history"]]
    band = [
        BandPoint(b["start"], b["label"], b["expected"], b["lower"], b["upper"])
        for b in curve.get("band") or []
    ]
    label = _("Baseline forecast, {level} band").format(
        level=level_text(float(curve.get("level") or 0.95))
    )
    return mark_safe(
        svgchart.line_chart(
            points,
            title=title or curve.get("name", ""),
            value_text=text,
            forecast=band,
            forecast_label=label,
            width=640,
            height=220,
            chart_id=f"curve-{curve.get('indicator', '')}",
        )
    )
