from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from civicloop.core.api import api
from civicloop.results import views as results
from civicloop.table import views as table

urlpatterns = [
    path("", results.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("c/<slug:slug>/", results.collaborative, name="collaborative"),
    path("c/<slug:slug>/results/<slug:result_slug>/", results.result, name="result"),
    path("c/<slug:slug>/indicators/<slug:indicator_slug>/", results.indicator, name="indicator"),
    path("c/<slug:slug>/organisations/", table.organisations, name="organisations"),
    path("c/<slug:slug>/organisations/<slug:org_slug>/", table.organisation, name="organisation"),
    path(
        "c/<slug:slug>/organisations/<slug:org_slug>/edit/",
        table.organisation_edit,
        name="organisation_edit",
    ),
]
