"""The shared-families network: weights, network measures, and the pairs with no shared seat."""

from __future__ import annotations

import json
import re

import pytest

from civicloop.table import network
from civicloop.table.models import Seat
from civicloop.table.tests.helpers import login

pytestmark = pytest.mark.django_db


def test_links_reach_the_threshold_and_highlighted_pairs_share_no_seat(riverton):
    net = network.shared_families(riverton)
    assert len(net.nodes) == riverton.organisations.count()
    assert net.pairs and all(p.overlap >= network.EDGE for p in net.pairs)
    assert net.highlighted and all(p.overlap >= network.HIGH for p in net.highlighted)
    seats = {}
    for org_id, result_id in Seat.active().values_list("organisation", "result"):
        seats.setdefault(org_id, set()).add(result_id)
    for pair in net.highlighted:
        assert not seats.get(pair.a.pk, set()) & seats.get(pair.b.pk, set())
    cross = [p.cross_sector for p in net.highlighted]
    assert cross == sorted(cross, reverse=True)  # across sectors first


def test_the_superintendent_and_the_workforce_board_serve_the_same_families(riverton):
    net = network.shared_families(riverton)
    pairs = {frozenset((p.a.slug, p.b.slug)): p for p in net.highlighted}
    pair = pairs[frozenset(("riverton-public-schools", "riverton-workforce-board"))]
    assert pair.cross_sector and pair.overlap > 0.95


def test_network_measures_come_from_networkx(riverton):
    net = network.shared_families(riverton)
    by_slug = {n.organisation.slug: n for n in net.nodes}
    assert by_slug["greater-mt-zion-church"].degree == 0
    assert max(n.betweenness for n in net.nodes) > 0
    degree = sum(n.degree for n in net.nodes)
    assert degree == 2 * len(net.pairs)


def test_the_page_carries_an_offline_vega_graph_and_its_tables(client, carol):
    page = login(client, carol).get("/c/riverton/table/network/").content.decode()
    spec = json.loads(
        re.search(r'<script id="network-spec" type="application/json">(.*?)</script>', page, re.S)[
            1
        ]
    )
    assert spec["$schema"].endswith("vega/v6.json")
    assert len(spec["data"][0]["values"]) == 24 and spec["data"][1]["values"]
    assert any(link["highlight"] for link in spec["data"][1]["values"])
    assert "/static/civicloop/vendor/vega.min.js" in page and "cdn" not in page.lower()
    assert "Close pairs that share no seat" in page and "Betweenness" in page
