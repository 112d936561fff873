"""When the work began: one form field for the indicator, result and collaborative forms.

The baseline forecast (`civicloop.learn.store.curve`) is fitted to the values before the
work began. Each of the three says it the same way, as a period typed like the baseline's
(2020, 2020-21, 2024-Q1), stored as a `Period`; the model's own ``clean`` refuses a start
that has not come yet (`civicloop.results.models.work_began_problem`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from civicloop.results.models import Period
from civicloop.results.periods import PeriodError, parse_period


class WorkBeganMixin:
    """For a `SetupForm` whose model has ``work_began``: the field typed as a period label.
    `frequency` says how to read a bare label (an indicator's own frequency)."""

    def add_work_began(self) -> None:
        model_field = self._meta.model._meta.get_field("work_began")
        self.fields["work_began"] = forms.CharField(
            label=gettext_lazy("Work began (baseline ends)"),
            required=False,
            max_length=64,
            help_text=model_field.help_text,
        )
        if self.instance.work_began_id:
            self.initial["work_began"] = self.instance.work_began.label

    def frequency(self) -> str | None:
        return None

    def clean_work_began(self) -> Period | None:
        label = (self.cleaned_data.get("work_began") or "").strip()
        if not label:
            return None
        try:
            spec = parse_period(label, self.frequency())
        except PeriodError as error:
            raise ValidationError(str(error)) from None
        return Period.get(spec.label, spec.kind)
