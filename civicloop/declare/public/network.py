"""The network view: several cities' results side by side, and for strategies of the same
kind (`Strategy.kind`), what the evidence says in each city: where it worked, where not.

The public sees public collaboratives, their declared indicators, and the evidence about
strategies their tables published a decision on; a signed-in member (a funder overseeing
the network) sees whatever their roles let them see, every strategy's evidence included.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from civicloop.core import access
from civicloop.declare.public.snapshot import Snapshot
from civicloop.learn import words
from civicloop.results.models import Network

WORKED = {"working"}
DID_NOT = {"not_working", "harmful"}


@dataclass
class City:
    snapshot: Snapshot
    results: list[dict[str, Any]]

    @property
    def collaborative(self):
        return self.snapshot.collaborative


@dataclass
class KindRow:
    """One kind of strategy across the network's cities."""

    kind: str
    cells: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # collaborative pk
    worked: list[str] = field(default_factory=list)
    did_not: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.kind.replace("-", " ").replace("_", " ").capitalize()

    @property
    def summary(self) -> str:
        parts = []
        if self.worked:
            parts.append(f"worked in {_and(self.worked)}")
        if self.did_not:
            parts.append(f"did not work in {_and(self.did_not)}")
        if self.unclear:
            parts.append(f"too early or unclear in {_and(self.unclear)}")
        text = "; ".join(parts) or "no evidence published yet"
        return text[:1].upper() + text[1:] + "."


@dataclass
class Standing:
    """One city's standing on one result: how many of its indicators go which way."""

    city: City
    block: dict[str, Any] | None  # the rows of `pages.result_rows`, None if not measured
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Across:
    """One result (by its code) across the network's cities, and its indicators by code."""

    slug: str
    title: str
    standings: list[Standing]
    indicators: list[tuple[str, dict[int, dict[str, Any]]]]  # (name, {collaborative pk: row})


@dataclass
class Comparison:
    network: Network
    cities: list[City]
    kinds: list[KindRow]
    results: list[Across] = field(default_factory=list)

    def result(self, slug: str) -> Across:
        for across in self.results:
            if across.slug == slug:
                return across
        raise Http404("No such result in this network")


def compare(network: Network, member=None, only: set[int] | None = None) -> Comparison:
    """Results side by side and strategies by kind, as the public (or `member`) sees them.

    only: the collaboratives to include (a static build of some of them), by id.
    """
    from civicloop.declare.public.pages import result_rows

    if member is None:
        collaboratives = network.collaboratives.filter(is_public=True)
    else:
        visible = access.visible_collaboratives(member)
        collaboratives = network.collaboratives.filter(pk__in=visible.values("pk"))
    cities = []
    if only is not None:
        collaboratives = collaboratives.filter(pk__in=only)
    for collab in collaboratives.order_by("name"):
        reader = member if member is not None and access.is_member(member, collab) else None
        if reader is None and not collab.is_public:
            continue
        snap = Snapshot(collab, member=reader)
        cities.append(City(snap, [result_rows(snap, r) for r in snap.results]))
    return Comparison(network, cities, _kinds(cities), _across(cities))


def _across(cities: list[City]) -> list[Across]:
    """Each result by its code, each city's standing on it, and its indicators by code: a
    network page stays small however many indicators each city has."""
    from civicloop.declare.public.pages import verdict_counts

    titles: dict[str, str] = OrderedDict()
    blocks: dict[tuple[str, int], dict[str, Any]] = {}
    for city in cities:
        for block in city.results:
            titles.setdefault(block["result"].slug, block["result"].title)
            blocks[(block["result"].slug, city.collaborative.pk)] = block
    out = []
    for slug, title in titles.items():
        standings = []
        names: dict[str, str] = OrderedDict()
        rows: dict[str, dict[int, dict[str, Any]]] = {}
        for city in cities:
            block = blocks.get((slug, city.collaborative.pk))
            standings.append(Standing(city, block, verdict_counts(block["rows"]) if block else {}))
            for row in block["rows"] if block else []:
                ind = row["indicator"]
                names.setdefault(ind.slug, ind.name)
                rows.setdefault(ind.slug, {})[city.collaborative.pk] = row
        out.append(Across(slug, title, standings, [(names[k], rows[k]) for k in names]))
    return out


def _kinds(cities: list[City]) -> list[KindRow]:
    from civicloop.table.models import Strategy

    rows: dict[str, KindRow] = OrderedDict()
    for city in cities:
        snap = city.snapshot
        strategies = {
            s.slug: s
            for s in Strategy.objects.filter(collaborative=snap.collaborative).exclude(kind="")
        }
        for effects in snap.declared_effects.values():
            for effect in effects:
                strategy = strategies.get(effect.strategy)
                if strategy is None:
                    continue
                row = rows.setdefault(strategy.kind, KindRow(strategy.kind))
                row.cells.setdefault(snap.collaborative.pk, []).append(
                    {
                        "strategy": strategy.name,
                        "indicator": effect.indicator_name,
                        "status": effect.status,
                        "words": words.say(effect.words),
                        "badge": words.badge(effect.status),
                        "sentence": effect.sentence,
                    }
                )
    for row in rows.values():
        for city in cities:
            statuses = {c["status"] for c in row.cells.get(city.collaborative.pk, [])}
            if not statuses:
                continue
            name = city.collaborative.city
            if statuses & WORKED:
                row.worked.append(name)
            elif statuses & DID_NOT:
                row.did_not.append(name)
            else:
                row.unclear.append(name)
    return sorted(rows.values(), key=lambda r: r.kind)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
