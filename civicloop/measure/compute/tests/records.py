"""Generated 311-style records and ward polygons that the tests share."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

REQUEST_TYPES = ("pothole", "streetlight", "graffiti", "trash")
CHANNELS = ("phone", "app", "web")
NEIGHBOURHOODS = ("Corktown", "Midtown", "Delray", "Brightmoor", "Eastside")
# The wards are a 2 x 2 grid over this box (longitude, latitude).
WEST, EAST, SOUTH, NORTH = -83.2, -83.0, 42.3, 42.5


def service_requests(n: int = 3000, seed: int = 7) -> pa.Table:
    """``n`` requests opened from June 2022 to July 2024, with gaps of every kind.

    Some records miss their neighbourhood, request type, closing time or point;
    some points fall outside every ward and some on a border between wards.
    """
    rng = np.random.default_rng(seed)
    opened = np.datetime64("2022-06-01") + rng.integers(0, 790, n).astype("timedelta64[D]")
    days = rng.gamma(1.5, 5.0, n).round(2)
    closed = rng.random(n) < 0.85
    # Coordinates on a 0.01 degree grid: many records share a point, a few lie on borders.
    lat = (rng.uniform(SOUTH - 0.03, NORTH + 0.03, n) * 100).round() / 100
    lon = (rng.uniform(WEST - 0.03, EAST + 0.03, n) * 100).round() / 100
    return pa.table(
        {
            "request_id": pa.array(np.arange(n), pa.int64()),
            "opened": pa.array(opened.astype("datetime64[D]")),
            "status": pa.array(np.where(closed, "closed", "open")),
            "days_to_close": pa.array(np.where(closed, days, np.nan), from_pandas=True),
            "neighbourhood": _with_gaps(rng, NEIGHBOURHOODS, n, 0.03),
            "request_type": _with_gaps(rng, REQUEST_TYPES, n, 0.02),
            "channel": _with_gaps(rng, CHANNELS, n, 0.0),
            "priority": pa.array(rng.integers(1, 4, n), pa.int64()),
            "escalated": pa.array(rng.random(n) < 0.2),
            "latitude": pa.array(np.where(rng.random(n) < 0.02, np.nan, lat), from_pandas=True),
            "longitude": pa.array(lon),
        }
    )


def _with_gaps(rng: np.random.Generator, values: tuple[str, ...], n: int, share: float) -> pa.Array:
    picked = np.array(values, dtype=object)[rng.integers(0, len(values), n)]
    picked[rng.random(n) < share] = None
    return pa.array(picked, pa.string())


def ward_polygons() -> dict:
    """Four square wards, "Ward 1" (south-west) to "Ward 4" (north-east)."""
    mid_lon, mid_lat = (WEST + EAST) / 2, (SOUTH + NORTH) / 2
    boxes = [
        ("Ward 1", WEST, SOUTH, mid_lon, mid_lat),
        ("Ward 2", mid_lon, SOUTH, EAST, mid_lat),
        ("Ward 3", WEST, mid_lat, mid_lon, NORTH),
        ("Ward 4", mid_lon, mid_lat, EAST, NORTH),
    ]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
                },
            }
            for name, w, s, e, n in boxes
        ],
    }


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
