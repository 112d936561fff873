"""URLs: the frame here; each stage's pages live in its own ``urls.py`` under /c/<slug>/."""

from __future__ import annotations

import importlib

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from civicloop.core import account, audit
from civicloop.core.api import api
from civicloop.core.signin import SignInView
from civicloop.results import views as results
from civicloop.results.setup import logo

urlpatterns = [
    path("", results.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", account.account, name="account"),
    # The language switcher posts here (with its CSRF token); the choice is kept in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # People at a collaborative: its set-up page and the emailed invitation links.
    path("c/<slug:slug>/", include("civicloop.core.people_urls")),
    path("c/<slug:slug>/", results.collaborative, name="collaborative"),
    path("c/<slug:slug>/results/", results.results_index, name="results_index"),
    path("c/<slug:slug>/results/<slug:result_slug>/", results.result, name="result"),
    path("c/<slug:slug>/indicators/<slug:indicator_slug>/", results.indicator, name="indicator"),
    path("c/<slug:slug>/areas/<path:code>/", results.area, name="area"),
    path("c/<slug:slug>/logo.png", logo.logo, name="collaborative_logo"),
    # The backbone's set-up pages (results.setup): the collaborative built in the browser.
    path("c/<slug:slug>/setup/", include("civicloop.results.setup.urls")),
    path("c/<slug:slug>/approvals/", results.approvals, name="approvals"),
    path("c/<slug:slug>/audit/", audit.audit_page, name="audit"),
]

# Stages register their pages here, in one place, in the order of the loop.
for stage in ("measure", "table", "learn", "review", "declare"):
    try:
        importlib.import_module(f"civicloop.{stage}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"civicloop.{stage}.urls":
            raise
        continue
    urlpatterns.append(path("c/<slug:slug>/", include(f"civicloop.{stage}.urls")))

# == Declare: the public site (/public/...) and the network view (/networks/<slug>/) ========
# Top-level because they belong to no one collaborative; the patterns live in declare.
urlpatterns.append(path("", include("civicloop.declare.top_urls")))
