"""The network view: cities side by side, and strategies of the same kind across them."""

from __future__ import annotations

import pytest

from civicloop.core.tests.people import PASSWORD
from civicloop.declare import demo_network
from civicloop.declare.public.network import compare
from civicloop.results.models import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(riverton):
    net = Network.objects.get(slug="demo-network")
    demo_network.install(net)  # Brookhaven, the second city (rolled back after the test)
    return net


def test_cities_side_by_side_and_where_each_kind_of_strategy_worked(network, riverton):
    comparison = compare(network)
    assert [c.collaborative.city for c in comparison.cities] == ["Brookhaven", "Riverton"]
    riverton_city = comparison.cities[1]
    names = [row["indicator"].slug for block in riverton_city.results for row in block["rows"]]
    assert "third-grade-reading" in names and "small-business-loans" not in names  # declared only
    kinds = {row.kind: row for row in comparison.kinds}
    assert kinds["child-care-supply"].summary == ("Worked in Riverton; did not work in Brookhaven.")
    assert kinds["attendance"].summary == "Worked in Brookhaven; did not work in Riverton."
    # Riverton's table did not publish its decision on eviction diversion: only Brookhaven's.
    assert kinds["housing-stability"].summary == "Worked in Brookhaven."


def test_a_member_of_both_sees_every_strategy(network, riverton, erin):
    from civicloop.core.models import Membership, Role
    from civicloop.results.models import Collaborative

    Membership.objects.create(
        user=erin, collaborative=Collaborative.objects.get(slug="brookhaven"), role=Role.ANALYST
    )
    kinds = {k.kind: k for k in compare(network, member=erin).kinds}
    assert "Riverton" in kinds["housing-stability"].did_not + kinds["housing-stability"].unclear
    assert {"healthy-homes", "small-business", "savings"} <= set(kinds)


def test_the_public_and_members_pages(client, network, erin):
    page = client.get("/public/networks/demo-network/").content.decode()
    assert "Results side by side" in page and "Brookhaven" in page
    assert "Worked in Riverton; did not work in Brookhaven." in page
    detail = client.get("/public/networks/demo-network/results/early-literacy/").content.decode()
    assert detail.count("Third-grade reading proficiency") == 1  # one row, both cities
    assert '39.3%<span class="visually-hidden"> in Riverton' in detail
    assert '<span class="visually-hidden"> in Brookhaven' in detail
    assert client.get("/networks/demo-network/").status_code == 302  # members sign in
    assert client.login(username="erin", password=PASSWORD)
    page = client.get("/networks/demo-network/").content.decode()
    assert "Eviction diversion" in page  # undeclared, but erin is on Riverton's table
