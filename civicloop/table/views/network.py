"""The shared-families network page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from civicloop.table import network as shared
from civicloop.table.views.common import member_collaborative


@login_required
def network(request, slug: str):
    collab = member_collaborative(request, slug)
    net = shared.shared_families(collab)
    nodes = sorted(net.nodes, key=lambda n: (-n.betweenness, -n.strength))
    return render(
        request,
        "table/network.html",
        {
            "collaborative": collab,
            "network": net,
            "nodes": nodes,
            "highlighted": net.highlighted,
            "spec": shared.vega_spec(net, collab),
            "edge": shared.EDGE,
            "high": shared.HIGH,
        },
    )
