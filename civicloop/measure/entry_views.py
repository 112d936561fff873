"""The data-entry grid and its Excel template (under /c/<collaborative>/measure/enter/).

Pages only: which rows a person gets, and how a filled grid becomes a load, live in
`civicloop.measure.entry`; who may write what is decided in `civicloop.core.access` and
enforced by the load itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicloop.core import access
from civicloop.measure import entry, template
from civicloop.measure.loads import LoadError
from civicloop.measure.views import _collaborative


def _chosen_periods(request, indicators) -> tuple[dict[int, str], list[str]]:
    """``?period=`` chooses the period of every indicator it reads as; others keep theirs."""
    label = (request.GET.get("period") or "").strip()
    if not label:
        return {}, []
    chosen, refused = {}, []
    for ind in indicators:
        problem = entry.check_period(label, ind)
        if problem is None:
            chosen[ind.pk] = label
        else:
            refused.append(f"{ind.name}: {problem}")
    return chosen, refused


@login_required
def enter(request, slug: str):
    collab = _collaborative(request, slug)
    focus = request.GET.get("indicator") or None
    indicators = entry.indicators_for(request.user, collab, focus)
    if focus and not indicators:
        raise Http404(_("No indicator of yours by that name"))
    backbone = access.is_backbone(request.user, collab)
    elsewhere: list[str] = []
    form_error = ""
    if request.method == "POST":
        try:
            submitted = entry.read_post(request.POST, collab)
            report = entry.submit(
                submitted,
                collab,
                request.user,
                approve=backbone and request.POST.get("approve") == "1",
            )
        except (entry.EntryError, LoadError) as exc:
            form_error = str(exc)
            submitted = entry.Submitted([], dict(_typed(request.POST)), {})
            report = None
        if report is not None and report.ok:
            messages.success(request, _success(report))
            return redirect("load", collab.slug, report.load.pk)
        blocks = entry.build(indicators, entry.periods_posted_raw(request.POST, indicators))
        if report is not None:
            elsewhere = entry.place_problems(blocks, submitted, report)
        else:
            for b in blocks:
                for c in b.cells:
                    c.typed = submitted.typed.get(c.name, "")
        status = 400
    else:
        chosen, refused = _chosen_periods(request, indicators)
        elsewhere = refused
        blocks = entry.build(indicators, chosen)
        report = None
        status = 200
    return render(
        request,
        "measure/enter.html",
        {
            "collaborative": collab,
            "blocks": blocks,
            "focus": focus,
            "report": report,
            "elsewhere": elsewhere,
            "form_error": form_error,
            "can_approve_on_load": backbone,
            "error_count": sum(len(c.errors) for b in blocks for c in b.cells)
            + sum(len(b.period_errors) for b in blocks)
            + len(elsewhere)
            + bool(form_error),
        },
        status=status,
    )


def _typed(post):
    for key, text in post.items():
        if entry.CELL.match(key) and text.strip():
            yield key, text.strip()


def _success(report) -> str:
    text = _("Entered: %(new)s new, %(revised)s revised, %(same)s unchanged.") % {
        "new": report.rows_created,
        "revised": report.rows_changed,
        "same": report.rows_unchanged,
    }
    if report.warning_count:
        text += " " + _("%(n)s unusual value(s) entered all the same: check them.") % {
            "n": report.warning_count
        }
    if not report.approved and (report.rows_created or report.rows_changed):
        text += " " + _("The new values wait for approval before the public sees them.")
    return text


@login_required
def enter_template(request, slug: str):
    collab = _collaborative(request, slug)
    focus = request.GET.get("indicator") or None
    indicators = entry.indicators_for(request.user, collab, focus)
    if focus and not indicators:
        raise Http404(_("No indicator of yours by that name"))
    blocks = entry.build(indicators)
    body = template.workbook(collab, blocks)
    response = HttpResponse(body, content_type=template.CONTENT_TYPE)
    name = f"{collab.slug}-{focus or 'data-entry'}-template.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
