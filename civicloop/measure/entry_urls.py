"""The measure stage's own namespace (``measure:``): entering numbers by hand, and an
indicator's observations to download."""

from __future__ import annotations

from django.urls import path

from civicloop.measure import entry_views, exports

app_name = "measure"
urlpatterns = [
    path("enter/", entry_views.enter, name="enter"),
    path("enter/template.xlsx", entry_views.enter_template, name="enter_template"),
    path(
        "indicators/<slug:indicator_slug>/observations.<str:fmt>",
        exports.observations_file,
        name="observations",
    ),
    path("results/<slug:result_slug>/table.<str:fmt>", exports.result_file, name="result_table"),
]
