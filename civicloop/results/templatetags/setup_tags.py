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


@register.filter
def with_twins(fields) -> list[tuple]:
    """(field, its Spanish twin or None) for each field a reader fills, so a form shows the
    English and the Spanish of one thing side by side instead of a second form below the
    first (`SetupForm`). Twins are skipped where they come on their own."""
    fields = list(fields)
    out = []
    for field in fields:
        twin_names = getattr(field.form, "twin_names", ())
        if field.name in twin_names:
            continue
        twin = next((t for t in twin_names if t.rsplit("_", 1)[0] == field.name), None)
        out.append((field, field.form[twin] if twin else None))
    return out
