"""Placing points (latitude/longitude) in areas given as GeoJSON polygons, vectorised.

>>> square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
>>> areas = Polygons.from_geojson({"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"name": "Centre"}, "geometry": square}]})
>>> areas.assign([0.5, 5.0], [0.5, 5.0])
['Centre', None]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_SHAPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Polygons:
    """Named polygons, in GeoJSON order; a point on a shared border goes to the first."""

    names: tuple[str, ...]
    geometries: tuple[Any, ...]

    @classmethod
    def from_geojson(cls, collection: Mapping[str, Any], name_property: str = "name") -> Polygons:
        """Read a FeatureCollection; each feature's ``name_property`` names its area.

        Raises ValueError saying which feature is unusable.
        """
        import shapely.geometry

        if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
            raise ValueError("expected a GeoJSON FeatureCollection")
        features = collection.get("features")
        if not isinstance(features, Sequence) or not features:
            raise ValueError("the FeatureCollection has no features")
        names, geometries = [], []
        for i, feature in enumerate(features):
            geometry = (feature or {}).get("geometry") or {}
            if geometry.get("type") not in _SHAPES:
                raise ValueError(f"feature {i} is not a Polygon or MultiPolygon")
            name = ((feature or {}).get("properties") or {}).get(name_property)
            if name in (None, ""):
                raise ValueError(f"feature {i} has no {name_property!r} property to name its area")
            try:
                shape = shapely.geometry.shape(geometry)
            except (ValueError, TypeError, IndexError) as error:
                raise ValueError(f"feature {i} ({name}) has bad coordinates: {error}") from None
            names.append(str(name))
            geometries.append(shape)
        return cls(tuple(names), tuple(geometries))

    def assign(self, latitude: Any, longitude: Any) -> list[str | None]:
        """The area name of each point (None outside every polygon or when missing)."""
        index = self.assign_index(np.asarray(latitude, float), np.asarray(longitude, float))
        names = np.array((*self.names, None), dtype=object)
        return names[index].tolist()

    def assign_index(self, latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
        """Index into ``names`` of each point's area; ``len(names)`` when it has none.

        An STRtree narrows each point to the polygons whose bounding box holds it,
        so the cost grows with points x log(polygons), not points x polygons.
        """
        import shapely

        found = np.full(latitude.shape, len(self.names), dtype=np.int64)
        valid = np.flatnonzero(np.isfinite(latitude) & np.isfinite(longitude))
        if valid.size == 0:
            return found
        points = shapely.points(longitude[valid], latitude[valid])
        tree = shapely.STRtree(self.geometries)
        point_at, polygon_at = tree.query(points, predicate="intersects")
        # Lowest polygon index first within each point, then keep each point's first hit.
        order = np.lexsort((polygon_at, point_at))
        point_at, polygon_at = point_at[order], polygon_at[order]
        first = np.flatnonzero(np.r_[True, point_at[1:] != point_at[:-1]]) if point_at.size else []
        found[valid[point_at[first]]] = polygon_at[first]
        return found
