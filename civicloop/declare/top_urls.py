"""Declare's addresses that belong to no one collaborative: the public site under /public/
and the members' network view. Included once, at the root, from core.urls."""

from __future__ import annotations

from django.urls import include, path

from civicloop.declare import views

urlpatterns = [
    path("public/", include("civicloop.declare.public_urls")),
    path("networks/<slug:slug>/", views.network, name="network_compare"),
    path(
        "networks/<slug:slug>/results/<slug:result_slug>/",
        views.network_result,
        name="network_compare_result",
    ),
]
