"""Chairs: who chairs which table, their reach across sectors, their commitments first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from civicloop.table import chairs as chairing
from civicloop.table.models import Organisation
from civicloop.table.views.common import member_collaborative


@login_required
def chairs(request, slug: str):
    collab = member_collaborative(request, slug)
    return render(
        request,
        "table/chairs.html",
        {"collaborative": collab, "chairs": chairing.chairs(collab)},
    )


@login_required
def chair(request, slug: str, org_slug: str):
    collab = member_collaborative(request, slug)
    org = get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    if not chairing.chair_organisations(collab).filter(pk=org.pk).exists():
        raise Http404("This organisation chairs no table.")
    return render(
        request,
        "table/chair.html",
        {
            "collaborative": collab,
            "chair": chairing.chair(org),
            "today": timezone.localdate(),
        },
    )
