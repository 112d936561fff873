"""Stewards own their numbers: a partner writes its own indicators, by every path, and no other.

carol speaks for Little Steps Child Care Alliance, which stewards licensed child-care
seats and has its own commitment's measure; the school district (Riverton Public Schools)
stewards third-grade reading. alice is backbone staff.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core import access
from civicloop.core.tests.people import login
from civicloop.measure.connectors import RetryPolicy
from civicloop.measure.loads import ApprovalRefused, load_file
from civicloop.measure.models import Load, Source
from civicloop.measure.refresh import refresh_source
from civicloop.measure.tests.portals import FilePortal, serving
from civicloop.results.models import Observation
from civicloop.table.models import Organisation, PerformanceMeasure

pytestmark = pytest.mark.django_db
ATTACK = b"indicator,area,period,value\nthird-grade-reading,riverton,2024-25,99.9\n"
STEWARD = "third-grade-reading is stewarded by Riverton Public Schools"


def reading(period: str = "2024-25") -> Observation:
    return Observation.objects.get(
        series__indicator__slug="third-grade-reading",
        series__area__code="riverton",
        series__group__isnull=True,
        period__label=period,
    )


def hidden(page: str, name: str) -> str:
    import re

    return re.search(rf'name="{name}" value="([^"]*)"', page)[1]


def test_the_demo_gives_its_partners_their_own_indicators(riverton):
    little_steps = Organisation.objects.get(slug="little-steps-child-care-alliance")
    assert list(little_steps.stewarded_indicators.values_list("slug", flat=True)) == [
        "licensed-child-care-seats"
    ]


def test_a_child_care_partner_cannot_revise_the_school_districts_reading_by_upload(client, carol):
    """The issue's attack: no source chosen, the district's figure revised and public."""
    before = reading().value
    login(client, carol)
    page = client.post(
        "/c/riverton/loads/new/", {"file": SimpleUploadedFile("mine.csv", ATTACK)}
    ).content.decode()
    assert STEWARD in page and "carol may not write it" in page
    assert 'value="quarantine"' not in page  # not a problem carol can fix and load around
    response = client.post(
        "/c/riverton/loads/confirm/",
        {"digest": hidden(page, "digest"), "name": "mine.csv", "action": "load"},
    )
    assert response.status_code == 302
    assert reading().value == before
    load = Load.objects.get(original_name="mine.csv")
    assert load.status == "rejected" and STEWARD in load.problems[0]["message"]
    public = client.get("/public/c/riverton/indicators/third-grade-reading/").content.decode()
    assert "99.9%" not in public


def test_asking_for_quarantine_does_not_half_apply_a_file_with_another_stewards_rows(
    carol, riverton, tmp_path
):
    path = tmp_path / "mixed.csv"
    path.write_bytes(ATTACK + b"licensed-child-care-seats,riverton,2031,30\n")
    report = load_file(path, riverton, user=carol, on_problems="quarantine")
    assert report.status == "rejected" and report.refused_rows == 1
    assert [p.row for p in report.problems] == [2]
    assert not Observation.objects.filter(period__label="2031").exists()


def test_a_child_care_partner_cannot_write_it_from_the_command_line_either(cli, carol, tmp_path):
    before = reading().value
    path = tmp_path / "mine.csv"
    path.write_bytes(ATTACK)
    result = cli("load", str(path), "--as", "carol")
    assert result.exit_code == 2
    assert "stewarded by Riverton Public Schools" in result.stdout
    assert reading().value == before


def test_nor_through_the_api(client, carol):
    before = reading().value
    login(client, carol)
    response = client.post(
        "/api/collaboratives/riverton/observations",
        json.dumps(
            {
                "rows": [
                    {
                        "indicator": "third-grade-reading",
                        "area": "riverton",
                        "period": "2024-25",
                        "value": 99.9,
                    }
                ]
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejected" and STEWARD in body["problems"][0]["message"]
    assert reading().value == before


def test_nor_through_a_connector_of_its_own_whoever_presses_refresh(riverton, alice):
    before = reading().value
    portal = FilePortal(files={"/r.csv": ("text/csv", ATTACK)})
    with serving(portal) as base:
        source = Source.objects.create(
            collaborative=riverton,
            name="Little Steps export",
            kind="url",
            settings={"url": f"{base}/r.csv"},
            organisation=Organisation.objects.get(slug="little-steps-child-care-alliance"),
        )
        done = refresh_source(source, policy=RetryPolicy(attempts=1, timeout=5), user=alice)
    assert done.load.status == "rejected"
    assert STEWARD in done.load.problems[0]["message"]
    assert reading().value == before


def test_a_partner_writes_its_own_indicator_and_its_commitments_measures(carol, riverton, tmp_path):
    measure = PerformanceMeasure.objects.get(
        commitment__organisation__slug="little-steps-child-care-alliance"
    )
    path = tmp_path / "ours.csv"
    path.write_text(
        "indicator,area,period,value\n"
        "licensed-child-care-seats,riverton,2031,30\n"
        f"{measure.indicator.slug},riverton,2031-Q1,80\n"
    )
    report = load_file(path, riverton, user=carol)
    assert report.status == "applied" and report.rows_created == 2, report.problems
    assert set(Observation.objects.filter(load=report.load).values_list("approval", flat=True)) == {
        "pending"
    }


def test_a_partner_cannot_write_an_indicator_nobody_stewards(carol, riverton, tmp_path):
    path = tmp_path / "acs.csv"
    path.write_text("indicator,area,period,value\nchild-poverty,riverton,2031,10\n")
    report = load_file(path, riverton, user=carol)
    assert report.status == "rejected"
    assert "written by backbone staff only" in report.problems[0].message


def test_backbone_staff_write_every_indicator_and_approve_only_when_they_say_so(
    alice, riverton, tmp_path
):
    path = tmp_path / "backbone.csv"
    path.write_bytes(ATTACK)
    report = load_file(path, riverton, user=alice)
    assert report.status == "applied" and not report.approved
    assert reading().approval == "pending"


def test_only_backbone_staff_approve_on_load(carol, riverton, tmp_path):
    path = tmp_path / "ours.csv"
    path.write_text("indicator,area,period,value\nlicensed-child-care-seats,riverton,2031,30\n")
    with pytest.raises(ApprovalRefused):
        load_file(path, riverton, user=carol, approve=True)


def test_a_chair_writes_for_their_own_organisation(bob, riverton, tmp_path):
    writer = access.writer_for(bob, riverton)
    assert not writer.backbone
    path = tmp_path / "district.csv"
    path.write_bytes(ATTACK)
    assert load_file(path, riverton, user=bob).status == "applied"


def test_the_command_line_without_a_user_is_the_operator(cli, tmp_path):
    path = tmp_path / "operator.csv"
    path.write_bytes(ATTACK)
    result = cli("load", str(path))
    assert result.exit_code == 0, result.stdout
    assert "wait for approval" in result.stdout
    assert reading().value == 99.9 and reading().approval == "pending"


def test_backbone_staff_write_through_the_api_and_may_approve_as_they_load(client, alice, carol):
    row = {
        "indicator": "third-grade-reading",
        "area": "riverton",
        "period": "2024-25",
        "value": 61.5,
    }
    login(client, alice)
    response = client.post(
        "/api/collaboratives/riverton/observations",
        json.dumps({"rows": [row], "approve": True}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["approved"] is True
    assert (reading().value, reading().approval, reading().approved_value) == (
        61.5,
        "approved",
        61.5,
    )
    login(client, carol)
    row["indicator"] = "licensed-child-care-seats"
    refused = client.post(
        "/api/collaboratives/riverton/observations",
        json.dumps({"rows": [row | {"period": "2031"}], "approve": True}),
        content_type="application/json",
    )
    assert refused.status_code == 403 and "may not approve" in refused.json()["detail"]
