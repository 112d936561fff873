"""Organisations: who is at (or around) the table, their sector and where they work.

The profile an organisation keeps itself (contacts, programmes, client shares) is edited
on the table's organisation pages; here the backbone adds organisations and keeps their
sector and footprint (the areas they serve) right.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicloop.results.models import Area, Collaborative
from civicloop.results.setup.common import SetupForm, setup_view
from civicloop.table.models import Organisation, OrganisationArea
from civicloop.table.views.common import https_urls


class OrganisationForm(SetupForm):
    footprint = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Areas it serves"),
        help_text=gettext_lazy(
            "Its footprint; the shares of clients per area are kept on its own page."
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "sector",
            "ntee_code",
            "description",
            "website",
            "families_reached",
        ]
        labels = {"slug": gettext_lazy("Short name (in addresses)")}
        help_texts = {
            "slug": gettext_lazy("Letters, digits and hyphens; made from the name when left empty.")
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        formfield_callback = https_urls

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["footprint"].queryset = Area.objects.filter(
            collaborative=self.instance.collaborative
        )
        self.say_when_empty("footprint", "Areas")
        if self.instance.pk:
            self.initial["footprint"] = list(
                self.instance.footprint.values_list("area_id", flat=True)
            )

    def save(self, commit=True):
        org = super().save(commit)
        chosen = {a.pk for a in self.cleaned_data["footprint"]}
        # Areas kept keep their client shares; only those unticked go.
        org.footprint.exclude(area_id__in=chosen).delete()
        have = set(org.footprint.values_list("area_id", flat=True))
        OrganisationArea.objects.bulk_create(
            OrganisationArea(organisation=org, area_id=pk) for pk in chosen - have
        )
        return org


@setup_view
def organisations(request, collab: Collaborative):
    rows = collab.organisations.prefetch_related("footprint__area").order_by("sector", "name")
    return render(
        request,
        "results/setup/organisations.html",
        {"collaborative": collab, "organisations": rows},
    )


def _edit(request, collab: Collaborative, org: Organisation):
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            org = form.save()
        messages.success(request, _("%(org_name)s is saved.") % {"org_name": org.name})
        return redirect("setup_organisations", collab.slug)
    return render(
        request,
        "results/setup/organisation_form.html",
        {"collaborative": collab, "form": form, "organisation": org},
    )


@setup_view
@require_http_methods(["GET", "POST"])
def organisation_new(request, collab: Collaborative):
    return _edit(request, collab, Organisation(collaborative=collab))


@setup_view
@require_http_methods(["GET", "POST"])
def organisation_edit(request, collab: Collaborative, org_slug: str):
    return _edit(
        request, collab, get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    )
