"""Indicators: how a result is measured, with its targets and progress settings.

One page, three parts saved together or not at all: the indicator (a model form, so the
model's own rules apply), its targets (interim and final, each with its period; saved
through `Indicator.set_targets`, which keeps the final one on the indicator for the learn
stage) and the Open SDG progress settings (`Indicator.progress_options`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicloop.results.models import Collaborative, Dimension, Indicator, Period, Result
from civicloop.results.periods import PeriodError, parse_period
from civicloop.results.setup.common import SetupForm, setup_view
from civicloop.results.setup.work_began import WorkBeganMixin
from civicloop.table.models import Organisation


def period_from(label: str, frequency: str | None) -> Period:
    """The period a typed label names (2030, 2029-30, 2030-Q2...), or ValidationError."""
    try:
        spec = parse_period(label, frequency)
    except PeriodError as error:
        raise ValidationError(str(error)) from None
    return Period.get(spec.label, spec.kind)


class IndicatorForm(WorkBeganMixin, SetupForm):
    baseline_period = forms.CharField(
        label=gettext_lazy("Baseline period"),
        required=False,
        help_text=gettext_lazy("The period the baseline value is from, e.g. 2019 or 2018-19."),
    )

    class Meta:
        model = Indicator
        fields = [
            "result",
            "name",
            "slug",
            "definition",
            "unit",
            "unit_kind",
            "rate_per",
            "direction",
            "frequency",
            "decimals",
            "lower_bound",
            "upper_bound",
            "limit",
            "source",
            "data_lag_days",
            "expects_data",
            "stewards",
            "is_survey",
            "baseline_period",
            "baseline_value",
            "work_began",
            "dimensions",
            "is_public",
            "order",
        ]
        labels = {
            "slug": gettext_lazy("Short name (in addresses)"),
            "unit_kind": gettext_lazy("Kind of unit"),
            "rate_per": gettext_lazy("Per how many"),
            "direction": gettext_lazy("Better when"),
            "lower_bound": gettext_lazy("Lower limit"),
            "upper_bound": gettext_lazy("Upper limit"),
            "limit": gettext_lazy("Natural limit (progress)"),
            "source": gettext_lazy("Data source"),
            "stewards": gettext_lazy("Steward organisations"),
            "is_survey": gettext_lazy("Survey estimate (with margins of error)"),
            "dimensions": gettext_lazy("Disaggregations"),
            "is_public": gettext_lazy("Public (declared)"),
            "order": gettext_lazy("Position in lists"),
        }
        help_texts = {
            "slug": gettext_lazy(
                "Letters, digits and hyphens; made from the name when left empty."
            ),
            "definition": gettext_lazy("What is counted, over what, in plain words."),
            "source": gettext_lazy(
                "Where the numbers come from, e.g. State assessment results (DOE)."
            ),
        }
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "stewards": forms.CheckboxSelectMultiple,
            "dimensions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, collaborative: Collaborative, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaborative = collaborative
        self.fields["slug"].required = False
        self.fields["result"].queryset = Result.objects.filter(collaborative=collaborative)
        self.fields["stewards"].queryset = Organisation.objects.filter(
            collaborative=collaborative
        ).order_by("name")
        self.fields["dimensions"].queryset = Dimension.objects.filter(collaborative=collaborative)
        self.say_when_empty("stewards", "Organisations")
        self.say_when_empty("dimensions", "Disaggregations")
        if self.instance.baseline_period_id:
            self.initial["baseline_period"] = self.instance.baseline_period.label
        self.add_work_began()

    def frequency(self) -> str | None:
        return self.data.get(self.add_prefix("frequency")) or self.instance.frequency or None

    def unique_scope(self) -> dict:
        return {"result__collaborative": self.collaborative}

    def clean_baseline_period(self):
        label = self.cleaned_data.get("baseline_period", "").strip()
        if not label:
            return None
        return period_from(label, self.data.get(self.add_prefix("frequency")) or None)


class TargetForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("By"),
        max_length=64,
        help_text=gettext_lazy("The year or period it is due by, e.g. 2030."),
    )
    value = forms.FloatField(label=gettext_lazy("Value"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, indicator_form: IndicatorForm, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_form = indicator_form

    def clean(self):
        super().clean()
        frequency = self.indicator_form.data.get(self.indicator_form.add_prefix("frequency"))
        seen: dict[int, int] = {}
        self.targets: list[tuple[Period, float, str]] = []
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or "period" not in data or "value" not in data:
                continue
            try:
                period = period_from(data["period"], frequency or None)
            except ValidationError as error:
                form.add_error("period", error)
                continue
            if period.pk in seen:
                form.add_error(
                    "period",
                    _("Target %(pk)s is already due by %(period)s.")
                    % {"pk": seen[period.pk], "period": period},
                )
                continue
            seen[period.pk] = number
            self.targets.append((period, data["value"], data.get("note", "")))


TargetFormSet = forms.formset_factory(
    TargetForm, formset=BaseTargetFormSet, extra=2, can_delete=True, max_num=20, validate_max=True
)


class ProgressForm(forms.Form):
    """The headline entry of Open SDG's ``progress_calculation_options``; an empty field
    leaves the indicator's own value (its baseline, final target, direction) in force."""

    DIRECTIONS = [
        ("", "As the indicator says"),
        ("positive", "Positive (higher is better)"),
        ("negative", "Negative (lower is better)"),
    ]

    direction = forms.ChoiceField(choices=DIRECTIONS, required=False)
    base_year = forms.IntegerField(
        label=gettext_lazy("Base year"), required=False, min_value=1900, max_value=2200
    )
    target = forms.FloatField(label=gettext_lazy("Target"), required=False)
    target_year = forms.IntegerField(
        label=gettext_lazy("Target year"), required=False, min_value=1900, max_value=2200
    )
    limit = forms.FloatField(
        label=gettext_lazy("Limit"),
        required=False,
        help_text=gettext_lazy("A natural limit, e.g. 0."),
    )

    KEYS = ("direction", "base_year", "target", "target_year", "limit")

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict:
        headline = _headline(indicator.progress_options)
        return {key: headline.get(key) for key in cls.KEYS if headline.get(key) is not None}

    def clean(self):
        data = super().clean()
        base, target = data.get("base_year"), data.get("target_year")
        if base is not None and target is not None and target <= base:
            self.add_error("target_year", _("The target year must come after the base year."))
        return data

    def options(self, kept: list) -> list:
        """``kept`` with its headline entry's fields set from this form (an entry left
        with nothing in it goes); options the form does not show are kept as they were."""
        entry = {k: v for k, v in _headline(kept).items() if k not in self.KEYS}
        entry |= {
            k: self.cleaned_data[k] for k in self.KEYS if self.cleaned_data.get(k) not in (None, "")
        }
        others = [e for e in kept or [] if isinstance(e, dict) and e.get("disaggregation")]
        return ([entry] if entry else []) + others


def _headline(options) -> dict:
    for entry in options or []:
        if isinstance(entry, dict) and not entry.get("disaggregation"):
            return entry
    return {}


def _edit(request, collab: Collaborative, indicator: Indicator):
    data = request.POST if request.method == "POST" else None
    form = IndicatorForm(data, instance=indicator, collaborative=collab)
    initial = [
        {"period": t.period.label, "value": t.value, "note": t.note}
        for t in (indicator.targets.select_related("period") if indicator.pk else [])
    ]
    targets = TargetFormSet(data, prefix="targets", initial=initial, indicator_form=form)
    progress = ProgressForm(data, prefix="progress", initial=ProgressForm.initial_for(indicator))
    if request.method == "POST" and all([form.is_valid(), targets.is_valid(), progress.is_valid()]):
        problem = _targets_outside_limits(form.instance, targets)
        if not problem:
            with transaction.atomic():
                ind = form.save(commit=False)
                ind.progress_options = progress.options(ind.progress_options)
                ind.save()
                form.save_m2m()
                ind.set_targets(targets.targets)
            messages.success(
                request, _("The indicator “%(ind_name)s” is saved.") % {"ind_name": ind.name}
            )
            return redirect("setup", collab.slug)
    return render(
        request,
        "results/setup/indicator_form.html",
        {
            "collaborative": collab,
            "form": form,
            "targets": targets,
            "progress": progress,
            "indicator": indicator,
        },
    )


def _targets_outside_limits(indicator: Indicator, targets) -> bool:
    """Each target's value checked against the indicator's hard limits, on its row."""
    found = False
    for form in targets.forms:
        value = (getattr(form, "cleaned_data", None) or {}).get("value")
        if message := indicator.outside_limits(value):
            form.add_error("value", message)
            found = True
    return found


@setup_view
@require_http_methods(["GET", "POST"])
def indicator_new(request, collab: Collaborative):
    result = Result.objects.filter(collaborative=collab, slug=request.GET.get("result")).first()
    return _edit(request, collab, Indicator(result=result) if result else Indicator())


@setup_view
@require_http_methods(["GET", "POST"])
def indicator_edit(request, collab: Collaborative, indicator_slug: str):
    indicator = get_object_or_404(Indicator, result__collaborative=collab, slug=indicator_slug)
    return _edit(request, collab, indicator)
