"""Commitments: partners' pledges to change how they work, with their performance measures.

A partner member writes and updates its own organisation's commitments; backbone admins any.
Chairs and backbone admins declare a commitment (the public then sees it). The table sees
all of them; the public only declared ones.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicloop.core import access
from civicloop.results.models import Direction, Indicator, UnitKind
from civicloop.results.periods import KINDS
from civicloop.table.models import (
    Commitment,
    CommitmentStatus,
    Contact,
    MeasureKind,
    Organisation,
    PerformanceMeasure,
    Strategy,
)
from civicloop.table.views.common import (
    editable_organisations,
    https_urls,
    is_htmx,
    member_collaborative,
    visible_collaborative,
)


def visible_commitments(user, collab):
    qs = Commitment.objects.filter(collaborative=collab)
    if access.is_member(user, collab):
        return qs
    return qs.filter(declared=True)


def commitments(request, slug: str):
    collab = visible_collaborative(request, slug)
    member = access.is_member(request.user, collab)
    qs = (
        visible_commitments(request.user, collab)
        .select_related("organisation", "owner")
        .prefetch_related("results", "measures")
    )
    org = request.GET.get("organisation", "")
    status = request.GET.get("status", "")
    overdue_only = request.GET.get("overdue") == "1"
    if org:
        qs = qs.filter(organisation__slug=org)
    if status in CommitmentStatus.values:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.overdue()
    today = timezone.localdate()
    items = list(qs)
    return render(
        request,
        "table/commitments.html",
        {
            "collaborative": collab,
            "commitments": items,
            "overdue_count": sum(c.is_overdue(today) for c in items),
            "organisations": Organisation.objects.filter(
                pk__in=visible_commitments(request.user, collab).values("organisation")
            ),
            "statuses": CommitmentStatus.choices,
            "filters": {"organisation": org, "status": status, "overdue": overdue_only},
            "today": today,
            "is_member": member,
            "can_add": member and editable_organisations(request.user, collab).exists(),
        },
    )


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = [
            "organisation",
            "title",
            "description",
            "results",
            "strategies",
            "owner",
            "due",
            "status",
            "evidence",
            "evidence_url",
        ]
        labels = {"due": gettext_lazy("Due by"), "evidence_url": gettext_lazy("Link to evidence")}
        formfield_callback = https_urls
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "results": forms.CheckboxSelectMultiple,
            "strategies": forms.CheckboxSelectMultiple,
            "due": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, collaborative=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["results"].queryset = collaborative.results.all()
        self.fields["strategies"].queryset = Strategy.objects.filter(collaborative=collaborative)
        self.fields["owner"].queryset = Contact.objects.filter(
            organisation__in=organisations
        ).select_related("organisation")
        self.fields["owner"].label_from_instance = lambda c: f"{c} ({c.organisation})"

    def clean(self):
        data = super().clean()
        owner, org = data.get("owner"), data.get("organisation")
        if owner and org and owner.organisation_id != org.pk:
            self.add_error("owner", _("The owner must be someone at the organisation itself."))
        return data


def _commitment(request, slug: str, pk: int, *, edit=False) -> tuple:
    collab = visible_collaborative(request, slug)
    commitment = get_object_or_404(
        visible_commitments(request.user, collab).select_related("organisation", "owner"), pk=pk
    )
    if edit and not access.can_edit_organisation(request.user, commitment.organisation):
        raise PermissionDenied("Only the organisation's own members can change its commitments.")
    return collab, commitment


def commitment(request, slug: str, pk: int):
    collab, item = _commitment(request, slug, pk)
    member = access.is_member(request.user, collab)
    can_edit = access.can_edit_organisation(request.user, item.organisation)
    # In the questions' own order: how much, how well, is anyone better off.
    order = list(MeasureKind.values)
    measures = sorted(
        item.measures.select_related("indicator__result"), key=lambda m: order.index(m.kind)
    )
    if member and measures:
        _with_latest(collab, measures)
    return render(
        request,
        "table/commitment.html",
        {
            "collaborative": collab,
            "commitment": item,
            "measures": measures,
            "is_member": member,
            "can_edit": can_edit,
            "can_declare": access.can_manage(request.user, collab),
            "statuses": CommitmentStatus.choices,
            "overdue": item.is_overdue(),
            "measure_form": MeasureForm(commitment=item) if can_edit else None,
        },
    )


def _with_latest(collab, measures: list[PerformanceMeasure]) -> None:
    """Give each measure its latest citywide value, sparkline and trend verdict (``row``)."""
    from civicloop.learn.evidence import headline_rows

    ids = [m.indicator_id for m in measures]
    rows = {
        r["indicator"].pk: r for r in headline_rows(collab, Indicator.objects.filter(pk__in=ids))
    }
    for m in measures:
        m.row = rows.get(m.indicator_id)


@login_required
def commitment_new(request, slug: str):
    collab = member_collaborative(request, slug)
    orgs = editable_organisations(request.user, collab)
    if not orgs.exists():
        raise PermissionDenied("Only partner members and backbone admins make commitments.")
    initial = {}
    if orgs.count() == 1:
        initial["organisation"] = orgs.first()
    form = CommitmentForm(
        request.POST or None, collaborative=collab, organisations=orgs, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.collaborative = collab
        item.created_by = request.user
        item.save()
        form.save_m2m()
        messages.success(request, _("Commitment recorded."))
        return redirect(item)
    return render(
        request,
        "table/commitment_form.html",
        {"collaborative": collab, "form": form, "commitment": None},
    )


@login_required
def commitment_edit(request, slug: str, pk: int):
    collab, item = _commitment(request, slug, pk, edit=True)
    orgs = editable_organisations(request.user, collab)
    form = CommitmentForm(
        request.POST or None, instance=item, collaborative=collab, organisations=orgs
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Commitment saved."))
        return redirect(item)
    return render(
        request,
        "table/commitment_form.html",
        {"collaborative": collab, "form": form, "commitment": item},
    )


@login_required
@require_POST
def commitment_status(request, slug: str, pk: int):
    """Update the status (and evidence) in place; HTMX swaps the status panel."""
    collab, item = _commitment(request, slug, pk, edit=True)
    status = request.POST.get("status", "")
    if status not in CommitmentStatus.values:
        raise Http404("Unknown status")
    item.status = status
    evidence = request.POST.get("evidence")
    fields = ["status", "updated_at"]
    if evidence is not None:
        item.evidence = evidence.strip()
        fields.append("evidence")
    item.save(update_fields=fields)
    if is_htmx(request):
        return render(
            request,
            "table/commitment.html#status",
            {
                "collaborative": collab,
                "commitment": item,
                "can_edit": True,
                "statuses": CommitmentStatus.choices,
                "overdue": item.is_overdue(),
                "saved": True,
            },
        )
    messages.success(
        request,
        _("Status: %(get_status_display)s.") % {"get_status_display": item.get_status_display()},
    )
    return redirect(item)


@login_required
@require_POST
def commitment_declare(request, slug: str, pk: int):
    collab, item = _commitment(request, slug, pk)
    if not access.can_manage(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins declare.")
    item.declared = request.POST.get("declared") == "1"
    item.save(update_fields=["declared"])
    messages.success(
        request, "Declared: the public can see it." if item.declared else "No longer declared."
    )
    return redirect(item)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(choices=MeasureKind.choices, widget=forms.RadioSelect)
    result = forms.ModelChoiceField(
        queryset=None, help_text=gettext_lazy("The result the measure reports to.")
    )
    name = forms.CharField(
        max_length=200, help_text=gettext_lazy("e.g. Monthly files sent on time")
    )
    unit = forms.CharField(
        max_length=60, help_text=gettext_lazy("As readers see it: %, files, families...")
    )
    unit_kind = forms.ChoiceField(choices=UnitKind.choices, label=gettext_lazy("Kind of unit"))
    direction = forms.ChoiceField(choices=Direction.choices, label=gettext_lazy("Better when"))
    frequency = forms.ChoiceField(
        choices=[(k, k.replace("_", " ")) for k in KINDS], initial="month"
    )

    def __init__(self, *args, commitment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = commitment.results.all()
        if commitment.results.count() == 1:
            self.fields["result"].initial = commitment.results.first()


def add_measure(item: Commitment, data: dict) -> PerformanceMeasure:
    """A performance measure is an ordinary indicator under one of the commitment's results."""
    result = data["result"]
    base = slugify(data["name"])[:40] or "measure"
    slug, n = base, 2
    while Indicator.objects.filter(result__collaborative=result.collaborative, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    with transaction.atomic():
        indicator = Indicator.objects.create(
            result=result,
            slug=slug,
            name=data["name"],
            definition=f"Performance measure of: {item.title} ({item.organisation}).",
            unit=data["unit"],
            unit_kind=data["unit_kind"],
            direction=data["direction"],
            frequency=data["frequency"],
            source=str(item.organisation),
            is_public=False,
            order=1000 + item.measures.count(),
        )
        return PerformanceMeasure.objects.create(
            commitment=item, indicator=indicator, kind=data["kind"]
        )


@login_required
@require_POST
def measure_new(request, slug: str, pk: int):
    collab, item = _commitment(request, slug, pk, edit=True)
    form = MeasureForm(request.POST, commitment=item)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, _("Not added: %(errors)s") % {"errors": errors})
        return redirect(item)
    measure = add_measure(item, form.cleaned_data)
    messages.success(
        request,
        _(
            "Added “%(indicator_name)s”: load its data like any indicator's, with indicator slug %(indicator_slug)s."
        )
        % {"indicator_name": measure.indicator.name, "indicator_slug": measure.indicator.slug},
    )
    return redirect(item)
