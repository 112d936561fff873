"""A collaborative's registry of organisations as the matrices `overlap` works on.

Reads every organisation's footprint (areas with client shares, populations with shares,
families reached) in a handful of queries and hands `overlap` plain arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from civicloop.results.models import Area, Collaborative, Result
from civicloop.table import overlap
from civicloop.table.models import (
    Organisation,
    OrganisationArea,
    OrganisationPopulation,
    Population,
    PopulationKind,
    ResultPopulation,
)

HOUSEHOLD_KINDS = (PopulationKind.INCOME,)


@dataclass
class Registry:
    collaborative: Collaborative
    organisations: list[Organisation]
    areas: list[Area]
    leaves: list[Area]
    area_shares: sparse.csr_array  # organisations x areas
    tree: overlap.Tree
    populations: dict[str, list[Population]]
    population_shares: dict[str, sparse.csr_array]
    reach: np.ndarray
    index: dict[int, int] = field(default_factory=dict)

    def position(self, organisation: Organisation | int) -> int:
        return self.index[getattr(organisation, "pk", organisation)]

    def areas_of(self, rows=None) -> sparse.csr_array:
        """Organisations (all, or the given rows) x areas."""
        return self.area_shares if rows is None else sparse.csr_array(self.area_shares[rows])

    def focus_vector(self, focus_areas) -> np.ndarray:
        """For each area, the share of it inside the focus areas (None: everywhere)."""
        if focus_areas is None:
            return np.ones(len(self.areas))
        by_id = {a.pk: a for a in self.areas}
        wanted = {a.pk for a in focus_areas}
        leaves = np.zeros(len(self.leaves))
        for j, leaf in enumerate(self.leaves):
            node = leaf
            while node is not None:
                if node.pk in wanted:
                    leaves[j] = 1.0
                    break
                node = by_id.get(node.parent_id)
        return overlap.area_focus(self.tree.spread, leaves)

    def result_populations(self, result: Result) -> dict[str, overlap.Wanted]:
        """For each kind of population the result names, what `overlap` needs."""
        wanted = set(
            ResultPopulation.objects.filter(result=result).values_list("population_id", flat=True)
        )
        out = {}
        for kind, pops in self.populations.items():
            vector = np.array([1.0 if p.pk in wanted else 0.0 for p in pops])
            if vector.any():
                out[kind] = overlap.Wanted(
                    self.population_shares[kind], vector, tags=kind == PopulationKind.GROUP
                )
        return out

    def household_populations(self) -> list[sparse.csr_array]:
        """The kinds that describe a whole household, for the shared-families network."""
        return [self.population_shares[kind] for kind in HOUSEHOLD_KINDS]


def load(collaborative: Collaborative) -> Registry:
    organisations = list(Organisation.objects.filter(collaborative=collaborative).order_by("pk"))
    index = {o.pk: i for i, o in enumerate(organisations)}
    areas = list(Area.objects.filter(collaborative=collaborative).order_by("pk"))
    area_index = {a.pk: i for i, a in enumerate(areas)}
    parent = np.array([area_index.get(a.parent_id, -1) for a in areas], dtype=np.int64)
    tree = overlap.Tree.build(parent)
    rows, cols, shares = [], [], []
    for org_id, area_id, share in OrganisationArea.objects.filter(
        organisation__collaborative=collaborative
    ).values_list("organisation_id", "area_id", "client_share"):
        if area_id in area_index:
            rows.append(index[org_id])
            cols.append(area_index[area_id])
            shares.append(np.nan if share is None else share)
    area_shares = overlap.distribution(
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(shares, dtype=np.float64),
        (len(organisations), len(areas)),
        complete=False,
    )
    populations: dict[str, list[Population]] = {k: [] for k in PopulationKind.values}
    for pop in Population.objects.all():
        populations[pop.kind].append(pop)
    pop_index = {p.pk: (kind, j) for kind, pops in populations.items() for j, p in enumerate(pops)}
    triples: dict[str, tuple[list, list, list]] = {k: ([], [], []) for k in populations}
    for org_id, pop_id, share in OrganisationPopulation.objects.filter(
        organisation__collaborative=collaborative
    ).values_list("organisation_id", "population_id", "share"):
        kind, j = pop_index[pop_id]
        r, c, s = triples[kind]
        r.append(index[org_id])
        c.append(j)
        s.append(np.nan if share is None else share)
    population_shares = {
        kind: overlap.distribution(
            np.array(r, dtype=np.int64),
            np.array(c, dtype=np.int64),
            np.array(s, dtype=np.float64),
            (len(organisations), len(populations[kind])),
            complete=True,
        )
        for kind, (r, c, s) in triples.items()
    }
    reach = np.array(
        [np.nan if o.families_reached is None else o.families_reached for o in organisations],
        dtype=np.float64,
    )
    return Registry(
        collaborative=collaborative,
        organisations=organisations,
        areas=areas,
        leaves=[areas[i] for i in tree.leaf_ids],
        area_shares=area_shares,
        tree=tree,
        populations=populations,
        population_shares=population_shares,
        reach=reach,
        index=index,
    )
