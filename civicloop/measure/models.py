"""Where data comes from (sources) and each time it came in (loads)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

from civicloop.core.netguard import fetchable_url


class Source(models.Model):
    """A named origin of data: a partner's spreadsheet, a portal dataset, raw records.

    ``kind`` names the adapter that fetches it (``file`` for uploads; ``socrata``, ``ckan``,
    ``census``, ``url`` for connectors); ``settings`` holds that adapter's options and
    ``mapping`` the column mapping remembered from the last upload (see ``measure.mapping``).
    """

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="sources"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, default="file")
    organisation = models.ForeignKey(
        "table.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    settings = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    schedule_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Refresh every N minutes; empty: only by hand."),
    )
    next_refresh_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    auto_approve = models.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "A trusted source: its values are approved as they load, not held pending."
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "name"], name="source_unique")
        ]

    def __str__(self) -> str:
        return self.name

    # Settings that name an address the server will call (see `connectors`).
    URL_SETTINGS = ("url", "base_url")

    def clean(self) -> None:
        """Connector addresses are public http(s) hosts: a source never makes civicloop read
        a file on the server or a service on its own network (`core.netguard`)."""
        if not isinstance(self.settings, dict):
            raise ValidationError({"settings": "Settings are an object of named options."})
        problems = []
        for name in self.URL_SETTINGS:
            value = self.settings.get(name)
            if value in (None, ""):
                continue
            try:
                fetchable_url(str(value))
            except ValidationError as exc:
                problems += [f"{name}: {message}" for message in exc.messages]
        if problems:
            raise ValidationError({"settings": problems})


class LoadStatus(models.TextChoices):
    APPLIED = "applied", gettext_lazy("Applied")
    NO_CHANGE = "no_change", gettext_lazy("No change (file already loaded)")
    REJECTED = "rejected", gettext_lazy("Rejected (nothing written)")
    PARTIAL = "partial", gettext_lazy("Applied the valid rows; the others are in quarantine")
    ROLLED_BACK = "rolled_back", gettext_lazy("Rolled back")


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
    archive_path = models.CharField(
        max_length=500, help_text=gettext_lazy("Relative to the workspace.")
    )
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


class QuarantinedRow(models.Model):
    """A row a load refused, kept with its problems so it can be fixed and loaded later."""

    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="quarantine")
    row = models.PositiveIntegerField(help_text=gettext_lazy("Line number in the original file."))
    values = models.JSONField(help_text=gettext_lazy("The row as read, column name → text."))
    problems = models.JSONField(default=list)
    released = models.BooleanField(
        default=False, help_text=gettext_lazy("Fixed and loaded by a later load.")
    )

    class Meta:
        ordering = ["load", "row"]

    def __str__(self) -> str:
        return f"row {self.row} of {self.load}"


class RefreshStatus(models.TextChoices):
    RUNNING = "running", gettext_lazy("Running")
    DONE = "done", gettext_lazy("Done")
    FAILED = "failed", gettext_lazy("Failed")


class Refresh(models.Model):
    """One scheduled or manual fetch of a connector source, and what it changed."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="refreshes")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RefreshStatus.choices, default=RefreshStatus.RUNNING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    load = models.ForeignKey(
        Load, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("Rows created/changed/unchanged.")
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class RecordTable(models.Model):
    """A table of raw administrative records (311 requests, attendance, permits, loans).

    The file is archived like any load; indicators with a ``computation`` are computed
    from it by `civicloop.measure.records`.
    """

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="record_tables"
    )
    name = models.SlugField(
        help_text=gettext_lazy("The name definitions use in their 'table' field.")
    )
    original_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    archive_path = models.CharField(
        max_length=500, help_text=gettext_lazy("Relative to the workspace.")
    )
    rows = models.PositiveBigIntegerField(default=0)
    columns = models.JSONField(default=dict, help_text=gettext_lazy("Column name → type, as read."))
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="record_tables"
    )
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "name"], name="record_table_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.rows:,} records)"


class ReminderKind(models.TextChoices):
    DUE = "due", gettext_lazy("Data due soon")
    OVERDUE = "overdue", gettext_lazy("Data overdue")


class DataReminder(models.Model):
    """One reminder that an indicator's numbers for one period are due (or overdue), sent
    once to the people who owe them (see `civicloop.measure.reminders`).

    Unique by indicator, period and kind: a second run finds it and sends nothing; one whose
    email failed is retried until it goes or runs out of attempts."""

    indicator = models.ForeignKey(
        "results.Indicator", on_delete=models.CASCADE, related_name="data_reminders"
    )
    period_label = models.CharField(max_length=64)
    period_kind = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due = models.DateField()
    recipients = models.JSONField(default=list, help_text="The addresses it was sent to.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_label", "kind"], name="data_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.indicator} {self.period_label}"
