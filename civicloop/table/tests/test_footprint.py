"""A partner keeps its own footprint: the areas and people it serves, and its programmes."""

from __future__ import annotations

import pytest

from civicloop.results.models import Area
from civicloop.table.models import OrganisationArea, Population
from civicloop.table.tests.helpers import login, org

pytestmark = pytest.mark.django_db
URL = "/c/riverton/organisations/little-steps-child-care-alliance/footprint/"


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def new_footprint(percent_clinton="70", percent_west="20") -> dict:
    clinton = Area.objects.get(collaborative__slug="riverton", code="s-clinton")
    west = Area.objects.get(collaborative__slug="riverton", code="west")
    little = org("little-steps-child-care-alliance")
    data = {"reach-families_reached": "2000"}
    # Replace the current areas: delete each, add two.
    current = list(OrganisationArea.objects.filter(organisation=little))
    rows = [
        {"id": str(f.pk), "organisation": str(little.pk), "area": str(f.area_id), "DELETE": "on"}
        for f in current
    ]
    rows += [
        {"area": str(clinton.pk), "percent": percent_clinton},
        {"area": str(west.pk), "percent": percent_west},
    ]
    data |= formset("areas", rows, initial=len(current))
    served = list(little.populations_served.all())
    rows = [
        {
            "id": str(p.pk),
            "organisation": str(little.pk),
            "population": str(p.population_id),
            "DELETE": "on",
        }
        for p in served
    ]
    rows += [{"population": str(Population.objects.get(slug="age-0-4").pk), "percent": "90"}]
    data |= formset("populations", rows, initial=len(served))
    data |= formset("programmes", [{"name": "Saturday story hour", "families_reached": "40"}])
    return data


def test_carol_edits_her_own_footprint(client, carol):
    login(client, carol)
    assert client.get(URL).status_code == 200
    response = client.post(URL, new_footprint())
    assert response.status_code == 302, response.content.decode()[:2000]
    little = org("little-steps-child-care-alliance")
    shares = {f.area.code: f.client_share for f in little.footprint.all()}
    assert shares == {"s-clinton": 0.7, "west": 0.2}
    assert little.families_reached == 2000
    assert little.programmes.filter(name="Saturday story hour").exists()
    assert little.populations_served.filter(population__slug="age-0-4", share=0.9).exists()


def test_shares_cannot_add_up_to_more_than_all_the_clients(client, carol):
    login(client, carol)
    page = client.post(URL, new_footprint("70", "40")).content.decode()
    assert "add up to 110%, more than 100%" in page
    assert org("little-steps-child-care-alliance").families_reached == 1800  # unchanged


def test_carol_cannot_edit_the_housing_authoritys_footprint(client, carol):
    login(client, carol)
    url = "/c/riverton/organisations/riverton-housing-authority/footprint/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"reach-families_reached": "1"}).status_code == 403
    assert org("riverton-housing-authority").families_reached == 6200


def test_the_organisation_page_shows_the_footprint_people_and_roles(client, erin):
    page = (
        login(client, erin)
        .get("/c/riverton/organisations/riverton-community-development-fund/")
        .content.decode()
    )
    assert "Marcus Bell, President and CEO" in page
    assert "From lender to data partner" in page
    assert "Families with young children" in page and "Home child-care loans" in page
    assert "Edit footprint" not in page


def test_the_same_population_twice_is_refused(client, carol):
    login(client, carol)
    data = new_footprint()
    age = str(Population.objects.get(slug="age-5-9").pk)
    total = int(data["populations-TOTAL_FORMS"])
    data |= {
        f"populations-{total}-population": age,
        f"populations-{total + 1}-population": age,
        "populations-TOTAL_FORMS": str(total + 2),
    }
    page = client.post(URL, data).content.decode()
    assert "Please correct the duplicate data for population" in page


def test_carol_updates_her_profile_and_adds_a_contact(client, carol):
    login(client, carol)
    url = "/c/riverton/organisations/little-steps-child-care-alliance/edit/"
    little = org("little-steps-child-care-alliance")
    contact = little.contacts.get()
    response = client.post(
        url,
        {
            "description": "Home-based care.",
            "website": "littlesteps.example.org",
            "families_reached": "1800",
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "1",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-id": str(contact.pk),
            "contacts-0-organisation": str(little.pk),
            "contacts-0-name": contact.name,
            "contacts-0-title": contact.title,
            "contacts-1-name": "Ana Lima",
            "contacts-1-title": "Family Engagement Lead",
        },
    )
    assert response.status_code == 302
    little.refresh_from_db()
    assert little.website == "https://littlesteps.example.org"
    assert little.contacts.filter(name="Ana Lima", title="Family Engagement Lead").exists()
