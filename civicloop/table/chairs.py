"""Chairs: the organisations that chair or co-chair a table, their cross-sector reach, and
the commitments that start with their own institution."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Q

from civicloop.core.models import Membership, Role
from civicloop.results.models import Collaborative
from civicloop.table import footprints, overlap
from civicloop.table.models import Commitment, Organisation, Seat, SeatRole, Sector
from civicloop.table.network import HIGH

CHAIR_ROLES = (SeatRole.CHAIR, SeatRole.CO_CHAIR)


@dataclass
class SectorReach:
    sector: str
    label: str
    through_seats: list[Organisation] = field(default_factory=list)
    through_families: list[Organisation] = field(default_factory=list)


@dataclass
class Chair:
    organisation: Organisation
    seats: list[Seat]  # the tables it chairs or co-chairs
    people: list[Membership]
    reach: list[SectorReach] = field(default_factory=list)
    own_commitments: list[Commitment] = field(default_factory=list)
    table_commitments: list[Commitment] = field(default_factory=list)

    @property
    def sectors_reached(self) -> int:
        """Sectors other than its own that it shares a seat or families with."""
        return sum(1 for r in self.reach if r.sector != self.organisation.sector)


def chair_organisations(collaborative: Collaborative, on: date | None = None):
    """Organisations with a chair or co-chair seat now, or whose person holds the chair role."""
    seated = (
        Seat.active(on)
        .filter(result__collaborative=collaborative, role__in=CHAIR_ROLES)
        .values("organisation")
    )
    people = Membership.objects.filter(
        collaborative=collaborative, role=Role.CHAIR, organisation__isnull=False
    ).values("organisation")
    return Organisation.objects.filter(collaborative=collaborative).filter(
        Q(pk__in=seated) | Q(pk__in=people)
    )


def chairs(collaborative: Collaborative, on: date | None = None) -> list[Chair]:
    return [
        _seats_and_people(org, on)
        for org in chair_organisations(collaborative, on).order_by("name")
    ]


def _seats_and_people(organisation: Organisation, on: date | None) -> Chair:
    """A chair with the tables it chairs and its people in the chair role."""
    return Chair(
        organisation=organisation,
        seats=list(
            Seat.active(on)
            .filter(organisation=organisation, role__in=CHAIR_ROLES)
            .select_related("result")
        ),
        people=list(
            Membership.objects.filter(
                collaborative=organisation.collaborative_id,
                role=Role.CHAIR,
                organisation=organisation,
            ).select_related("user")
        ),
    )


def chair(organisation: Organisation, on: date | None = None) -> Chair:
    """One chair in full: reach across sectors and commitments, its own first."""
    collab = organisation.collaborative
    found = _seats_and_people(organisation, on)
    reach: dict[str, SectorReach] = {}

    def entry(org: Organisation) -> SectorReach:
        if org.sector not in reach:
            reach[org.sector] = SectorReach(org.sector, Sector(org.sector).label)
        return reach[org.sector]

    my_results = Seat.active(on).filter(organisation=organisation).values("result")
    neighbours = (
        Organisation.objects.filter(seats__in=Seat.active(on).filter(result__in=my_results))
        .exclude(pk=organisation.pk)
        .distinct()
        .order_by("name")
    )
    for org in neighbours:
        entry(org).through_seats.append(org)
    reg = footprints.load(collab)
    i = reg.position(organisation)
    closeness = overlap.pair_overlap(
        reg.tree,
        reg.areas_of([i]),
        [m[[i]] for m in reg.household_populations()],
        reg.areas_of(),
        reg.household_populations(),
    ).ravel()
    closeness[i] = 0
    for j in np.argsort(-closeness, kind="stable"):
        if closeness[j] < HIGH:
            break
        entry(reg.organisations[j]).through_families.append(reg.organisations[j])
    found.reach = sorted(reach.values(), key=lambda r: r.label)
    commitments = Commitment.objects.filter(collaborative=collab).select_related(
        "organisation", "owner"
    )
    found.own_commitments = list(commitments.filter(organisation=organisation))
    chaired = [s.result_id for s in found.seats]
    found.table_commitments = list(
        commitments.filter(results__in=chaired).exclude(organisation=organisation).distinct()
    )
    return found
