"""Who sits where, each result's table, and who is missing from it.

Only chairs and backbone admins seat an organisation or end its seat.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop.core import access
from civicloop.table import missing
from civicloop.table.models import (
    Commitment,
    IndicatorSector,
    Organisation,
    Round,
    RoundStatus,
    Seat,
    SeatRole,
    Sector,
)
from civicloop.table.views.common import is_htmx, member_collaborative, next_url


@login_required
def table(request, slug: str):
    """The collaborative's tables at a glance: which organisation sits where, in which role."""
    collab = member_collaborative(request, slug)
    results = list(collab.results.all())
    seats = list(
        Seat.active()
        .filter(result__collaborative=collab)
        .select_related("organisation", "result")
        .order_by("organisation__name")
    )
    grid: dict[int, dict] = {}
    for seat in seats:
        row = grid.setdefault(
            seat.organisation_id, {"organisation": seat.organisation, "cells": {}}
        )
        row["cells"].setdefault(seat.result_id, []).append(seat)
    rows = sorted(grid.values(), key=lambda r: (r["organisation"].sector, r["organisation"].name))
    for row in rows:
        row["by_result"] = [row["cells"].get(r.pk, []) for r in results]
    sectors = {r["organisation"].sector for r in rows}
    unseated = Organisation.objects.filter(collaborative=collab).exclude(
        pk__in=[r["organisation"].pk for r in rows]
    )
    return render(
        request,
        "table/table.html",
        {
            "collaborative": collab,
            "results": results,
            "rows": rows,
            "sector_count": len(sectors),
            "sector_total": len(Sector.values),
            "unseated": unseated.count(),
            "overdue": Commitment.objects.filter(collaborative=collab).overdue().count(),
            "open_rounds": Round.objects.filter(collaborative=collab, status=RoundStatus.OPEN),
            "can_manage": access.can_manage(request.user, collab),
        },
    )


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = ["organisation", "role", "joined"]
        widgets = {"joined": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, collaborative=None, result=None, **kwargs):
        super().__init__(*args, **kwargs)
        seated = Seat.active().filter(result=result).values("organisation")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            collaborative=collaborative
        ).exclude(pk__in=seated)
        self.fields["organisation"].label = "Organisation"


@login_required
def result_table(request, slug: str, result_slug: str):
    """One result's table: who sits at it, which sectors it lacks, and who is missing."""
    collab = member_collaborative(request, slug)
    result = get_object_or_404(collab.results, slug=result_slug)
    can_manage = access.can_manage(request.user, collab)
    seats = (
        Seat.objects.filter(result=result)
        .select_related("organisation")
        .order_by("left", "role", "organisation__name")
    )
    today = timezone.localdate()
    return render(
        request,
        "table/result_table.html",
        {
            "collaborative": collab,
            "result": result,
            "seats": [s for s in seats if s.is_active(today)],
            "past_seats": [s for s in seats if s.left and s.left <= today],
            "coverage": missing.sector_coverage(result),
            "suggestions": missing.who_is_missing(result, limit=10),
            "focus": missing.focus_names(result),
            "populations": [p.population for p in result.target_populations.all()],
            "can_manage": can_manage,
            "seat_form": SeatForm(collaborative=collab, result=result, initial={"joined": today})
            if can_manage
            else None,
            "roles": SeatRole.choices,
            "today": today,
        },
    )


@login_required
@require_POST
def seat_new(request, slug: str, result_slug: str):
    collab = member_collaborative(request, slug)
    result = get_object_or_404(collab.results, slug=result_slug)
    if not access.can_manage(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins seat organisations.")
    data = request.POST.copy()
    data.setdefault("joined", timezone.localdate().isoformat())
    form = SeatForm(data, collaborative=collab, result=result)
    back = next_url(request, reverse("result_table", args=[collab.slug, result.slug]))
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        if is_htmx(request):
            return render(request, "table/_seat_offered.html", {"error": errors})
        messages.error(request, _("Not seated: %(errors)s") % {"errors": errors})
        return redirect(back)
    seat = form.save(commit=False)
    seat.result = result
    seat.save()
    if is_htmx(request):
        return render(request, "table/_seat_offered.html", {"seat": seat})
    messages.success(
        request,
        _("%(organisation)s now sits at the %(result_title)s table as %(get_role_display)s.")
        % {
            "organisation": seat.organisation,
            "result_title": result.title,
            "get_role_display": seat.get_role_display().lower(),
        },
    )
    return redirect(back)


@login_required
@require_POST
def seat_end(request, slug: str, seat_id: int):
    collab = member_collaborative(request, slug)
    seat = get_object_or_404(Seat, pk=seat_id, result__collaborative=collab)
    if not access.can_manage(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins end a seat.")
    left = forms.DateField(required=False).clean(request.POST.get("left")) or timezone.localdate()
    back = next_url(request, reverse("result_table", args=[collab.slug, seat.result.slug]))
    if left < seat.joined:
        messages.error(request, _("A seat cannot end before it began."))
        return redirect(back)
    seat.left = left
    seat.save(update_fields=["left"])
    messages.success(
        request,
        _("%(organisation)s left the %(result_title)s table.")
        % {"organisation": seat.organisation, "result_title": seat.result.title},
    )
    return redirect(back)


class SectorsForm(forms.Form):
    """For each of the result's indicators, the sectors it depends on."""

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        current: dict[int, list[str]] = {}
        for ind_id, sector in IndicatorSector.objects.filter(
            indicator__in=self.indicators
        ).values_list("indicator", "sector"):
            current.setdefault(ind_id, []).append(sector)
        for ind in self.indicators:
            self.fields[f"sectors_{ind.pk}"] = forms.MultipleChoiceField(
                choices=Sector.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=ind.name,
                initial=current.get(ind.pk, []),
            )

    def save(self) -> None:
        for ind in self.indicators:
            wanted = set(self.cleaned_data[f"sectors_{ind.pk}"])
            IndicatorSector.objects.filter(indicator=ind).exclude(sector__in=wanted).delete()
            have = set(
                IndicatorSector.objects.filter(indicator=ind).values_list("sector", flat=True)
            )
            IndicatorSector.objects.bulk_create(
                IndicatorSector(indicator=ind, sector=s) for s in sorted(wanted - have)
            )


@login_required
def result_sectors(request, slug: str, result_slug: str):
    """Set which sectors each of the result's indicators depends on (chairs, backbone)."""
    collab = member_collaborative(request, slug)
    result = get_object_or_404(collab.results, slug=result_slug)
    if not access.can_manage(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins set what a result needs.")
    form = SectorsForm(request.POST or None, indicators=result.indicators.population())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved: sector coverage and who is missing now use these."))
        return redirect(reverse("result_table", args=[collab.slug, result.slug]) + "#coverage")
    return render(
        request,
        "table/result_sectors.html",
        {"collaborative": collab, "result": result, "form": form},
    )
