"""REST endpoints for strategies, reviews (with their packets) and decisions.

Reads are for the collaborative's members; the public may read only the decisions the
table published, of a public collaborative. Writes use ``auth=django_auth`` (which checks
CSRF) and the pages' rules: chairs and backbone admins change a strategy's status and
schedule reviews; only a chair signs a decision.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from civicloop.core import access
from civicloop.results.models import Collaborative
from civicloop.review import decisions as rules
from civicloop.review import packet as packets
from civicloop.review.models import Decision, DecisionChoice, Review
from civicloop.table.models import Strategy, StrategyStatus

router = Router(tags=["review"])


def _member(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404
    return collab


# -- strategies -----------------------------------------------------------------------------


class StrategyChangeOut(Schema):
    from_status: str
    to_status: str
    why: str
    changed_by: str | None
    changed_at: datetime
    decision: int | None = Field(None, description="The review decision that made it, if one.")


class StrategyOut(Schema):
    slug: str
    name: str
    hypothesis: str
    kind: str
    status: str
    priority: int | None
    owners: list[str] = Field(description="Organisation slugs.")
    indicators: list[str] = Field(description="Indicator slugs.")
    areas: list[str] = Field(description="Area codes where it runs.")
    start_period: str | None
    expected_change: float | None


class StrategyDetail(StrategyOut):
    history: list[StrategyChangeOut]


class StatusIn(Schema):
    status: StrategyStatus
    why: str = Field(description="Why the status changes; kept in the strategy's history.")


def _strategy_out(s: Strategy) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "name": s.name,
        "hypothesis": s.hypothesis,
        "kind": s.kind,
        "status": s.status,
        "priority": s.priority,
        "owners": [o.slug for o in s.owners.all()],
        "indicators": [i.slug for i in s.indicators.all()],
        "areas": sorted(a.code for a in s.areas.all()),
        "start_period": s.start_period.label if s.start_period else None,
        "expected_change": s.expected_change,
    }


def _strategy_detail(s: Strategy) -> dict[str, Any]:
    history = [
        {
            "from_status": h.from_status,
            "to_status": h.to_status,
            "why": h.why,
            "changed_by": h.changed_by.username if h.changed_by else None,
            "changed_at": h.changed_at,
            "decision": h.decision_id,
        }
        for h in s.status_history.select_related("changed_by")
    ]
    return {**_strategy_out(s), "history": history}


def _strategies(collab: Collaborative):
    return (
        Strategy.objects.filter(collaborative=collab)
        .select_related("start_period")
        .prefetch_related("owners", "indicators", "areas")
        .order_by("priority", "name")
    )


@router.get("/collaboratives/{slug}/strategies", response=list[StrategyOut])
def list_strategies(request, slug: str, status: str = ""):
    """Every strategy of the collaborative, in priority order (optionally of one status)."""
    qs = _strategies(_member(request, slug))
    if status:
        qs = qs.filter(status=status)
    return [_strategy_out(s) for s in qs]


@router.get("/collaboratives/{slug}/strategies/{strategy}", response=StrategyDetail)
def get_strategy(request, slug: str, strategy: str):
    """One strategy with the history of its status."""
    return _strategy_detail(get_object_or_404(_strategies(_member(request, slug)), slug=strategy))


@router.post(
    "/collaboratives/{slug}/strategies/{strategy}/status",
    response=StrategyDetail,
    auth=django_auth,
)
def change_strategy_status(request, slug: str, strategy: str, body: StatusIn):
    """Change a strategy's status, with the reason (chairs and backbone admins)."""
    collab = _member(request, slug)
    item = get_object_or_404(_strategies(collab), slug=strategy)
    if not rules.can_change_status(request.user, collab):
        raise HttpError(403, "only chairs and backbone admins change a strategy's status")
    try:
        rules.change_status(item, body.status, body.why, request.user)
    except rules.ReviewError as exc:
        raise HttpError(422, str(exc)) from None
    return _strategy_detail(item)


# -- reviews and their packets -------------------------------------------------------------------


class ReviewOut(Schema):
    id: int
    held_on: date
    title: str
    notes: str
    frozen_at: datetime | None = Field(None, description="When its packet was frozen.")
    decisions: int


class ReviewIn(Schema):
    held_on: date = Field(description="The meeting's day; the packet uses the data as of it.")
    title: str = ""
    notes: str = ""


class ReviewPacket(Schema):
    review: ReviewOut
    packet: dict[str, Any] = Field(
        description="Indicators, strategies with their evidence and proposed decisions, "
        "widening equity gaps, overdue commitments, open rounds and decisions owed."
    )


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "held_on": r.held_on,
        "title": str(r),
        "notes": r.notes,
        "frozen_at": r.frozen_at,
        "decisions": r.decisions.count(),
    }


@router.get("/collaboratives/{slug}/reviews", response=list[ReviewOut])
def list_reviews(request, slug: str):
    return [_review_out(r) for r in Review.objects.filter(collaborative=_member(request, slug))]


@router.post("/collaboratives/{slug}/reviews", response={201: ReviewOut}, auth=django_auth)
def create_review(request, slug: str, body: ReviewIn):
    """Schedule a review (chairs and backbone admins)."""
    collab = _member(request, slug)
    if not access.can_manage(request.user, collab):
        raise HttpError(403, "only chairs and backbone admins schedule a review")
    if Review.objects.filter(collaborative=collab, held_on=body.held_on).exists():
        raise HttpError(422, "the table already has a review on that day")
    item = Review.objects.create(
        collaborative=collab,
        held_on=body.held_on,
        title=body.title,
        notes=body.notes,
        created_by=request.user,
    )
    return 201, _review_out(item)


@router.get("/collaboratives/{slug}/reviews/{pk}", response=ReviewPacket)
def get_review(request, slug: str, pk: int):
    """A review and its packet (frozen once a decision is signed, else as of its date)."""
    item = get_object_or_404(Review, collaborative=_member(request, slug), pk=pk)
    return {"review": _review_out(item), "packet": packets.for_review(item)}


# -- decisions ----------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    review: int
    held_on: date
    strategy: str
    proposed: str
    decision: str
    rationale: str
    signed_by: str
    decided_at: datetime
    published: bool
    evidence: dict[str, Any] = Field(description="The numbers it rested on, as of the review.")


class DecisionIn(Schema):
    strategy: str
    decision: DecisionChoice
    rationale: str
    published: bool = False


def _decision_out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "review": d.review_id,
        "held_on": d.review.held_on,
        "strategy": d.strategy.slug,
        "proposed": d.proposed,
        "decision": d.decision,
        "rationale": d.rationale,
        "signed_by": d.signed_as,
        "decided_at": d.decided_at,
        "published": d.published,
        "evidence": d.evidence,
    }


@router.get("/collaboratives/{slug}/decisions", response=list[DecisionOut])
def list_decisions(request, slug: str, q: str = "", strategy: str = "", decision: str = ""):
    """The decision log, newest review first; search words in the rationale, strategy or
    chair. The public sees the published decisions of a public collaborative."""
    collab = get_object_or_404(Collaborative, slug=slug)
    found = rules.search(collab, q=q, strategy=strategy, decision=decision)
    if not access.is_member(request.user, collab):
        if not collab.is_public:
            raise Http404
        found = found.filter(published=True)
    return [_decision_out(d) for d in found]


@router.post(
    "/collaboratives/{slug}/reviews/{pk}/decisions",
    response={201: DecisionOut},
    auth=django_auth,
)
def create_decision(request, slug: str, pk: int, body: DecisionIn):
    """Record and sign the table's decision on one strategy (a chair of the collaborative)."""
    collab = _member(request, slug)
    item = get_object_or_404(Review, collaborative=collab, pk=pk)
    target = get_object_or_404(Strategy, collaborative=collab, slug=body.strategy)
    try:
        made = rules.record_decision(
            item, target, body.decision, body.rationale, request.user, published=body.published
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except rules.ReviewError as exc:
        raise HttpError(422, str(exc)) from None
    return 201, _decision_out(made)


# The Turn the Curve conversation has its own module, as its own resource.
from civicloop.review.conversation_api import router as conversation_router  # noqa: E402

router.add_router("", conversation_router)
