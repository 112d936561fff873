"""Reading boundaries from GeoJSON, without Django: what a city's portal file can get wrong."""

from __future__ import annotations

import json

import pytest

from civicloop.results.setup.geojson import (
    GeoJSONError,
    boundaries,
    guess,
    property_names,
    read_collection,
)
from civicloop.results.tests.setup_helpers import collection, square


def test_property_names_in_the_order_first_met_and_a_guess_at_code_and_name() -> None:
    data = collection(
        ({"GEOID": "26163", "NAMELSAD": "Tract 1"}, square(0, 0)),
        ({"GEOID": "26164", "NAMELSAD": "Tract 2", "ALAND": 5}, square(1, 0)),
    )
    names = property_names(data)
    assert names == ["GEOID", "NAMELSAD", "ALAND"]
    assert guess(names, "code", "geoid") == "GEOID"
    assert guess(names, "name", "namelsad") == "NAMELSAD"
    assert guess(names, "nothing") == ""


def test_a_numeric_code_read_as_a_float_is_the_whole_number() -> None:
    data = collection(({"ward": 3.0, "name": "Three"}, square(0, 0)))
    [b] = boundaries(data, "ward", "name")
    assert (b.number, b.code, b.name) == (1, "3", "Three")


def test_a_self_crossing_polygon_is_named_with_its_feature_number() -> None:
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    data = collection(({"id": "a", "name": "A"}, square(0, 0)), ({"id": "b", "name": "B"}, bow_tie))
    with pytest.raises(GeoJSONError) as error:
        boundaries(data, "id", "name")
    [problem] = error.value.problems
    assert problem.startswith("Feature 2: an invalid polygon (Self-intersection")


def test_a_projected_file_is_refused_by_its_crs() -> None:
    data = collection(({"id": "a", "name": "A"}, square(0, 0)))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2253"}}
    with pytest.raises(GeoJSONError, match="longitude/latitude"):
        read_collection(json.dumps(data).encode())


def test_a_byte_order_mark_is_fine() -> None:
    data = collection(({"id": "a", "name": "A"}, square(0, 0)))
    raw = "\ufeff".encode() + json.dumps(data).encode()
    assert read_collection(raw)["type"] == "FeatureCollection"


def test_problems_stop_at_fifty_with_a_word_that_there_may_be_more() -> None:
    data = collection(*[({"name": f"N{i}"}, square(0, 0)) for i in range(80)])
    with pytest.raises(GeoJSONError) as error:
        boundaries(data, "id", "name")
    assert len(error.value.problems) == 51
    assert error.value.problems[-1].startswith("... and perhaps more")
