"""The public site's addresses, under /public/ (included from core.urls). The static build
writes the same paths into its folder (see `civicloop.declare.public.links`)."""

from __future__ import annotations

from django.urls import path

from civicloop.declare import public_views as v

urlpatterns = [
    path("", v.home, name="public_home"),
    path("feed.atom", v.site_feed, name="public_feed"),
    path("networks/<slug:slug>/", v.network, name="public_network"),
    path(
        "networks/<slug:slug>/results/<slug:result_slug>/",
        v.network_result,
        name="public_network_result",
    ),
    path("c/<slug:slug>/", v.collaborative, name="public_collaborative"),
    path("c/<slug:slug>/feed.atom", v.collaborative_feed, name="public_collaborative_feed"),
    path("c/<slug:slug>/results/<slug:result_slug>/", v.result, name="public_result"),
    path("c/<slug:slug>/indicators/<slug:indicator_slug>/", v.indicator, name="public_indicator"),
    path(
        "c/<slug:slug>/indicators/<slug:indicator_slug>/embed/",
        v.embed,
        name="public_indicator_embed",
    ),
    path(
        "c/<slug:slug>/indicators/<slug:indicator_slug>/<str:filename>",
        v.indicator_file,
        name="public_indicator_file",
    ),
    path("c/<slug:slug>/areas/<path:code>/", v.area, name="public_area"),
    path("c/<slug:slug>/declarations/", v.declarations, name="public_declarations"),
    path("c/<slug:slug>/declarations/<int:pk>/", v.declaration, name="public_declaration"),
    path("c/<slug:slug>/decisions/", v.decisions, name="public_decisions"),
    path("c/<slug:slug>/methodology/", v.methodology, name="public_methodology"),
    path("c/<slug:slug>/data/", v.data, name="public_data"),
    path("c/<slug:slug>/data/<str:filename>", v.data_file, name="public_data_file"),
]
