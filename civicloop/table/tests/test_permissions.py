"""Who may see and change the table, in sentences."""

from __future__ import annotations

import pytest

from civicloop.table.tests.helpers import login

pytestmark = pytest.mark.django_db

TABLE_PAGES = [
    "/c/riverton/table/",
    "/c/riverton/table/network/",
    "/c/riverton/table/chairs/",
    "/c/riverton/table/chairs/riverton-public-schools/",
    "/c/riverton/results/early-literacy/table/",
    "/c/riverton/organisations/riverton-public-schools/",
]


@pytest.mark.parametrize("url", TABLE_PAGES)
def test_the_public_is_asked_to_sign_in_for_the_table(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", TABLE_PAGES)
def test_frank_without_a_role_is_not_told_the_table_exists(client, frank, url):
    assert login(client, frank).get(url).status_code == 404


@pytest.mark.parametrize("url", TABLE_PAGES)
def test_erin_the_analyst_reads_every_table_page(client, erin, url):
    assert login(client, erin).get(url).status_code == 200


def test_the_public_sees_no_undeclared_rounds_or_commitments(client, riverton):
    rounds_page = client.get("/c/riverton/rounds/").content.decode()
    assert "Priorities for the 2025-26 school year" in rounds_page  # declared, closed
    assert "next $1 million" not in rounds_page  # open, not declared


def test_nobody_outside_sees_a_private_collaboratives_commitments(client, riverton):
    riverton.is_public = False
    riverton.save()
    assert client.get("/c/riverton/commitments/").status_code == 404
    assert client.get("/c/riverton/rounds/").status_code == 404


def test_erin_the_analyst_changes_nothing(client, erin):
    login(client, erin)
    assert client.get("/c/riverton/commitments/new/").status_code == 403
    assert client.get("/c/riverton/rounds/new/").status_code == 403
    assert client.get("/c/riverton/table/import/").status_code == 403
    assert (
        client.get("/c/riverton/organisations/riverton-public-schools/footprint/").status_code
        == 403
    )


def test_alice_the_backbone_admin_may_edit_any_footprint(client, alice):
    login(client, alice)
    assert (
        client.get("/c/riverton/organisations/riverton-housing-authority/footprint/").status_code
        == 200
    )
