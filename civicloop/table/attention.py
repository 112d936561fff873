"""The table's sections of a collaborative's home (see `civicloop.core.attention`).

Overdue commitments (a partner's pledge still open after its due date) and open
prioritisation rounds (the table has strategies to rank) are what the table owes; each
line links to the commitment or the round, where it is acted on.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicloop.core.attention import SHOWN, Item, Section
from civicloop.table.models import Commitment, Round, RoundStatus


def overdue_commitments(collaborative, user, roles: set[str]) -> Section:
    today = timezone.localdate()
    overdue = Commitment.objects.filter(collaborative=collaborative).overdue(today)
    total = overdue.count()
    shown = list(overdue.select_related("organisation").order_by("due", "title")[:SHOWN])
    items = [
        Item(
            label=c.title,
            url=reverse("commitment", args=[collaborative.slug, c.pk]),
            note=_("%(organisation)s · due %(due)s")
            % {"organisation": c.organisation.name, "due": date_format(c.due, "j M Y")},
            late=True,
        )
        for c in shown
    ]
    if total:
        summary = ngettext(
            "%(n)s commitment is open past its due date.",
            "%(n)s commitments are open past their due dates.",
            total,
        ) % {"n": total}
    else:
        summary = _("Nothing overdue: every commitment past its due date is done or dropped.")
    return Section(
        key="commitments",
        title=_("Overdue commitments"),
        summary=summary,
        url=reverse("commitments", args=[collaborative.slug]) + ("?overdue=1" if total else ""),
        link_text=_("See the overdue commitments") if total else _("See every commitment"),
        count=total,
        items=items,
        more=max(total - len(items), 0),
        late=bool(total),
    )


def open_rounds(collaborative, user, roles: set[str]) -> Section:
    today = timezone.localdate()
    rounds = list(
        Round.objects.filter(collaborative=collaborative, status=RoundStatus.OPEN)
        .select_related("result")
        .annotate(voted=Count("ballots"))
        .order_by("closes_on", "-opened_at")
    )
    items = []
    for r in rounds[:SHOWN]:
        votes = ngettext(
            "%(n)s organisation has voted", "%(n)s organisations have voted", r.voted
        ) % {"n": r.voted}
        if r.closes_on is None:
            when = _("no closing date set")
        elif r.closes_on < today:
            when = _("was to close on %(day)s") % {"day": date_format(r.closes_on, "j M Y")}
        else:
            when = _("closes %(day)s") % {"day": date_format(r.closes_on, "j M Y")}
        items.append(
            Item(
                label=r.title,
                url=reverse("round", args=[collaborative.slug, r.pk]),
                note=f"{votes} · {when}",
                late=r.closes_on is not None and r.closes_on < today,
            )
        )
    if rounds:
        summary = ngettext(
            "%(n)s prioritisation round is open: the table ranks its strategies.",
            "%(n)s prioritisation rounds are open: the table ranks its strategies.",
            len(rounds),
        ) % {"n": len(rounds)}
    else:
        summary = _("No prioritisation round is open.")
    return Section(
        key="rounds",
        title=_("Open prioritisation rounds"),
        summary=summary,
        url=reverse("rounds", args=[collaborative.slug]),
        link_text=_("See the rounds"),
        count=len(rounds),
        items=items,
        more=max(len(rounds) - len(items), 0),
        late=any(i.late for i in items),
    )
