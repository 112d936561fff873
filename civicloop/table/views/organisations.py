"""Partner organisations: profile, contacts, footprint and roles.

Only an organisation's own members (or the backbone) change its profile and footprint; the
table's chairs may also record a change of role.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import inlineformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core import access
from civicloop.results.models import Area
from civicloop.table.models import (
    Contact,
    Organisation,
    OrganisationArea,
    OrganisationPopulation,
    PartnerRole,
    Population,
    PopulationKind,
    Programme,
    RoleChange,
    current_roles,
)
from civicloop.table.views.common import https_urls, member_collaborative


@login_required
def organisations(request, slug: str):
    collab = member_collaborative(request, slug)
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
    collab = member_collaborative(request, slug)
    org = get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    changes = list(org.role_changes.select_related("from_role", "to_role", "result"))
    populations: dict[str, list[OrganisationPopulation]] = {k.label: [] for k in PopulationKind}
    for served in org.populations_served.select_related("population"):
        populations[served.population.get_kind_display()].append(served)
    populations = {kind: rows for kind, rows in populations.items() if rows}
    today = timezone.localdate()
    return render(
        request,
        "table/organisation.html",
        {
            "collaborative": collab,
            "organisation": org,
            "footprint": org.footprint.select_related("area").order_by("-client_share"),
            "populations": populations,
            "programmes": org.programmes.all(),
            "contacts": org.contacts.all(),
            "seats": org.seats.select_related("result").order_by("-joined"),
            "roles_now": current_roles(changes),
            "role_changes": sorted(changes, key=lambda c: (c.since, c.pk), reverse=True),
            "commitments": org.commitments.prefetch_related("results").select_related("owner"),
            "today": today,
            "can_edit": access.can_edit_organisation(request.user, org),
            "can_record_role": _can_record_role(request.user, org),
        },
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["description", "website", "families_reached"]
        formfield_callback = https_urls


class ReachForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["families_reached"]


ContactFormSet = inlineformset_factory(
    Organisation,
    Contact,
    fields=["name", "title", "email", "phone"],
    extra=1,
    can_delete=True,
)


def _editable(request, slug: str, org_slug: str):
    collab = member_collaborative(request, slug)
    org = get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    if not access.can_edit_organisation(request.user, org):
        raise PermissionDenied("Only this organisation's own members can change it.")
    return collab, org


@login_required
def organisation_edit(request, slug: str, org_slug: str):
    collab, org = _editable(request, slug, org_slug)
    form = OrganisationForm(request.POST or None, instance=org)
    # The contacts formset is optional in a POST, so a form without it still saves the profile.
    with_contacts = request.method != "POST" or "contacts-TOTAL_FORMS" in request.POST
    contacts = ContactFormSet(
        request.POST if request.method == "POST" and with_contacts else None,
        instance=org,
        prefix="contacts",
    )
    if request.method == "POST" and form.is_valid() and (not with_contacts or contacts.is_valid()):
        with transaction.atomic():
            form.save()
            if with_contacts:
                contacts.save()
        messages.success(request, _("%(org_name)s saved.") % {"org_name": org.name})
        return redirect(org)
    return render(
        request,
        "table/organisation_edit.html",
        {"collaborative": collab, "organisation": org, "form": form, "contacts": contacts},
    )


class PercentField(forms.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(
            min_value=0, max_value=100, decimal_places=1, max_digits=4, required=False, **kwargs
        )


class AreaServedForm(forms.ModelForm):
    percent = PercentField(
        label=gettext_lazy("Share of clients (%)"),
        help_text=gettext_lazy("Leave empty if unknown."),
    )

    class Meta:
        model = OrganisationArea
        fields = ["area"]

    def __init__(self, *args, collaborative=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(collaborative=collaborative).order_by(
            "level", "name"
        )
        if self.instance.pk and self.instance.client_share is not None:
            self.initial["percent"] = round(self.instance.client_share * 100, 1)

    def save(self, commit=True):
        percent = self.cleaned_data.get("percent")
        self.instance.client_share = None if percent is None else float(percent) / 100
        return super().save(commit)


class PopulationServedForm(forms.ModelForm):
    percent = PercentField(
        label=gettext_lazy("Share of clients (%)"),
        help_text=gettext_lazy("Age and income bands only; empty if unknown."),
    )

    class Meta:
        model = OrganisationPopulation
        fields = ["population"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["population"].queryset = Population.objects.all()
        if self.instance.pk and self.instance.share is not None:
            self.initial["percent"] = round(self.instance.share * 100, 1)

    def save(self, commit=True):
        percent = self.cleaned_data.get("percent")
        kind = self.cleaned_data["population"].kind
        self.instance.share = (
            None if percent is None or kind == PopulationKind.GROUP else float(percent) / 100
        )
        return super().save(commit)


class SharesAddUp(forms.BaseInlineFormSet):
    """Shares may not claim more than all of an organisation's clients."""

    def group_of(self, form) -> str:
        return ""

    def clean(self):
        super().clean()
        totals: dict[str, float] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            percent = form.cleaned_data.get("percent")
            key = self.group_of(form)
            if percent is not None and key is not None:
                totals[key] = totals.get(key, 0.0) + float(percent)
        for key, total in totals.items():
            if total > 100.05:
                raise forms.ValidationError(
                    _("Shares for %(what)s add up to %(total)s%%, more than 100%%.")
                    % {"what": key.lower(), "total": f"{total:.0f}"}
                    if key
                    else _("Shares add up to %(total)s%%, more than 100%%.")
                    % {"total": f"{total:.0f}"}
                )


class PopulationShares(SharesAddUp):
    def group_of(self, form):
        population = form.cleaned_data.get("population")
        if population is None or population.kind == PopulationKind.GROUP:
            return None
        return population.get_kind_display()


AreaFormSet = inlineformset_factory(
    Organisation,
    OrganisationArea,
    form=AreaServedForm,
    formset=SharesAddUp,
    extra=2,
    can_delete=True,
)
PopulationFormSet = inlineformset_factory(
    Organisation,
    OrganisationPopulation,
    form=PopulationServedForm,
    formset=PopulationShares,
    extra=2,
    can_delete=True,
)
ProgrammeFormSet = inlineformset_factory(
    Organisation,
    Programme,
    fields=["name", "description", "families_reached"],
    extra=1,
    can_delete=True,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)


@login_required
def footprint_edit(request, slug: str, org_slug: str):
    """Areas served (with client shares), populations served, programmes and reach."""
    collab, org = _editable(request, slug, org_slug)
    data = request.POST if request.method == "POST" else None
    reach = ReachForm(data, instance=org, prefix="reach")
    areas = AreaFormSet(data, instance=org, prefix="areas", form_kwargs={"collaborative": collab})
    populations = PopulationFormSet(data, instance=org, prefix="populations")
    programmes = ProgrammeFormSet(data, instance=org, prefix="programmes")
    parts = [reach, areas, populations, programmes]
    if request.method == "POST" and all(p.is_valid() for p in parts):
        with transaction.atomic():
            for part in parts:
                part.save()
        messages.success(
            request, _("The footprint of %(org_name)s is saved.") % {"org_name": org.name}
        )
        return redirect(org)
    return render(
        request,
        "table/footprint_edit.html",
        {
            "collaborative": collab,
            "organisation": org,
            "reach": reach,
            "areas": areas,
            "populations": populations,
            "programmes": programmes,
        },
    )


def _can_record_role(user, org: Organisation) -> bool:
    return access.can_edit_organisation(user, org) or access.can_manage(user, org.collaborative)


class RoleChangeForm(forms.ModelForm):
    class Meta:
        model = RoleChange
        fields = ["from_role", "to_role", "since", "why", "result"]
        labels = {
            "from_role": gettext_lazy("From"),
            "to_role": gettext_lazy("To"),
            "result": gettext_lazy("For the result"),
        }
        widgets = {
            "since": forms.DateInput(attrs={"type": "date"}),
            "why": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        now = current_roles(organisation.role_changes.select_related("to_role"))
        self.fields["from_role"].queryset = PartnerRole.objects.filter(pk__in=[r.pk for r in now])
        self.fields["from_role"].empty_label = "— a new role (it keeps the others)"
        self.fields["from_role"].help_text = "One of the roles it plays now."
        self.fields["to_role"].queryset = PartnerRole.objects.all()
        self.fields["result"].queryset = organisation.collaborative.results.all()
        self.fields["result"].required = False

    def clean(self):
        data = super().clean()
        if data.get("from_role") and data.get("from_role") == data.get("to_role"):
            raise forms.ValidationError(_("A change of role goes from one role to another."))
        return data


@login_required
def role_change_new(request, slug: str, org_slug: str):
    collab = member_collaborative(request, slug)
    org = get_object_or_404(Organisation, collaborative=collab, slug=org_slug)
    if not _can_record_role(request.user, org):
        raise PermissionDenied("Only the organisation's members and the table's chairs can.")
    form = RoleChangeForm(
        request.POST or None,
        organisation=org,
        initial={"since": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        change = form.save(commit=False)
        change.organisation = org
        change.recorded_by = request.user
        change.save()
        messages.success(request, _("Recorded: %(change)s.") % {"change": change})
        return redirect(org)
    return render(
        request,
        "table/role_change_form.html",
        {"collaborative": collab, "organisation": org, "form": form},
    )
