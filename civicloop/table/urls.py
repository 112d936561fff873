"""The table's pages, under /c/<collaborative>/ (included from core.urls)."""

from __future__ import annotations

from django.urls import path

from civicloop.table import views

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<slug:org_slug>/", views.organisation, name="organisation"),
    path("organisations/<slug:org_slug>/edit/", views.organisation_edit, name="organisation_edit"),
]
