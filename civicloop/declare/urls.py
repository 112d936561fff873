"""Declare's pages in the working app, under /c/<collaborative>/ (included from core.urls)."""

from __future__ import annotations

from django.urls import path

from civicloop.declare import views

urlpatterns = [
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/new/", views.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("declarations/<int:pk>/edit/", views.declaration_edit, name="declaration_edit"),
    path("declarations/<int:pk>/approve/", views.declaration_approve, name="declaration_approve"),
    path("declarations/<int:pk>/return/", views.declaration_return, name="declaration_return"),
    path("declarations/<int:pk>/publish/", views.declaration_publish, name="declaration_publish"),
    path(
        "declarations/<int:pk>/withdraw/", views.declaration_withdraw, name="declaration_withdraw"
    ),
    path("alerts/", views.subscriptions, name="subscriptions"),
    path("alerts/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
]
