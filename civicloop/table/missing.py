"""Who is missing from a result's table, and which sectors it lacks.

`who_is_missing` ranks the organisations without a seat at the result's table by how much
their footprint overlaps the result's focus areas and population (the formula is in
`civicloop.table.overlap`), and says why each one is suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from civicloop.results.models import Indicator, Result
from civicloop.table import footprints, network, overlap
from civicloop.table.models import IndicatorSector, Organisation, PopulationKind, Seat, Sector
from civicloop.table.registry import named_by_code

# Whole sentences, so each language can give its noun its own article and gender.
NOBODY_OF_SECTOR = {
    Sector.EDUCATION_K12: gettext_lazy("no school district or school sits at this table"),
    Sector.EARLY_CHILDHOOD: gettext_lazy("no early-childhood organisation sits at this table"),
    Sector.HIGHER_EDUCATION: gettext_lazy("no college or university sits at this table"),
    Sector.COMMUNITY_FINANCE: gettext_lazy("no community lender or bank sits at this table"),
    Sector.HEALTH_SYSTEM: gettext_lazy("no health organisation sits at this table"),
    Sector.PUBLIC_HEALTH: gettext_lazy("no public-health agency sits at this table"),
    Sector.HOUSING: gettext_lazy("no housing organisation sits at this table"),
    Sector.WORKFORCE: gettext_lazy("no workforce organisation or employer sits at this table"),
    Sector.CHILD_CARE: gettext_lazy("no child-care provider sits at this table"),
    Sector.HUMAN_SERVICES: gettext_lazy("no human-services organisation sits at this table"),
    Sector.GOVERNMENT: gettext_lazy("no city or county department sits at this table"),
    Sector.PHILANTHROPY: gettext_lazy("no funder sits at this table"),
    Sector.FAITH_COMMUNITY: gettext_lazy("no faith or community group sits at this table"),
    Sector.RESIDENTS: gettext_lazy("no residents' association sits at this table"),
}


@dataclass
class SectorNeed:
    sector: str
    label: str
    indicators: list[Indicator]
    seated: list[Organisation]

    @property
    def covered(self) -> bool:
        return bool(self.seated)


def sector_coverage(result: Result, on: date | None = None) -> list[SectorNeed]:
    """Each sector the result's indicators depend on, and who of that sector sits at its table.

    Uncovered sectors first, then by sector name.
    """
    seated: dict[str, list[Organisation]] = {}
    for seat in Seat.active(on).filter(result=result).select_related("organisation"):
        seated.setdefault(seat.organisation.sector, [])
        if seat.organisation not in seated[seat.organisation.sector]:
            seated[seat.organisation.sector].append(seat.organisation)
    needs: dict[str, SectorNeed] = {}
    for need in (
        IndicatorSector.objects.filter(indicator__result=result)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__name")
    ):
        entry = needs.get(need.sector)
        if entry is None:
            entry = needs[need.sector] = SectorNeed(
                need.sector, Sector(need.sector).label, [], seated.get(need.sector, [])
            )
        entry.indicators.append(need.indicator)
    return sorted(needs.values(), key=lambda n: (n.covered, n.label))


@dataclass
class Suggestion:
    organisation: Organisation
    score: float
    area_share: float
    population: float
    families: float
    fills_sector: str | None
    reasons: list[str] = field(default_factory=list)

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def focus_names(result: Result) -> list[str]:
    """The focus areas as a reader names them: the largest ones, not every neighbourhood."""
    focus = list(result.focus_areas.all())
    ids = {a.pk for a in focus}
    return [a.name for a in focus if a.parent_id not in ids]


def who_is_missing(
    result: Result,
    *,
    limit: int = 10,
    registry: footprints.Registry | None = None,
    on: date | None = None,
) -> list[Suggestion]:
    reg = registry or footprints.load(result.collaborative)
    if not reg.organisations:
        return []
    focus = reg.focus_vector(list(result.focus_areas.all()) or None)
    populations = reg.result_populations(result)
    gaps = {need.sector for need in sector_coverage(result, on) if not need.covered}
    sectors = np.array([o.sector for o in reg.organisations])
    fills = np.isin(sectors, sorted(gaps))
    scores = overlap.missing_scores(
        reg.area_shares, focus, list(populations.values()), reg.reach, fills
    )
    seats = list(
        Seat.objects.filter(organisation__collaborative=result.collaborative).select_related(
            "result"
        )
    )
    seated_here = {s.organisation_id for s in seats if s.result_id == result.pk and s.is_active(on)}
    # An organisation "named" by a code (a registry read from the wrong column before the
    # importer knew better) is not someone a chair can invite.
    exclude = np.array([o.pk in seated_here or named_by_code(o.name) for o in reg.organisations])
    top = scores.top(limit, exclude)
    table_rows = np.array([reg.position(pk) for pk in sorted(seated_here)], dtype=np.int64)
    ties = (
        overlap.pair_overlap(
            reg.tree,
            reg.areas_of(top),
            [m[top] for m in reg.household_populations()],
            reg.areas_of(table_rows),
            [m[table_rows] for m in reg.household_populations()],
        )
        if len(top) and len(table_rows)
        else np.zeros((len(top), 0))
    )
    where = ", ".join(focus_names(result)) or _("%(city)s's areas") % {
        "city": result.collaborative.city
    }
    out = []
    for row, i in enumerate(top):
        org = reg.organisations[i]
        reasons = [
            _("serves %(share)s of its clients in %(where)s")
            % {"share": f"{scores.area_share[i]:.0%}", "where": where}
        ]
        reasons += _population_reasons(reg, populations, i)
        if np.isnan(reg.reach[i]):
            reasons.append(_("families reached not recorded (assumed typical)"))
        else:
            reasons.append(
                _("reaches about %(n)s of these families")
                % {"n": f"{_round(scores.families[i]):,}"}
            )
        fills_sector = org.sector if scores.fills_gap[i] else None
        if fills_sector:
            reasons.append(str(NOBODY_OF_SECTOR[Sector(fills_sector)]))
        close = [
            reg.organisations[table_rows[j]].name
            for j in np.argsort(-ties[row])
            if ties[row, j] >= network.HIGH
        ]
        if close:
            names = ", ".join(close[:2])
            if len(close) > 2:
                names = _("%(names)s and %(n)s more") % {"names": names, "n": len(close) - 2}
            reasons.append(_("serves the same families as %(names)s") % {"names": names})
        reasons.append(_seat_history(org, result, seats, on))
        out.append(
            Suggestion(
                organisation=org,
                score=float(scores.score[i]),
                area_share=float(scores.area_share[i]),
                population=float(scores.population[i]),
                families=float(scores.families[i]),
                fills_sector=fills_sector,
                reasons=[r for r in reasons if r],
            )
        )
    return out


def _population_reasons(
    reg: footprints.Registry, populations: dict[str, overlap.Wanted], i: int
) -> list[str]:
    out = []
    for kind_slug, kind in populations.items():
        pops = reg.populations[kind_slug]
        wanted = [p.name for p, w in zip(pops, kind.wanted, strict=True) if w]
        row = kind.matrix[[i]].toarray().ravel()
        if kind.tags:
            served = [p.name for p, w, v in zip(pops, kind.wanted, row, strict=True) if w and v]
            out.append(
                _("serves %(whom)s") % {"whom": _and(served).lower()}
                if served
                else _("has not said it serves %(whom)s (counted as a half match)")
                % {"whom": _or(wanted).lower()}
            )
        elif row.sum() > 0:
            out.append(
                _("%(share)s of its clients are %(whom)s")
                % {"share": f"{row @ kind.wanted:.0%}", "whom": _or(wanted).lower()}
            )
        else:
            kind_name = PopulationKind(kind_slug).label.lower()
            out.append(
                _("has not recorded its clients by %(kind)s (counted as a half match)")
                % {"kind": kind_name}
            )
    return out


def _and(names: list[str]) -> str:
    names = [str(n) for n in names]  # choices' labels are lazily translated
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _or(names: list[str]) -> str:
    names = [str(n) for n in names]
    if len(names) == 1:
        return names[0]
    return _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _round(value: float) -> int:
    """Two significant figures: estimates should not look more precise than they are."""
    if value < 10:
        return int(round(value))
    digits = int(np.floor(np.log10(value))) - 1
    return int(round(value, -digits))


def _seat_history(org: Organisation, result: Result, seats: list[Seat], on) -> str:
    mine = [s for s in seats if s.organisation_id == org.pk]
    on = on or timezone.localdate()
    left_here = [s for s in mine if s.result_id == result.pk and s.left and s.left <= on]
    elsewhere = sorted({s.result.title for s in mine if s.is_active(on)})
    if left_here:
        last = max(left_here, key=lambda s: s.left or s.joined)
        if not last.left:
            return ""
        return _("left this table in %(month)s") % {"month": date_format(last.left, "F Y")}
    if elsewhere:
        return ngettext(
            "sits at the %(tables)s table", "sits at the %(tables)s tables", len(elsewhere)
        ) % {"tables": ", ".join(elsewhere)}
    return _("has no seat at any table")
