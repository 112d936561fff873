"""An indicator's observations as CSV or Excel, beside the table on its page.

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
    name = f"{collab.slug}-{ind.slug}"
    if fmt == "xlsx":
        body = excel.workbook([excel.Sheet(ind.slug, header, table)])
        response = HttpResponse(body, content_type=excel.CONTENT_TYPE)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = spreadsheet.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in r] for r in table])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
