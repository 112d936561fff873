"""Connector sources set up in the browser (``/c/<slug>/setup/sources/``).

A backbone admin creates or edits a Socrata, CKAN, Census or URL source with its schedule
and trust, and may press "test" first: the first page is fetched and shown with its column
mapping applied, and nothing is saved until "save". Who may: `access.can_manage_sources`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civicloop.core import access
from civicloop.measure.connectors import CONNECTORS
from civicloop.measure.models import Source
from civicloop.measure.preview import PREVIEW_ROWS, preview
from civicloop.measure.source_forms import SourceForm
from civicloop.results.models import Collaborative


def _managed(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    if not access.can_manage_sources(request.user, collab):
        raise PermissionDenied("Only the collaborative's backbone admins set up its sources.")
    return collab


@login_required
def sources(request, slug: str):
    collab = _managed(request, slug)
    connected = (
        Source.objects.filter(collaborative=collab, kind__in=list(CONNECTORS))
        .select_related("organisation")
        .order_by("name")
    )
    return render(
        request,
        "measure/sources.html",
        {
            "collaborative": collab,
            "sources": connected,
            "labels": {k: c.label for k, c in CONNECTORS.items()},
        },
    )


@login_required
def source_new(request, slug: str):
    collab = _managed(request, slug)
    return _edit(request, collab, Source(collaborative=collab, kind="url"))


@login_required
def source_edit(request, slug: str, source_id: int):
    collab = _managed(request, slug)
    source = get_object_or_404(
        Source, pk=source_id, collaborative=collab, kind__in=list(CONNECTORS)
    )
    return _edit(request, collab, source)


def _edit(request, collab: Collaborative, source: Source):
    form = SourceForm(request.POST or None, instance=source, collaborative=collab)
    tested = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "test":
            # The form filled in an unsaved copy of the source: fetch with it, save nothing.
            tested = preview(form.instance)
        else:
            saved = form.save()
            messages.success(
                request, _("Saved the source %(saved_name)s.") % {"saved_name": saved.name}
            )
            return redirect("setup_sources", collab.slug)
    return render(
        request,
        "measure/source_form.html",
        {
            "collaborative": collab,
            "form": form,
            "source": source,
            "preview": tested,
            "preview_rows": PREVIEW_ROWS,
        },
        status=400 if form.errors else 200,
    )
