"""Uploading through the web: report first, then the user chooses; nothing is lost."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core.tests.people import login
from civicloop.measure.models import Load, QuarantinedRow, Source
from civicloop.results.models import Observation

pytestmark = pytest.mark.django_db
MESSY = (
    b"indicator,area,period,value\n"
    b"child-poverty,riverton,2025,22.5\n"
    b"child-povrty,riverton,2025,22\n"
    b"child-poverty,n-harbor,2025,140\n"
)


def upload(client, content: bytes, name: str = "partner.csv", **extra):
    return client.post(
        "/c/riverton/loads/new/", {"file": SimpleUploadedFile(name, content), **extra}
    )


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page)[1]


def test_a_messy_spreadsheet_gets_a_precise_report_and_nothing_is_written(client, erin):
    login(client, erin)
    observations = Observation.objects.count()
    page = upload(client, MESSY).content.decode()
    assert "1 problem" in page
    assert (
        "unknown indicator &#x27;child-povrty&#x27; (did you mean &#x27;child-poverty&#x27;?)"
        in page
    )
    # Unusual, not wrong (the indicator declares no upper limit): shown, never blocking.
    assert "1 unusual value: it loads all the same" in page
    assert "140 is outside 0-100 for a percent" in page
    assert Observation.objects.count() == observations
    assert not Load.objects.filter(original_name="partner.csv").exists()


def test_loading_the_sound_rows_keeps_the_rest_in_quarantine(client, erin):
    login(client, erin)
    page = upload(client, MESSY).content.decode()
    response = client.post(
        "/c/riverton/loads/confirm/",
        {"digest": hidden(page, "digest"), "name": "partner.csv", "action": "quarantine"},
    )
    load = Load.objects.get(original_name="partner.csv")
    assert response["Location"] == f"/c/riverton/loads/{load.pk}/"
    assert load.status == "partial" and load.created_by == erin
    assert QuarantinedRow.objects.filter(load=load).count() == 1  # the 140 % row loads
    detail = client.get(response["Location"]).content.decode()
    assert "In quarantine" in detail and "Values this load changed" in detail
    csv_text = client.get(f"/c/riverton/loads/{load.pk}/problems.csv").content.decode()
    assert csv_text.splitlines()[1].startswith("3,indicator,unknown indicator")


def test_a_clean_file_loads_after_the_check_and_can_be_rolled_back(client, alice):
    login(client, alice)
    page = upload(
        client, b"indicator,area,period,value\nchild-poverty,riverton,2025,19.5\n"
    ).content.decode()
    assert "All 1 row are sound" in page
    response = client.post(
        "/c/riverton/loads/confirm/",
        {"digest": hidden(page, "digest"), "name": "clean.csv", "action": "load"},
    )
    assert response.status_code == 302
    load = Load.objects.get(original_name="clean.csv")
    assert load.status == "applied" and load.rows_changed == 1
    client.post(f"/c/riverton/loads/{load.pk}/rollback/")
    load.refresh_from_db()
    assert load.status == "rolled_back"


def test_a_wide_file_goes_through_the_mapping_step(client, erin):
    login(client, erin)
    page = upload(
        client, b"Neighbourhood,2023,2024\nHarbor Point,18.5,17.25\n", new_source="Census office"
    ).content.decode()
    assert "Map the columns" in page
    source = Source.objects.get(name="Census office")
    page = client.post(
        "/c/riverton/loads/confirm/",
        {
            "digest": hidden(page, "digest"),
            "name": "wide.csv",
            "source": source.pk,
            "action": "check",
            "col::Neighbourhood": "area",
            "const::indicator": "child-poverty",
            "wide": "periods",
        },
    ).content.decode()
    assert "All 2 rows are sound" in page
    client.post(
        "/c/riverton/loads/confirm/",
        {
            "digest": hidden(page, "digest"),
            "name": "wide.csv",
            "source": source.pk,
            "action": "load",
            "mapping_json": hidden(page, "mapping_json").replace("&quot;", '"'),
        },
    )
    source.refresh_from_db()
    assert source.mapping["wide"] == "periods"
    # The next wide file from the same source skips the mapping step.
    page = upload(
        client, b"Neighbourhood,2025\nHarbor Point,16\n", source=source.pk
    ).content.decode()
    assert "All 1 row are sound" in page


def test_carol_loads_only_into_her_organisations_sources(client, carol, riverton):
    other = Source.objects.create(collaborative=riverton, name="Housing data")
    login(client, carol)
    response = upload(
        client, b"indicator,area,period,value\nchild-poverty,riverton,2025,19\n", source=other.pk
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    page = upload(
        client, b"indicator,area,period,value\nchild-poverty,riverton,2025,19\n"
    ).content.decode()
    response = client.post(
        "/c/riverton/loads/confirm/",
        {"digest": hidden(page, "digest"), "name": "x.csv", "source": other.pk, "action": "load"},
    )
    assert response.status_code == 403


def test_carol_cannot_roll_back_someone_elses_load(client, carol, riverton):
    load = Load.objects.filter(collaborative=riverton, status="applied").first()
    login(client, carol)
    assert client.post(f"/c/riverton/loads/{load.pk}/rollback/").status_code == 403
    load.refresh_from_db()
    assert load.status == "applied"


def test_the_public_and_frank_cannot_upload(client, frank):
    assert client.get("/c/riverton/loads/new/").status_code == 302
    login(client, frank)
    assert client.get("/c/riverton/loads/new/").status_code == 404
