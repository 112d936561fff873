"""What the learn stage stored: one analysis per series, one effect per strategy x indicator.

Each row says what it was computed from, so a load that changes a series makes its row
stale and `civicloop.learn.store.analyse` recomputes exactly those:

- `SeriesAnalysis.computed_from_version` is the `Series.version` the numbers were
  computed from, and `settings_hash` fingerprints the indicator's direction, target,
  baseline and frequency (and the engine's own version), which change results too;
- `StrategyEffect.computed_from` fingerprints the versions of every series the effect
  used (treated and comparison areas), the strategy's start and areas, and the settings.

The numbers themselves are kept as the engine's plain row dicts (JSON), next to the few
columns a page or a review filters on (status, p-values).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class SeriesAnalysis(models.Model):
    """Trend, verdict, progress to target and (for surveys) the latest change of one series.

    `result` holds ``{"trend": ..., "verdict": ..., "progress": ...,
    "latest_change": ...}``, each the engine's row dict for this series (see
    `civicloop.learn.store`). `status` and `p_adjusted` depend on the other indicators of
    the same area and group (the Benjamini-Hochberg family), so they are refreshed
    whenever any member of the family is recomputed.
    """

    series = models.OneToOneField(
        "results.Series", on_delete=models.CASCADE, related_name="analysis"
    )
    computed_from_version = models.PositiveIntegerField()
    settings_hash = models.CharField(max_length=16)
    computed_at = models.DateTimeField()
    method = models.CharField(
        max_length=20, help_text=gettext_lazy("The trend test: original or seasonal.")
    )
    status = models.CharField(
        max_length=30, help_text=gettext_lazy("improving, worsening, no_clear_trend...")
    )
    p = models.FloatField(null=True)
    p_adjusted = models.FloatField(null=True)
    family_size = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("How many indicators the p-value was adjusted for.")
    )
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = gettext_lazy("series analyses")

    def __str__(self) -> str:
        return f"{self.series_id}: {self.status} (v{self.computed_from_version})"


class EffectMethod(models.TextChoices):
    DID = "did", gettext_lazy("Difference-in-differences against comparison areas")
    ITS = (
        "its",
        gettext_lazy("Interrupted time series against the treated areas' own earlier trend"),
    )


class StrategyEffect(models.Model):
    """Whether a strategy is moving one of its indicators, by one method.

    `is_headline` marks the estimate the verdict rests on (difference-in-differences
    when there are comparison areas, else the interrupted time series); only headline
    effects enter the Benjamini-Hochberg adjustment across the collaborative's strategies.
    """

    strategy = models.ForeignKey("table.Strategy", on_delete=models.CASCADE, related_name="effects")
    indicator = models.ForeignKey(
        "results.Indicator", on_delete=models.CASCADE, related_name="strategy_effects"
    )
    method = models.CharField(max_length=3, choices=EffectMethod.choices)
    is_headline = models.BooleanField(default=False)
    status = models.CharField(max_length=30)
    estimate = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    p = models.FloatField(null=True)
    p_adjusted = models.FloatField(null=True)
    family_size = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict)
    computed_from = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["strategy", "indicator", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "indicator", "method"], name="strategy_effect_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id} x {self.indicator_id} ({self.method}): {self.status}"
