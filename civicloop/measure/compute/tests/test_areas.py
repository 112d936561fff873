"""Areas: by column, or by placing latitude/longitude in GeoJSON polygons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from civicloop.measure.compute import ALL_AREAS, MISSING, DefinitionError, Polygons, compute
from civicloop.measure.compute.tests.records import ward_polygons

WARDS = Polygons.from_geojson(ward_polygons())


def test_points_inside_outside_missing_and_on_borders() -> None:
    latitude = [42.35, 42.35, 42.45, 42.45, 42.40, 42.40, 50.0, np.nan]
    longitude = [-83.15, -83.05, -83.15, -83.05, -83.10, -83.15, -83.1, -83.1]
    assert WARDS.assign(latitude, longitude) == [
        "Ward 1",
        "Ward 2",
        "Ward 3",
        "Ward 4",
        # The corner shared by all four wards goes to the first in the file.
        "Ward 1",
        # On the border of Wards 1 and 3: the first again.
        "Ward 1",
        None,
        None,
    ]


def test_multipolygons_and_holes() -> None:
    ring = [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]
    islands = [
        [[[10, 10], [11, 10], [11, 11], [10, 10]]],
        [[[20, 20], [21, 20], [21, 21], [20, 20]]],
    ]
    polygons = Polygons.from_geojson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "properties": {"id": "Ring"},
                    "geometry": {"type": "Polygon", "coordinates": ring},
                },
                {
                    "properties": {"id": 7},
                    "geometry": {"type": "MultiPolygon", "coordinates": islands},
                },
            ],
        },
        name_property="id",
    )
    # (lat, lon): in the ring, in its hole, on each island.
    assert polygons.assign([0.5, 2, 20.8, 10.8], [0.5, 2, 20.9, 10.9]) == ["Ring", None, "7", "7"]


def test_many_points_are_placed_like_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    latitude, longitude = rng.uniform(42.28, 42.52, 5000), rng.uniform(-83.22, -82.98, 5000)
    expected = [
        WARDS.assign([y], [x])[0] for y, x in zip(latitude[:200], longitude[:200], strict=True)
    ]
    assert WARDS.assign(latitude, longitude)[:200] == expected


def test_compute_by_point_matches_placing_each_record(records: pa.Table) -> None:
    definition = {
        "name": "requests",
        "measure": "count",
        "period": {"column": "opened", "grain": "year"},
        "area": {"latitude": "latitude", "longitude": "longitude", "polygons": ward_polygons()},
    }
    rows = compute(definition, records).to_pylist()
    places = WARDS.assign(records["latitude"].to_numpy(False), records["longitude"].to_numpy(False))
    years = [d.year for d in records["opened"].to_pylist()]
    for row in rows:
        if row["area"] == ALL_AREAS:
            continue
        area = None if row["area"] == MISSING else row["area"]
        expected = sum(
            1
            for y, p in zip(years, places, strict=True)
            if y == row["period_start"].year and p == area
        )
        assert row["value"] == expected, row
    assert {r["area"] for r in rows} == {ALL_AREAS, MISSING, "Ward 1", "Ward 2", "Ward 3", "Ward 4"}


def test_area_column_groups_by_its_values() -> None:
    records = pa.table({"opened": [dt.date(2024, 1, 1)] * 3, "ward": [1, 2, 2]})
    definition = {"name": "n", "measure": "count", "period": "opened", "area": "ward"}
    rows = compute(definition, records).to_pylist()
    assert [(r["area"], r["value"]) for r in rows] == [("all", 3), ("1", 1), ("2", 2)]


@pytest.mark.parametrize(
    ("area", "field", "message"),
    [
        ({"column": "ward", "latitude": "lat"}, "area", "not both"),
        ({"latitude": "lat", "longitude": "lon"}, "area.polygons", "is required"),
        ({"latitude": "lat", "longitude": "lon", "polygons": {"type": "Feature"}},
         "area.polygons", "FeatureCollection"),
        ({"latitude": "lat", "longitude": "lon", "polygons": {
            "type": "FeatureCollection", "features": [{"properties": {}, "geometry": {
                "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}},
         "area.polygons", "no 'name' property"),
        ({"latitude": "lat", "longitude": "lon", "polygons": {
            "type": "FeatureCollection", "features": [{"properties": {"name": "x"}, "geometry": {
                "type": "Point", "coordinates": [0, 0]}}]}},
         "area.polygons", "not a Polygon"),
    ],
)  # fmt: skip
def test_bad_areas_name_the_field(area: dict, field: str, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        compute({"name": "n", "measure": "count", "period": "opened", "area": area}, pa.table({}))
    assert message in error.value.problems[field]


def test_polygons_can_be_read_from_a_file(tmp_path) -> None:
    import json

    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(ward_polygons()))
    definition = {
        "name": "n",
        "measure": "count",
        "period": "opened",
        "area": {"latitude": "lat", "longitude": "lon", "polygons": str(path)},
    }
    records = pa.table({"opened": [dt.date(2024, 1, 1)], "lat": [42.35], "lon": [-83.05]})
    assert [r["area"] for r in compute(definition, records)] == ["all", "Ward 2"]
