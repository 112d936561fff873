"""REST endpoints for results, indicators and observations (read; access as on the pages)."""

from __future__ import annotations

import json
from datetime import date

from django.http import Http404, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder
from ninja.security import django_auth

from civicloop.core import access
from civicloop.core import cache as data_cache
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
    # One query: a collaborative that does not exist and one not shown are the same 404.
    collab = access.visible_collaboratives(request.user).filter(slug=slug).first()
    if collab is None:
        raise Http404
    return collab


@router.get("/collaboratives", response=list[CollaborativeOut])
def list_collaboratives(request):
    return access.visible_collaboratives(request.user)


@router.get("/collaboratives/{slug}/indicators", response=list[IndicatorOut])
def list_indicators(request, slug: str):
    collab = _collaborative(request, slug)
    member = access.is_member(request.user, collab)
    # Which indicators this reader sees was decided here, uncached; the list of them
    # follows from the data alone for the audience (members: all; anyone else: the
    # declared ones), so it is built once per data version (and language) and shared.
    body = data_cache.cached(
        ("indicator-list", collab.pk, "members" if member else "public"),
        data_cache.version(collab.pk),
        lambda: json.dumps(
            [
                IndicatorOut(**row).model_dump()
                for row in _indicator_rows(request.user, collab, member)
            ],
            cls=NinjaJSONEncoder,
        ).encode(),
    )
    # Validated field by field as IndicatorOut above, as ninja would: sent as it is.
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _indicator_rows(user, collab: Collaborative, member: bool) -> list[dict]:
    # Plain rows (modeltranslation resolves each translated field to the reader's language,
    # with its fallback, as an instance would): whole indicators, every field in every
    # language, were most of the list's cost, paid again after every change of the data.
    qs = access.visible_indicators(user, collab, member=member).values_list(
        "slug",
        "name",
        "result__slug",
        "unit",
        "unit_kind",
        "direction",
        "frequency",
        "target_value",
        "target_period__label",
        "baseline_value",
        "baseline_period__label",
        "performance_measure__commitment",
        "performance_measure__kind",
    )
    keys = (
        "slug",
        "name",
        "result",
        "unit",
        "unit_kind",
        "direction",
        "frequency",
        "target_value",
        "target_period",
        "baseline_value",
        "baseline_period",
    )
    rows = []
    for *values, commitment, kind in qs:
        row = dict(zip(keys, values, strict=True))
        if kind is not None:  # a partner's performance measure
            row.update(commitment=commitment, measure_kind=kind)
        rows.append(row)
    return rows


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
    # Only the ids are needed (a whole indicator, every field in every language, costs
    # more than the answer's query); for the public, both in one query.
    if request.user.is_authenticated:
        collab = _collaborative(request, slug)
        member = access.is_member(request.user, collab)
        visible = access.visible_indicators(request.user, collab, member=member)
    else:
        member, visible = False, access.public_indicators().filter(result__collaborative__slug=slug)
    found = list(visible.filter(slug=indicator).values_list("pk", "result__collaborative")[:1])
    if not found:
        raise Http404
    ((ind_pk, collab_pk),) = found
    limit = max(1, min(limit, OBSERVATIONS_PAGE_MAX))
    offset = max(0, offset)
    # The answer follows from the data alone for an audience (members read current values,
    # anyone else the approved copies): cached on the collaborative's data version, so a
    # change shows at once and a pending value never reaches the public. Who may read this
    # indicator was decided above, uncached.
    audience = "members" if member else "public"
    body = data_cache.cached(
        ("observations", ind_pk, audience, offset, limit),
        data_cache.version(collab_pk),
        lambda: json.dumps(
            _observation_rows(ind_pk, member)[offset : offset + limit], default=_json_value
        ).encode(),
    )
    # Already the documented shape (the rows are built field by field from
    # ObservationOut, and a test compares them with it): no second validation per row.
    return HttpResponse(body, content_type="application/json; charset=utf-8")


# The columns an observation row is read from: members read the current value, the public
# each value's approved copy.
_CURRENT = ("value", "margin_of_error", "confidence_level", "status", "approval")
_APPROVED = (
    "approved_value",
    "approved_margin_of_error",
    "approved_confidence_level",
    "approved_status",
    "approval",
)


def _json_value(value):
    """The JSON of what the standard encoder does not know (periods' dates), as ninja's
    encoder writes it, with the C encoder doing the rest (ninja's, a Python class, is
    asked about every value)."""
    if isinstance(value, date):
        return value.isoformat()
    return NinjaJSONEncoder().default(value)


def _observation_rows(ind, member: bool) -> list[dict]:
    """Every `ObservationOut` row of the indicator (or its id) for the audience, in the
    documented order: plain tuples from one query (model instances cost more than the
    query)."""
    readable = Observation.objects.all() if member else Observation.objects.approved()
    columns = _CURRENT if member else _APPROVED
    rows = (
        readable.filter(series__indicator=ind)
        .order_by("series__area__code", "series__group__order", "period__start", "pk")
        .values_list(
            "series__area__code",
            "series__group__dimension__slug",
            "series__group__slug",
            "period__label",
            "period__start",
            *columns,
        )
    )
    return [
        {
            "area": area,
            "dimension": dimension,
            "group": group,
            "period": label,
            "period_start": start,
            "value": value,
            "margin_of_error": moe,
            "confidence_level": level,
            "status": status,
            "approval": approval if member else "approved",
        }
        for area, dimension, group, label, start, value, moe, level, status, approval in rows
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
