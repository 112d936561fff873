"""Area boundaries made drawable: rings, bounds, a projection, simplification. No Django.

Maps are drawn from the GeoJSON each `Area` stores: on the server as SVG (the public
site, the PDF) and in the browser by Vega-Lite's geoshape (the working app). Both need
the same preparation, done here once:

- a Polygon or MultiPolygon read as a list of polygons, each a list of rings (the first
  the exterior, the rest holes), anything else (or broken coordinates) read as nothing;
- the work bounded whatever the file: a tract boundary traced to the centimetre can hold
  a hundred thousand vertices, so an area is thinned to at most `MAX_INPUT_VERTICES`
  before anything else, and a drawing keeps only the vertices it can show;
- an equirectangular projection with the x axis shrunk by the cosine of the middle
  latitude, fitted to the bounds: for a city it is indistinguishable from any other,
  needs no library, and keeps north up;
- for Vega (d3-geo), rings wound the way d3 expects: exteriors clockwise, holes
  counter-clockwise. GeoJSON files are usually wound the other way (RFC 7946), which d3
  reads as "the whole globe except this neighbourhood".

A place across the antimeridian (its longitudes spanning more than half the globe) has
its western longitudes shifted by 360°, so it stays in one piece.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # exterior first, then holes

MAX_INPUT_VERTICES = 50_000  # per area, read before any other work
MAX_DRAWN_VERTICES = 4_000  # per area, in a drawing


def polygons(geometry: Any) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon; [] for anything else.

    Rings with fewer than three distinct points, and coordinates that are not numbers,
    are left out; each ring is thinned to keep the area under `MAX_INPUT_VERTICES`.
    """
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        raw = [coords]
    elif kind == "MultiPolygon":
        raw = coords if isinstance(coords, list) else []
    else:
        return []
    total = sum(
        len(r) for poly in raw if isinstance(poly, list) for r in poly if isinstance(r, list)
    )
    stride = max(1, math.ceil(total / MAX_INPUT_VERTICES))
    out: list[Polygon] = []
    for poly in raw:
        if not isinstance(poly, list):
            continue
        rings = [_ring(r, stride) for r in poly if isinstance(r, list)]
        if not rings or rings[0] is None:
            continue  # no exterior: the holes alone mean nothing
        out.append([r for r in rings if r is not None])
    return out


def _ring(raw: list, stride: int) -> Ring | None:
    points: Ring = []
    for i, p in enumerate(raw):
        if i % stride and i != len(raw) - 1:
            continue
        try:
            x, y = float(p[0]), float(p[1])
        except (TypeError, ValueError, IndexError):
            return None
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        points.append((x, y))
    if len(set(points)) < 3:
        return None
    if points[0] != points[-1]:
        points.append(points[0])
    return points


def bounds(shapes: Iterable[Sequence[Polygon]]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of every exterior ring of `shapes` (lists of polygons)."""
    xs: list[float] = []
    ys: list[float] = []
    for polys in shapes:
        for poly in polys:
            xs.extend(p[0] for p in poly[0])
            ys.extend(p[1] for p in poly[0])
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def unwrap(shapes: list[list[Polygon]]) -> list[list[Polygon]]:
    """The same shapes, with western longitudes moved east by 360° when the place spans
    more than 180° of longitude (it straddles the antimeridian, not the globe)."""
    box = bounds(shapes)
    if box is None or box[2] - box[0] <= 180:
        return shapes
    return [
        [[[(x + 360 if x < 0 else x, y) for x, y in ring] for ring in poly] for poly in polys]
        for polys in shapes
    ]


def signed_area(ring: Sequence[Point]) -> float:
    """Twice the ring's signed area in its own plane: positive when counter-clockwise
    (x east, y north)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to pixels: x = (lon - west) * cos(mid-latitude) * scale, north up."""

    west: float
    north: float
    kx: float  # cos(middle latitude): a degree of longitude is shorter away from the equator
    scale: float
    dx: float
    dy: float

    @classmethod
    def fit(
        cls, box: tuple[float, float, float, float], width: float, height: float, pad: float = 8
    ) -> Projection:
        """The projection that fits `box` (west, south, east, north) in width x height,
        centred, `pad` pixels from the edges."""
        west, south, east, north = box
        kx = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * kx, 1e-9)
        span_y = max(north - south, 1e-9)
        scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
        dx = (width - span_x * scale) / 2
        dy = (height - span_y * scale) / 2
        return cls(west, north, kx, scale, dx, dy)

    def __call__(self, lon: float, lat: float) -> Point:
        return (
            self.dx + (lon - self.west) * self.kx * self.scale,
            self.dy + (self.north - lat) * self.scale,
        )

    def size(self, box: tuple[float, float, float, float]) -> Point:
        """The drawn width and height of `box` (to size an image to its map)."""
        west, south, east, north = box
        return (east - west) * self.kx * self.scale, (north - south) * self.scale


def simplify(ring: Sequence[Point], tolerance: float) -> Ring:
    """The ring with the vertices that move it less than `tolerance` left out: first those
    closer than that to the last one kept (linear, and most of a dense file), then
    Douglas-Peucker on what remains. Stays closed; a ring that shrinks below a triangle
    comes back as [] (too small to draw)."""
    if len(ring) < 4:
        return []
    kept = [ring[0]]
    t2 = tolerance * tolerance
    for p in ring[1:-1]:
        q = kept[-1]
        if (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 >= t2:
            kept.append(p)
    kept.append(ring[-1])
    if len(kept) > 4 and tolerance > 0:
        kept = _douglas_peucker(kept, t2)
    if len(kept) < 4:
        return []
    return kept


def _douglas_peucker(points: Sequence[Point], t2: float) -> Ring:
    """Douglas-Peucker with an explicit stack (no recursion limit); a closed ring is split
    at its vertex farthest from the first, so the first and last are not one point."""
    far = max(range(len(points)), key=lambda i: _d2(points[i], points[0]))
    keep = [False] * len(points)
    keep[0] = keep[far] = keep[-1] = True
    stack = [(0, far), (far, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        index, most = -1, t2
        for i in range(first + 1, last):
            d = _segment_d2(points[i], a, b)
            if d > most:
                index, most = i, d
        if index >= 0:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _d2(p: Point, q: Point) -> float:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2


def _segment_d2(p: Point, a: Point, b: Point) -> float:
    """The squared distance from p to the segment a-b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if length == 0:
        return _d2(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return _d2(p, (a[0] + t * dx, a[1] + t * dy))


def simplified(
    polys: Sequence[Polygon], tolerance: float, cap: int = MAX_DRAWN_VERTICES
) -> list[Polygon]:
    """Every ring of `polys` simplified with `tolerance`, doubled until the whole has at
    most `cap` vertices; polygons whose exterior vanishes are dropped, holes likewise."""
    while True:
        out: list[Polygon] = []
        for poly in polys:
            exterior = simplify(poly[0], tolerance)
            if not exterior:
                continue
            holes = [h for h in (simplify(r, tolerance) for r in poly[1:]) if h]
            out.append([exterior, *holes])
        if sum(len(r) for p in out for r in p) <= cap:
            return out
        if tolerance <= 0:  # start from a ten-thousandth of the shape's size
            box = bounds([polys]) or (0.0, 0.0, 1.0, 1.0)
            tolerance = max(math.hypot(box[2] - box[0], box[3] - box[1]) / 1e4, 1e-12)
        else:
            tolerance *= 2


def svg_path(polys: Sequence[Polygon], project: Projection, tolerance: float = 0.5) -> str:
    """The ``d`` of an SVG path drawing `polys` (read with ``fill-rule="evenodd"``, so holes
    are holes whichever way they are wound), simplified to `tolerance` pixels."""
    projected = [[[project(x, y) for x, y in ring] for ring in poly] for poly in polys]
    parts = []
    for poly in simplified(projected, tolerance):
        for ring in poly:
            head, *rest = ring[:-1]
            parts.append(
                f"M{head[0]:.1f},{head[1]:.1f}"
                + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest)
                + "Z"
            )
    return "".join(parts)


def for_d3(polys: Sequence[Polygon], tolerance: float, digits: int = 5) -> dict[str, Any] | None:
    """A GeoJSON MultiPolygon for Vega-Lite: simplified with `tolerance` (in degrees),
    coordinates rounded to `digits`, exteriors clockwise and holes counter-clockwise
    (d3-geo's spherical convention); None when nothing is left to draw."""
    out = []
    for poly in simplified(polys, tolerance):
        rings = []
        for i, ring in enumerate(poly):
            rounded = [(round(x, digits), round(y, digits)) for x, y in ring]
            clockwise = signed_area(rounded) < 0
            if clockwise != (i == 0):
                rounded.reverse()
            rings.append([list(p) for p in rounded])
        out.append(rings)
    if not out:
        return None
    return {"type": "MultiPolygon", "coordinates": out}
