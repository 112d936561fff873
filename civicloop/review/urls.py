"""The review's pages, under /c/<collaborative>/ (included from core.urls)."""

from __future__ import annotations

from django.urls import path

from civicloop.review import conversation, views

urlpatterns = [
    path("strategies/", views.strategies, name="strategies"),
    path("strategies/<slug:strategy_slug>/", views.strategy, name="strategy"),
    path("strategies/<slug:strategy_slug>/status/", views.strategy_status, name="strategy_status"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/packet.pdf", views.review_pdf, name="review_pdf"),
    path(
        "reviews/<int:pk>/decide/<slug:strategy_slug>/", views.review_decide, name="review_decide"
    ),
    path("decisions/", views.decisions, name="review_decisions"),
    path(
        "turn-the-curve/<str:kind>/<slug:subject_slug>/",
        conversation.edit,
        name="conversation_edit",
    ),
    path(
        "turn-the-curve/<str:kind>/<slug:subject_slug>/declare/",
        conversation.declare,
        name="conversation_declare",
    ),
]
