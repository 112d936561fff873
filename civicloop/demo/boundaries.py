"""Boundaries for the demo's areas (Riverton is fictional, so are its shapes).

The maps of every indicator page need polygons, and a demo that shows them should look
like a city rather than a chessboard: the twelve neighbourhoods are cells of a 4 x 4 grid
whose vertices and edges are nudged by a fixed seed, each edge computed once so that
neighbours share it exactly. The West Ward's four neighbourhoods are two cells tall.
Lakeview has its lake as a hole, and Harbor Point an island (a MultiPolygon), so every
shape a real city's file holds is exercised. Wards and the city are the outlines of
their neighbourhoods. Coordinates are longitude/latitude (WGS 84), rings counter-clockwise
as RFC 7946 asks.
"""

from __future__ import annotations

import math

import numpy as np

SEED = 20261129
WEST, NORTH = -74.985, 40.972  # the city's north-west corner (fictional placement)
DLON, DLAT = 0.0165, 0.0125  # one grid cell: about 1.4 km each way
# (code: first and last grid vertex, west to east and north to south)
CELLS = {
    "w-vailsburg": (0, 1, 0, 2),
    "w-roseville": (1, 2, 0, 2),
    "w-orchard": (0, 1, 2, 4),
    "w-brookdale": (1, 2, 2, 4),
    "n-millrace": (2, 3, 0, 1),
    "n-harbor": (3, 4, 0, 1),
    "n-cedar": (2, 3, 1, 2),
    "n-lakeview": (3, 4, 1, 2),
    "s-clinton": (2, 3, 2, 3),
    "s-ironbound": (3, 4, 2, 3),
    "s-fairmount": (2, 3, 3, 4),
    "s-weequahic": (3, 4, 3, 4),
}
BLOCKS = {
    "west": (0, 2, 0, 4),
    "north": (2, 4, 0, 2),
    "south": (2, 4, 2, 4),
    "riverton": (0, 4, 0, 4),
}


class _Grid:
    def __init__(self) -> None:
        rng = np.random.default_rng(SEED)
        self.jitter = rng.uniform(-0.18, 0.18, size=(5, 5, 2))
        self.rng = rng
        self.edges: dict[tuple, list[tuple[float, float]]] = {}

    def vertex(self, i: int, j: int) -> tuple[float, float]:
        ji, jj = self.jitter[i, j]
        # The city's outer edge stays straighter than its inner streets.
        ji = ji if 0 < i < 4 else ji / 3
        jj = jj if 0 < j < 4 else jj / 3
        return (i + ji, j + jj)

    def edge(self, a: tuple[int, int], b: tuple[int, int]) -> list[tuple[float, float]]:
        """The points strictly between grid vertices a and b, in the a-to-b direction."""
        key = (a, b) if a < b else (b, a)
        if key not in self.edges:
            (x0, y0), (x1, y1) = self.vertex(*key[0]), self.vertex(*key[1])
            nx, ny = -(y1 - y0), x1 - x0
            offsets = self.rng.uniform(-0.07, 0.07, size=3)
            self.edges[key] = [
                (x0 + (x1 - x0) * t + nx * o, y0 + (y1 - y0) * t + ny * o)
                for t, o in zip((0.25, 0.5, 0.75), offsets, strict=True)
            ]
        points = self.edges[key]
        return points if key[0] == a else points[::-1]

    def outline(self, i0: int, i1: int, j0: int, j1: int) -> list[list[float]]:
        """The ring around grid vertices [i0, i1] x [j0, j1], as longitude/latitude."""
        corners = (
            [(i, j0) for i in range(i0, i1 + 1)]
            + [(i1, j) for j in range(j0 + 1, j1 + 1)]
            + [(i, j1) for i in range(i1 - 1, i0 - 1, -1)]
            + [(i0, j) for j in range(j1 - 1, j0 - 1, -1)]
        )
        ring: list[tuple[float, float]] = []
        for a, b in zip(corners, corners[1:], strict=False):
            ring.append(self.vertex(*a))
            ring.extend(self.edge(a, b))
        ring.append(ring[0])
        # Grid east and south become longitude and latitude; the walk above is clockwise
        # on the map, so it is reversed to be counter-clockwise.
        return [[round(WEST + x * DLON, 6), round(NORTH - y * DLAT, 6)] for x, y in reversed(ring)]


def _ellipse(cx: float, cy: float, rx: float, ry: float, exterior: bool) -> list:
    """An ellipse around grid point (cx, cy) as a closed longitude/latitude ring, wound
    counter-clockwise for an exterior and clockwise for a hole (RFC 7946)."""
    ring = [
        [
            round(WEST + (cx + rx * math.cos(2 * math.pi * k / 12)) * DLON, 6),
            round(NORTH - (cy + ry * math.sin(2 * math.pi * k / 12)) * DLAT, 6),
        ]
        for k in range(13)
    ]
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    return ring if (area > 0) == exterior else ring[::-1]


def boundaries() -> dict[str, dict]:
    """{area code: GeoJSON geometry} for the city, its wards and its neighbourhoods."""
    grid = _Grid()
    island = _ellipse(4.45, -0.35, 0.28, 0.18, exterior=True)
    lake = _ellipse(3.5, 1.5, 0.22, 0.16, exterior=False)
    out: dict[str, dict] = {}
    for code, cell in CELLS.items():
        ring = grid.outline(*cell)
        if code == "n-lakeview":
            out[code] = {"type": "Polygon", "coordinates": [ring, lake]}
        elif code == "n-harbor":
            out[code] = {"type": "MultiPolygon", "coordinates": [[ring], [island]]}
        else:
            out[code] = {"type": "Polygon", "coordinates": [ring]}
    for code, block in BLOCKS.items():
        ring = grid.outline(*block)
        if code in ("north", "riverton"):
            out[code] = {"type": "MultiPolygon", "coordinates": [[ring], [island]]}
        else:
            out[code] = {"type": "Polygon", "coordinates": [ring]}
    return out
