"""REST endpoints for results, indicators and observations (read; access as on the pages)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from civicloop.core import access
from civicloop.results import approval
from civicloop.results.models import Collaborative, Observation

router = Router(tags=["results"])


class CollaborativeOut(Schema):
    slug: str
    name: str
    city: str
    description: str
    is_synthetic: bool


class IndicatorOut(Schema):
    slug: str
    name: str
    result: str
    unit: str
    unit_kind: str
    direction: str
    frequency: str
    target_value: float | None
    target_period: str | None
    baseline_value: float | None
    baseline_period: str | None
    # Set for a partner's performance measure: its commitment's id and which question it
    # answers (how_much, how_well, better_off); None for a population indicator.
    commitment: int | None = None
    measure_kind: str | None = None


class ObservationOut(Schema):
    area: str
    dimension: str | None
    group: str | None
    period: str
    period_start: date
    value: float
    margin_of_error: float | None
    confidence_level: float | None
    status: str
    # Members read current values: "pending" or "returned" ones are not public yet.
    # Anyone else reads approved copies only, always "approved".
    approval: str = "approved"


def _collaborative(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.visible_collaboratives(request.user).filter(pk=collab.pk).exists():
        raise Http404
    return collab


@router.get("/collaboratives", response=list[CollaborativeOut])
def list_collaboratives(request):
    return access.visible_collaboratives(request.user)


@router.get("/collaboratives/{slug}/indicators", response=list[IndicatorOut])
def list_indicators(request, slug: str):
    collab = _collaborative(request, slug)
    qs = access.visible_indicators(request.user, collab).select_related(
        "result", "target_period", "baseline_period", "performance_measure"
    )
    # Plain dicts: ninja validates them into IndicatorOut once (built here as schemas,
    # every row was validated twice).
    return [
        {
            "slug": i.slug,
            "name": i.name,
            "result": i.result.slug,
            "unit": i.unit,
            "unit_kind": i.unit_kind,
            "direction": i.direction,
            "frequency": i.frequency,
            "target_value": i.target_value,
            "target_period": i.target_period.label if i.target_period else None,
            "baseline_value": i.baseline_value,
            "baseline_period": i.baseline_period.label if i.baseline_period else None,
            **_measure(i),
        }
        for i in qs
    ]


def _measure(indicator) -> dict:
    measure = indicator.commitment_measure
    if measure is None:
        return {}
    return {"commitment": measure.commitment_id, "measure_kind": measure.kind}


# A page of observations: an indicator with many areas, groups and monthly periods has tens
# of thousands; one unbounded answer holds a server thread and its memory for all of them.
OBSERVATIONS_PAGE = 1000
OBSERVATIONS_PAGE_MAX = 10_000


@router.get(
    "/collaboratives/{slug}/indicators/{indicator}/observations",
    response=list[ObservationOut],
    description=(
        "The indicator's observations, ordered by area code, group and period, one page at a "
        f"time: `limit` rows (default {OBSERVATIONS_PAGE}, at most {OBSERVATIONS_PAGE_MAX}) "
        "from `offset` (default 0). A page shorter than `limit` is the last; ask for the "
        "next with `offset` + `limit`."
    ),
)
def list_observations(
    request, slug: str, indicator: str, limit: int = OBSERVATIONS_PAGE, offset: int = 0
):
    collab = _collaborative(request, slug)
    ind = get_object_or_404(access.visible_indicators(request.user, collab), slug=indicator)
    member = access.is_member(request.user, collab)
    readable = Observation.objects.all() if member else Observation.objects.as_approved()
    limit = max(1, min(limit, OBSERVATIONS_PAGE_MAX))
    offset = max(0, offset)
    qs = (
        readable.filter(series__indicator=ind)
        .select_related("period", "series__area", "series__group__dimension")
        .order_by("series__area__code", "series__group__order", "period__start", "pk")
        .only(
            *("value", "margin_of_error", "confidence_level", "status", "period__label"),
            *("period__start", "series__area__code", "series__group__slug"),
            "series__group__dimension__slug",
            "approval",
            # the public reads each value's approved copy (as_approved puts it in place)
            *("approved_value", "approved_margin_of_error", "approved_confidence_level"),
            *("approved_numerator", "approved_denominator", "approved_status"),
        )
    )
    # Plain dicts: ninja validates them into ObservationOut once (built here as schemas,
    # every row was validated twice).
    return [
        {
            "area": o.series.area.code,
            "dimension": o.series.group.dimension.slug if o.series.group_id else None,
            "group": o.series.group.slug if o.series.group_id else None,
            "period": o.period.label,
            "period_start": o.period.start,
            "value": o.value,
            "margin_of_error": o.margin_of_error,
            "confidence_level": o.confidence_level,
            "status": o.status,
            "approval": o.approval if member else "approved",
        }
        for o in qs[offset : offset + limit]
    ]


# --- approval: what waits, and the approve / return / un-approve action -------------------


class WaitingOut(Schema):
    id: int
    indicator: str
    area: str
    dimension: str | None
    group: str | None
    period: str
    value: float
    approved_value: float | None  # what the public sees now (None: nothing yet)
    approval: str
    load: int | None


class ApprovalIn(Schema):
    action: str  # approve, return, unapprove
    observations: list[int]
    note: str = ""


class ApprovalOut(Schema):
    action: str
    changed: int
    skipped: int


def _member(request, slug: str) -> Collaborative:
    collab = _collaborative(request, slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    return collab


@router.get("/collaboratives/{slug}/approvals", response=list[WaitingOut], auth=django_auth)
def list_waiting(request, slug: str, limit: int = 1000):
    """Values waiting for approval (pending or returned), for members of the table."""
    collab = _member(request, slug)
    qs = (
        approval.waiting(collab)
        .select_related("series__indicator", "series__area", "series__group__dimension", "period")
        .order_by("series__indicator__slug", "series__area__code", "period__start")
    )
    return [
        WaitingOut(
            id=o.pk,
            indicator=o.series.indicator.slug,
            area=o.series.area.code,
            dimension=o.series.group.dimension.slug if o.series.group_id else None,
            group=o.series.group.slug if o.series.group_id else None,
            period=o.period.label,
            value=o.value,
            approved_value=o.approved_value,
            approval=o.approval,
            load=o.load_id,
        )
        for o in qs[: max(1, min(limit, 10_000))]
    ]


@router.post("/collaboratives/{slug}/approvals", response=ApprovalOut, auth=django_auth)
def act_on_values(request, slug: str, body: ApprovalIn):
    """Approve, return (with a note) or un-approve values: their stewards or backbone staff."""
    collab = _member(request, slug)
    chosen = Observation.objects.filter(
        pk__in=body.observations, series__indicator__result__collaborative=collab
    )
    try:
        outcome = approval.act(body.action, chosen, request.user, body.note)
    except approval.ApprovalError as exc:
        raise HttpError(403, str(exc)) from None
    return ApprovalOut(action=outcome.action, changed=outcome.changed, skipped=outcome.skipped)
