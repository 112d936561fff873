"""The home's section on values waiting for approval (see `civicloop.core.attention`).

Approval is where measured numbers wait before the public sees them; the section counts
them, says how many this person may approve, and links to the approvals page where that
is done.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicloop.core import access
from civicloop.core.attention import Section
from civicloop.results import approval


def pending_approval(collaborative, user, roles: set[str]) -> Section:
    total = approval.waiting(collaborative).count()
    if not total:
        summary = _("Nothing waits for approval: the public sees every value loaded.")
    else:
        summary = ngettext(
            "%(n)s value waits for approval before the public sees it.",
            "%(n)s values wait for approval before the public sees them.",
            total,
        ) % {"n": total}
        # Backbone staff approve every value; anyone else only their stewards' (one count).
        if roles & access.BACKBONE_ROLES or getattr(user, "is_superuser", False):
            mine = total
        else:
            mine = approval.waiting(collaborative, user).count()
        if mine == total:
            summary += " " + _("You may approve all of them.")
        elif mine:
            summary += " " + ngettext(
                "%(n)s of them is yours to approve.", "%(n)s of them are yours to approve.", mine
            ) % {"n": mine}
        else:
            summary += " " + _("Their stewards or backbone staff approve them.")
    return Section(
        key="approval",
        title=_("Data pending approval"),
        summary=summary,
        url=reverse("approvals", args=[collaborative.slug]),
        link_text=_("Open approvals"),
        count=total,
    )
