"""Django's admin, for platform staff only.

The admin edits every collaborative at once and types JSON into text boxes, so it is no
place for a collaborative's own staff: only superusers (platform staff, made with
``civicloop createsuperuser``) open it. A backbone admin who follows an old link to
``/admin/`` is sent to their collaborative's set-up pages with a sentence saying why, rather
than meeting Django's "You don't have permission to view or edit anything".
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


class PlatformAdminSite(AdminSite):
    site_header = "civicloop platform administration"
    site_title = "civicloop admin"

    def has_permission(self, request) -> bool:
        from civicloop.core.access import can_open_admin

        return can_open_admin(request.user)

    def login(self, request, extra_context=None):
        # Every admin page a signed-in person may not see redirects here first.
        elsewhere = _set_up_instead(request)
        return elsewhere or super().login(request, extra_context)


def _set_up_instead(request):
    from civicloop.core.access import can_open_admin, memberships
    from civicloop.core.models import Role

    user = request.user
    if not user.is_authenticated or can_open_admin(user):
        return None
    mine = list(
        memberships(user)
        .filter(role=Role.BACKBONE_ADMIN)
        .select_related("collaborative")
        .order_by("collaborative__name")
    )
    if not mine:
        return None
    if len(mine) > 1:
        messages.info(
            request,
            _(
                "Django's admin is for platform staff. Set up each of your collaboratives from "
                "its own page (Set up)."
            ),
        )
        return redirect("home")
    collab = mine[0].collaborative
    messages.info(
        request,
        _(
            "Django's admin is for platform staff. You set up %(collab_name)s here, on its set-up pages."
        )
        % {"collab_name": collab.name},
    )
    return redirect(set_up_url(collab))


def set_up_url(collab) -> str:
    """The collaborative's set-up overview (``results.setup``); its people page where the
    overview is not installed."""
    try:
        return reverse("setup", args=[collab.slug])
    except NoReverseMatch:
        return reverse("setup_people", args=[collab.slug])


class CivicloopAdminConfig(AdminConfig):
    """Django's admin, open to platform staff only."""

    default_site = "civicloop.core.admin_site.PlatformAdminSite"
