"""Line charts drawn on the server as SVG: no JavaScript, no CDN, the same in the PDF. No Django.

The public site, the embeddable snippets and the PDF report draw their charts here, so a
chart is part of the page (readable without JavaScript, printable by WeasyPrint, a few KB)
and every number in it is also in the data table beside it. The live app's own pages keep
their interactive Vega-Lite charts (`civicloop.results.charts`); both take the same
`Point`s.

Only the first line gets its margin-of-error band (several overlapping bands hide the lines);
the data table beside the chart has every margin.

Accessibility: the SVG is one image (``role="img"``) named by its title and described by a
one-sentence summary; each point carries a ``<title>`` (a native tooltip); series differ by
colour and by marker shape, and every colour has at least 3:1 contrast on white.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from civicloop.learn.words import _
from civicloop.results.charts import BandPoint, Point

# Dark enough for 3:1 against white (WCAG 1.4.11), and told apart by marker shape too.
PALETTE = (
    "#0b5cad",
    "#b35900",
    "#1f7a3f",
    "#a3261b",
    "#6a3d9a",
    "#00727a",
    "#7a5c00",
    "#b0306a",
    "#4a5563",
    "#3b6e00",
)
SHAPES = ("circle", "square", "triangle", "diamond", "down")
INK, MUTED, GRID = "#1b1f24", "#4a5563", "#e3e7ec"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
MAX_MARKERS = 60  # more points than this per series: a line only


@dataclass(frozen=True)
class Mark:
    """A labelled point that is not data: the baseline or the target."""

    label: str
    start: str  # ISO date
    value: float


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    value_text: Callable[[float], str],
    target: Mark | None = None,
    baseline: Mark | None = None,
    width: int = 880,
    height: int = 320,
    chart_id: str = "chart",
    heading: bool = False,
    forecast: Sequence[BandPoint] = (),
    forecast_label: str = "",
) -> str:
    """An SVG line chart: one line per series, margin-of-error bands, baseline and target.

    value_text formats a value as the indicator shows it ("38.5%"). heading draws the title
    inside the image (for a chart that travels alone, e.g. ``chart.svg``). forecast: the
    headline's baseline forecast band (Turn the Curve), grey behind the lines with its
    expected value dashed, named in the legend by `forecast_label`.
    """
    series: dict[str, list[Point]] = {}
    for p in points:
        series.setdefault(p.series, []).append(p)
    for pts in series.values():
        pts.sort(key=lambda p: p.start)
    if not series:
        return _empty(title, width, chart_id)

    days = [_day(p.start) for p in points]
    values = [p.value for p in points]
    values += [v for p in points for v in (p.low, p.high) if v is not None]
    for mark in (target, baseline):
        if mark is not None:
            days.append(_day(mark.start))
            values.append(mark.value)
    for b in forecast:
        days.append(_day(b.start))
        values += [b.lower, b.upper]
    y_ticks = nice_ticks(min(values), max(values))
    y_lo, y_hi = y_ticks[0], y_ticks[-1]
    d_lo, d_hi = min(days), max(days)
    pad = max((d_hi - d_lo) * 0.03, 20)
    d_lo, d_hi = d_lo - pad, d_hi + pad

    labels = [value_text(t) for t in y_ticks]
    top = 36 if heading else 16
    left = 14 + 7 * max(len(s) for s in labels)
    right = 18
    names = list(series) + ([forecast_label] if forecast else [])
    legend_rows = _legend_rows(names, width - 20) if len(names) > 1 else []
    plot_h = height - top - 28
    total_h = height + 22 * len(legend_rows)
    plot_w = width - left - right

    def x(day: float) -> float:
        return left + (day - d_lo) / (d_hi - d_lo) * plot_w

    def y(value: float) -> float:
        return top + (y_hi - value) / (y_hi - y_lo) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} '
        f'{total_h}" width="{width}" height="{total_h}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}" '
        f'font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(series, value_text, target))}'
        f"{escape(_describe_forecast(forecast, forecast_label, value_text))}</desc>",
    ]
    if heading:
        out.append(
            f'<text x="{left}" y="20" font-size="14" font-weight="600" fill="{INK}">'
            f"{escape(title)}</text>"
        )
    for tick, label in zip(y_ticks, labels, strict=True):
        ty = y(tick)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{GRID}"/><text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    for year in year_ticks(d_lo, d_hi, plot_w):
        tx = x(date(year, 1, 1).toordinal())
        out.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
            f'stroke="{MUTED}"/><text x="{tx:.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle" fill="{MUTED}">{year}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
    )
    if forecast:
        out.append(_forecast(forecast, forecast_label, x, y, value_text))
    # One band, the first line's: several overlapping bands would hide the lines.
    headline = next(iter(series.values()))
    band = [p for p in headline if p.low is not None and p.high is not None]
    if len(band) > 1:
        upper = [f"{x(_day(p.start)):.1f},{y(p.high):.1f}" for p in band]
        lower = [f"{x(_day(p.start)):.1f},{y(p.low):.1f}" for p in reversed(band)]
        out.append(
            f'<polygon points="{" ".join(upper + lower)}" fill="{PALETTE[0]}" fill-opacity="0.14"/>'
        )
    for i, (name, pts) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        path = " ".join(
            f"{'M' if k == 0 else 'L'}{x(_day(p.start)):.1f},{y(p.value):.1f}"
            for k, p in enumerate(pts)
        )
        stroke = 2.6 if i == 0 else 1.8
        out.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke}" '
            'stroke-linejoin="round"/>'
        )
        if len(pts) <= MAX_MARKERS:
            shape = SHAPES[i % len(SHAPES)]
            for p in pts:
                tip = f"{name}, {p.period}: {value_text(p.value)}"
                if p.low is not None and p.high is not None:
                    tip += f" ({value_text(p.low)} to {value_text(p.high)})"
                out.append(
                    f"<g>{_marker(shape, x(_day(p.start)), y(p.value), colour)}"
                    f"<title>{escape(tip)}</title></g>"
                )
    if target is not None:
        last = headline[-1]
        out.append(
            f'<line x1="{x(_day(last.start)):.1f}" y1="{y(last.value):.1f}" '
            f'x2="{x(_day(target.start)):.1f}" y2="{y(target.value):.1f}" stroke="{MUTED}" '
            'stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
    for mark, filled in ((baseline, False), (target, True)):
        if mark is None:
            continue
        mx, my = x(_day(mark.start)), y(mark.value)
        fill = INK if filled else "#ffffff"
        anchor = "end" if mx > left + plot_w * 0.8 else "start"
        dx = -10 if anchor == "end" else 10
        # Above the mark, unless that would leave the image: then below it.
        ty = my - 10 if my - 10 > top + 4 else my + 20
        out.append(
            f'<g><path d="M{mx:.1f},{my - 7:.1f} L{mx + 7:.1f},{my:.1f} L{mx:.1f},{my + 7:.1f} '
            f'L{mx - 7:.1f},{my:.1f} Z" fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'
            f'<text x="{mx + dx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" fill="{INK}" '
            f'font-weight="600">{escape(mark.label)} {escape(value_text(mark.value))}</text>'
            f"<title>{escape(mark.label)}: {escape(value_text(mark.value))}</title></g>"
        )
    ly = height + 4
    for row in legend_rows:
        lx = 10.0
        for i, name in row:
            if i >= len(series):  # the forecast band's entry
                out.append(
                    f'<rect x="{lx:.1f}" y="{ly - 6:.1f}" width="22" height="12" '
                    f'fill="{FORECAST}" fill-opacity="0.35"/><line x1="{lx:.1f}" '
                    f'x2="{lx + 22:.1f}" y1="{ly:.1f}" y2="{ly:.1f}" stroke="{MUTED}" '
                    f'stroke-dasharray="5 3"/><text x="{lx + 28:.1f}" y="{ly + 4:.1f}" '
                    f'fill="{INK}">{escape(name)}</text>'
                )
                lx += _legend_width(name)
                continue
            colour = PALETTE[i % len(PALETTE)]
            out.append(
                f'<line x1="{lx:.1f}" x2="{lx + 22:.1f}" y1="{ly:.1f}" y2="{ly:.1f}" '
                f'stroke="{colour}" stroke-width="2.5"/>'
                + _marker(SHAPES[i % len(SHAPES)], lx + 11, ly, colour)
                + f'<text x="{lx + 28:.1f}" y="{ly + 4:.1f}" fill="{INK}">{escape(name)}</text>'
            )
            lx += _legend_width(name)
        ly += 22
    out.append("</svg>")
    return "".join(out)


FORECAST = "#8a94a0"


def _forecast(band, label: str, x, y, value_text) -> str:
    """The grey band and its dashed expected line; one period's band is a bar."""
    pts = sorted(band, key=lambda b: b.start)
    tips = "; ".join(
        f"{b.period}: {value_text(b.lower)} to {value_text(b.upper)}" for b in pts[:MAX_MARKERS]
    )
    title = f"<title>{escape(label)}: {escape(tips)}</title>"
    if len(pts) == 1:
        b = pts[0]
        bx = x(_day(b.start))
        return (
            f'<g class="forecast"><rect x="{bx - 5:.1f}" y="{y(b.upper):.1f}" width="10" '
            f'height="{max(y(b.lower) - y(b.upper), 1):.1f}" fill="{FORECAST}" '
            f'fill-opacity="0.35"/>{title}</g>'
        )
    upper = [f"{x(_day(b.start)):.1f},{y(b.upper):.1f}" for b in pts]
    lower = [f"{x(_day(b.start)):.1f},{y(b.lower):.1f}" for b in reversed(pts)]
    path = " ".join(
        f"{'M' if k == 0 else 'L'}{x(_day(b.start)):.1f},{y(b.expected):.1f}"
        for k, b in enumerate(pts)
    )
    return (
        f'<g class="forecast"><polygon points="{" ".join(upper + lower)}" fill="{FORECAST}" '
        f'fill-opacity="0.35"/><path d="{path}" fill="none" stroke="{MUTED}" '
        f'stroke-width="1.5" stroke-dasharray="6 4"/>{title}</g>'
    )


def _describe_forecast(band, label: str, value_text) -> str:
    if not band:
        return ""
    last = max(band, key=lambda b: b.start)
    return " " + _("{label}: in {period} expected {expected}, {lower} to {upper}.").format(
        label=label,
        period=last.period,
        expected=value_text(last.expected),
        lower=value_text(last.lower),
        upper=value_text(last.upper),
    )


def describe(
    series: dict[str, list[Point]], value_text: Callable[[float], str], target: Mark | None
) -> str:
    """One sentence for screen readers: what is drawn, over which years, where it ends."""
    names = list(series)
    first = min(p.period for pts in series.values() for p in pts[:1])
    head = series[names[0]]
    text = (
        f"{len(names)} line{'s' if len(names) != 1 else ''} ({', '.join(names[:6])}"
        f"{', …' if len(names) > 6 else ''}) from {first} to {head[-1].period}; "
        f"{names[0]} was {value_text(head[0].value)} in {head[0].period} and "
        f"{value_text(head[-1].value)} in {head[-1].period}."
    )
    if target is not None:
        text += f" Target: {value_text(target.value)}."
    return text + " The numbers are in the table with the chart."


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 times a power of ten.

    >>> nice_ticks(22.2, 50.0)
    [20.0, 30.0, 40.0, 50.0]
    >>> nice_ticks(3.0, 3.0)
    [2.0, 2.5, 3.0, 3.5, 4.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    value = start
    while value < hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < hi:
        ticks.append(round(value, 10))
    return ticks


def year_ticks(d_lo: float, d_hi: float, plot_w: float) -> list[int]:
    """1 January of every 1, 2, 5 or 10 years, as many as fit (about 60 px apart)."""
    first, last = date.fromordinal(int(math.ceil(d_lo))).year, date.fromordinal(int(d_hi)).year
    fit = max(int(plot_w // 60), 2)
    step = next(s for s in (1, 2, 5, 10, 20, 50) if (last - first) // s + 1 <= fit)
    years = [y for y in range(first, last + 1) if y % step == 0]
    return [y for y in years if d_lo <= date(y, 1, 1).toordinal() <= d_hi]


def _day(iso: str) -> float:
    return float(date.fromisoformat(iso[:10]).toordinal())


def _marker(shape: str, cx: float, cy: float, colour: str) -> str:
    r = 3.6
    if shape == "square":
        return (
            f'<rect x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'fill="{colour}" stroke="#fff" stroke-width="1"/>'
        )
    if shape in ("triangle", "down"):
        s = -1 if shape == "down" else 1
        return (
            f'<path d="M{cx:.1f},{cy - s * r * 1.2:.1f} L{cx + r * 1.1:.1f},{cy + s * r:.1f} '
            f'L{cx - r * 1.1:.1f},{cy + s * r:.1f} Z" fill="{colour}" stroke="#fff" '
            'stroke-width="1"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{cx:.1f},{cy - r * 1.3:.1f} L{cx + r * 1.3:.1f},{cy:.1f} '
            f'L{cx:.1f},{cy + r * 1.3:.1f} L{cx - r * 1.3:.1f},{cy:.1f} Z" fill="{colour}" '
            'stroke="#fff" stroke-width="1"/>'
        )
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{colour}" stroke="#fff" '
        'stroke-width="1"/>'
    )


def _legend_width(name: str) -> float:
    return 40 + 7.2 * len(name)


def _legend_rows(names: list[str], width: float) -> list[list[tuple[int, str]]]:
    rows: list[list[tuple[int, str]]] = [[]]
    used = 0.0
    for i, name in enumerate(names):
        w = _legend_width(name)
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((i, name))
        used += w
    return rows


def _empty(title: str, width: int, chart_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} 60" '
        f'width="{width}" height="60" role="img" aria-labelledby="{chart_id}-title">'
        f'<title id="{chart_id}-title">{escape(title)}: no data yet</title>'
        f'<text x="10" y="34" fill="{MUTED}" font-family="{FONT}">No data yet.</text></svg>'
    )
