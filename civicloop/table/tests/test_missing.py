"""Who is missing from a result's table, and which sectors it lacks."""

from __future__ import annotations

from datetime import date

import pytest

from civicloop.demo.generator import MISSING_ORGANISATION
from civicloop.table.missing import sector_coverage, who_is_missing
from civicloop.table.models import Seat, Sector
from civicloop.table.tests.helpers import login, org, result

pytestmark = pytest.mark.django_db


def test_the_planted_missing_partner_is_the_top_suggestion_for_early_literacy():
    top = who_is_missing(result("early-literacy"), limit=5)
    assert top[0].organisation.slug == MISSING_ORGANISATION
    assert top[0].score > 2 * top[1].score


def test_each_suggestion_says_why():
    best = who_is_missing(result("early-literacy"), limit=1)[0]
    assert "serves 70% of its clients in South Ward" in best.reasons
    assert "no health organisation sits at this table" in best.reasons
    assert "has no seat at any table" in best.reasons
    assert any(r.startswith("reaches about 5,200") for r in best.reasons)
    assert best.fills_sector == Sector.HEALTH_SYSTEM


def test_organisations_already_at_the_table_are_not_suggested():
    seated = set(
        Seat.active().filter(result=result("early-literacy")).values_list("organisation", flat=True)
    )
    suggested = {s.organisation.pk for s in who_is_missing(result("early-literacy"), limit=50)}
    assert seated and not seated & suggested


def test_once_seated_it_is_no_longer_missing():
    Seat.objects.create(
        organisation=org(MISSING_ORGANISATION),
        result=result("early-literacy"),
        role="member",
        joined=date(2026, 1, 5),
    )
    top = who_is_missing(result("early-literacy"), limit=5)
    assert MISSING_ORGANISATION not in {s.organisation.slug for s in top}


def test_an_organisation_that_left_is_suggested_with_when_it_left():
    found = {s.organisation.slug: s for s in who_is_missing(result("healthy-homes"), limit=50)}
    assert "left this table in June 2022" in found["riverton-medical-partners"].reasons


def test_sector_coverage_lists_the_sectors_nobody_brings_first():
    coverage = sector_coverage(result("early-literacy"))
    missing = [n.sector for n in coverage if not n.covered]
    assert set(missing) == {Sector.HEALTH_SYSTEM, Sector.HOUSING}
    assert [n.covered for n in coverage] == sorted(n.covered for n in coverage)
    k12 = next(n for n in coverage if n.sector == Sector.EDUCATION_K12)
    assert [o.slug for o in k12.seated] == ["riverton-public-schools"]
    assert {i.slug for i in k12.indicators} == {"third-grade-reading", "chronic-absence"}


def test_the_result_table_page_shows_seats_coverage_and_suggestions(client, erin):
    page = login(client, erin).get("/c/riverton/results/early-literacy/table/").content.decode()
    assert "South Ward Family Health Center" in page
    assert "Health systems and hospitals" in page and "✗ Nobody" in page
    assert page.index("South Ward Family Health Center") < page.index("Family Success Centers")
    assert "Offer a seat" not in page  # erin, an analyst, reads but does not seat


def test_bob_sets_the_sectors_an_indicator_needs_and_the_gaps_follow(client, bob, carol):
    from civicloop.results.models import Indicator

    url = "/c/riverton/results/early-literacy/table/sectors/"
    assert login(client, carol).get(url).status_code == 403
    login(client, bob)
    assert client.get(url).status_code == 200
    data = {}
    for ind in Indicator.objects.filter(result=result("early-literacy")):
        needs = list(ind.sectors_needed.values_list("sector", flat=True))
        if ind.slug == "chronic-absence":
            needs = ["education_k12", "housing"]  # no longer health
        if ind.slug == "kindergarten-readiness":
            needs = ["early_childhood", "child_care"]
        data[f"sectors_{ind.pk}"] = needs
    assert client.post(url, data).status_code == 302
    gaps = {n.sector for n in sector_coverage(result("early-literacy")) if not n.covered}
    assert gaps == {Sector.HOUSING}


def test_a_new_collaborative_with_nothing_in_it_yet():
    from civicloop.results.models import Collaborative, Result
    from civicloop.table import network
    from civicloop.table.models import Organisation

    empty = Collaborative.objects.create(name="Newtown", slug="newtown", city="Newtown")
    res = Result.objects.create(collaborative=empty, slug="r", title="R", statement="S")
    assert who_is_missing(res) == [] and sector_coverage(res) == []
    Organisation.objects.create(collaborative=empty, name="Lone", slug="lone", sector="housing")
    assert who_is_missing(res) == []  # it serves nowhere yet
    net = network.shared_families(empty)
    assert len(net.nodes) == 1 and net.pairs == []
