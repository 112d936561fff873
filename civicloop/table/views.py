"""Pages for partner organisations. Only an organisation's own members (or the backbone) edit it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from civicloop.core import access
from civicloop.results.models import Collaborative
from civicloop.table.models import Organisation


def _member_collaborative(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    return collab


@login_required
def organisations(request, slug: str):
    collab = _member_collaborative(request, slug)
    orgs = (
        Organisation.objects.filter(collaborative=collab)
        .prefetch_related("seats__result", "footprint__area")
        .order_by("sector", "name")
    )
    return render(
        request, "table/organisations.html", {"collaborative": collab, "organisations": orgs}
    )


@login_required
def organisation(request, slug: str, org_slug: str):
    collab = _member_collaborative(request, slug)
    org = get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    return render(
        request,
        "table/organisation.html",
        {
            "collaborative": collab,
            "organisation": org,
            "footprint": org.footprint.select_related("area").order_by("-client_share"),
            "seats": org.seats.select_related("result"),
            "can_edit": access.can_edit_organisation(request.user, org),
        },
    )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["description", "website", "families_reached"]


@login_required
def organisation_edit(request, slug: str, org_slug: str):
    collab = _member_collaborative(request, slug)
    org = get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    if not access.can_edit_organisation(request.user, org):
        raise PermissionDenied("Only this organisation's own members can change it.")
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{org.name} saved.")
        return redirect(org)
    return render(
        request,
        "table/organisation_edit.html",
        {"collaborative": collab, "organisation": org, "form": form},
    )
