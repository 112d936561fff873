"""Loads: upload, check, confirm, inspect, roll back; connector sources set up and tested
(under /c/<collaborative>/)."""

from __future__ import annotations

from django.urls import include, path

from civicloop.measure import calendar_views, source_views, views

urlpatterns = [
    path("loads/", views.load_list, name="loads"),
    path("loads/new/", views.upload, name="upload"),
    path("loads/confirm/", views.confirm, name="upload_confirm"),
    path("loads/<int:load_id>/", views.load_detail, name="load"),
    path("loads/<int:load_id>/problems.csv", views.problems_file, name="load_problems"),
    path("loads/<int:load_id>/rollback/", views.rollback_view, name="load_rollback"),
    path("measure/calendar/", calendar_views.data_calendar, name="data_calendar"),
    path("measure/", include("civicloop.measure.entry_urls")),
    path("setup/sources/", source_views.sources, name="setup_sources"),
    path("setup/sources/new/", source_views.source_new, name="setup_source_new"),
    path("setup/sources/<int:source_id>/", source_views.source_edit, name="setup_source"),
]
