"""What every set-up page needs: the collaborative, for its backbone admins only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from civicloop.core import access
from civicloop.core.translated import twins
from civicloop.results.models import Collaborative


class SignInFirst(Exception):
    """Raised for anonymous visitors; `setup_view` turns it into the sign-in redirect."""


def setup_collaborative(request, slug: str) -> Collaborative:
    """The collaborative, if the person asking may set it up.

    Anyone signed in without the right gets 403 (even for a collaborative that does not
    exist, so the answer tells nothing); the public is sent to sign in.
    """
    if not request.user.is_authenticated:
        raise SignInFirst
    collab = Collaborative.objects.filter(slug=slug).first()
    if collab is None or not access.can_set_up(request.user, collab):
        raise PermissionDenied("Only this collaborative's backbone admins set it up.")
    return collab


def setup_view(view):
    """Wrap a set-up view: sign-in redirect for the public, before any work is done."""

    def wrapped(request, slug: str, *args, **kwargs):
        try:
            collab = setup_collaborative(request, slug)
        except SignInFirst:
            return redirect_to_login(request.get_full_path())
        return view(request, collab, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# The labels Django makes from the names of the set-up forms' model fields, for the catalog:
# `SetupForm` reads each in the page's language.
FIELD_LABELS = (
    gettext_noop("Baseline value"),
    gettext_noop("City"),
    gettext_noop("Code"),
    gettext_noop("Custom level"),
    gettext_noop("Decimals"),
    gettext_noop("Definition"),
    gettext_noop("Description"),
    gettext_noop("Expected change"),
    gettext_noop("Families reached"),
    gettext_noop("Focus areas"),
    gettext_noop("Frequency"),
    gettext_noop("Hypothesis"),
    gettext_noop("Kind"),
    gettext_noop("Level"),
    gettext_noop("Name"),
    gettext_noop("Parent"),
    gettext_noop("Population"),
    gettext_noop("Result"),
    gettext_noop("Sector"),
    gettext_noop("Statement"),
    gettext_noop("Status"),
    gettext_noop("Title"),
    gettext_noop("Unit"),
    gettext_noop("Website"),
)


class SetupForm(forms.ModelForm):
    """A model form whose model rules (``full_clean``) never crash it: an error the model
    puts on a field the form does not show is shown on top of the form, named.

    Content kept in two languages (`civicloop.core.translated`) is edited side by side: the
    form's own field is the English, whatever language the page is read in (so a Spanish
    reader never overwrites the English by saving), and each gets its Spanish twin below it
    (``title_es``), which left empty shows the English to Spanish readers."""

    def __init__(self, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.label, str):  # made from a model field's name ("Title")
                field.label = gettext_lazy(field.label)
        self.twin_names = twins(self._meta.model._meta.label, list(self.fields))
        if not self.twin_names:
            return
        fields = {}
        for name, field in self.fields.items():
            fields[name] = field
            for twin in (t for t in self.twin_names if t.rsplit("_", 1)[0] == name):
                extra = self._meta.model._meta.get_field(twin).formfield(required=False)
                # "Name (Spanish)", "Nombre (español)": read beside the English field.
                extra.label = _("%(field)s (Spanish)") % {"field": field.label}
                extra.help_text = _("Left empty, Spanish readers see the English.")
                extra.widget.attrs["lang"] = twin.rsplit("_", 1)[1]
                if "rows" in field.widget.attrs:  # as tall as the English beside it
                    extra.widget.attrs["rows"] = field.widget.attrs["rows"]
                fields[twin] = extra
                self.initial.setdefault(twin, getattr(self.instance, twin, None) or "")
        self.fields = fields

    @property
    def twin_fields(self) -> list:
        """The Spanish twins, bound, for a template that places fields by name."""
        return [self[name] for name in self.twin_names]

    def _post_clean(self) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            for twin in self.twin_names:
                if twin in self.cleaned_data:
                    setattr(self.instance, twin, self.cleaned_data[twin] or None)
            super()._post_clean()

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            for key in [k for k in errors.error_dict if k != NON_FIELD_ERRORS]:
                if key not in self.fields:
                    try:
                        label = self._meta.model._meta.get_field(key).verbose_name.capitalize()
                    except FieldDoesNotExist:
                        label = key
                    moved = [f"{label}: {m}" for e in errors.error_dict.pop(key) for m in e]
                    errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                        ValidationError(m) for m in moved
                    )
        super()._update_errors(errors)

    def say_when_empty(self, field: str, where: str) -> None:
        """A list of choices with nothing in it yet says where its choices come from."""
        choices = self.fields[field]
        if not choices.queryset.exists():
            choices.help_text = f"{choices.help_text} None yet: add them under {where}.".strip()

    # The field a blank slug is made from, and what a slug must be unique within: model
    # constraints that include the collaborative are skipped by ModelForm, which does not
    # show the collaborative, so the form checks them itself.
    slug_from = "name"

    def unique_scope(self) -> dict:
        return {"collaborative": self.instance.collaborative}

    def clean_slug(self) -> str:
        typed = self.data.get(self.add_prefix(self.slug_from), "")
        slug = self.cleaned_data.get("slug") or slugify(typed)[:50]
        if not slug:
            raise ValidationError(_("Give a short name for the address (letters, digits, -)."))
        model = self._meta.model
        taken = model.objects.filter(slug=slug, **self.unique_scope()).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("'%(slug)s' is already used here; choose another.") % {"slug": slug}
            )
        return slug
