"""REST endpoints for declarations and alert subscriptions.

The public reads the published declarations of a public collaborative; members read all of
their collaborative's. Writes use ``auth=django_auth`` (which checks CSRF) and the rules of
`civicloop.declare.workflow`: an edit that claims more than the evidence supports is
answered 422 with the reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from civicloop.core import access
from civicloop.core.models import Role
from civicloop.declare import workflow
from civicloop.declare.drafting import NoEvidence
from civicloop.declare.models import Declaration, DeclarationStatus, Subscription
from civicloop.results.models import Area, Collaborative, Indicator
from civicloop.results.queries import top_area

router = Router(tags=["declare"])


class DeclarationOut(Schema):
    id: int
    indicator: str
    indicator_name: str
    area: str
    status: str
    text: str
    drafted_text: str
    claim: str
    evidence: dict[str, Any]
    drafted_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    published_at: datetime | None


class DraftIn(Schema):
    indicator: str
    area: str | None = None


class EditIn(Schema):
    text: str
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class Refused(Schema):
    detail: str
    reasons: list[str]


class SubscriptionIn(Schema):
    name: str
    email: str = ""
    webhook_url: str = ""
    kinds: list[str] = []
    include_private: bool = False


class SubscriptionOut(Schema):
    id: int
    name: str
    email: str
    webhook_url: str
    kinds: list[str]
    include_private: bool
    secret: str | None = None  # shown once, when created, to verify the webhook's signature


def _out(d: Declaration) -> dict[str, Any]:
    return {
        "id": d.pk,
        "indicator": d.indicator.slug,
        "indicator_name": d.indicator.name,
        "area": d.area.code,
        "status": d.status,
        "text": d.text,
        "drafted_text": d.drafted_text,
        "claim": d.claim,
        "evidence": d.evidence,
        "drafted_at": d.drafted_at,
        "approved_by": str(d.approved_by) if d.approved_by else None,
        "approved_at": d.approved_at,
        "published_at": d.published_at,
    }


def _visible(request, slug: str) -> tuple[Collaborative, bool]:
    collab = get_object_or_404(Collaborative, slug=slug)
    member = access.is_member(request.user, collab)
    if not member and not collab.is_public:
        raise Http404
    return collab, member


def _declarations(request, slug: str):
    collab, member = _visible(request, slug)
    qs = Declaration.objects.filter(collaborative=collab).select_related(
        "indicator", "area", "approved_by"
    )
    return collab, qs if member else qs.filter(
        status=DeclarationStatus.PUBLISHED, indicator__is_public=True
    )


@router.get("/collaboratives/{slug}/declarations", response=list[DeclarationOut])
def list_declarations(request, slug: str):
    _, qs = _declarations(request, slug)
    return [_out(d) for d in qs]


@router.get("/collaboratives/{slug}/declarations/{pk}", response=DeclarationOut)
def get_declaration(request, slug: str, pk: int):
    _, qs = _declarations(request, slug)
    return _out(get_object_or_404(qs, pk=pk))


def _mine(request, slug: str, pk: int) -> Declaration:
    collab, member = _visible(request, slug)
    if not member:
        raise Http404
    return get_object_or_404(
        Declaration.objects.select_related("indicator", "area", "collaborative"),
        collaborative=collab,
        pk=pk,
    )


def _refused(exc: workflow.Unsupported) -> dict[str, Any]:
    return {"detail": "the evidence does not support these claims", "reasons": exc.reasons}


def _act(step, *args):
    try:
        return _out(step(*args))
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except workflow.WrongState as exc:
        raise HttpError(409, str(exc)) from None


@router.post(
    "/collaboratives/{slug}/declarations",
    response={201: DeclarationOut},
    auth=django_auth,
)
def draft_declaration(request, slug: str, payload: DraftIn):
    """civicloop drafts a declaration from the evidence (backbone staff and analysts)."""
    collab, member = _visible(request, slug)
    if not member:
        raise Http404
    ind = get_object_or_404(Indicator, result__collaborative=collab, slug=payload.indicator)
    area = (
        get_object_or_404(Area, collaborative=collab, code=payload.area)
        if payload.area
        else top_area(collab)
    )
    try:
        return Status(201, _act(workflow.draft, ind, area, request.user))
    except NoEvidence as exc:
        raise HttpError(409, str(exc)) from None


@router.post(
    "/collaboratives/{slug}/declarations/{pk}/edit",
    response={200: DeclarationOut, 422: Refused},
    auth=django_auth,
)
def edit_declaration(request, slug: str, pk: int, payload: EditIn):
    """Change the words; 422 with the reasons when they claim more than the evidence supports."""
    try:
        return Status(
            200,
            _act(workflow.edit, _mine(request, slug, pk), payload.text, request.user, payload.note),
        )
    except workflow.Unsupported as exc:
        return Status(422, _refused(exc))


def _step(step, with_note: bool):
    def endpoint(request, slug: str, pk: int, payload: NoteIn):
        args = [_mine(request, slug, pk), request.user] + ([payload.note] if with_note else [])
        try:
            return Status(200, _act(step, *args))
        except workflow.Unsupported as exc:
            return Status(422, _refused(exc))

    return endpoint


for _name, _step_fn, _note in (
    ("approve", workflow.approve, True),
    ("return", workflow.return_to_staff, True),
    ("publish", workflow.publish, False),
    ("withdraw", workflow.withdraw, True),
):
    router.post(
        f"/collaboratives/{{slug}}/declarations/{{pk}}/{_name}",
        response={200: DeclarationOut, 422: Refused},
        auth=django_auth,
        operation_id=f"declaration_{_name}",
        summary=f"{_name.capitalize()} a declaration",
    )(_step(_step_fn, _note))


@router.get(
    "/collaboratives/{slug}/subscriptions", response=list[SubscriptionOut], auth=django_auth
)
def list_subscriptions(request, slug: str):
    collab, member = _visible(request, slug)
    if not member:
        raise Http404
    return [{**_sub(s), "secret": None} for s in Subscription.objects.filter(collaborative=collab)]


@router.post(
    "/collaboratives/{slug}/subscriptions", response={201: SubscriptionOut}, auth=django_auth
)
def create_subscription(request, slug: str, payload: SubscriptionIn):
    """Subscribe an email address and/or a webhook (backbone admins). The answer carries
    the webhook's signing secret, once."""
    collab, member = _visible(request, slug)
    if not member:
        raise Http404
    if Role.BACKBONE_ADMIN not in access.roles(request.user, collab):
        raise HttpError(403, "only backbone admins manage alert subscriptions")
    if not payload.email and not payload.webhook_url:
        raise HttpError(422, "give an email address, a webhook address, or both")
    unknown = set(payload.kinds) - {"verdict", "strategy", "commitment"}
    if unknown:
        raise HttpError(422, f"unknown alert kinds: {', '.join(sorted(unknown))}")
    sub = Subscription(collaborative=collab, created_by=request.user, **payload.dict())
    try:
        sub.full_clean()
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    sub.save()
    return Status(201, _sub(sub))


def _sub(s: Subscription) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "email": s.email,
        "webhook_url": s.webhook_url,
        "kinds": s.kinds,
        "include_private": s.include_private,
        "secret": s.secret,
    }
