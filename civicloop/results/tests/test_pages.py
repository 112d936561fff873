"""The first pages render the demo collaborative."""

from __future__ import annotations

import json
import re

import pytest

from civicloop.core.tests.people import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_lists_the_network_and_its_collaboratives(client):
    page = client.get("/").content.decode()
    assert "Demo Funders&#x27; Network" in page and "Riverton Cradle to Career" in page


def test_the_collaborative_page_lists_its_results(client):
    page = client.get("/c/riverton/").content.decode()
    for title in ("Early literacy", "Family economic security", "Healthy, stable homes"):
        assert title in page
    assert "Synthetic demo data" in page


def test_the_result_page_shows_latest_values_directions_and_sparklines(client):
    page = client.get("/c/riverton/results/early-literacy/").content.decode()
    assert "Third-grade reading proficiency" in page
    assert page.count('class="sparkline"') >= 3
    assert "↑ higher" in page and "↓ lower" in page
    assert re.search(r"\d+\.\d%", page)


def test_partners_measures_are_listed_apart_from_the_results_indicators(client, erin):
    """Members see the result's indicators, then its partners' performance measures with
    their commitments; the public sees neither the measures nor their numbers."""
    client.force_login(erin)
    page = client.get("/c/riverton/results/healthy-homes/").content.decode()
    indicators, measures = (
        page.index("<h2>Indicators</h2>"),
        page.index("performance measures</h2>"),
    )
    assert indicators < page.index("Eviction filings") < measures
    below = page[measures:]
    assert "Families facing eviction referred before their first hearing" in below
    assert "Refer every family facing eviction to Legal Aid" in below and "improving" in below
    assert "Families facing eviction referred" not in page[:measures]
    client.logout()
    public = client.get("/c/riverton/results/healthy-homes/").content.decode()
    assert "performance measures</h2>" not in public and "Families facing eviction" not in public


def test_the_indicator_page_carries_a_vega_lite_chart_with_a_target(client):
    response = client.get("/c/riverton/indicators/third-grade-reading/")
    page = response.content.decode()
    spec = json.loads(
        re.search(r'<script id="spec-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    assert spec["$schema"].endswith("v6.json")
    assert len(spec["data"]["values"]) == 9
    assert any(
        layer.get("data", {}).get("values", [{}])[0].get("label") == "Baseline"
        for layer in spec["layer"]
    )
    assert "/static/civicloop/vendor/vega.min.js" in page and "cdn" not in page.lower()


def test_the_disaggregation_toggle_shows_one_line_per_group(client):
    page = client.get(
        "/c/riverton/indicators/third-grade-reading/?by=race-ethnicity"
    ).content.decode()
    spec = json.loads(
        re.search(r'<script id="spec-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    assert {v["series"] for v in spec["data"]["values"]} == {
        "All",
        "Black",
        "Hispanic or Latino",
        "White",
        "Asian",
        "Multiracial or other",
    }


def test_htmx_gets_only_the_panel(client):
    response = client.get(
        "/c/riverton/indicators/third-grade-reading/?area=south", HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="panel"') and "<html" not in page
    assert "South Ward" in page


def test_survey_margins_are_shown(client):
    page = client.get("/c/riverton/indicators/emergency-savings/").content.decode()
    assert "±3.6" in page and "margin of error" in page


def test_the_restated_value_shows_its_history(client):
    page = client.get("/c/riverton/indicators/third-grade-reading/").content.decode()
    assert "1 revision" in page and "riverton-reading-restatement.csv" in page


def test_login_and_logout(client, carol):
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert response.status_code == 302
    assert "Signed in as carol" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Sign in" in client.get("/").content.decode()


def test_the_openapi_description_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/collaboratives/{slug}/indicators" in schema["paths"]


def test_the_indicators_api_says_which_are_partners_measures(client, erin):
    client.force_login(erin)
    rows = {i["slug"]: i for i in client.get("/api/collaboratives/riverton/indicators").json()}
    assert rows["third-grade-reading"]["commitment"] is None
    assert rows["third-grade-reading"]["measure_kind"] is None
    measures = [i for i in rows.values() if i["commitment"] is not None]
    assert len(measures) == 5
    assert {i["measure_kind"] for i in measures} == {"how_much", "how_well", "better_off"}
