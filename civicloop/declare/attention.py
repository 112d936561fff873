"""Declare's section of a collaborative's home (see `civicloop.core.attention`): drafted
declarations waiting for a chair's approval, and approved ones not yet published."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicloop.core.attention import SHOWN, Item, Section
from civicloop.core.models import Role
from civicloop.declare.models import Declaration, DeclarationStatus


def declarations_waiting(collaborative, user, roles: set[str]) -> Section:
    mine = Declaration.objects.filter(collaborative=collaborative)
    counts = dict(
        mine.filter(status__in=[DeclarationStatus.DRAFT, DeclarationStatus.APPROVED])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    drafts = counts.get(DeclarationStatus.DRAFT, 0)
    approved = counts.get(DeclarationStatus.APPROVED, 0)
    shown = list(
        mine.filter(status=DeclarationStatus.DRAFT)
        .select_related("indicator", "area")
        .order_by("drafted_at", "id")[:SHOWN]
        if drafts
        else []
    )
    items = [
        Item(
            label=_("%(indicator)s in %(area)s")
            % {"indicator": d.indicator.name, "area": d.area.name},
            url=reverse("declaration", args=[collaborative.slug, d.pk]),
            note=_("drafted, waiting for a chair"),
        )
        for d in shown
    ]
    parts = []
    if drafts:
        if Role.CHAIR in roles:
            parts.append(
                ngettext(
                    "%(n)s drafted declaration waits for your approval as chair.",
                    "%(n)s drafted declarations wait for your approval as chair.",
                    drafts,
                )
                % {"n": drafts}
            )
        else:
            parts.append(
                ngettext(
                    "%(n)s drafted declaration waits for a chair's approval.",
                    "%(n)s drafted declarations wait for a chair's approval.",
                    drafts,
                )
                % {"n": drafts}
            )
    if approved:
        parts.append(
            ngettext(
                "%(n)s approved declaration waits to be published.",
                "%(n)s approved declarations wait to be published.",
                approved,
            )
            % {"n": approved}
        )
    summary = " ".join(parts) or _("No declaration is waiting for a chair.")
    return Section(
        key="declarations",
        title=_("Declarations waiting for a chair"),
        summary=summary,
        url=reverse("declarations", args=[collaborative.slug]),
        link_text=_("See the declarations"),
        count=drafts + approved,
        items=items,
        more=max(drafts - len(items), 0),
    )
