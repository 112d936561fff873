"""The set-up home: what the collaborative has so far, and where to add the next thing."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import render

from civicloop.results.models import Collaborative, Indicator
from civicloop.results.setup.common import setup_view


@setup_view
def overview(request, collab: Collaborative):
    indicators = Indicator.objects.population().prefetch_related("targets__period")
    results = collab.results.prefetch_related(Prefetch("indicators", queryset=indicators))
    context = {
        "collaborative": collab,
        "results": results,
        "areas": collab.areas.annotate(n_children=Count("children")),
        "with_boundary": collab.areas.filter(geometry__isnull=False).count(),
        "strategies": collab.strategies.count(),
        "organisations": collab.organisations.count(),
    }
    return render(request, "results/setup/overview.html", context)
