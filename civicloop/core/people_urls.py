"""People at a collaborative (under /c/<slug>/): the set-up page and the invitation link."""

from __future__ import annotations

from django.urls import path

from civicloop.core import people_views as views

urlpatterns = [
    path("setup/people/", views.people_page, name="setup_people"),
    path(
        "setup/people/<int:membership_id>/role/",
        views.membership_change,
        name="setup_membership_change",
    ),
    path(
        "setup/people/<int:membership_id>/revoke/",
        views.membership_revoke,
        name="setup_membership_revoke",
    ),
    path(
        "setup/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="setup_invitation_cancel",
    ),
    path("join/<str:token>/", views.join, name="join"),
]
