"""Connector sources set up in the browser: only the backbone creates and edits them, and
"test" fetches the first page from the real portal protocol and shows it mapped, saving
nothing."""

from __future__ import annotations

import json

import pytest

from civicloop.core.models import Membership, Role, User
from civicloop.core.tests.people import PASSWORD, login
from civicloop.measure.models import Source
from civicloop.measure.tests.portals import (
    CensusPortal,
    CkanPortal,
    FilePortal,
    SocrataPortal,
    serving,
)
from civicloop.results.models import Collaborative

pytestmark = pytest.mark.django_db

NEW = "/c/riverton/setup/sources/new/"
CSV = (
    b"indicator,area,period,value\r\n"
    b"emergency-savings,south,2031,41.5\r\n"
    b"emergency-savings,west,2031,44\r\n"
    b"emergency-savings,atlantis,2031,12\r\n"
)
WIDE = b"Ward,2030,2031\r\nSouth Ward,39.5,41.5\r\nWest Ward,40,44\r\n"


@pytest.fixture(autouse=True)
def local_portals_are_allowed(settings):
    # The portals below listen on 127.0.0.1, which connectors refuse unless a deployment
    # allows it (CIVICLOOP_ALLOWED_INTERNAL_HOSTS): these tests are such a deployment.
    settings.CIVICLOOP_ALLOWED_INTERNAL_HOSTS = ["127.0.0.1"]


@pytest.fixture
def files():
    portal = FilePortal(
        files={
            "/exports/savings.csv": ("text/csv", CSV),
            "/exports/wide.csv": ("text/csv", WIDE),
        }
    )
    with serving(portal) as base:
        portal.base = base
        yield portal


def url_source(base: str, **extra) -> dict:
    return {
        "name": "Savings survey",
        "kind": "url",
        "url_url": f"{base}/exports/savings.csv",
        "url_format": "",
        "on_problems": "reject",
        "schedule_minutes": "1440",
        **extra,
    }


def test_alice_tests_a_url_source_and_sees_its_rows_before_anything_is_saved(client, alice, files):
    login(client, alice)
    before = Source.objects.count()
    page = client.post(NEW, {**url_source(files.base), "action": "test"})
    assert page.status_code == 200
    shown = page.context["preview"]
    assert shown.ok, shown.error or shown.mapping_error
    assert shown.columns == ["indicator", "area", "period", "value"]
    assert shown.rows[1] == ["emergency-savings", "west", "2031", "44"]
    assert ("area", "area") in shown.mapped_from
    assert shown.unknown_areas == ["atlantis"] and shown.unknown_indicators == []
    assert b"Not areas of Riverton" in page.content and b"atlantis" in page.content
    assert Source.objects.count() == before
    assert len(files.requests) == 1


def test_alice_saves_a_url_source_with_its_schedule_and_trust(client, alice, files):
    login(client, alice)
    data = url_source(files.base, auto_approve="on", action="save")
    response = client.post(NEW, data)
    assert response.status_code == 302
    source = Source.objects.get(name="Savings survey")
    assert source.kind == "url" and source.collaborative.slug == "riverton"
    assert source.settings == {"url": f"{files.base}/exports/savings.csv"}
    assert (source.schedule_minutes, source.auto_approve) == (1440, True)
    assert source.mapping == {}
    assert not files.requests  # saving fetches nothing


def test_the_mapping_is_applied_in_the_preview(client, alice, files):
    login(client, alice)
    data = url_source(
        files.base,
        url_url=f"{files.base}/exports/wide.csv",
        mapping_columns="Ward = area",
        mapping_constants="indicator = emergency-savings",
        mapping_wide="periods",
        action="test",
    )
    shown = client.post(NEW, data).context["preview"]
    assert shown.ok, shown.mapping_error
    assert shown.mapped_fields == ["indicator", "area", "period", "value"]
    assert shown.mapped_rows[:2] == [
        ["emergency-savings", "South Ward", "2030", "39.5"],
        ["emergency-savings", "South Ward", "2031", "41.5"],
    ]
    assert ("period", "(column header)") in shown.mapped_from


def test_a_mapping_that_does_not_fit_is_explained(client, alice, files):
    login(client, alice)
    data = url_source(files.base, mapping_columns="School Year = period", action="test")
    shown = client.post(NEW, data).context["preview"]
    assert "School Year" in shown.mapping_error
    assert shown.rows  # the rows as fetched are still shown


def test_a_fetch_that_fails_says_why(client, alice, files):
    login(client, alice)
    data = url_source(files.base, url_url=f"{files.base}/exports/missing.csv", action="test")
    page = client.post(NEW, data)
    assert "HTTP 404" in page.context["preview"].error
    assert b"The fetch failed" in page.content


def test_socrata_test_fetches_the_first_page_only(client, alice):
    rows = [{"year": "2031", "ward": f"w{i}", "loans": str(i)} for i in range(25)]
    portal = SocrataPortal(datasets={"sbl4-2031": rows})
    login(client, alice)
    with serving(portal) as base:
        page = client.post(
            NEW,
            {
                "name": "City lending",
                "kind": "socrata",
                "socrata_base_url": base,
                "socrata_dataset": "sbl4-2031",
                "socrata_page_size": "10",
                "socrata_app_token_env": "",
                "mapping_columns": "year = period\nward = area\nloans = value",
                "mapping_constants": "indicator = small-business-loans",
                "on_problems": "reject",
                "action": "test",
            },
        )
    shown = page.context["preview"]
    assert shown.ok, shown.error or shown.mapping_error
    assert shown.fetched == 10 and len(portal.requests) == 1
    assert portal.requests[0][1]["$limit"] == "10"
    assert shown.mapped_rows[0] == ["small-business-loans", "w0", "2031", "0"]
    assert not Source.objects.filter(name="City lending").exists()


def test_ckan_test_fetches_the_first_page_only(client, alice):
    records = [{"year": "2031", "ward": f"w{i}", "rate": str(i)} for i in range(7)]
    portal = CkanPortal(resources={"2b6c": records})
    login(client, alice)
    with serving(portal) as base:
        page = client.post(
            NEW,
            {
                "name": "Rates",
                "kind": "ckan",
                "ckan_base_url": base,
                "ckan_resource_id": "2b6c",
                "ckan_page_size": "3",
                "ckan_filters": "",
                "mapping_columns": "year = period\nward = area\nrate = value",
                "mapping_constants": "indicator = emergency-savings",
                "on_problems": "reject",
                "action": "test",
            },
        )
    shown = page.context["preview"]
    # The resource has 7 rows; the first page has 3, and that is not a change mid-read.
    assert shown.ok, shown.error or shown.mapping_error
    assert shown.fetched == 3 and len(portal.requests) == 1
    assert "_id" in shown.columns


def test_census_test_shows_estimates_with_their_margins(client, alice):
    portal = CensusPortal(
        places=[
            {
                "state": "34",
                "county": "013",
                "tract": "000100",
                "NAME": "Tract 1",
                "S1701_C03_002E": "23.4",
                "S1701_C03_002M": "5.1",
            },
        ]
    )
    login(client, alice)
    with serving(portal) as base:
        page = client.post(
            NEW,
            {
                "name": "ACS child poverty",
                "kind": "census",
                "census_base_url": f"{base}/data",
                "census_year": "2031",
                "census_geography": "tract",
                "census_within": "state = 34\ncounty = 013",
                "census_variables": "S1701_C03_002E = child-poverty",
                "census_areas": "34013000100 = n-harbor",
                "on_problems": "reject",
                "action": "test",
            },
        )
    shown = page.context["preview"]
    assert shown.ok, shown.error or shown.mapping_error
    row = dict(zip(shown.mapped_fields, shown.mapped_rows[0], strict=True))
    assert (row["indicator"], row["area"], row["value"], row["margin_of_error"]) == (
        "child-poverty",
        "n-harbor",
        "23.4",
        "5.1",
    )
    assert shown.unknown_areas == [] and shown.unknown_indicators == []


def test_a_source_needs_its_connectors_settings(client, alice):
    login(client, alice)
    response = client.post(
        NEW,
        {
            "name": "Half a source",
            "kind": "socrata",
            "socrata_base_url": "https://data.example.org",
            "on_problems": "reject",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "socrata_dataset" in response.context["form"].errors
    assert not Source.objects.filter(name="Half a source").exists()


def test_only_web_addresses_are_accepted(client, alice):
    login(client, alice)
    response = client.post(
        NEW, {**url_source("x"), "url_url": "file:///etc/passwd", "action": "test"}
    )
    assert response.status_code == 400 and response.context["preview"] is None
    assert "url_url" in response.context["form"].errors


def test_lines_that_are_not_name_equals_value_are_refused(client, alice, files):
    login(client, alice)
    response = client.post(
        NEW, url_source(files.base, mapping_constants="just a sentence", action="save")
    )
    assert response.status_code == 400
    assert b"name = value" in response.content


def test_editing_keeps_settings_the_form_does_not_show(client, alice, riverton, files):
    source = Source.objects.create(
        collaborative=riverton,
        name="Savings survey",
        kind="url",
        settings={"url": "https://old.example.org/a.csv", "retry": {"attempts": 6}},
    )
    login(client, alice)
    url = f"/c/riverton/setup/sources/{source.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, url_source(files.base, action="save"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.settings == {
        "url": f"{files.base}/exports/savings.csv",
        "retry": {"attempts": 6},
    }


def test_two_sources_cannot_share_a_name(client, alice, riverton, files):
    Source.objects.create(collaborative=riverton, name="Savings survey", kind="file")
    login(client, alice)
    response = client.post(NEW, url_source(files.base, action="save"))
    assert response.status_code == 400 and "name" in response.context["form"].errors


@pytest.mark.parametrize("person", ["bob", "carol", "erin"])
def test_members_who_are_not_backbone_admins_cannot_set_up_sources(client, person, request, files):
    login(client, request.getfixturevalue(person))
    assert client.get("/c/riverton/setup/sources/").status_code == 403
    assert client.post(NEW, url_source(files.base, action="test")).status_code == 403
    assert not files.requests  # not even a test fetch


def test_frank_without_a_role_is_not_told_the_page_exists(client, frank):
    assert login(client, frank).get("/c/riverton/setup/sources/").status_code == 404


def test_the_public_is_sent_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_backbone_admin_of_another_collaborative_cannot_edit_rivertons_sources(client, riverton):
    other = Collaborative.objects.create(name="Elsewhere", slug="elsewhere")
    henry = User.objects.create_user("henry", password=PASSWORD)
    Membership.objects.create(user=henry, collaborative=other, role=Role.BACKBONE_ADMIN)
    source = Source.objects.create(
        collaborative=riverton, name="Portal", kind="url", settings={"url": "https://x.org/a"}
    )
    login(client, henry)
    assert client.get(f"/c/riverton/setup/sources/{source.pk}/").status_code == 404
    assert client.get(f"/c/elsewhere/setup/sources/{source.pk}/").status_code == 404


def test_alice_sees_the_sources_list(client, alice, riverton):
    Source.objects.create(
        collaborative=riverton,
        name="Lending portal",
        kind="socrata",
        settings=json.loads('{"base_url": "https://data.example.org", "dataset": "abcd-1234"}'),
        auto_approve=True,
    )
    page = login(client, alice).get("/c/riverton/setup/sources/")
    assert page.status_code == 200
    assert b"Lending portal" in page.content and b"approved as loaded" in page.content
