"""The audit trail: every create, change and delete of a collaborative's definition.

Kept by django-auditlog, a well-kept library rather than our own: one ``LogEntry`` table
for every tracked model (who, when, and each changed field old → new), filled by model
signals, with the person taken from the request (its ``AuditlogMiddleware``) or from
``auditlog.context.set_actor`` at the command line. It runs on SQLite and PostgreSQL alike
and needs no migration in our apps when a model is added to the trail.

What is tracked is listed once here (`TRACKED`). Observations are not: their changes
are `Revision`s and their approvals `ApprovalEvent`s, written in bulk by the load path.
Each entry carries its collaborative's id (``additional_data``), so a collaborative's
backbone staff read their own trail, even of objects deleted since.

Read it on ``/c/<slug>/audit/`` (backbone staff) or with ``civicloop audit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date

# model label → how to find an instance's collaborative id (and its many-to-many fields)
TRACKED: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "results.Collaborative": (lambda o: o.pk, ()),
    "results.Result": (lambda o: o.collaborative_id, ("focus_areas",)),
    "results.Indicator": (lambda o: o.result.collaborative_id, ("stewards",)),
    "results.Target": (lambda o: o.indicator.result.collaborative_id, ()),
    "results.Area": (lambda o: o.collaborative_id, ()),
    "core.Membership": (lambda o: o.collaborative_id, ()),
    "table.Organisation": (lambda o: o.collaborative_id, ()),
    "table.Seat": (lambda o: o.organisation.collaborative_id, ()),
    "table.RoleChange": (lambda o: o.organisation.collaborative_id, ()),
    "table.Strategy": (lambda o: o.collaborative_id, ("owners", "indicators", "areas")),
    "table.Commitment": (lambda o: o.collaborative_id, ("results", "strategies")),
    "table.PerformanceMeasure": (lambda o: o.commitment.collaborative_id, ()),
    "measure.Source": (lambda o: o.collaborative_id, ()),
    "review.CurveConversation": (
        lambda o: o.collaborative_id,
        ("partners", "strategies", "commitments"),
    ),
}

# Bookkeeping that changes with every load and says nothing about the definition.
EXCLUDED_FIELDS = ("next_refresh_at", "last_refreshed_at", "updated_at", "created_at")


def track() -> None:
    """Register `TRACKED` with auditlog (called once, from the core app's ``ready``)."""
    from auditlog.registry import auditlog
    from django.apps import apps

    for label, (collaborative_of, m2m) in TRACKED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        # auditlog asks each instance for its entry's extra data; ours is its collaborative.
        model.get_additional_data = _additional_data(collaborative_of)
        auditlog.register(model, m2m_fields=set(m2m), exclude_fields=list(EXCLUDED_FIELDS))


def _additional_data(collaborative_of: Callable) -> Callable:
    def get_additional_data(instance) -> dict:
        try:
            return {"collaborative": collaborative_of(instance)}
        except (ObjectDoesNotExist, AttributeError):  # its parent went first in a cascade
            return {"collaborative": None}

    return get_additional_data


@dataclass
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    user: str = ""  # username
    object: str = ""  # "indicator", "indicator:12", or words in the object's name


def entries(collaborative, filters: Filters):
    """The collaborative's audit entries, newest first, narrowed by `filters`."""
    from auditlog.models import LogEntry
    from django.db.models import Q

    qs = LogEntry.objects.filter(additional_data__collaborative=collaborative.pk)
    if filters.since:
        qs = qs.filter(timestamp__gte=filters.since)
    if filters.until:
        qs = qs.filter(timestamp__lt=filters.until)
    if filters.user:
        qs = qs.filter(actor__username=filters.user)
    if filters.object:
        kind, _, pk = filters.object.partition(":")
        models = [m for m in TRACKED if m.split(".")[1].lower() == kind.strip().lower()]
        if models:
            app, model = models[0].split(".")
            qs = qs.filter(content_type__app_label=app, content_type__model=model.lower())
            if pk:
                qs = qs.filter(object_pk=pk.strip())
        else:
            qs = qs.filter(Q(object_repr__icontains=filters.object))
    return qs.select_related("actor", "content_type").order_by("-timestamp", "-id")


def describe(entry) -> dict:
    """One entry as words: what, who, when, and each field old → new."""
    action = {0: "created", 1: "changed", 2: "deleted", 3: "accessed"}.get(entry.action, "")
    changes = []
    for name, pair in (entry.changes_dict or {}).items():
        if isinstance(pair, dict):  # a many-to-many change: {"type", "operation", "objects"}
            changes.append((name, pair.get("operation", ""), ", ".join(pair.get("objects", []))))
        else:
            old, new = (list(pair) + [None, None])[:2]
            changes.append((name, _shown(old), _shown(new)))
    return {
        "id": entry.pk,
        "at": entry.timestamp,
        "who": str(entry.actor) if entry.actor else "the operator (command line)",
        "username": entry.actor.username if entry.actor else "",
        "what": entry.content_type.model if entry.content_type else "",
        "object_pk": entry.object_pk,
        "object": entry.object_repr,
        "action": action,
        "changes": changes,
    }


def _shown(value) -> str:
    return "—" if value in (None, "None", "") else str(value)


def _date(text: str | None):
    day = parse_date(text or "") if text else None
    if day is None:
        return None
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day))


def _day_after(moment):
    from datetime import timedelta

    return moment + timedelta(days=1) if moment else None


@login_required
def audit_page(request, slug: str):
    """The audit trail of one collaborative, for its backbone staff."""
    from civicloop.core import access
    from civicloop.results.models import Collaborative

    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_backbone(request.user, collab):
        raise Http404("No such page")
    filters = Filters(
        since=_date(request.GET.get("since")),
        until=_day_after(_date(request.GET.get("until"))),
        user=request.GET.get("user", "").strip(),
        object=request.GET.get("object", "").strip(),
    )
    page = Paginator(entries(collab, filters), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit.html",
        {
            "collaborative": collab,
            "page": page,
            "rows": [describe(e) for e in page.object_list],
            "filters": request.GET,
            "kinds": sorted(m.split(".")[1].lower() for m in TRACKED),
        },
    )
