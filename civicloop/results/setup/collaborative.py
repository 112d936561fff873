"""The collaborative itself: its name, city, description, logo and public site."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicloop.core import cache as data_cache
from civicloop.results.models import Collaborative, Indicator
from civicloop.results.setup.common import SetupForm, setup_view
from civicloop.results.setup.logo import MAX_BYTES, check_logo, remove_logo, store_logo
from civicloop.results.setup.work_began import WorkBeganMixin


class CollaborativeForm(WorkBeganMixin, SetupForm):
    logo_file = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=format_lazy(
            gettext_lazy(
                "A PNG, JPEG or WebP image of at most {kilobytes} KB. It is shown at up to 512 pixels."
            ),
            kilobytes=f"{MAX_BYTES // 1024:,}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    public_indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Declared indicators"),
        help_text=gettext_lazy("The indicators the public may see on the public site."),
    )

    class Meta:
        model = Collaborative
        fields = ["name", "city", "description", "work_began", "is_public"]
        labels = {"is_public": gettext_lazy("Publish the public site")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = Indicator.objects.filter(result__collaborative=self.instance).select_related(
            "result"
        )
        self.fields["public_indicators"].queryset = indicators
        self.fields["public_indicators"].label_from_instance = lambda i: (
            f"{i.name} ({i.result.title})"
        )
        self.initial.setdefault("public_indicators", [i.pk for i in indicators if i.is_public])
        self.add_work_began()

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        return check_logo(upload) if upload else None


@setup_view
@require_http_methods(["GET", "POST"])
def collaborative(request, collab: Collaborative):
    form = CollaborativeForm(request.POST or None, request.FILES or None, instance=collab)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            chosen = {i.pk for i in form.cleaned_data["public_indicators"]}
            every = form.fields["public_indicators"].queryset
            every.filter(pk__in=chosen).update(is_public=True)
            every.exclude(pk__in=chosen).update(is_public=False)
            data_cache.bump(collab.pk)  # what the public may read changed, in bulk
            if form.cleaned_data.get("remove_logo"):
                remove_logo(collab)
            elif form.cleaned_data.get("logo_file"):
                store_logo(collab, form.cleaned_data["logo_file"])
        messages.success(request, _("%(collab_name)s is saved.") % {"collab_name": collab.name})
        return redirect("setup", collab.slug)
    return render(
        request, "results/setup/collaborative.html", {"collaborative": collab, "form": form}
    )
