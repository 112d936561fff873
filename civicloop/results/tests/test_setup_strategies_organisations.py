"""Strategies and organisations, added and kept by alice, the backbone admin."""

from __future__ import annotations

import pytest

from civicloop.core.tests.people import login
from civicloop.results.models import Area, Indicator
from civicloop.table.models import Organisation, OrganisationArea, Strategy

pytestmark = pytest.mark.django_db


def test_alice_adds_a_strategy_with_its_smallest_effect_worth_having(client, alice, riverton):
    login(client, alice)
    ind = Indicator.objects.filter(result__collaborative=riverton).population().first()
    area = Area.objects.filter(collaborative=riverton).first()
    org = Organisation.objects.filter(collaborative=riverton).first()
    response = client.post(
        "/c/riverton/setup/strategies/new/",
        {
            "name": "Summer reading bridge",
            "slug": "",
            "hypothesis": "If children read all summer, then fewer fall behind.",
            "kind": "literacy",
            "status": "active",
            "owners": [org.pk],
            "indicators": [ind.pk],
            "areas": [area.pk],
            "start_period": "2023",
            "expected_change": "3",
            "smallest_effect": "1.5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    s = Strategy.objects.get(collaborative=riverton, slug="summer-reading-bridge")
    assert (s.smallest_effect, s.start_period.label) == (1.5, "2023")
    assert list(s.owners.all()) == [org] and list(s.indicators.all()) == [ind]


def test_a_smallest_effect_is_a_positive_size(client, alice, riverton):
    login(client, alice)
    response = client.post(
        "/c/riverton/setup/strategies/new/",
        {"name": "Backwards", "hypothesis": "x", "status": "active", "smallest_effect": "-1"},
    )
    assert response.status_code == 200
    assert "a positive size" in response.content.decode()


def test_alice_adds_an_organisation_with_its_footprint(client, alice, riverton):
    login(client, alice)
    areas = list(Area.objects.filter(collaborative=riverton)[:2])
    response = client.post(
        "/c/riverton/setup/organisations/new/",
        {
            "name": "Riverton Library",
            "sector": "government",
            "description": "The city's libraries.",
            "website": "library.riverton.example",
            "footprint": [a.pk for a in areas],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organisation.objects.get(collaborative=riverton, slug="riverton-library")
    assert org.website == "https://library.riverton.example"
    assert set(org.footprint.values_list("area_id", flat=True)) == {a.pk for a in areas}


def test_unticking_an_area_keeps_the_shares_of_the_others(client, alice, riverton):
    login(client, alice)
    org = Organisation.objects.filter(collaborative=riverton, footprint__isnull=False).first()
    rows = list(org.footprint.all())
    kept = rows[0]
    share = kept.client_share
    response = client.post(
        f"/c/riverton/setup/organisations/{org.slug}/",
        {
            "name": org.name,
            "slug": org.slug,
            "sector": org.sector,
            "description": org.description,
            "website": org.website,
            "footprint": [kept.area_id],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(OrganisationArea.objects.filter(organisation=org)) == [kept]
    kept.refresh_from_db()
    assert kept.client_share == share


def test_an_area_of_another_collaborative_cannot_be_chosen(client, alice, riverton):
    from civicloop.results.tests.setup_helpers import fresh_collaborative

    elsewhere = fresh_collaborative().areas.first()
    login(client, alice)
    response = client.post(
        "/c/riverton/setup/organisations/new/",
        {"name": "Sneaky", "sector": "government", "footprint": [elsewhere.pk]},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Sneaky").exists()
