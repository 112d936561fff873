"""REST endpoints for the table: organisations and footprints, seats, who is missing, the
shared-families network, commitments, roles and prioritisation rounds.

Reads answer with what the caller may see (the table's members see everything; the public
only declared commitments and rounds). Writes use ``auth=django_auth`` (which checks CSRF)
and the same rules as the pages: an organisation's own members change its footprint,
commitments and ballots; chairs and backbone admins seat organisations and run rounds.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from civicloop.core import access
from civicloop.results.models import Area, Collaborative, Result
from civicloop.table import missing, network, rounds
from civicloop.table.models import (
    Commitment,
    CommitmentStatus,
    Contact,
    Organisation,
    OrganisationArea,
    OrganisationPopulation,
    PartnerRole,
    Population,
    PopulationKind,
    RoleChange,
    Round,
    RoundMethod,
    Seat,
    SeatRole,
    Strategy,
    current_roles,
)

router = Router(tags=["table"])


# --- who may see ------------------------------------------------------------------------


def _visible(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.visible_collaboratives(request.user).filter(pk=collab.pk).exists():
        raise Http404
    return collab


def _member(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404
    return collab


def _organisation(collab: Collaborative, org: str) -> Organisation:
    return get_object_or_404(Organisation, collaborative=collab, slug=org)


def _may_edit(request, org: Organisation) -> None:
    if not access.can_edit_organisation(request.user, org):
        raise HttpError(403, "only the organisation's own members can change this")


def _may_manage(request, collab: Collaborative) -> None:
    if not access.can_manage(request.user, collab):
        raise HttpError(403, "only chairs and backbone admins can do this")


# --- organisations and footprints ---------------------------------------------------------


class OrganisationOut(Schema):
    slug: str
    name: str
    sector: str
    ntee_code: str
    ein: str
    families_reached: int | None
    description: str
    website: str


class AreaShare(Schema):
    area: str = Field(description="Area code.")
    share: float | None = Field(None, ge=0, le=1, description="Share of clients (0-1).")


class PopulationShare(Schema):
    population: str = Field(description="Population slug, e.g. age-0-4.")
    share: float | None = Field(None, ge=0, le=1, description="Bands only; groups are tags.")


class Footprint(Schema):
    families_reached: int | None = None
    areas: list[AreaShare] = []
    populations: list[PopulationShare] = []


@router.get("/collaboratives/{slug}/organisations", response=list[OrganisationOut])
def list_organisations(request, slug: str):
    return Organisation.objects.filter(collaborative=_member(request, slug))


@router.get("/collaboratives/{slug}/organisations/{org}", response=OrganisationOut)
def get_organisation(request, slug: str, org: str):
    return _organisation(_member(request, slug), org)


def _footprint(org: Organisation) -> Footprint:
    return Footprint(
        families_reached=org.families_reached,
        areas=[
            AreaShare(area=f.area.code, share=f.client_share)
            for f in org.footprint.select_related("area").order_by("area__code")
        ],
        populations=[
            PopulationShare(population=p.population.slug, share=p.share)
            for p in org.populations_served.select_related("population")
        ],
    )


@router.get("/collaboratives/{slug}/organisations/{org}/footprint", response=Footprint)
def get_footprint(request, slug: str, org: str):
    return _footprint(_organisation(_member(request, slug), org))


@router.put(
    "/collaboratives/{slug}/organisations/{org}/footprint", response=Footprint, auth=django_auth
)
def put_footprint(request, slug: str, org: str, body: Footprint):
    """Replace the organisation's footprint (areas, populations, families reached)."""
    collab = _member(request, slug)
    organisation = _organisation(collab, org)
    _may_edit(request, organisation)
    areas = {a.code: a for a in Area.objects.filter(collaborative=collab)}
    pops = {p.slug: p for p in Population.objects.all()}
    unknown = [a.area for a in body.areas if a.area not in areas]
    unknown += [p.population for p in body.populations if p.population not in pops]
    if unknown:
        raise HttpError(422, f"unknown area or population: {', '.join(unknown)}")
    if sum(a.share or 0 for a in body.areas) > 1.000001:
        raise HttpError(422, "area shares add up to more than 1")
    for kind in (PopulationKind.AGE, PopulationKind.INCOME):
        total = sum(p.share or 0 for p in body.populations if pops[p.population].kind == kind)
        if total > 1.000001:
            raise HttpError(422, f"{kind} shares add up to more than 1")
    with transaction.atomic():
        organisation.families_reached = body.families_reached
        organisation.save(update_fields=["families_reached"])
        organisation.footprint.all().delete()
        organisation.populations_served.all().delete()
        OrganisationArea.objects.bulk_create(
            OrganisationArea(organisation=organisation, area=areas[a.area], client_share=a.share)
            for a in body.areas
        )
        OrganisationPopulation.objects.bulk_create(
            OrganisationPopulation(
                organisation=organisation,
                population=pops[p.population],
                share=None if pops[p.population].kind == PopulationKind.GROUP else p.share,
            )
            for p in body.populations
        )
    return _footprint(organisation)


# --- seats, who is missing, the network ---------------------------------------------------


class SeatOut(Schema):
    id: int
    organisation: str
    result: str
    role: str
    joined: date
    left: date | None


class SeatIn(Schema):
    organisation: str
    result: str
    role: SeatRole = SeatRole.MEMBER
    joined: date | None = None


class SeatEnd(Schema):
    left: date | None = None


def _seat_out(seat: Seat) -> SeatOut:
    return SeatOut(
        id=seat.pk,
        organisation=seat.organisation.slug,
        result=seat.result.slug,
        role=seat.role,
        joined=seat.joined,
        left=seat.left,
    )


@router.get("/collaboratives/{slug}/seats", response=list[SeatOut])
def list_seats(request, slug: str, current: bool = True):
    """Who sits where; ``current=false`` includes seats that have ended."""
    collab = _member(request, slug)
    qs = Seat.active() if current else Seat.objects.all()
    qs = qs.filter(result__collaborative=collab).select_related("organisation", "result")
    return [_seat_out(s) for s in qs]


@router.post("/collaboratives/{slug}/seats", response={201: SeatOut}, auth=django_auth)
def create_seat(request, slug: str, body: SeatIn):
    collab = _member(request, slug)
    _may_manage(request, collab)
    organisation = _organisation(collab, body.organisation)
    result = get_object_or_404(Result, collaborative=collab, slug=body.result)
    if Seat.active().filter(organisation=organisation, result=result).exists():
        raise HttpError(422, f"{organisation} already sits at the {result} table")
    seat = Seat.objects.create(
        organisation=organisation,
        result=result,
        role=body.role,
        joined=body.joined or timezone.localdate(),
    )
    return _seat_out(seat)


@router.post("/collaboratives/{slug}/seats/{seat_id}/end", response=SeatOut, auth=django_auth)
def end_seat(request, slug: str, seat_id: int, body: SeatEnd):
    collab = _member(request, slug)
    _may_manage(request, collab)
    seat = get_object_or_404(Seat, pk=seat_id, result__collaborative=collab)
    left = body.left or timezone.localdate()
    if left < seat.joined:
        raise HttpError(422, "a seat cannot end before it began")
    seat.left = left
    seat.save(update_fields=["left"])
    return _seat_out(seat)


class SuggestionOut(Schema):
    organisation: str
    name: str
    sector: str
    score: float
    area_share: float
    population: float
    families: float
    fills_sector: str | None
    reasons: list[str]


class SectorNeedOut(Schema):
    sector: str
    label: str
    indicators: list[str]
    seated: list[str]
    covered: bool


@router.get("/collaboratives/{slug}/results/{result}/missing", response=list[SuggestionOut])
def who_is_missing(request, slug: str, result: str, limit: int = 10):
    """Organisations without a seat at the result's table, best suggestion first, with why."""
    collab = _member(request, slug)
    res = get_object_or_404(Result, collaborative=collab, slug=result)
    return [
        SuggestionOut(
            organisation=s.organisation.slug,
            name=s.organisation.name,
            sector=s.organisation.sector,
            score=s.score,
            area_share=s.area_share,
            population=s.population,
            families=s.families,
            fills_sector=s.fills_sector,
            reasons=s.reasons,
        )
        for s in missing.who_is_missing(res, limit=max(1, min(limit, 500)))
    ]


@router.get("/collaboratives/{slug}/results/{result}/sectors", response=list[SectorNeedOut])
def sector_coverage(request, slug: str, result: str):
    """The sectors the result's indicators depend on, and who of each sits at its table."""
    collab = _member(request, slug)
    res = get_object_or_404(Result, collaborative=collab, slug=result)
    return [
        SectorNeedOut(
            sector=n.sector,
            label=str(n.label),
            indicators=[i.slug for i in n.indicators],
            seated=[o.slug for o in n.seated],
            covered=n.covered,
        )
        for n in missing.sector_coverage(res)
    ]


class NodeOut(Schema):
    organisation: str
    name: str
    sector: str
    seated: bool
    degree: int
    weighted_degree: float
    betweenness: float


class LinkOut(Schema):
    a: str
    b: str
    overlap: float
    shared_results: list[str]
    highlighted: bool


class NetworkOut(Schema):
    edge_threshold: float
    highlight_threshold: float
    nodes: list[NodeOut]
    links: list[LinkOut]


@router.get("/collaboratives/{slug}/network", response=NetworkOut)
def shared_families(request, slug: str):
    """The shared-families network: pairs whose overlap reaches the edge threshold."""
    collab = _member(request, slug)
    net = network.shared_families(collab)
    return NetworkOut(
        edge_threshold=network.EDGE,
        highlight_threshold=network.HIGH,
        nodes=[
            NodeOut(
                organisation=n.organisation.slug,
                name=n.organisation.name,
                sector=n.organisation.sector,
                seated=n.seated,
                degree=n.degree,
                weighted_degree=n.strength,
                betweenness=n.betweenness,
            )
            for n in net.nodes
        ],
        links=[
            LinkOut(
                a=p.a.slug,
                b=p.b.slug,
                overlap=p.overlap,
                shared_results=p.shared_results,
                highlighted=p.highlighted,
            )
            for p in net.pairs
        ],
    )


# --- commitments ----------------------------------------------------------------------------


class MeasureOut(Schema):
    kind: str
    indicator: str


class CommitmentOut(Schema):
    id: int
    organisation: str
    title: str
    description: str
    results: list[str]
    strategies: list[str]
    owner: str | None
    due: date | None
    status: str
    overdue: bool
    evidence: str
    evidence_url: str
    declared: bool
    measures: list[MeasureOut]


class CommitmentIn(Schema):
    organisation: str
    title: str = Field(max_length=300)
    description: str = ""
    results: list[str] = []
    strategies: list[str] = []
    owner: str | None = Field(None, description="Name of a contact at the organisation.")
    due: date | None = None
    status: CommitmentStatus = CommitmentStatus.NOT_STARTED
    evidence: str = ""
    evidence_url: str = ""


class CommitmentPatch(Schema):
    status: CommitmentStatus | None = None
    evidence: str | None = None
    evidence_url: str | None = None
    due: date | None = None


def _commitment_out(c: Commitment) -> CommitmentOut:
    return CommitmentOut(
        id=c.pk,
        organisation=c.organisation.slug,
        title=c.title,
        description=c.description,
        results=[r.slug for r in c.results.all()],
        strategies=[s.slug for s in c.strategies.all()],
        owner=c.owner.name if c.owner else None,
        due=c.due,
        status=c.status,
        overdue=c.is_overdue(),
        evidence=c.evidence,
        evidence_url=c.evidence_url,
        declared=c.declared,
        measures=[
            MeasureOut(kind=m.kind, indicator=m.indicator.slug)
            for m in c.measures.select_related("indicator")
        ],
    )


def _commitments(request, collab):
    qs = Commitment.objects.filter(collaborative=collab).select_related("organisation", "owner")
    if not access.is_member(request.user, collab):
        qs = qs.filter(declared=True)
    return qs.prefetch_related("results", "strategies")


@router.get("/collaboratives/{slug}/commitments", response=list[CommitmentOut])
def list_commitments(request, slug: str, organisation: str = "", overdue: bool = False):
    """Every commitment for the table; the public sees the declared ones."""
    qs = _commitments(request, _visible(request, slug))
    if organisation:
        qs = qs.filter(organisation__slug=organisation)
    if overdue:
        qs = qs.overdue()
    return [_commitment_out(c) for c in qs]


@router.post("/collaboratives/{slug}/commitments", response={201: CommitmentOut}, auth=django_auth)
def create_commitment(request, slug: str, body: CommitmentIn):
    collab = _member(request, slug)
    organisation = _organisation(collab, body.organisation)
    _may_edit(request, organisation)
    results = list(Result.objects.filter(collaborative=collab, slug__in=body.results))
    strategies = list(Strategy.objects.filter(collaborative=collab, slug__in=body.strategies))
    if len(results) != len(set(body.results)) or len(strategies) != len(set(body.strategies)):
        raise HttpError(422, "unknown result or strategy")
    owner = None
    if body.owner:
        owner = Contact.objects.filter(organisation=organisation, name=body.owner).first()
        if owner is None:
            raise HttpError(422, f"{body.owner!r} is not a contact at {organisation}")
    item = Commitment(
        collaborative=collab,
        organisation=organisation,
        title=body.title,
        description=body.description,
        owner=owner,
        due=body.due,
        status=body.status,
        evidence=body.evidence,
        evidence_url=body.evidence_url,
        created_by=request.user,
    )
    item.full_clean()  # the model's rules (http(s) links only...), as the form applies them
    with transaction.atomic():
        item.save()
        item.results.set(results)
        item.strategies.set(strategies)
    return _commitment_out(item)


@router.patch("/collaboratives/{slug}/commitments/{pk}", response=CommitmentOut, auth=django_auth)
def update_commitment(request, slug: str, pk: int, body: CommitmentPatch):
    """Update a commitment's status, evidence or due date."""
    collab = _member(request, slug)
    item = get_object_or_404(Commitment, collaborative=collab, pk=pk)
    _may_edit(request, item.organisation)
    for name, value in body.dict(exclude_unset=True).items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return _commitment_out(item)


# --- roles ------------------------------------------------------------------------------------


class RoleOut(Schema):
    slug: str
    name: str
    description: str


class RoleChangeOut(Schema):
    from_role: str | None
    to_role: str
    since: date
    why: str
    result: str | None


class RoleChangeIn(Schema):
    from_role: str | None = None
    to_role: str
    since: date
    why: str
    result: str | None = None


class RolesOut(Schema):
    current: list[str]
    history: list[RoleChangeOut]


@router.get("/roles", response=list[RoleOut])
def list_roles(request):
    """The catalogue of roles a partner can play at the table."""
    return PartnerRole.objects.all()


def _roles_out(org: Organisation) -> RolesOut:
    changes = list(org.role_changes.select_related("from_role", "to_role", "result"))
    return RolesOut(
        current=[r.slug for r in current_roles(changes)],
        history=[
            RoleChangeOut(
                from_role=c.from_role.slug if c.from_role else None,
                to_role=c.to_role.slug,
                since=c.since,
                why=c.why,
                result=c.result.slug if c.result else None,
            )
            for c in changes
        ],
    )


@router.get("/collaboratives/{slug}/organisations/{org}/roles", response=RolesOut)
def organisation_roles(request, slug: str, org: str):
    return _roles_out(_organisation(_member(request, slug), org))


@router.post(
    "/collaboratives/{slug}/organisations/{org}/roles",
    response={201: RolesOut},
    auth=django_auth,
)
def record_role_change(request, slug: str, org: str, body: RoleChangeIn):
    collab = _member(request, slug)
    organisation = _organisation(collab, org)
    if not (
        access.can_edit_organisation(request.user, organisation)
        or access.can_manage(request.user, collab)
    ):
        raise HttpError(403, "only the organisation's members and the table's chairs can")
    roles = {r.slug: r for r in PartnerRole.objects.all()}
    if body.to_role not in roles or (body.from_role and body.from_role not in roles):
        raise HttpError(422, "unknown role: see /api/roles")
    result = None
    if body.result:
        result = get_object_or_404(Result, collaborative=collab, slug=body.result)
    RoleChange.objects.create(
        organisation=organisation,
        from_role=roles.get(body.from_role) if body.from_role else None,
        to_role=roles[body.to_role],
        since=body.since,
        why=body.why,
        result=result,
        recorded_by=request.user,
    )
    return _roles_out(organisation)


# --- prioritisation rounds --------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    name: str
    help: str
    weight: float


class CriterionIn(Schema):
    name: str
    help: str = ""
    weight: float = Field(gt=0)


class RoundOut(Schema):
    id: int
    title: str
    question: str
    result: str | None
    method: str
    anonymous: bool
    status: str
    dots_per_voter: int
    closes_on: date | None
    decision: str
    declared: bool
    candidates: list[str]
    criteria: list[CriterionOut]


class RoundIn(Schema):
    title: str
    question: str = ""
    result: str | None = None
    strategies: list[str]
    method: RoundMethod = RoundMethod.SCORES
    anonymous: bool = False
    dots_per_voter: int = Field(10, ge=1, le=100)
    closes_on: date | None = None
    criteria: list[CriterionIn] | None = Field(
        None, description="Default: impact, reach, equity, feasibility, cost, evidence."
    )


class LineOut(Schema):
    strategy: str
    rank: int
    total: float
    sd: float | None
    low: float | None
    high: float | None
    decided_rank: int | None


class AgreementOut(Schema):
    kendall_w: float
    chi2: float
    df: int
    p_value: float
    raters: int
    items: int


class VoteOut(Schema):
    voter: str
    values: dict[str, float]


class OutcomeOut(Schema):
    round: RoundOut
    ballots: int
    eligible: int
    ranking: list[LineOut]
    agreement: AgreementOut | None
    votes: list[VoteOut] = Field(description="Empty for the public; unnamed if anonymous.")


class ScoreIn(Schema):
    strategy: str
    criterion: int = Field(description="Criterion id (see the round).")
    value: int = Field(ge=1, le=5)


class BallotIn(Schema):
    scores: list[ScoreIn] = []
    dots: dict[str, int] = Field({}, description="Strategy slug -> dots.")


class CloseIn(Schema):
    decision: str
    ranks: dict[str, int] | None = Field(
        None, description="Strategy slug -> priority (1 = first); default: the ranking."
    )
    declared: bool = False


def _round_out(r: Round) -> RoundOut:
    return RoundOut(
        id=r.pk,
        title=r.title,
        question=r.question,
        result=r.result.slug if r.result else None,
        method=r.method,
        anonymous=r.anonymous,
        status=r.status,
        dots_per_voter=r.dots_per_voter,
        closes_on=r.closes_on,
        decision=r.decision,
        declared=r.declared,
        candidates=[s.slug for s in rounds.candidates(r)],
        criteria=[
            CriterionOut(id=c.pk, name=c.name, help=c.help, weight=c.weight)
            for c in r.criteria.all()
        ],
    )


def _get_round(request, slug: str, pk: int) -> tuple[Collaborative, Round]:
    collab = _visible(request, slug)
    return collab, get_object_or_404(rounds.visible_rounds(request.user, collab), pk=pk)


@router.get("/collaboratives/{slug}/rounds", response=list[RoundOut])
def list_rounds(request, slug: str):
    collab = _visible(request, slug)
    return [_round_out(r) for r in rounds.visible_rounds(request.user, collab)]


@router.post("/collaboratives/{slug}/rounds", response={201: RoundOut}, auth=django_auth)
def open_round(request, slug: str, body: RoundIn):
    collab = _member(request, slug)
    _may_manage(request, collab)
    by_slug = {s.slug: s for s in Strategy.objects.filter(collaborative=collab)}
    unknown = [s for s in body.strategies if s not in by_slug]
    if unknown:
        raise HttpError(422, f"unknown strategy: {', '.join(unknown)}")
    result = None
    if body.result:
        result = get_object_or_404(Result, collaborative=collab, slug=body.result)
    try:
        r = rounds.open_round(
            collab,
            request.user,
            title=body.title,
            question=body.question,
            result=result,
            strategies=[by_slug[s] for s in body.strategies],
            method=body.method,
            anonymous=body.anonymous,
            dots_per_voter=body.dots_per_voter,
            closes_on=body.closes_on,
            criteria=None
            if body.criteria is None
            else [(c.name, c.help, c.weight) for c in body.criteria],
        )
    except rounds.BallotError as exc:
        raise HttpError(422, str(exc)) from None
    return _round_out(r)


@router.get("/collaboratives/{slug}/rounds/{pk}", response=OutcomeOut)
def round_outcome(request, slug: str, pk: int):
    """The ranking, spread and agreement; the votes themselves for the table only."""
    collab, r = _get_round(request, slug, pk)
    out = rounds.outcome(r)
    member = access.is_member(request.user, collab)
    return OutcomeOut(
        round=_round_out(r),
        ballots=out.ballots,
        eligible=len(out.eligible),
        ranking=[
            LineOut(
                strategy=line.strategy.slug,
                rank=line.rank,
                total=line.total,
                sd=line.spread.sd if line.spread else None,
                low=line.spread.low if line.spread else None,
                high=line.spread.high if line.spread else None,
                decided_rank=line.decided_rank,
            )
            for line in out.lines
        ],
        agreement=AgreementOut(
            kendall_w=out.agreement.w,
            chi2=out.agreement.chi2,
            df=out.agreement.df,
            p_value=out.agreement.p_value,
            raters=out.agreement.raters,
            items=out.agreement.items,
        )
        if out.agreement
        else None,
        votes=[
            VoteOut(
                voter=label,
                values={line.strategy.slug: line.values[i][1] for line in out.lines},
            )
            for i, label in enumerate(out.voters)
        ]
        if member
        else [],
    )


@router.put(
    "/collaboratives/{slug}/rounds/{pk}/ballots/{org}", response=OutcomeOut, auth=django_auth
)
def cast_ballot(request, slug: str, pk: int, org: str, body: BallotIn):
    """Create or replace an organisation's ballot while the round is open."""
    collab = _member(request, slug)
    r = get_object_or_404(Round, collaborative=collab, pk=pk)
    organisation = _organisation(collab, org)
    if organisation not in rounds.voting_for(request.user, r):
        raise HttpError(403, "you do not vote for this organisation in this round")
    by_slug = {s.slug: s.pk for s in rounds.candidates(r)}
    try:
        if r.method == RoundMethod.SCORES:
            scores = {}
            for s in body.scores:
                if s.strategy not in by_slug:
                    raise rounds.BallotError(f"{s.strategy} is not a candidate of this round")
                scores[(by_slug[s.strategy], s.criterion)] = s.value
            rounds.save_ballot(r, organisation, request.user, scores=scores)
        else:
            unknown = [s for s in body.dots if s not in by_slug]
            if unknown:
                raise rounds.BallotError(f"not candidates of this round: {', '.join(unknown)}")
            dots = {by_slug[s]: n for s, n in body.dots.items()}
            rounds.save_ballot(r, organisation, request.user, dots=dots)
    except rounds.BallotError as exc:
        raise HttpError(422, str(exc)) from None
    return round_outcome(request, slug, pk)


@router.post("/collaboratives/{slug}/rounds/{pk}/close", response=OutcomeOut, auth=django_auth)
def close_round(request, slug: str, pk: int, body: CloseIn):
    """Close the round; the decided order becomes the strategies' priority."""
    collab = _member(request, slug)
    _may_manage(request, collab)
    r = get_object_or_404(Round, collaborative=collab, pk=pk)
    by_slug = {s.slug: s.pk for s in rounds.candidates(r)}
    if body.ranks is None:
        ranks = {line.strategy.pk: line.rank for line in rounds.outcome(r).lines}
    else:
        unknown = [s for s in body.ranks if s not in by_slug]
        if unknown:
            raise HttpError(422, f"not candidates of this round: {', '.join(unknown)}")
        ranks = {by_slug[s]: n for s, n in body.ranks.items()}
    try:
        rounds.close(r, request.user, decision=body.decision, ranks=ranks, declared=body.declared)
    except rounds.BallotError as exc:
        raise HttpError(422, str(exc)) from None
    return round_outcome(request, slug, pk)
