from django.contrib import admin

from civicloop.measure import models


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "collaborative"]


@admin.register(models.Load)
class LoadAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "status",
        "rows_total",
        "rows_created",
        "rows_changed",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in models.Load._meta.fields]
