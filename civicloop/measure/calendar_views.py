"""The data calendar page: every indicator of a collaborative, what is due by when and who
owes it (members only; the home shows the urgent part, see `calendar_data.home_context`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from civicloop.core import access
from civicloop.measure import calendar_data, datacalendar
from civicloop.results.models import Collaborative


@login_required
def data_calendar(request, slug: str):
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    duty = access.data_duty(request.user, collab)
    rows = calendar_data.calendar_rows(collab, duty=duty)
    return render(
        request,
        "measure/calendar.html",
        {
            "collaborative": collab,
            "rows": rows,
            "freshness": datacalendar.freshness(r.entry for r in rows),
        },
    )
