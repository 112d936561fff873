from django.contrib import admin

from civicloop.table import models


class FootprintInline(admin.TabularInline):
    model = models.OrganisationArea
    extra = 0


class PopulationInline(admin.TabularInline):
    model = models.OrganisationPopulation
    extra = 0


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0


class ProgrammeInline(admin.TabularInline):
    model = models.Programme
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "ntee_code", "collaborative"]
    list_filter = ["collaborative", "sector"]
    search_fields = ["name", "ein"]
    inlines = [ContactInline, FootprintInline, PopulationInline, ProgrammeInline]


@admin.register(models.Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["organisation", "result", "role", "joined", "left"]
    list_filter = ["role", "result"]


@admin.register(models.Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["name", "collaborative", "status", "priority", "start_period"]
    filter_horizontal = ["owners", "indicators", "areas"]
    # Status changes go through the review stage so each keeps its history and reason.
    readonly_fields = ["status"]


@admin.register(models.Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "order"]
    list_filter = ["kind"]


@admin.register(models.PartnerRole)
class PartnerRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description", "order"]


@admin.register(models.RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    list_display = ["organisation", "from_role", "to_role", "since"]


@admin.register(models.IndicatorSector)
class IndicatorSectorAdmin(admin.ModelAdmin):
    list_display = ["indicator", "sector", "why"]
    list_filter = ["sector"]


@admin.register(models.ResultPopulation)
class ResultPopulationAdmin(admin.ModelAdmin):
    list_display = ["result", "population"]


@admin.register(models.ZipArea)
class ZipAreaAdmin(admin.ModelAdmin):
    list_display = ["zip_code", "area", "share", "collaborative"]


class MeasureInline(admin.TabularInline):
    model = models.PerformanceMeasure
    extra = 0


@admin.register(models.Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "due", "status", "declared"]
    list_filter = ["status", "declared", "collaborative"]
    inlines = [MeasureInline]


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "collaborative", "method", "status", "anonymous", "declared"]
    inlines = [CriterionInline]


@admin.register(models.RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "collaborative", "status", "rows_created", "created_at"]
