from django.contrib import admin

from civicloop.table import models


class FootprintInline(admin.TabularInline):
    model = models.OrganisationArea
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "collaborative"]
    list_filter = ["collaborative", "sector"]
    search_fields = ["name"]
    inlines = [FootprintInline]


@admin.register(models.Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["organisation", "result", "role", "joined", "left"]


@admin.register(models.Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["name", "collaborative", "status", "start_period"]
    filter_horizontal = ["owners", "indicators", "areas"]
