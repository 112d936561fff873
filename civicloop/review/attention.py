"""The review's section of a collaborative's home (see `civicloop.core.attention`): the next
meeting of the table, with a link to its packet, or the honest word that none is set."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicloop.core.attention import Item, Section
from civicloop.review.models import Review


def next_review(collaborative, user, roles: set[str]) -> Section:
    today = timezone.localdate()
    upcoming = (
        Review.objects.filter(collaborative=collaborative, held_on__gte=today)
        .order_by("held_on", "id")
        .first()
    )
    reviews_url = reverse("reviews", args=[collaborative.slug])
    if upcoming is None:
        return Section(
            key="review",
            title=_("Next review"),
            summary=_("No review is scheduled."),
            url=reviews_url,
            link_text=_("Schedule one or see past reviews"),
        )
    days = (upcoming.held_on - today).days
    when = (
        _("today") if days == 0 else ngettext("in %(n)s day", "in %(n)s days", days) % {"n": days}
    )
    day = date_format(upcoming.held_on, "j M Y")
    return Section(
        key="review",
        title=_("Next review"),
        summary=_("The table next meets on %(day)s (%(when)s).") % {"day": day, "when": when},
        url=reviews_url,
        link_text=_("See every review"),
        count=1,
        counted=False,
        items=(
            Item(
                label=upcoming.title or _("Learning review of %(day)s") % {"day": day},
                url=reverse("review", args=[collaborative.slug, upcoming.pk]),
                note=_("its packet: what moved, what is off track, decisions to take"),
            ),
        ),
    )
