"""The shared-families network: which organisations serve the same families, and which of
those pairs never sit at one table (the superintendent and the banker).

Weights come from `civicloop.table.overlap.pair_overlap` over areas and household income;
network measures (degree, weighted degree, betweenness) from networkx on the pairs whose
overlap reaches ``EDGE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations

import networkx as nx
import numpy as np
from django.urls import reverse

from civicloop.results.models import Collaborative
from civicloop.table import footprints, overlap
from civicloop.table.models import Organisation, Seat, Sector

EDGE = 0.9  # pairs at least this close are linked in the network
HIGH = 0.95  # ... and at least this close, with no shared seat, are highlighted
MAX_NODES = 200  # a large registry shows the seated organisations and their closest others


@dataclass
class Node:
    organisation: Organisation
    seated: bool
    degree: int
    strength: float
    betweenness: float


@dataclass
class Pair:
    a: Organisation
    b: Organisation
    overlap: float
    shared_results: list[str]

    @property
    def shared_seat(self) -> bool:
        return bool(self.shared_results)

    @property
    def cross_sector(self) -> bool:
        return self.a.sector != self.b.sector

    @property
    def highlighted(self) -> bool:
        return self.overlap >= HIGH and not self.shared_seat


@dataclass
class Network:
    nodes: list[Node]
    pairs: list[Pair]  # every link (overlap >= EDGE), closest first

    @property
    def highlighted(self) -> list[Pair]:
        """Close pairs with no shared seat, pairs across sectors first."""
        return sorted(
            (p for p in self.pairs if p.highlighted), key=lambda p: (not p.cross_sector, -p.overlap)
        )


def _seats_by_org(collaborative: Collaborative, on: date | None) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for org_id, title in (
        Seat.active(on)
        .filter(organisation__collaborative=collaborative)
        .values_list("organisation_id", "result__title")
    ):
        out.setdefault(org_id, set()).add(title)
    return out


def _choose(reg: footprints.Registry, seated: set[int]) -> np.ndarray:
    """All organisations, or for a large registry the seated ones and their closest others."""
    n = len(reg.organisations)
    if n <= MAX_NODES:
        return np.arange(n)
    rows = np.array([reg.position(pk) for pk in sorted(seated)], dtype=np.int64)
    closeness = overlap.pair_overlap(
        reg.tree,
        reg.areas_of(),
        reg.household_populations(),
        reg.areas_of(rows),
        [m[rows] for m in reg.household_populations()],
    ).max(axis=1)
    closeness[rows] = np.inf
    keep = np.argsort(-closeness, kind="stable")[:MAX_NODES]
    return np.sort(keep)


def shared_families(
    collaborative: Collaborative,
    *,
    registry: footprints.Registry | None = None,
    on: date | None = None,
) -> Network:
    reg = registry or footprints.load(collaborative)
    seats = _seats_by_org(collaborative, on)
    chosen = _choose(reg, set(seats))
    orgs = [reg.organisations[i] for i in chosen]
    weights = overlap.overlap_matrix(
        reg.tree, reg.areas_of(chosen), [m[chosen] for m in reg.household_populations()]
    )
    graph = nx.Graph()
    graph.add_nodes_from(range(len(orgs)))
    pairs = []
    for i, j in combinations(range(len(orgs)), 2):
        w = float(weights[i, j])
        if w >= EDGE:
            graph.add_edge(i, j, weight=w, distance=1.0 / w)
            shared = sorted(seats.get(orgs[i].pk, set()) & seats.get(orgs[j].pk, set()))
            pairs.append(Pair(orgs[i], orgs[j], w, shared))
    betweenness = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    nodes = [
        Node(
            organisation=org,
            seated=org.pk in seats,
            degree=graph.degree(i),
            strength=float(graph.degree(i, weight="weight")),
            betweenness=float(betweenness[i]),
        )
        for i, org in enumerate(orgs)
    ]
    pairs.sort(key=lambda p: (-p.overlap, p.a.name, p.b.name))
    return Network(nodes=nodes, pairs=pairs)


def vega_spec(network: Network, collaborative: Collaborative) -> dict:
    """A Vega force-directed graph: nodes sized by betweenness, coloured by sector; links in
    red where two close organisations share no seat. Click a node to open the organisation."""
    index = {node.organisation.pk: i for i, node in enumerate(network.nodes)}
    labelled = len(network.nodes) <= 40
    nodes = [
        {
            "index": i,
            "name": node.organisation.name,
            "sector": Sector(node.organisation.sector).label,
            "seated": node.seated,
            "degree": node.degree,
            "betweenness": round(node.betweenness, 3),
            "label": node.organisation.name if labelled or node.betweenness > 0.05 else "",
            "url": reverse("organisation", args=[collaborative.slug, node.organisation.slug]),
        }
        for i, node in enumerate(network.nodes)
    ]
    links = [
        {
            "source": index[p.a.pk],
            "target": index[p.b.pk],
            "overlap": round(p.overlap, 3),
            "highlight": p.highlighted,
            "pair": f"{p.a.name} – {p.b.name}",
        }
        for p in network.pairs
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega/v6.json",
        "description": "Organisations that serve the same families, linked by their overlap",
        "height": 620,
        "padding": 8,
        "autosize": "none",
        "signals": [
            {
                "name": "width",
                "init": "max(320, containerSize()[0] - 16)",
                "on": [{"events": "window:resize", "update": "max(320, containerSize()[0] - 16)"}],
            },
            {"name": "cx", "update": "width > 700 ? width / 2 + 100 : width / 2"},
            {"name": "cy", "update": "height / 2"},
            {
                "name": "hover",
                "value": None,
                "on": [
                    {"events": "@nodes:pointerover", "update": "datum.index"},
                    {"events": "@nodes:pointerout", "update": "null"},
                ],
            },
        ],
        "data": [
            {
                "name": "node-data",
                "values": nodes,
                # Where each node is pulled, gently, so that lone organisations stay in view.
                "transform": [
                    {"type": "formula", "as": "tx", "expr": "cx"},
                    {"type": "formula", "as": "ty", "expr": "cy"},
                ],
            },
            {"name": "link-data", "values": links},
        ],
        "scales": [
            {
                "name": "colour",
                "type": "ordinal",
                "domain": {"data": "node-data", "field": "sector", "sort": True},
                "range": {"scheme": "category20"},
            },
            {
                "name": "size",
                "type": "linear",
                "domain": {"data": "node-data", "field": "betweenness"},
                "zero": True,
                "range": [90, 700],
            },
        ],
        "legends": [
            {
                "fill": "colour",
                "title": "Sector",
                "orient": "top-left",
                "symbolType": "circle",
                "labelLimit": 260,
                "fillColor": "rgba(255,255,255,0.85)",
                "padding": 6,
            }
        ],
        "marks": [
            {
                "name": "links",
                "type": "path",
                "from": {"data": "link-data"},
                "interactive": False,
                "encode": {
                    "update": {
                        "stroke": [
                            {"test": "datum.highlight", "value": "#a3261b"},
                            {"value": "#8a94a3"},
                        ],
                        "strokeWidth": [
                            {"test": "datum.highlight", "value": 3},
                            {"value": 1},
                        ],
                        "strokeDash": [
                            {"test": "datum.highlight", "value": [6, 3]},
                            {"value": []},
                        ],
                        "strokeOpacity": [
                            {
                                "test": "hover != null && (datum.source.datum.index == hover"
                                " || datum.target.datum.index == hover)",
                                "value": 1,
                            },
                            {"test": "hover != null", "value": 0.08},
                            {"test": "datum.highlight", "value": 0.9},
                            {"value": 0.35},
                        ],
                    }
                },
                "transform": [
                    {
                        "type": "linkpath",
                        "require": {"signal": "force"},
                        "shape": "line",
                        "sourceX": "datum.source.x",
                        "sourceY": "datum.source.y",
                        "targetX": "datum.target.x",
                        "targetY": "datum.target.y",
                    }
                ],
            },
            {
                "name": "nodes",
                "type": "symbol",
                "zindex": 1,
                "from": {"data": "node-data"},
                "encode": {
                    "enter": {
                        "fill": {"scale": "colour", "field": "sector"},
                        "stroke": {"value": "#1b1f24"},
                        "cursor": {"value": "pointer"},
                        "href": {"field": "url"},
                        "tooltip": {
                            "signal": "{title: datum.name, 'Sector': datum.sector, "
                            "'At a table': datum.seated ? 'yes' : 'no', "
                            "'Links': datum.degree, 'Betweenness': datum.betweenness}"
                        },
                    },
                    "update": {
                        "size": {"scale": "size", "field": "betweenness"},
                        "strokeWidth": [
                            {"test": "datum.seated", "value": 1},
                            {"value": 3},
                        ],
                        "strokeDash": [
                            {"test": "datum.seated", "value": []},
                            {"value": [3, 2]},
                        ],
                        "fillOpacity": [
                            {"test": "datum.seated", "value": 1},
                            {"value": 0.45},
                        ],
                    },
                },
                "transform": [
                    {
                        "type": "force",
                        "iterations": 300,
                        "static": True,
                        "signal": "force",
                        "forces": [
                            {"force": "center", "x": {"signal": "cx"}, "y": {"signal": "cy"}},
                            {"force": "collide", "radius": 26},
                            {"force": "nbody", "strength": -260, "distanceMax": 320},
                            {"force": "link", "links": "link-data", "distance": 120},
                            {"force": "x", "x": "datum.tx", "strength": 0.07},
                            {"force": "y", "y": "datum.ty", "strength": 0.1},
                        ],
                    }
                ],
            },
            {
                "type": "text",
                "from": {"data": "nodes"},
                "interactive": False,
                "zindex": 2,
                "encode": {
                    "enter": {
                        "text": {"field": "datum.label"},
                        "fontSize": {"value": 11},
                        "fill": {"value": "#1b1f24"},
                        "limit": {"value": 170},
                    },
                },
                "transform": [
                    {
                        "type": "label",
                        "offset": [4, 4, 4, 4, 4, 4, 4, 4],
                        "anchor": [
                            "right",
                            "left",
                            "top",
                            "bottom",
                            "top-right",
                            "bottom-right",
                            "top-left",
                            "bottom-left",
                        ],
                        "size": {"signal": "[width, height]"},
                    }
                ],
            },
        ],
    }
