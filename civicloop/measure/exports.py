"""Tables of numbers as CSV or Excel: an indicator's observations beside the table on its
page, and a result's table of latest headline values (with their history).

The same reading rule as the page: members get current values with their approval state,
anyone else the approved copies of a declared indicator. The first columns are the ones a
load reads, so a download loads back as it is. Both formats are written through the shared,
formula-safe writers (`civicloop.core.spreadsheet` for CSV, `civicloop.core.excel`).
"""

from __future__ import annotations

import io
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from civicloop.core import access, excel, spreadsheet
from civicloop.results.models import Observation
from civicloop.results.queries import headline_history, summary_rows

HEADER = [
    "indicator",
    "area",
    "period",
    "value",
    "dimension",
    "group",
    "margin_of_error",
    "confidence_level",
    "numerator",
    "denominator",
    "status",
    "approval",
    "indicator_name",
    "area_name",
    "group_name",
    "period_start",
    "period_end",
]


def rows(indicator, observations) -> list[list[Any]]:
    out = []
    for o in observations:
        s, group = o.series, o.series.group
        out.append(
            [
                indicator.slug,
                s.area.code,
                o.period.label,
                o.value,
                group.dimension.slug if group else None,
                group.slug if group else None,
                o.margin_of_error,
                o.confidence_level,
                o.numerator,
                o.denominator,
                o.status,
                o.approval,
                indicator.name,
                s.area.name,
                group.name if group else None,
                o.period.start.isoformat(),
                o.period.end.isoformat(),
            ]
        )
    return out


def _respond(name: str, fmt: str, sheets: list[excel.Sheet]) -> HttpResponse:
    """One workbook of ``sheets``, or the first of them as CSV."""
    if fmt == "xlsx":
        response = HttpResponse(excel.workbook(sheets), content_type=excel.CONTENT_TYPE)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = spreadsheet.writer(buffer, lineterminator="\n")
        writer.writerow(sheets[0].header)
        writer.writerows([["" if v is None else v for v in r] for r in sheets[0].rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


RESULT_HEADER = [
    "indicator",
    "area",
    "period",
    "value",
    "indicator_name",
    "unit",
    "better_when",
    "target",
    "target_period",
]


def result_file(request, slug: str, result_slug: str, fmt: str):
    """The result page's table: each indicator's latest approved headline value (the first
    sheet, and the CSV), and every headline value before it (a second sheet)."""
    collab = get_object_or_404(access.visible_collaboratives(request.user), slug=slug)
    res = get_object_or_404(collab.results, slug=result_slug)
    visible = access.visible_indicators(request.user, collab).filter(result=res)
    if not visible.exists() and not access.is_member(request.user, collab):
        raise Http404
    rows = summary_rows(collab, visible)
    latest, history = [], []
    for row in rows:
        ind, area, obs = row["indicator"], row["area"], row["latest"]
        latest.append(
            [
                ind.slug,
                area.code if area else None,
                obs.period.label if obs else None,
                obs.value if obs else None,
                ind.name,
                ind.unit,
                ind.direction,
                ind.target_value,
                ind.target_period.label if ind.target_period else None,
            ]
        )
    area = rows[0]["area"] if rows else None
    found = headline_history([r["indicator"] for r in rows], area)
    for row in rows:
        for o in found.get(row["indicator"].pk, []):
            history.append([row["indicator"].slug, area.code, o.period.label, o.value])
    sheets = [
        excel.Sheet(res.slug, RESULT_HEADER, latest),
        excel.Sheet("history", ["indicator", "area", "period", "value"], history),
    ]
    return _respond(f"{collab.slug}-{res.slug}", fmt, sheets)


def observations_file(request, slug: str, indicator_slug: str, fmt: str):
    collab = get_object_or_404(access.visible_collaboratives(request.user), slug=slug)
    ind = get_object_or_404(access.visible_indicators(request.user, collab), slug=indicator_slug)
    member = access.is_member(request.user, collab)
    readable = Observation.objects.all() if member else Observation.objects.as_approved()
    observations = (
        readable.filter(series__indicator=ind)
        .select_related("period", "series__area", "series__group__dimension")
        .order_by("series__area__name", "series__group__order", "period__start")
    )
    table = rows(ind, observations)
    if not member:  # the public reads no approval state: everything it sees is approved
        at = HEADER.index("approval")
        header = [h for h in HEADER if h != "approval"]
        table = [r[:at] + r[at + 1 :] for r in table]
    else:
        header = HEADER
    return _respond(f"{collab.slug}-{ind.slug}", fmt, [excel.Sheet(ind.slug, header, table)])
