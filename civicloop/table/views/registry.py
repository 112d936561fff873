"""Importing a registry of organisations from the web (backbone admins and chairs)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from civicloop.core import access
from civicloop.table.models import RegistryImport
from civicloop.table.registry import RegistryError, import_registry
from civicloop.table.views.common import member_collaborative


class RegistryForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Registry file (CSV)"),
        help_text=gettext_lazy(
            "An IRS Exempt Organizations Business Master File extract, or civicloop's "
            "layout: name, sector, ntee_code, ein, zip, areas, families_reached..."
        ),
    )
    include_outside = forms.BooleanField(
        required=False, label=gettext_lazy("Also import organisations outside our areas")
    )
    dry_run = forms.BooleanField(required=False, label=gettext_lazy("Check only (import nothing)"))


@login_required
def registry_import(request, slug: str):
    collab = member_collaborative(request, slug)
    if not access.can_manage(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins import a registry.")
    form = RegistryForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(upload.name).name or "registry.csv")
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            try:
                report = import_registry(
                    path,
                    collab,
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    include_outside=form.cleaned_data["include_outside"],
                )
            except RegistryError as exc:
                error = str(exc)
    return render(
        request,
        "table/registry_import.html",
        {
            "collaborative": collab,
            "form": form,
            "report": report,
            "error": error,
            "history": RegistryImport.objects.filter(collaborative=collab)[:10],
        },
    )
