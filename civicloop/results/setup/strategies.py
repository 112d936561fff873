"""Strategies: the experiments the table runs, where, from when, and what they should move."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicloop.results.models import Area, Collaborative, Indicator
from civicloop.results.setup.common import SetupForm, setup_view
from civicloop.results.setup.indicators import period_from
from civicloop.table.models import Organisation, Strategy


class StrategyForm(SetupForm):
    start_period = forms.CharField(
        label=gettext_lazy("Started in"),
        required=False,
        help_text=gettext_lazy(
            "The period it started (or starts), e.g. 2022 or 2022-23; effects are "
            "measured from there."
        ),
    )

    class Meta:
        model = Strategy
        fields = [
            "name",
            "slug",
            "hypothesis",
            "kind",
            "status",
            "owners",
            "indicators",
            "areas",
            "start_period",
            "expected_change",
            "smallest_effect",
        ]
        labels = {
            "slug": gettext_lazy("Short name (in addresses)"),
            "owners": gettext_lazy("Led by"),
            "areas": gettext_lazy("Where it runs"),
            "indicators": gettext_lazy("What it should move"),
            "smallest_effect": gettext_lazy("Smallest effect worth having"),
        }
        help_texts = {
            "slug": gettext_lazy(
                "Letters, digits and hyphens; made from the name when left empty."
            ),
            "hypothesis": gettext_lazy("If we do this, then that changes, because..."),
        }
        widgets = {
            "hypothesis": forms.Textarea(attrs={"rows": 3}),
            "owners": forms.CheckboxSelectMultiple,
            "indicators": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        collab = self.instance.collaborative
        self.fields["slug"].required = False
        self.fields["owners"].queryset = Organisation.objects.filter(collaborative=collab)
        self.fields["indicators"].queryset = Indicator.objects.filter(
            result__collaborative=collab
        ).population()
        self.fields["areas"].queryset = Area.objects.filter(collaborative=collab)
        self.say_when_empty("owners", "Organisations")
        self.say_when_empty("indicators", "Results and indicators")
        self.say_when_empty("areas", "Areas")
        if self.instance.start_period_id:
            self.initial["start_period"] = self.instance.start_period.label

    def clean_start_period(self):
        label = self.cleaned_data.get("start_period", "").strip()
        return period_from(label, None) if label else None


@setup_view
def strategies(request, collab: Collaborative):
    rows = collab.strategies.prefetch_related("owners", "indicators", "areas").select_related(
        "start_period"
    )
    return render(
        request, "results/setup/strategies.html", {"collaborative": collab, "strategies": rows}
    )


def _edit(request, collab: Collaborative, strategy: Strategy):
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        strategy = form.save()
        messages.success(
            request,
            _("The strategy “%(strategy_name)s” is saved.") % {"strategy_name": strategy.name},
        )
        return redirect("setup_strategies", collab.slug)
    return render(
        request,
        "results/setup/strategy_form.html",
        {"collaborative": collab, "form": form, "strategy": strategy},
    )


@setup_view
@require_http_methods(["GET", "POST"])
def strategy_new(request, collab: Collaborative):
    return _edit(request, collab, Strategy(collaborative=collab))


@setup_view
@require_http_methods(["GET", "POST"])
def strategy_edit(request, collab: Collaborative, strategy_slug: str):
    return _edit(
        request, collab, get_object_or_404(Strategy, collaborative=collab, slug=strategy_slug)
    )
