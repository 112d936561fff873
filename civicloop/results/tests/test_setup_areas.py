"""Areas: boundaries imported from GeoJSON, and used to place raw records' points."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core.tests.people import login
from civicloop.measure.records import ComputeError, compute_indicators, register_table
from civicloop.results.models import Area, Indicator, Observation, Result
from civicloop.results.setup import areas as areas_view
from civicloop.results.tests.setup_helpers import (
    backbone_admin,
    collection,
    fresh_collaborative,
    square,
)

pytestmark = pytest.mark.django_db

WARDS = collection(
    ({"WARD_ID": "W1", "WARD_NAME": "Harbour"}, square(-80.00, 40.00)),
    ({"WARD_ID": "W2", "WARD_NAME": "Hillside"}, square(-79.99, 40.00)),
)


def upload(client, slug: str, data: dict | bytes, name: str = "wards.geojson"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(f"/c/{slug}/setup/areas/import/", {"file": SimpleUploadedFile(name, raw)})


def choose(client, slug: str, response, **choices):
    token = response.context["choose"].initial["token"]
    city = Area.objects.get(collaborative__slug=slug, code="LS")
    data = {
        "token": token,
        "code_property": "WARD_ID",
        "name_property": "WARD_NAME",
        "level": "district",
        "parent": city.pk,
    }
    data.update(choices)
    return client.post(f"/c/{slug}/setup/areas/import/", data)


@pytest.fixture
def lakeside(db):
    return fresh_collaborative()


@pytest.fixture
def gina(lakeside):
    """Gina: the backbone admin of Lakeside, a fresh collaborative."""
    return backbone_admin("gina", lakeside)


def test_gina_imports_ward_boundaries_choosing_the_code_and_name(client, gina, lakeside):
    login(client, gina)
    first = upload(client, "lakeside", WARDS)
    assert first.status_code == 200
    page = first.content.decode()
    assert "WARD_ID" in page and "Harbour" in page  # the properties, to choose from
    assert not Area.objects.filter(collaborative=lakeside, code="W1").exists()
    done = choose(client, "lakeside", first)
    assert done.status_code == 302
    wards = Area.objects.filter(collaborative=lakeside, level="district").order_by("code")
    assert [(a.code, a.name, a.parent.code) for a in wards] == [
        ("W1", "Harbour", "LS"),
        ("W2", "Hillside", "LS"),
    ]
    assert wards[0].geometry["type"] == "Polygon"


def test_a_second_import_updates_the_boundaries_it_shares(client, gina, lakeside):
    login(client, gina)
    choose(client, "lakeside", upload(client, "lakeside", WARDS))
    moved = collection(({"WARD_ID": "W1", "WARD_NAME": "Harbourside"}, square(-81, 41)))
    choose(client, "lakeside", upload(client, "lakeside", moved))
    w1 = Area.objects.get(collaborative=lakeside, code="W1")
    assert w1.name == "Harbourside" and w1.geometry["coordinates"][0][0] == [-81, 41]
    assert Area.objects.filter(collaborative=lakeside, level="district").count() == 2


def test_every_bad_feature_is_named_and_nothing_is_imported(client, gina, lakeside):
    login(client, gina)
    bad = collection(
        ({"WARD_ID": "W1", "WARD_NAME": "Harbour"}, square(-80, 40)),
        ({"WARD_ID": "", "WARD_NAME": "Nameless"}, square(-79, 40)),
        ({"WARD_ID": "W1", "WARD_NAME": "Again"}, square(-78, 40)),
        ({"WARD_ID": "W4", "WARD_NAME": "Dot"}, {"type": "Point", "coordinates": [0, 0]}),
        ({"WARD_ID": "W5", "WARD_NAME": "Projected"}, square(500000, 4500000, 100)),
    )
    response = choose(client, "lakeside", upload(client, "lakeside", bad))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Feature 2: no &#x27;WARD_ID&#x27; property" in page
    assert "Feature 3: code &#x27;W1&#x27; is also feature 1&#x27;s." in page
    assert "Feature 4: a Point geometry" in page
    assert "Feature 5: coordinates are not longitude/latitude" in page
    assert not Area.objects.filter(collaborative=lakeside, level="district").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "The file is not JSON"),
        (json.dumps({"type": "Feature"}).encode(), "not a GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "has no features"),
    ],
)
def test_a_file_that_is_not_boundaries_is_refused_at_once(client, gina, content, message):
    login(client, gina)
    response = upload(client, "lakeside", content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_file_size_is_bounded(client, gina, monkeypatch):
    monkeypatch.setattr(areas_view, "MAX_BYTES", 100)
    login(client, gina)
    response = upload(client, "lakeside", WARDS)
    assert "at most" in response.content.decode()


def test_an_upload_token_works_only_for_whoever_uploaded_it(client, gina, lakeside):
    login(client, gina)
    first = upload(client, "lakeside", WARDS)
    token = first.context["choose"].initial["token"]
    other = backbone_admin("hank", lakeside)
    client.logout()
    login(client, other)
    response = client.post(
        "/c/lakeside/setup/areas/import/",
        {"token": token, "code_property": "WARD_ID", "name_property": "WARD_NAME",
         "level": "district"},
    )  # fmt: skip
    assert response.status_code == 302
    assert not Area.objects.filter(collaborative=lakeside, code="W1").exists()


def _computed_indicator(collab) -> Indicator:
    result = Result.objects.create(
        collaborative=collab, slug="safe-streets", title="Safe streets", statement="Safe."
    )
    return Indicator.objects.create(
        result=result,
        slug="streetlight-reports",
        name="Streetlight outage reports",
        unit="reports",
        unit_kind="count",
        direction="lower",
        frequency="month",
        decimals=0,
        # No polygons: the points go to the areas' stored boundaries.
        computation={
            "table": "streetlights",
            "measure": "count",
            "period": {"column": "opened", "grain": "month"},
            "area": {"latitude": "lat", "longitude": "lon"},
        },
    )


def test_a_computed_indicator_places_points_in_the_imported_boundaries(
    client, gina, lakeside, tmp_path
):
    login(client, gina)
    choose(client, "lakeside", upload(client, "lakeside", WARDS))
    ind = _computed_indicator(lakeside)
    path = tmp_path / "streetlights.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["opened", "lat", "lon"])
        writer.writerow(["2024-03-01", 40.005, -79.995])  # Harbour (W1)
        writer.writerow(["2024-03-05", 40.002, -79.991])  # Harbour (W1)
        writer.writerow(["2024-03-09", 40.005, -79.985])  # Hillside (W2)
        writer.writerow(["2024-03-12", 10.0, 10.0])  # nowhere: counted in the city only
    register_table(path, lakeside, "streetlights")
    [done] = compute_indicators(lakeside, only=[ind.slug])
    assert done.report.status == "applied", done.report
    values = {
        o.series.area.code: o.value
        for o in Observation.objects.filter(series__indicator=ind, period__label="2024-03")
    }
    assert values == {"LS": 4.0, "W1": 2.0, "W2": 1.0}


def test_computing_by_point_with_no_boundary_anywhere_says_what_to_do(lakeside, tmp_path):
    ind = _computed_indicator(lakeside)
    path = tmp_path / "streetlights.csv"
    path.write_text("opened,lat,lon\n2024-03-01,40.005,-79.995\n")
    register_table(path, lakeside, "streetlights")
    with pytest.raises(ComputeError, match="no area has a boundary"):
        compute_indicators(lakeside, only=[ind.slug])


def test_an_abandoned_upload_is_removed_when_the_next_one_comes(client, gina, settings):
    login(client, gina)
    first = upload(client, "lakeside", WARDS).context["choose"].initial["token"]
    folder = settings.WORKSPACE.media_dir / "uploads"
    assert (folder / f"{first}.geojson").is_file()
    second = upload(client, "lakeside", WARDS).context["choose"].initial["token"]
    assert not (folder / f"{first}.geojson").exists()
    assert (folder / f"{second}.geojson").is_file()
