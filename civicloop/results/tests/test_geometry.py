"""Boundaries made drawable: rings read, projected, simplified and wound (no database)."""

from __future__ import annotations

import math
import re

from civicloop.declare import svgmap
from civicloop.results import geometry as geo

SQUARE = [[-75.0, 40.0], [-74.9, 40.0], [-74.9, 40.1], [-75.0, 40.1], [-75.0, 40.0]]
HOLE = [[-74.97, 40.03], [-74.97, 40.07], [-74.93, 40.07], [-74.93, 40.03], [-74.97, 40.03]]
ISLAND = [[-74.85, 40.12], [-74.83, 40.12], [-74.83, 40.14], [-74.85, 40.14], [-74.85, 40.12]]


def test_a_polygon_and_a_multipolygon_are_read_with_their_holes():
    polygon = geo.polygons({"type": "Polygon", "coordinates": [SQUARE, HOLE]})
    assert len(polygon) == 1 and len(polygon[0]) == 2  # exterior and hole
    multi = geo.polygons({"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [ISLAND]]})
    assert [len(p) for p in multi] == [2, 1]
    assert geo.bounds([multi]) == (-75.0, 40.0, -74.83, 40.14)


def test_anything_else_is_read_as_nothing():
    assert geo.polygons(None) == []
    assert geo.polygons({"type": "Point", "coordinates": [1, 2]}) == []
    assert geo.polygons({"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1]]]}) == []
    assert geo.polygons({"type": "Polygon", "coordinates": [[[0, 0], [0, 0], [1, 1]]]}) == []
    # An open ring is closed; a broken hole is left out, the exterior kept.
    [[ring, *holes]] = geo.polygons(
        {"type": "Polygon", "coordinates": [SQUARE[:-1], [[0, 0], [math.nan, 1], [1, 1]]]}
    )
    assert ring[0] == ring[-1] and holes == []


def test_the_projection_fits_the_bounds_and_keeps_north_up():
    box = (-75.0, 40.0, -74.9, 40.1)
    project = geo.Projection.fit(box, 400, 400, pad=10)
    west_x, north_y = project(-75.0, 40.1)
    east_x, south_y = project(-74.9, 40.0)
    assert north_y < south_y and west_x < east_x  # north up, east right
    assert min(west_x, north_y) >= 10 - 1e-6 and max(east_x, south_y) <= 390 + 1e-6
    # A degree of longitude at 40° is cos(40°) of a degree of latitude: the square in
    # degrees is drawn narrower than tall, the height filling the frame.
    assert math.isclose((east_x - west_x) / (south_y - north_y), math.cos(math.radians(40.05)))
    assert math.isclose(south_y - north_y, 380)


def test_a_city_spanning_the_antimeridian_is_kept_in_one_piece():
    east_half = [[179.9, -16.8], [180.0, -16.8], [180.0, -16.7], [179.9, -16.7], [179.9, -16.8]]
    west_half = [[-180.0, -16.8], [-179.9, -16.8], [-179.9, -16.7], [-180.0, -16.7]]
    shapes = [geo.polygons({"type": "Polygon", "coordinates": [r]}) for r in (east_half, west_half)]
    box = geo.bounds(geo.unwrap(shapes))
    assert box[2] - box[0] < 0.3  # 0.2 degrees wide, not 360
    # An ordinary city's bounds are left as they are.
    city = [geo.polygons({"type": "Polygon", "coordinates": [SQUARE]})]
    assert geo.unwrap(city) is city


def test_simplification_bounds_the_vertices_of_a_huge_boundary():
    n = 200_000
    circle = [
        [-75 + 0.1 * math.cos(2 * math.pi * k / n), 40 + 0.1 * math.sin(2 * math.pi * k / n)]
        for k in range(n)
    ]
    [[ring]] = geo.polygons({"type": "Polygon", "coordinates": [circle]})
    assert len(ring) <= geo.MAX_INPUT_VERTICES + 2
    project = geo.Projection.fit(geo.bounds([[[ring]]]), 400, 400)
    d = geo.svg_path([[ring]], project)
    assert d.count("L") < 300  # what a 400-pixel image can show, not every centimetre
    capped = geo.simplified([[ring]], 0.0, cap=500)
    assert sum(len(r) for p in capped for r in p) <= 500


def test_a_ring_smaller_than_a_pixel_vanishes_rather_than_drawing_a_dot():
    tiny = [[0, 0], [0.1, 0], [0.1, 0.1], [0, 0]]
    assert geo.simplify(tiny, 1.0) == []


def test_rings_are_wound_for_d3_whatever_the_file_did():
    for exterior, hole in ((SQUARE, HOLE), (SQUARE[::-1], HOLE[::-1])):
        polys = geo.polygons({"type": "Polygon", "coordinates": [exterior, hole]})
        out = geo.for_d3(polys, 0.0001)
        [[ext, inner]] = out["coordinates"]
        assert geo.signed_area(ext) < 0  # clockwise: d3's exterior
        assert geo.signed_area(inner) > 0  # counter-clockwise: d3's hole
    assert geo.for_d3([], 0.001) is None


def test_the_svg_map_draws_holes_islands_a_legend_and_a_tooltip_per_area():
    multi = geo.polygons({"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [ISLAND]]})
    svg = svgmap.choropleth(
        [
            svgmap.Shape("Harbor Point", multi, "#08519c", "Harbor Point: 41.0%"),
            svgmap.Shape("Nowhere", [], "#000000", "never drawn"),
        ],
        [svgmap.Key("#08519c", "40% to 50%"), svgmap.Key("#f4f6f8", "No data", hatched=True)],
        title="Reading by neighbourhood",
        description="One area.",
        map_id="t",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    [d] = re.findall(r'<path d="([^"]+)"', svg)
    assert d.count("M") == 3  # the exterior, its hole and the island
    assert 'fill-rule="evenodd"' in svg
    assert "<title>Harbor Point: 41.0%</title>" in svg and "never drawn" not in svg
    assert "40% to 50%" in svg and 'fill="url(#t-hatch)"' in svg
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d", d)]
    assert min(numbers) >= 0 and max(numbers) <= 420  # inside the image


def test_an_svg_map_without_any_boundary_says_so():
    svg = svgmap.choropleth([], [], title="Nothing to draw", description="", map_id="e")
    assert "Nothing to draw" in svg and "<path" not in svg
