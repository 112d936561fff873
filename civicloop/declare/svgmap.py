"""Choropleth maps drawn on the server as SVG: the public site's and the PDF's. No Django.

The public pages carry no JavaScript and a weight budget, and WeasyPrint draws what the
page holds, so a map is drawn here, like `svgchart`'s line charts: the areas' own GeoJSON
boundaries projected (`civicloop.results.geometry`), each area one path filled by its
class, a legend under it, and every number also in the table beside it. Vertices closer
than a pixel are merged and each area is capped, so a tract traced to the centimetre
costs what it shows.

Accessibility: one image (``role="img"``) named by its title and described in a sentence;
each area carries a ``<title>`` (its name and value: a native tooltip); areas without a
value are hatched, not merely pale, so "no data" never reads as "low".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from civicloop.results import geometry as geo

INK, MUTED, EDGE = "#1b1f24", "#4a5563", "#4a5563"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Shape:
    """One area on the map: its polygons, its fill and what its tooltip says."""

    name: str
    polygons: Sequence[geo.Polygon]
    colour: str
    tip: str
    hatched: bool = False


@dataclass(frozen=True)
class Key:
    """One legend entry."""

    colour: str
    label: str
    hatched: bool = False


def choropleth(
    shapes: Sequence[Shape],
    legend: Sequence[Key],
    *,
    title: str,
    description: str,
    width: int = 420,
    max_height: int = 420,
    map_id: str = "map",
    box: tuple[float, float, float, float] | None = None,
    heading: str = "",
    legend_title: str = "",
) -> str:
    """An SVG map of `shapes`, fitted to `box` (default: their bounds), `width` wide and as
    tall as the place's shape asks (at most `max_height`), with `legend` below it and
    `heading` (a short title: two maps side by side are told apart by it) above it."""
    drawable = [s for s in shapes if s.polygons]
    rings = geo.unwrap([list(s.polygons) for s in drawable])
    box = box or geo.bounds(rings)
    if box is None:
        return _empty(title, width, map_id)
    top = 24 if heading else 0
    _drawn_w, drawn_h = geo.Projection.fit(box, width, max_height).size(box)
    height = int(min(max_height, drawn_h + 16))
    project = geo.Projection.fit(box, width, height)
    legend_top = top + height + 6 + (18 if legend_title else 0)
    total_h = legend_top + 20 * len(legend) + 6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {width} '
        f'{total_h}" width="{width}" height="{total_h}" role="img" '
        f'aria-labelledby="{map_id}-title {map_id}-desc" font-family="{FONT}" font-size="12">',
        f'<title id="{map_id}-title">{escape(title)}</title>',
        f'<desc id="{map_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{map_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f6f8"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#9aa3ae" stroke-width="1.5"/></pattern></defs>',
    ]
    if heading:
        out.append(
            f'<text x="4" y="16" font-size="13" font-weight="600" fill="{INK}">{escape(heading)}</text>'
        )
        out.append(f'<g transform="translate(0 {top})">')
    for shape, polys in zip(drawable, rings, strict=True):
        d = geo.svg_path(polys, project)
        if not d:
            continue
        fill = f"url(#{map_id}-hatch)" if shape.hatched else shape.colour
        out.append(
            f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="{EDGE}" '
            f'stroke-width="0.8" stroke-linejoin="round"><title>{escape(shape.tip)}</title></path>'
        )
    if heading:
        out.append("</g>")
    y = legend_top
    if legend_title:
        out.append(
            f'<text x="8" y="{y - 6}" font-weight="600" fill="{INK}">{escape(legend_title)}</text>'
        )
    for key in legend:
        fill = f"url(#{map_id}-hatch)" if key.hatched else key.colour
        out.append(
            f'<rect x="8" y="{y}" width="22" height="14" fill="{fill}" stroke="{EDGE}" '
            f'stroke-width="0.6"/><text x="36" y="{y + 11}" fill="{INK}">{escape(key.label)}</text>'
        )
        y += 20
    out.append("</svg>")
    return "".join(out)


def _empty(title: str, width: int, map_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {width} 40" '
        f'width="{width}" height="40" role="img" aria-labelledby="{map_id}-title">'
        f'<title id="{map_id}-title">{escape(title)}</title>'
        f'<text x="8" y="24" fill="{MUTED}" font-family="{FONT}">{escape(title)}</text></svg>'
    )
