"""Loads: upload, check, confirm, inspect, roll back (under /c/<collaborative>/)."""

from __future__ import annotations

from django.urls import path

from civicloop.measure import views

urlpatterns = [
    path("loads/", views.load_list, name="loads"),
    path("loads/new/", views.upload, name="upload"),
    path("loads/confirm/", views.confirm, name="upload_confirm"),
    path("loads/<int:load_id>/", views.load_detail, name="load"),
    path("loads/<int:load_id>/problems.csv", views.problems_file, name="load_problems"),
    path("loads/<int:load_id>/rollback/", views.rollback_view, name="load_rollback"),
]
