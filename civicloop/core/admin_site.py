from __future__ import annotations

from django.contrib.admin import AdminSite


class BackboneAdminSite(AdminSite):
    site_header = "civicloop administration"
    site_title = "civicloop admin"

    def has_permission(self, request) -> bool:
        # is_staff alone is not enough: only backbone admins (and superusers) run the admin.
        from civicloop.core.access import is_backbone_admin

        user = request.user
        return bool(user.is_active and (user.is_superuser or is_backbone_admin(user)))


from django.contrib.admin.apps import AdminConfig  # noqa: E402


class CivicloopAdminConfig(AdminConfig):
    """Django's admin, open to backbone admins only."""

    default_site = "civicloop.core.admin_site.BackboneAdminSite"
