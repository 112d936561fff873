"""Disaggregations: the dimensions (race/ethnicity, age band...) and their groups.

A load files a row under a dimension and a group only if both are declared here, so a
fresh collaborative declares them before its first disaggregated file. Groups are typed
one per line, in the order they are shown; a group that already has data cannot be
dropped (its numbers would lose their meaning), and the form says so.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from civicloop.results.models import Collaborative, Dimension, Group, Series
from civicloop.results.setup.common import SetupForm, setup_view


class DimensionForm(SetupForm):
    groups = forms.CharField(
        label=gettext_lazy("Groups"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One per line, in the order they are shown, e.g. Black, Hispanic or Latino, White..."
        ),
    )

    class Meta:
        model = Dimension
        fields = ["name", "slug"]
        labels = {"slug": gettext_lazy("Short name (in files)")}
        help_texts = {
            "slug": gettext_lazy(
                "How source files name it, e.g. race-ethnicity; made from the name when left empty."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            self.initial["groups"] = "\n".join(g.name for g in self.instance.groups.all())

    def clean_groups(self) -> list[tuple[str, str]]:
        names = [line.strip() for line in self.cleaned_data["groups"].splitlines()]
        groups: list[tuple[str, str]] = []
        seen: set[str] = set()
        # A group already here keeps its slug (files and series name it) when its line
        # still names it, even if the slug was not made from the name.
        known: dict[str, str] = {}
        if self.instance.pk:
            for group in self.instance.groups.all():
                known[group.slug] = known[group.name.lower()] = group.slug
        for number, name in enumerate((n for n in names if n), start=1):
            slug = known.get(name.lower()) or known.get(slugify(name)) or slugify(name)[:50]
            if not slug:
                raise ValidationError(
                    _("Group %(number)s (%(repr)s) needs letters or digits.")
                    % {"number": number, "repr": repr(name)}
                )
            if slug in seen:
                raise ValidationError(
                    _("Group %(number)s (%(name)s) is listed twice.")
                    % {"number": number, "name": name}
                )
            seen.add(slug)
            groups.append((slug, name[:100]))
        if not groups:
            raise ValidationError(_("A disaggregation has at least one group."))
        if self.instance.pk:
            dropped = self.instance.groups.exclude(slug__in=seen)
            used = list(
                dropped.filter(pk__in=Series.objects.values("group")).values_list("name", flat=True)
            )
            if used:
                raise ValidationError(
                    ngettext(
                        "%(groups)s already has data, so it stays.",
                        "%(groups)s already have data, so they stay.",
                        len(used),
                    )
                    % {"groups": ", ".join(used)}
                )
        return groups

    def save(self, commit=True):
        dimension = super().save(commit)
        wanted = self.cleaned_data["groups"]
        dimension.groups.exclude(slug__in=[slug for slug, _label in wanted]).delete()
        for order, (slug, name) in enumerate(wanted):
            Group.objects.update_or_create(
                dimension=dimension, slug=slug, defaults={"name": name, "order": order}
            )
        return dimension


@setup_view
def dimensions(request, collab: Collaborative):
    rows = collab.dimensions.prefetch_related("groups")
    return render(
        request, "results/setup/dimensions.html", {"collaborative": collab, "dimensions": rows}
    )


def _edit(request, collab: Collaborative, dimension: Dimension):
    form = DimensionForm(request.POST or None, instance=dimension)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            dimension = form.save()
        messages.success(
            request,
            _("The disaggregation “%(dimension_name)s” is saved.")
            % {"dimension_name": dimension.name},
        )
        return redirect("setup_dimensions", collab.slug)
    return render(
        request,
        "results/setup/dimension_form.html",
        {"collaborative": collab, "form": form, "dimension": dimension},
    )


@setup_view
@require_http_methods(["GET", "POST"])
def dimension_new(request, collab: Collaborative):
    return _edit(request, collab, Dimension(collaborative=collab))


@setup_view
@require_http_methods(["GET", "POST"])
def dimension_edit(request, collab: Collaborative, dimension_slug: str):
    return _edit(
        request, collab, get_object_or_404(Dimension, collaborative=collab, slug=dimension_slug)
    )
