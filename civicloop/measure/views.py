"""Upload pages: a file in, a precise report back, then the user decides.

Step 1 (`upload`): the file is archived and checked with nothing written; if its columns
need mapping, a mapping form is shown. Step 2 (`confirm`): the user either loads it (all
rows, or the sound rows with the rest in quarantine) or goes away to fix it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from civicloop.core import access
from civicloop.measure.loads import (
    LoadError,
    RollbackError,
    archived,
    header_of,
    load_file,
    problems_csv,
    rollback,
    sha256_of,
)
from civicloop.measure.mapping import FIELDS, REQUIRED, normalise
from civicloop.measure.models import Load, QuarantinedRow, Source
from civicloop.results.models import Collaborative, Indicator, Revision

MAX_UPLOAD = 200 * 2**20


def _collaborative(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    return collab


@login_required
def load_list(request, slug: str):
    collab = _collaborative(request, slug)
    loads = Load.objects.filter(collaborative=collab).select_related("source", "created_by")[:200]
    return render(
        request,
        "measure/loads.html",
        {
            "collaborative": collab,
            "loads": loads,
            "can_upload": access.can_upload(request.user, collab),
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=gettext_lazy("CSV, TSV, Excel (.xlsx), or a data package's datapackage.json.")
    )
    source = forms.ModelChoiceField(queryset=Source.objects.none(), required=False)
    new_source = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("…or a new source named")
    )

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


@login_required
def upload(request, slug: str):
    collab = _collaborative(request, slug)
    if not access.can_upload(request.user, collab):
        raise PermissionDenied("You cannot load data into this collaborative.")
    sources = access.upload_sources(request.user, collab)
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD:
        # Refused before the body is read: a too-large file never reaches the disk.
        messages.error(
            request, _("Files over 200 MB are loaded with the command line: civicloop load")
        )
        return redirect("upload", collab.slug)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        source = _source(request, collab, form)
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_UPLOAD:
            form.add_error(
                "file", _("Files over 200 MB are loaded with the command line: civicloop load")
            )
        else:
            with _alone(upload_file.name) as path:
                with path.open("wb") as fh:
                    for chunk in upload_file.chunks():
                        fh.write(chunk)
                return _check(request, collab, source, path, upload_file.name, mapping=None)
    return render(request, "measure/upload.html", {"collaborative": collab, "form": form})


def _source(request, collab, form) -> Source | None:
    if form.cleaned_data.get("source"):
        return form.cleaned_data["source"]
    name = (form.cleaned_data.get("new_source") or "").strip()
    if not name:
        return None
    mine = (
        access.memberships(request.user)
        .filter(collaborative=collab, organisation__isnull=False)
        .first()
    )
    org = mine.organisation if mine else None
    if (
        not access.can_manage(request.user, collab)
        and not (access.roles(request.user, collab) & {"analyst"})
        and org is None
    ):
        raise PermissionDenied("Only your organisation's sources take your uploads.")
    source, _created = Source.objects.get_or_create(
        collaborative=collab, name=name, defaults={"organisation": org}
    )
    if not access.upload_sources(request.user, collab).filter(pk=source.pk).exists():
        raise PermissionDenied("That source belongs to another organisation.")
    return source


@contextmanager
def _alone(name: str) -> Iterator[Path]:
    """A place for one uploaded file, alone in a fresh private folder removed afterwards.

    Alone, so that a data package's resource paths resolve to files uploaded with it and
    nothing else (never to the server's temp folder or the archive); removed, so that the
    archive is the one place an upload's bytes stay.
    """
    suffix = Path(name).suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory(prefix="civicloop-upload-") as folder:
        yield Path(folder) / f"upload{suffix}"


def _check(request, collab, source, path: Path, name: str, mapping: dict | None):
    """Archive and check the file, nothing written; show the report or the mapping form."""
    digest = sha256_of(path)
    try:
        header = header_of(path)
    except LoadError as exc:
        messages.error(request, str(exc))
        return redirect("upload", collab.slug)
    present = {normalise(h) for h in header}
    remembered = source.mapping if source and source.mapping else None
    chosen = mapping or remembered
    needs_mapping = chosen is None and not set(REQUIRED) <= present
    if needs_mapping:
        from civicloop.measure.loads import archive

        archive(path, digest)
        return _mapping_form(request, collab, source, digest, name, header, None)
    try:
        report = load_file(
            path,
            collab,
            source=source,
            user=request.user,
            mapping=chosen,
            dry_run=True,
            original_name=name,
        )
    except LoadError as exc:
        from civicloop.measure.loads import archive

        archive(path, digest)
        return _mapping_form(request, collab, source, digest, name, header, str(exc))
    return render(
        request,
        "measure/check.html",
        {
            "collaborative": collab,
            "report": report,
            "digest": digest,
            "name": name,
            "source": source,
            "mapping_json": json.dumps(chosen) if chosen else "",
            "problems": report.problems[:500],
            "warnings": report.warnings[:500],
            "can_approve_on_load": access.is_backbone(request.user, collab),
        },
    )


def _mapping_form(request, collab, source, digest, name, header, error):
    indicators = Indicator.objects.filter(result__collaborative=collab).order_by("name")
    guesses = {h: normalise(h) if normalise(h) in FIELDS else "" for h in header}
    return render(
        request,
        "measure/mapping.html",
        {
            "collaborative": collab,
            "digest": digest,
            "name": name,
            "source": source,
            "header": header,
            "guesses": guesses,
            "fields": FIELDS,
            "error": error,
            "indicators": indicators,
        },
    )


@login_required
@require_POST
def confirm(request, slug: str):
    collab = _collaborative(request, slug)
    if not access.can_upload(request.user, collab):
        raise PermissionDenied("You cannot load data into this collaborative.")
    digest = request.POST.get("digest", "")
    path = archived(collab, digest)
    if path is None:
        raise Http404("That upload is no longer here: upload the file again.")
    name = Path(request.POST.get("name") or path.name).name
    source = None
    if request.POST.get("source"):
        source = (
            access.upload_sources(request.user, collab).filter(pk=request.POST["source"]).first()
        )
        if source is None:
            raise PermissionDenied("That source is not yours to load into.")
    mapping = _posted_mapping(request)
    action = request.POST.get("action", "check")
    with _alone(path.name) as copy:  # read from the archive's folder, it would see others
        shutil.copyfile(path, copy)
        if action == "check":
            return _check(request, collab, source, copy, name, mapping)
        on_problems = "quarantine" if action == "quarantine" else "reject"
        try:
            report = load_file(
                copy,
                collab,
                source=source,
                user=request.user,
                mapping=mapping,
                on_problems=on_problems,
                original_name=name,
                approve=request.POST.get("approve") == "1",
            )
        except LoadError as exc:
            messages.error(request, str(exc))
            return redirect("upload", collab.slug)
    if report.load is None:
        raise Http404
    if report.status == "rejected":
        messages.error(
            request,
            _("Nothing was written: %(problem_count)s problem(s).")
            % {"problem_count": report.problem_count},
        )
    else:
        messages.success(
            request,
            " ".join(_loaded_sentences(name, report)),
        )
    return redirect("load", collab.slug, report.load.pk)


def _loaded_sentences(name: str, report) -> list[str]:
    """What a load did, in sentences a translator can translate whole."""
    said = [
        _("Loaded %(name)s: %(new)s new, %(revised)s revised, %(unchanged)s unchanged.")
        % {
            "name": name,
            "new": report.rows_created,
            "revised": report.rows_changed,
            "unchanged": report.rows_unchanged,
        }
    ]
    if report.rows_quarantined:
        said.append(
            ngettext(
                "%(count)s row kept in quarantine.",
                "%(count)s rows kept in quarantine.",
                report.rows_quarantined,
            )
            % {"count": report.rows_quarantined}
        )
    if report.warning_count:
        said.append(
            ngettext(
                "%(count)s unusual value loaded all the same: check it.",
                "%(count)s unusual values loaded all the same: check them.",
                report.warning_count,
            )
            % {"count": report.warning_count}
        )
    if not report.approved and (report.rows_created or report.rows_changed):
        said.append(_("The new values wait for approval before the public sees them."))
    return said


def _posted_mapping(request) -> dict | None:
    if request.POST.get("mapping_json"):
        try:
            return json.loads(request.POST["mapping_json"])
        except json.JSONDecodeError:
            return None
    columns = {}
    for key, value in request.POST.items():
        if key.startswith("col::") and value in FIELDS:
            columns[key[5:]] = value
    constants = {
        f: request.POST[f"const::{f}"].strip()
        for f in ("indicator", "area", "period")
        if request.POST.get(f"const::{f}", "").strip()
    }
    wide = request.POST.get("wide") or None
    if not (columns or constants or wide):
        return None
    return {"columns": columns, "constants": constants, "wide": wide}


@login_required
def load_detail(request, slug: str, load_id: int):
    collab = _collaborative(request, slug)
    load = get_object_or_404(
        Load.objects.select_related("source", "created_by"), pk=load_id, collaborative=collab
    )
    revisions = Revision.objects.filter(load=load).select_related(
        "observation__series__indicator", "observation__series__area", "observation__period"
    )[:200]
    return render(
        request,
        "measure/load.html",
        {
            "collaborative": collab,
            "load": load,
            "revisions": revisions,
            "quarantine": QuarantinedRow.objects.filter(load=load)[:200],
            "problems": load.problems[:500],
            "can_roll_back": access.can_roll_back(request.user, load)
            and load.status in ("applied", "partial"),
        },
    )


@login_required
def problems_file(request, slug: str, load_id: int):
    collab = _collaborative(request, slug)
    load = get_object_or_404(Load, pk=load_id, collaborative=collab)
    response = HttpResponse(problems_csv(load), content_type="text/csv; charset=utf-8")
    stem = Path(load.original_name).stem
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
@require_POST
def rollback_view(request, slug: str, load_id: int):
    collab = _collaborative(request, slug)
    load = get_object_or_404(Load, pk=load_id, collaborative=collab)
    if not access.can_roll_back(request.user, load):
        raise PermissionDenied(
            "Only chairs, backbone admins and the person who loaded it can undo a load."
        )
    try:
        result = rollback(load, request.user)
    except RollbackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Rolled back: %(removed)s new values removed, %(restored)s restored.")
            % {"removed": result["removed"], "restored": result["restored"]},
        )
    return redirect("load", collab.slug, load.pk)
