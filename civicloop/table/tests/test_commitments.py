"""Commitments: partners' pledges, overdue flags, performance measures backed by indicators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from civicloop.measure.loads import load_file
from civicloop.results.models import Indicator, Observation
from civicloop.table.models import Commitment, MeasureKind, PerformanceMeasure
from civicloop.table.tests.helpers import login, org, result

pytestmark = pytest.mark.django_db


def data_sharing() -> Commitment:
    return Commitment.objects.get(title__startswith="Share chronic-absence data")


def test_overdue_commitments_are_flagged():
    overdue = Commitment.objects.overdue()
    assert {c.organisation.slug for c in overdue} == {
        "riverton-public-schools",
        "riverton-health-system",
        "riverton-savings-bank",
    }
    done = Commitment.objects.filter(status="done").first()
    assert done.due < timezone.localdate() and not done.is_overdue()
    assert data_sharing().is_overdue()


def test_the_list_flags_overdue_ones_and_filters(client, erin):
    login(client, erin)
    page = client.get("/c/riverton/commitments/").content.decode()
    assert "10 commitments, <strong>3 overdue</strong>" in page
    assert page.count('class="overdue"') == 3
    only = client.get("/c/riverton/commitments/?overdue=1").content.decode()
    assert "3 commitments" in only and "Open 120 new infant" not in only


def test_carol_makes_a_commitment_for_her_own_organisation(client, carol):
    login(client, carol)
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = client.post(
        "/c/riverton/commitments/new/",
        {
            "organisation": org("little-steps-child-care-alliance").pk,
            "title": "Share waiting lists with the school district every term",
            "results": [result("early-literacy").pk],
            "due": due,
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    made = Commitment.objects.get(title__startswith="Share waiting lists")
    assert made.created_by == carol and made.organisation.slug == "little-steps-child-care-alliance"


def test_carol_cannot_make_a_commitment_for_another_organisation(client, carol):
    login(client, carol)
    response = client.post(
        "/c/riverton/commitments/new/",
        {
            "organisation": org("riverton-housing-authority").pk,
            "title": "Hijacked pledge",
            "status": "not_started",
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Commitment.objects.filter(title="Hijacked pledge").exists()


def test_bob_updates_his_schools_commitment_in_place(client, bob):
    login(client, bob)
    response = client.post(
        f"/c/riverton/commitments/{data_sharing().pk}/status/",
        {"status": "done", "evidence": "Monthly file sent since March."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="status"') and "<html" not in body
    assert "Saved." in body and "Overdue" not in body
    assert data_sharing().status == "done"


def test_dave_cannot_update_the_schools_commitment(client, dave):
    login(client, dave)
    response = client.post(
        f"/c/riverton/commitments/{data_sharing().pk}/status/", {"status": "done"}
    )
    assert response.status_code == 403 and data_sharing().status == "at_risk"


def test_a_performance_measure_is_an_indicator_that_loads_like_any_other(
    client, bob, riverton, tmp_path
):
    login(client, bob)
    response = client.post(
        f"/c/riverton/commitments/{data_sharing().pk}/measures/",
        {
            "kind": MeasureKind.HOW_WELL,
            "result": result("early-literacy").pk,
            "name": "Monthly files sent on time",
            "unit": "%",
            "unit_kind": "percent",
            "direction": "higher",
            "frequency": "month",
        },
    )
    assert response.status_code == 302
    measure = PerformanceMeasure.objects.get(commitment=data_sharing())
    indicator = measure.indicator
    assert isinstance(indicator, Indicator) and indicator.slug == "monthly-files-sent-on-time"
    assert not indicator.is_public and measure.kind == "how_well"
    path = tmp_path / "files.csv"
    path.write_text(
        "indicator,area,period,value\n"
        "monthly-files-sent-on-time,riverton,2026-01,50\n"
        "monthly-files-sent-on-time,riverton,2026-02,100\n"
    )
    report = load_file(path, riverton)
    assert report.ok, report.problems
    assert Observation.objects.filter(series__indicator=indicator).count() == 2
    page = client.get(data_sharing().get_absolute_url()).content.decode()
    assert "How well did we do it?" in page and "monthly-files-sent-on-time" in page


def test_a_commitments_page_shows_each_measures_latest_value_and_trend(client, bob):
    """The demo's eviction referral commitment: how well (a rising monthly rate, judged
    month against the same month a year before) and better off (no clear trend)."""
    login(client, bob)
    referral = Commitment.objects.get(title__startswith="Refer every family facing eviction")
    page = client.get(referral.get_absolute_url()).content.decode()
    how_well = page.index("Families facing eviction referred before their first hearing")
    better_off = page.index("Referred families still housed six months later")
    assert page.index("How well did we do it?") < page.index("Is anyone better off?")
    assert how_well < better_off
    row = page[how_well:better_off]
    assert "86.0%" in row and "2025-09" in row and "improving" in row
    assert "no clear trend" in page[better_off:]


def test_the_public_sees_only_declared_commitments(client):
    page = client.get("/c/riverton/commitments/").content.decode()
    assert "Set aside $2 million" in page  # done, declared
    assert "Share chronic-absence data" not in page
    assert client.get(data_sharing().get_absolute_url()).status_code == 404
    declared = Commitment.objects.filter(declared=True).first()
    page = client.get(declared.get_absolute_url()).content.decode()
    assert declared.title in page and "Performance measures" not in page


def test_bob_declares_a_commitment_but_carol_cannot(client, bob, carol):
    item = data_sharing()
    login(client, carol)
    assert (
        client.post(f"/c/riverton/commitments/{item.pk}/declare/", {"declared": "1"}).status_code
        == 403
    )
    login(client, bob)
    client.post(f"/c/riverton/commitments/{item.pk}/declare/", {"declared": "1"})
    item.refresh_from_db()
    assert item.declared
