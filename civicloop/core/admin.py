from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from civicloop.core.models import Invitation, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class CivicloopUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    # Platform staff can set the name others see and the language civicloop writes in.
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["display_name", "language"]})]
    list_display = [*UserAdmin.list_display, "language"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "collaborative", "role", "organisation"]
    list_filter = ["role", "collaborative"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Platform staff see who was invited where; only the token's hash exists to show."""

    list_display = ["email", "collaborative", "role", "organisation", "expires_at", "accepted_at"]
    list_filter = ["role", "collaborative"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by"]

    def has_add_permission(self, request) -> bool:
        # An invitation exists to send its link, which only the people page does.
        return False
