"""Chairs: cross-sector reach, and their own institution's commitments first."""

from __future__ import annotations

import pytest

from civicloop.table import chairs
from civicloop.table.models import Sector
from civicloop.table.tests.helpers import login, org

pytestmark = pytest.mark.django_db


def test_the_chairs_are_the_organisations_that_chair_a_table(riverton):
    slugs = {c.organisation.slug for c in chairs.chairs(riverton)}
    assert slugs == {
        "riverton-public-schools",
        "riverton-community-development-fund",
        "riverton-health-system",
        "riverton-housing-authority",
    }


def test_a_chairs_reach_crosses_sectors_through_seats_and_families(riverton):
    schools = chairs.chair(org("riverton-public-schools"))
    reach = {r.sector: r for r in schools.reach}
    assert schools.sectors_reached >= 8
    assert "riverton-community-development-fund" in {
        o.slug for o in reach[Sector.COMMUNITY_FINANCE].through_seats
    }
    assert "riverton-workforce-board" in {o.slug for o in reach[Sector.WORKFORCE].through_families}


def test_its_own_commitments_come_first(client, erin):
    page = (
        login(client, erin)
        .get("/c/riverton/table/chairs/riverton-public-schools/")
        .content.decode()
    )
    own = page.index("Its own institution")
    assert own < page.index("Share chronic-absence data") < page.index("Cross-sector reach")
    assert page.index("Commitments at the tables it chairs") < page.index("Open 120 new infant")


def test_an_organisation_that_chairs_nothing_has_no_chair_page(client, erin):
    login(client, erin)
    assert client.get("/c/riverton/table/chairs/riverton-public-library/").status_code == 404
