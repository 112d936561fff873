from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from civicloop.core.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class CivicloopUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "collaborative", "role", "organisation"]
    list_filter = ["role", "collaborative"]
