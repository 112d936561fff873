"""Reviews, the decisions a table records at them, and the history of each strategy's status.

- `Review`: a meeting of a collaborative's table on a date. Its packet is assembled from the
  data as of that date (`civicloop.review.packet`); once the first decision is signed the
  packet is frozen in `Review.snapshot`, so what the table saw stays readable as it was.
- `Decision`: what the table decided for one strategy at one review (stay, adapt, change
  course, stop, scale), next to what civicloop proposed, with the rationale, the chair who
  signed it, and the evidence frozen as JSON: a later revision of the data never rewrites it.
- `StrategyChange`: one change of a strategy's status, from what to what, why and by whom.
  Every change goes through `civicloop.review.decisions.change_status`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicloop.table.models import StrategyStatus


class DecisionChoice(models.TextChoices):
    STAY = "stay", gettext_lazy("Stay the course")
    ADAPT = "adapt", gettext_lazy("Adapt")
    CHANGE_COURSE = "change_course", gettext_lazy("Change course")
    STOP = "stop", gettext_lazy("Stop")
    SCALE = "scale", gettext_lazy("Scale")


class Review(models.Model):
    """A meeting of the collaborative's table on a date, and the packet prepared for it."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="reviews"
    )
    held_on = models.DateField(
        help_text=gettext_lazy("The day of the meeting; the packet uses the data as of this day.")
    )
    title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    snapshot = models.JSONField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The packet as the table saw it, frozen when the first decision was signed."
        ),
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "held_on"], name="one_review_a_day")
        ]

    def __str__(self) -> str:
        return self.title or f"Learning review of {self.held_on.day} {self.held_on:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("review", args=[self.collaborative.slug, self.pk])


class Decision(models.Model):
    """The table's decision on one strategy at one review, signed by a chair.

    `evidence` holds the numbers the decision rested on (the strategy's entry of the
    packet as of the review's date: every effect estimate, interval, p-value and verdict,
    and the proposal with its reasons), copied when it was signed.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    strategy = models.ForeignKey(
        "table.Strategy", on_delete=models.CASCADE, related_name="decisions"
    )
    proposed = models.CharField(
        max_length=16,
        choices=DecisionChoice.choices,
        help_text=gettext_lazy("What civicloop proposed."),
    )
    decision = models.CharField(
        max_length=16,
        choices=DecisionChoice.choices,
        help_text=gettext_lazy("What the table decided."),
    )
    rationale = models.TextField()
    evidence = models.JSONField(default=dict)
    # PROTECT: a signature must not vanish with the person's account.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_signed"
    )
    signed_as = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("The chair's name as it read when they signed."),
    )
    decided_at = models.DateTimeField(default=timezone.now)
    published = models.BooleanField(
        default=False,
        help_text=gettext_lazy("The table chose to publish it in the public decision log."),
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "strategy"], name="one_decision_a_review")
        ]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.get_decision_display()} ({self.review.held_on})"

    @property
    def followed_proposal(self) -> bool:
        return self.decision == self.proposed


class StrategyChange(models.Model):
    """One change of a strategy's status. Written only by `decisions.change_status`."""

    strategy = models.ForeignKey(
        "table.Strategy", on_delete=models.CASCADE, related_name="status_history"
    )
    from_status = models.CharField(max_length=12, choices=StrategyStatus.choices)
    to_status = models.CharField(max_length=12, choices=StrategyStatus.choices)
    why = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        help_text=gettext_lazy("The review decision that made this change, if one did."),
    )

    class Meta:
        ordering = ["strategy", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.from_status} → {self.to_status}"
