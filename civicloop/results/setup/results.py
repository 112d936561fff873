"""Results: the population-level conditions of well-being the collaborative works for."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicloop.results.models import Area, Collaborative, Result
from civicloop.results.setup.common import SetupForm, setup_view
from civicloop.results.setup.work_began import WorkBeganMixin


class ResultForm(WorkBeganMixin, SetupForm):
    slug_from = "title"

    class Meta:
        model = Result
        fields = [
            "title",
            "slug",
            "statement",
            "population",
            "focus_areas",
            "work_began",
            "order",
        ]
        labels = {
            "slug": gettext_lazy("Short name (in addresses)"),
            "order": gettext_lazy("Position in lists"),
        }
        help_texts = {
            "slug": gettext_lazy(
                "Letters, digits and hyphens; made from the title when left empty."
            ),
            "statement": gettext_lazy(
                "In plain words, e.g. Every child in the South Ward reads at grade "
                "level by 3rd grade."
            ),
            "population": gettext_lazy(
                "Whom it is about, e.g. children under 9 in the South Ward."
            ),
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "focus_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["focus_areas"].queryset = Area.objects.filter(
            collaborative=self.instance.collaborative
        )
        self.add_work_began()


def _edit(request, collab: Collaborative, result: Result):
    form = ResultForm(request.POST or None, instance=result)
    if request.method == "POST" and form.is_valid():
        result = form.save()
        messages.success(
            request, _("The result “%(result_title)s” is saved.") % {"result_title": result.title}
        )
        return redirect("setup", collab.slug)
    return render(
        request,
        "results/setup/result_form.html",
        {"collaborative": collab, "form": form, "result": result},
    )


@setup_view
@require_http_methods(["GET", "POST"])
def result_new(request, collab: Collaborative):
    return _edit(request, collab, Result(collaborative=collab))


@setup_view
@require_http_methods(["GET", "POST"])
def result_edit(request, collab: Collaborative, result_slug: str):
    return _edit(request, collab, get_object_or_404(Result, collaborative=collab, slug=result_slug))
