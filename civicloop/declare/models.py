"""What declare keeps: declarations and their history, and alert subscriptions.

A `Declaration` is a public statement of progress about one indicator in one area. civicloop
drafts it from the evidence, and freezes that evidence with it (`evidence`), so what a
sentence claims is always checked against the numbers it was written from, not against
whatever the data say on the day someone edits it. Staff edit it, a chair approves it, and
only then is it published. Every step, including an edit that was refused because it
claimed more than the evidence supports, leaves a `DeclarationEvent`.

A `Subscription` asks for alerts (by email, by signed webhook, or both) about one
collaborative. Each `Alert` is unique per subscription and key, so it is sent once;
`Watch` remembers the last state seen of each watched thing, so a change is noticed once.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy

from civicloop.core.netguard import fetchable_url


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    APPROVED = "approved", gettext_lazy("Approved by a chair")
    PUBLISHED = "published", gettext_lazy("Published")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=DeclarationStatus.PUBLISHED)


class Declaration(models.Model):
    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="declarations"
    )
    indicator = models.ForeignKey(
        "results.Indicator", on_delete=models.CASCADE, related_name="declarations"
    )
    area = models.ForeignKey("results.Area", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(help_text=gettext_lazy("The statement as it will be published."))
    drafted_text = models.TextField(
        help_text=gettext_lazy("What civicloop drafted from the evidence.")
    )
    evidence = models.JSONField(
        help_text=gettext_lazy(
            "The evidence the draft was written from, frozen (see declare.drafting)."
        )
    )
    claim = models.CharField(
        max_length=30,
        help_text=gettext_lazy(
            "The evidence's trend verdict (improving, no_clear_trend...), kept as a "
            "column to filter on."
        ),
    )
    status = models.CharField(
        max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-drafted_at", "-id"]
        indexes = [models.Index(fields=["collaborative", "status"])]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.area}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("declaration", args=[self.collaborative.slug, self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == DeclarationStatus.PUBLISHED


class EventKind(models.TextChoices):
    DRAFTED = "drafted", gettext_lazy("Drafted by civicloop")
    EDITED = "edited", gettext_lazy("Edited")
    REFUSED = "refused", gettext_lazy("Edit refused")
    APPROVED = "approved", gettext_lazy("Approved")
    RETURNED = "returned", gettext_lazy("Returned to staff")
    PUBLISHED = "published", gettext_lazy("Published")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class DeclarationEvent(models.Model):
    """One step in a declaration's life. A refused edit keeps the text and the reasons."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.kind}"


class AlertKind(models.TextChoices):
    VERDICT = "verdict", gettext_lazy("An indicator's trend verdict changed")
    STRATEGY = "strategy", gettext_lazy("A strategy's evidence crossed a threshold")
    COMMITMENT = "commitment", gettext_lazy("A commitment fell overdue")


def _secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    """Someone who wants to hear when things change: an email address, a webhook, or both."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="subscriptions"
    )
    name = models.CharField(max_length=200, help_text=gettext_lazy("Who this is for."))
    email = models.EmailField(blank=True)
    webhook_url = models.URLField(blank=True, max_length=500, validators=[fetchable_url])
    secret = models.CharField(
        max_length=100,
        default=_secret,
        help_text=gettext_lazy(
            "Signs each webhook body: X-Civicloop-Signature: sha256=HMAC(secret, body)."
        ),
    )
    kinds = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("Alert kinds wanted; empty means all.")
    )
    include_private = models.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Also alert on what is not declared (for the table's members, not the public)."
        ),
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collaborative", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="", webhook_url=""),
                name="subscription_has_a_channel",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str, public: bool) -> bool:
        return (not self.kinds or kind in self.kinds) and (public or self.include_private)


class Watch(models.Model):
    """The last state the alert check saw of one watched thing (an indicator's verdict, a
    strategy's evidence, a commitment's due date), so that each change is noticed once."""

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=120)
    state = models.CharField(max_length=120)
    changes = models.PositiveIntegerField(default=0)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "key"], name="watch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.state}"


class Alert(models.Model):
    """One alert for one subscription. Unique by key: a second check never sends it again;
    a channel that failed is retried until it succeeds or runs out of attempts."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="alert_sent_once")
        ]

    def __str__(self) -> str:
        return self.subject
