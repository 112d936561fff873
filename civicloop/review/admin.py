"""The review's models in Django's admin, read-only: a signed decision, its evidence and a
strategy's status history are the record; they change only through
`civicloop.review.decisions` (pages, API, CLI), never by hand."""

from django.contrib import admin

from civicloop.review import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Review)
class ReviewAdmin(ReadOnly):
    list_display = ["__str__", "held_on", "collaborative", "frozen_at"]
    list_filter = ["collaborative"]
    exclude = ["snapshot"]


@admin.register(models.Decision)
class DecisionAdmin(ReadOnly):
    list_display = ["strategy", "review", "proposed", "decision", "signed_as", "published"]
    list_filter = ["decision", "published", "review__collaborative"]
    search_fields = ["rationale", "strategy__name"]


@admin.register(models.StrategyChange)
class StrategyChangeAdmin(ReadOnly):
    list_display = ["strategy", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]


@admin.register(models.CurveConversation)
class CurveConversationAdmin(ReadOnly):
    # Written on its own page (access decides who), declared by a chair: read-only here.
    list_display = ["__str__", "collaborative", "updated_at", "declared_at"]
    list_filter = ["collaborative"]
