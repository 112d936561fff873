"""Reimagined roles: a catalogue, and each organisation's history of role changes."""

from __future__ import annotations

import pytest

from civicloop.table.models import PartnerRole, RoleChange, current_roles
from civicloop.table.tests.helpers import login, org

pytestmark = pytest.mark.django_db


def role(slug: str) -> PartnerRole:
    return PartnerRole.objects.get(slug=slug)


def test_the_catalogue_has_the_roles_that_break_orthodoxies():
    assert {"data-partner", "housing-investor", "lender", "convener"} <= set(
        PartnerRole.objects.values_list("slug", flat=True)
    )


def test_a_bank_that_becomes_a_data_partner(riverton):
    fund = org("riverton-community-development-fund")
    history = list(fund.role_changes.all())
    assert [(c.from_role_id and c.from_role.slug, c.to_role.slug) for c in history] == [
        (None, "lender"),
        ("lender", "data-partner"),
    ]
    assert [r.slug for r in current_roles(history)] == ["data-partner"]


def test_current_roles_replay_the_history():
    schools = org("riverton-public-schools")
    assert {r.slug for r in current_roles(schools.role_changes.all())} == {
        "convener",
        "data-partner",
    }


def test_carol_records_a_change_of_role_for_her_organisation(client, carol):
    login(client, carol)
    url = "/c/riverton/organisations/little-steps-child-care-alliance/roles/new/"
    response = client.post(
        url,
        {
            "to_role": role("data-partner").pk,
            "since": "2026-01-15",
            "why": "Shares its providers' enrolment with the school district.",
        },
    )
    assert response.status_code == 302
    change = RoleChange.objects.get(organisation=org("little-steps-child-care-alliance"))
    assert change.recorded_by == carol and change.from_role is None
    page = client.get(
        "/c/riverton/organisations/little-steps-child-care-alliance/"
    ).content.decode()
    assert "Takes on the role of data partner" in page


def test_dave_cannot_record_a_role_for_little_steps(client, dave):
    login(client, dave)
    url = "/c/riverton/organisations/little-steps-child-care-alliance/roles/new/"
    assert client.get(url).status_code == 403


def test_bob_the_chair_records_a_hospital_becoming_a_housing_investor(client, bob):
    login(client, bob)
    url = "/c/riverton/organisations/riverton-medical-partners/roles/new/"
    client.post(
        url,
        {
            "to_role": role("housing-investor").pk,
            "since": "2026-02-01",
            "why": "Funds repairs in patients' homes.",
        },
    )
    assert RoleChange.objects.filter(
        organisation=org("riverton-medical-partners"), to_role=role("housing-investor")
    ).exists()


def test_a_change_must_start_from_a_role_the_organisation_plays(client, alice):
    login(client, alice)
    url = "/c/riverton/organisations/riverton-savings-bank/roles/new/"
    page = client.post(
        url,
        {
            "from_role": role("convener").pk,
            "to_role": role("data-partner").pk,
            "since": "2026-01-01",
            "why": "x",
        },
    ).content.decode()
    assert "Select a valid choice" in page
