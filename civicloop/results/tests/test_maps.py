"""An indicator by area: the working app's Vega-Lite map, the public SVG map, the area page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicloop.learn import store
from civicloop.results import maps
from civicloop.results.models import Area, Indicator, Observation

pytestmark = pytest.mark.django_db

PAGE = "/c/riverton/indicators/third-grade-reading/"
PUBLIC = "/public/c/riverton/indicators/third-grade-reading/"


def _spec(page: str) -> dict:
    found = re.search(r'<script id="map-spec-data" type="application/json">(.*?)</script>', page)
    assert found, "no map spec on the page"
    return json.loads(found.group(1))


def _reading():
    return Indicator.objects.get(slug="third-grade-reading", result__collaborative__slug="riverton")


def test_the_map_shows_the_neighbourhoods_latest_values_and_their_stored_verdicts(riverton):
    store.analyse(riverton)
    the_map = maps.indicator_map(_reading(), approved_only=True)
    assert the_map.level == "neighbourhood"
    assert [lv for lv, _label in the_map.levels] == ["district", "neighbourhood"]
    assert len(the_map.areas) == 12 and len(the_map.drawn) == 12
    assert the_map.period == "2024-25"
    assert all(a.value is not None for a in the_map.areas)
    # The verdicts are learn's, area by area, not recomputed or made up here.
    for a in the_map.areas:
        area = Area.objects.get(pk=a.pk)
        entry = store.current_family(riverton, area).get(_reading().pk)
        assert a.verdict == entry["verdict"]["status"]
    assert {a.verdict for a in the_map.areas} <= set(maps.VERDICT_COLOURS)
    # Every value falls in a class of the legend; darker is higher.
    assert all(0 <= a.value_class < len(the_map.value_legend) for a in the_map.areas)
    low = min(the_map.areas, key=lambda a: a.value)
    high = max(the_map.areas, key=lambda a: a.value)
    assert low.value_class < high.value_class


def test_the_wards_are_a_level_of_their_own(riverton):
    the_map = maps.indicator_map(_reading(), approved_only=True, level="district")
    assert [a.name for a in the_map.areas] == ["North Ward", "South Ward", "West Ward"]


def test_an_area_without_a_boundary_or_without_data_is_said_not_dropped(riverton):
    Area.objects.filter(collaborative=riverton, code="n-cedar").update(geometry=None)
    Observation.objects.filter(
        series__indicator=_reading(), series__area__code="s-fairmount", period__label="2024-25"
    ).delete()
    the_map = maps.indicator_map(_reading(), approved_only=False)
    by_code = {a.code: a for a in the_map.areas}
    assert [a.code for a in the_map.undrawn] == ["n-cedar"]
    fairmount = by_code["s-fairmount"]
    assert fairmount.value is None and "no value for 2024-25; latest" in fairmount.note
    assert the_map.value_swatch(fairmount).hatched
    assert the_map.value_legend[-1].hatched  # "No data for 2024-25" is in the legend
    spec = maps.vega_spec(the_map)
    validate_vega_lite(spec)
    [fairmount_feature] = [
        f for f in spec["data"]["values"] if f["properties"]["name"] == "Fairmount"
    ]
    assert fairmount_feature["properties"]["no_value"]  # drawn with a dashed outline
    assert "Cedar Hill" not in json.dumps(spec["data"])
    svgs = maps.svg_maps(the_map, map_id="t")
    assert "Fairmount: no value for 2024-25" in svgs["value"]
    assert "Cedar Hill" not in svgs["value"] and "1 area(s) have no boundary" in svgs["value"]


def test_the_indicator_page_carries_the_map_and_its_table(client, bob):
    client.force_login(bob)
    page = client.get(PAGE).content.decode()
    spec = _spec(page)
    assert len(spec["data"]["values"]) == 12
    assert [v["encoding"]["color"]["field"] for v in spec["hconcat"]] == [
        "properties.value_class",
        "properties.verdict",
    ]
    assert 'data-spec="map-spec-data"' in page and "cdn" not in page.lower()
    # The table beside the map names every neighbourhood and links its page.
    assert page.count('href="/c/riverton/areas/') >= 12
    assert "Map by:" in page and "level=district#map" in page
    # Other levels on request.
    spec = _spec(client.get(PAGE + "?level=district").content.decode())
    assert len(spec["data"]["values"]) == 3


def test_the_map_reads_the_same_few_queries_for_three_areas_or_twelve(riverton):
    store.analyse(riverton)
    ind = Indicator.objects.select_related("result__collaborative").get(pk=_reading().pk)
    counts = []
    for level in ("district", "neighbourhood"):
        with CaptureQueriesContext(connection) as seen:
            assert maps.indicator_map(ind, approved_only=True, level=level) is not None
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 6


def test_the_htmx_panel_leaves_the_map_alone(client):
    page = client.get(PAGE + "?area=south", headers={"HX-Request": "true"}).content.decode()
    assert "map-spec-data" not in page


def validate_vega_lite(spec: dict) -> None:
    """Validate against the published Vega-Lite v6 schema (Altair ships a copy)."""
    import jsonschema
    from altair.vegalite.v6 import schema as altair_schema

    path = Path(altair_schema.__file__).parent / "vega-lite-schema.json"
    jsonschema.validate(spec, json.loads(path.read_text()))


def test_the_map_spec_validates_against_the_vega_lite_schema(client):
    spec = _spec(client.get(PAGE).content.decode())
    validate_vega_lite(spec)
    # Each feature is a GeoJSON MultiPolygon wound for d3: exteriors clockwise.
    from civicloop.results.geometry import signed_area

    for feature in spec["data"]["values"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in feature["geometry"]["coordinates"]:
            assert signed_area([tuple(p) for p in polygon[0]]) < 0


def test_the_public_sees_an_svg_map_of_approved_values_within_budget(client, riverton):
    cache.clear()
    ind = _reading()
    harbor = Observation.objects.get(
        series__indicator=ind,
        series__area__code="n-harbor",
        series__group__isnull=True,
        period__label="2024-25",
    )
    approved = harbor.approved_value
    # A pending restatement is the working app's until approved: never the public's.
    Observation.objects.filter(pk=harbor.pk).update(value=approved + 11.0, approval="pending")
    response = client.get(PUBLIC)
    page = response.content.decode()
    assert len(response.content) < 300_000
    assert "<script" not in page
    assert page.count('class="map-svg"') == 2  # the value and the trend
    assert "Third-grade reading proficiency by neighbourhood, 2024-25" in page
    assert f"Harbor Point: {ind.format_value(approved)}" in page
    assert ind.format_value(approved + 11.0) not in page
    # The table beside the map; each area's name links to its public area page.
    assert re.search(r'<th scope="row"><a href="[^"]*/areas/[^"]+/">Harbor Point</a>', page)
    cache.clear()


def test_the_area_page_lists_its_indicators_with_their_latest_values(client, bob):
    page = client.get("/c/riverton/areas/s-clinton/").content.decode()
    assert "<h1>Clinton Park</h1>" in page and 'href="/c/riverton/areas/south/"' in page
    assert "Third-grade reading proficiency" in page
    reading = _reading()
    latest = (
        Observation.objects.as_approved()
        .filter(series__indicator=reading, series__area__code="s-clinton", series__group=None)
        .order_by("-period__start")
        .first()
    )
    assert reading.format_value(latest.value) in page
    # The public does not see indicators that are not declared; a member does.
    private = Indicator.objects.filter(result__collaborative__slug="riverton", is_public=False)
    hidden = private.first()
    if hidden is not None and hidden.series.filter(area__code="s-clinton").exists():
        assert hidden.name not in page
        client.force_login(bob)
        assert hidden.name in client.get("/c/riverton/areas/s-clinton/").content.decode()
    assert client.get("/c/riverton/areas/nowhere/").status_code == 404


def test_a_ward_page_links_its_neighbourhoods(client):
    page = client.get("/c/riverton/areas/south/").content.decode()
    for code in ("s-clinton", "s-ironbound", "s-fairmount", "s-weequahic"):
        assert f'href="/c/riverton/areas/{code}/"' in page


def test_the_progress_report_carries_the_maps_too(riverton):
    from civicloop.declare.report import report_html

    html = report_html(riverton)
    assert html.count('class="map-svg"') >= 2
    assert "Latest value, 2024-25" in html and "Trend in each area" in html
