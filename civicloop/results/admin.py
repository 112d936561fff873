from django.contrib import admin

from civicloop.results import models


@admin.register(models.Network)
class NetworkAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Collaborative)
class CollaborativeAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "network", "is_public", "is_synthetic"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "collaborative"]
    list_filter = ["collaborative", "level"]
    search_fields = ["name", "code"]


@admin.register(models.Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "start", "end"]
    list_filter = ["kind"]


class GroupInline(admin.TabularInline):
    model = models.Group
    extra = 0


@admin.register(models.Dimension)
class DimensionAdmin(admin.ModelAdmin):
    inlines = [GroupInline]


@admin.register(models.Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["title", "collaborative"]
    filter_horizontal = ["focus_areas"]


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "result", "unit_kind", "direction", "frequency", "is_public"]
    list_filter = ["result__collaborative", "unit_kind", "frequency", "is_public"]
    search_fields = ["name", "slug"]


class RevisionInline(admin.TabularInline):
    model = models.Revision
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in models.Revision._meta.fields]


@admin.register(models.Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["series", "period", "value", "margin_of_error", "status", "load"]
    list_select_related = ["series__indicator", "series__area", "series__group", "period", "load"]
    inlines = [RevisionInline]
    raw_id_fields = ["series", "period", "load"]
    # Approval moves only through civicloop.results.approval, which records each action.
    readonly_fields = ["approval", "approved_by", "approved_at", *models.APPROVED_FIELDS.values()]

    def save_model(self, request, obj, form, change):
        # A value added or revised here waits for approval like a loaded one.
        if not change or form.changed_data:
            obj.approval = models.Approval.PENDING
        # Editing a value in the admin is a revision like any other: never overwrite silently.
        if change and form.changed_data:
            old = models.Observation.objects.get(pk=obj.pk)
            models.Revision.objects.create(
                observation=obj,
                old_value=old.value,
                new_value=obj.value,
                old_margin_of_error=old.margin_of_error,
                new_margin_of_error=obj.margin_of_error,
                old_status=old.status,
                new_status=obj.status,
                changed_by=request.user,
                reason="edited in the admin",
            )
            models.Series.objects.filter(pk=obj.series_id).update(version=old.series.version + 1)
        super().save_model(request, obj, form, change)
