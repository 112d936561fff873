"""Areas: the places the collaborative measures, and their boundaries from GeoJSON.

Boundaries are imported in two steps without any script in the page: the file is
uploaded (bounded in size) and kept in the workspace under a random token remembered in
the person's session; the page then lists the properties its features carry, to pick
the code and the name; the import then runs all or nothing, in one transaction. Each
area's geometry is what raw-record indicators place their points in (see
`civicloop.measure.records`).
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from civicloop.results.models import Area, AreaLevel, Collaborative
from civicloop.results.queries import top_area
from civicloop.results.setup.common import SetupForm, setup_view
from civicloop.results.setup.geojson import (
    GeoJSONError,
    boundaries,
    guess,
    property_names,
    read_collection,
)

MAX_BYTES = 20 * 1024 * 1024
SESSION_KEY = "setup_geojson"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@setup_view
def areas(request, collab: Collaborative):
    rows = collab.areas.select_related("parent").order_by("parent__name", "level", "name")
    return render(request, "results/setup/areas.html", {"collaborative": collab, "areas": rows})


class AreaForm(SetupForm):
    class Meta:
        model = Area
        fields = ["name", "code", "level", "custom_level", "parent"]
        help_texts = {
            "code": gettext_lazy(
                "As it appears in source files: a tract's GEOID, a ward's number..."
            ),
            "custom_level": gettext_lazy(
                "For a custom level only: what the area is, e.g. school zone."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Area.objects.filter(collaborative=self.instance.collaborative)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = others

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        taken = Area.objects.filter(collaborative=self.instance.collaborative, code=code)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Another area already has the code '%(code)s'.") % {"code": code}
            )
        return code


def _area_form(request, collab: Collaborative, area: Area):
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        area = form.save()
        messages.success(
            request, _("The area “%(area_name)s” is saved.") % {"area_name": area.name}
        )
        return redirect("setup_areas", collab.slug)
    return render(
        request,
        "results/setup/area_form.html",
        {"collaborative": collab, "form": form, "area": area},
    )


@setup_view
@require_http_methods(["GET", "POST"])
def area_new(request, collab: Collaborative):
    return _area_form(request, collab, Area(collaborative=collab))


@setup_view
@require_http_methods(["GET", "POST"])
def area_edit(request, collab: Collaborative, area_id: int):
    return _area_form(request, collab, get_object_or_404(Area, collaborative=collab, pk=area_id))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=format_lazy(
            gettext_lazy(
                "A FeatureCollection of Polygons or MultiPolygons in longitude/latitude, at most "
                "{megabytes} MB, as a city's open-data portal offers it."
            ),
            megabytes=MAX_BYTES // (1024 * 1024),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:,.1f} MB; at most "
                f"{MAX_BYTES // (1024 * 1024)} MB."
            )
        data = upload.read(MAX_BYTES + 1)
        try:
            self.collection = read_collection(data)
        except GeoJSONError as error:
            raise ValidationError(error.problems) from None
        return data


class ChooseForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    code_property = forms.ChoiceField(
        label=gettext_lazy("Code"),
        help_text=gettext_lazy("The property that holds each area's code."),
    )
    name_property = forms.ChoiceField(
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("The property that holds each area's name."),
    )
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=AreaLevel.choices)
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Inside"),
        queryset=Area.objects.none(),
        required=False,
        help_text=gettext_lazy("The area these are part of, e.g. the city."),
    )

    def __init__(self, *args, names: list[str], collaborative: Collaborative, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, n) for n in names]
        self.fields["code_property"].choices = choices
        self.fields["name_property"].choices = choices
        self.fields["parent"].queryset = Area.objects.filter(collaborative=collaborative)


def _upload_path(token: str):
    return settings.WORKSPACE.media_dir / "uploads" / f"{token}.geojson"


def _keep(request, collab: Collaborative, data: bytes) -> str:
    # One pending file per person: an upload abandoned at step two goes when the next comes.
    previous = (request.session.get(SESSION_KEY) or {}).get("token", "")
    if TOKEN.match(previous):
        _upload_path(previous).unlink(missing_ok=True)
    token = secrets.token_hex(16)
    path = _upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    # Only the person who uploaded a file, for this collaborative, can import it.
    request.session[SESSION_KEY] = {"token": token, "collaborative": collab.pk}
    return token


def _kept(request, collab: Collaborative, token: str) -> bytes | None:
    mine = request.session.get(SESSION_KEY) or {}
    if not TOKEN.match(token or "") or mine != {"token": token, "collaborative": collab.pk}:
        return None
    path = _upload_path(token)
    return path.read_bytes() if path.is_file() else None


def _forget(request, token: str) -> None:
    _upload_path(token).unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


@setup_view
@require_http_methods(["GET", "POST"])
def areas_import(request, collab: Collaborative):
    """Step one: upload. Step two (the form carries the token): choose and import."""
    if request.method == "POST" and "token" in request.POST:
        return _choose(request, collab)
    upload = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        collection = upload.collection
        names = property_names(collection)
        token = _keep(request, collab, upload.cleaned_data["file"])
        city = top_area(collab)
        choose = ChooseForm(
            names=names,
            collaborative=collab,
            initial={
                "token": token,
                "code_property": guess(names, "code", "geoid", "id", "fips", "objectid"),
                "name_property": guess(names, "name", "namelsad", "label", "title"),
                "level": AreaLevel.NEIGHBOURHOOD,
                "parent": city.pk if city else None,
            },
        )
        return _choose_page(request, collab, choose, collection)
    return render(
        request, "results/setup/areas_import.html", {"collaborative": collab, "upload": upload}
    )


def _choose(request, collab: Collaborative):
    token = request.POST.get("token", "")
    data = _kept(request, collab, token)
    if data is None:
        messages.error(request, _("That upload has expired; upload the file again."))
        return redirect("setup_areas_import", collab.slug)
    collection = read_collection(data)
    choose = ChooseForm(request.POST, names=property_names(collection), collaborative=collab)
    if not choose.is_valid():
        return _choose_page(request, collab, choose, collection)
    try:
        found = boundaries(
            collection, choose.cleaned_data["code_property"], choose.cleaned_data["name_property"]
        )
    except GeoJSONError as error:
        return _choose_page(request, collab, choose, collection, problems=error.problems)
    try:
        created, updated = _import(collab, found, choose.cleaned_data)
    except GeoJSONError as error:
        return _choose_page(request, collab, choose, collection, problems=error.problems)
    _forget(request, token)
    messages.success(
        request,
        ngettext("Imported %(count)s boundary:", "Imported %(count)s boundaries:", len(found))
        % {"count": len(found)}
        + " "
        + ngettext(
            "%(new)s new area, %(updated)s updated.",
            "%(new)s new areas, %(updated)s updated.",
            created,
        )
        % {"new": created, "updated": updated},
    )
    return redirect("setup_areas", collab.slug)


def _import(collab: Collaborative, found, choices) -> tuple[int, int]:
    """All or nothing: every area saved (and checked by its model) in one transaction."""
    created = updated = 0
    problems: list[str] = []
    with transaction.atomic():
        existing = {a.code: a for a in Area.objects.filter(collaborative=collab)}
        for boundary in found:
            area = existing.get(boundary.code) or Area(collaborative=collab, code=boundary.code)
            is_new = area.pk is None
            area.name = boundary.name
            area.geometry = boundary.geometry
            if is_new:
                area.level = choices["level"]
                area.parent = choices["parent"]
            try:
                area.full_clean()
            except ValidationError as error:
                problems += [f"Feature {boundary.number}: {m}" for m in error.messages]
                continue
            area.save()
            created += is_new
            updated += not is_new
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise GeoJSONError(problems)
    return created, updated


def _choose_page(request, collab, choose: ChooseForm, collection, problems=()):
    features = collection["features"]
    names = property_names(collection)
    sample = []
    for number, feature in enumerate(features[:5], start=1):
        properties = (feature or {}).get("properties") or {}
        sample.append((number, [properties.get(name, "") for name in names]))
    return render(
        request,
        "results/setup/areas_choose.html",
        {
            "collaborative": collab,
            "choose": choose,
            "names": names,
            "sample": sample,
            "count": len(features),
            "problems": problems,
        },
    )
