"""Where data comes from (sources) and each time it came in (loads)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Source(models.Model):
    """A named origin of data: a partner's spreadsheet, a portal dataset, raw records."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="sources"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, default="file")
    organisation = models.ForeignKey(
        "table.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    settings = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "name"], name="source_unique")
        ]

    def __str__(self) -> str:
        return self.name


class LoadStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    NO_CHANGE = "no_change", "No change (file already loaded)"
    REJECTED = "rejected", "Rejected (nothing written)"
    ROLLED_BACK = "rolled_back", "Rolled back"


class Load(models.Model):
    """One file (or fetch) brought in: the archived original, who, when, what it changed."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="loads"
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="loads"
    )
    original_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    archive_path = models.CharField(max_length=500, help_text="Relative to the workspace.")
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=LoadStatus.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
