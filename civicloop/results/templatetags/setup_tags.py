"""The set-up pages' error summary: every problem of a page's forms, each linked to its field.

A long form that fails says so at its top, and each line jumps to the field to fix (the
field itself points back to its message with ``aria-describedby``, Django's own doing).
"""

from __future__ import annotations

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


def _problems(form: forms.BaseForm, where: str = "") -> list[tuple[str, str]]:
    found = [("", f"{where}{e}") for e in form.non_field_errors()]
    for field in form:
        anchor = field.id_for_label or field.auto_id or ""
        found += [
            (f"#{anchor}" if anchor else "", f"{where}{field.label}: {e}") for e in field.errors
        ]
    return found


@register.inclusion_tag("results/setup/_error_summary.html")
def error_summary(*parts):
    """``{% error_summary form formset other_form %}``; formsets name each row."""
    found: list[tuple[str, str]] = []
    for part in parts:
        if part is None or not part.is_bound:
            continue
        if isinstance(part, forms.BaseFormSet):
            found += [("", e) for e in part.non_form_errors()]
            for number, form in enumerate(part.forms, start=1):
                found += _problems(form, _("Row %(number)s, ") % {"number": number})
        else:
            found += _problems(part)
    return {"problems": found}
