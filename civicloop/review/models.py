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
from django.utils.translation import gettext_lazy as _

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


class CurveConversation(models.Model):
    """The Turn the Curve conversation about one indicator or one result, as the table
    holds it at its reviews: how are we doing, the story behind the curve, the partners
    with a role to play, what works (with evidence links) and the action plan (linked to
    strategies and commitments).

    Backbone staff write it (and an indicator's stewards write that indicator's); every
    change is kept by the audit trail (`civicloop.core.audit`). The public reads only the
    copy a chair declared (`declared`), never the working text: a later edit waits for the
    next declaration, as a pending value waits for its approval.
    """

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="curve_conversations"
    )
    indicator = models.OneToOneField(
        "results.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="curve_conversation",
    )
    result = models.OneToOneField(
        "results.Result",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="curve_conversation",
    )
    how_are_we_doing = models.TextField(
        _("How are we doing?"),
        blank=True,
        help_text=_("Where the curve is and where it is heading, in the table's words."),
    )
    story = models.TextField(
        _("The story behind the curve"),
        blank=True,
        help_text=_("The causes and forces at work, positive and negative."),
    )
    partners = models.ManyToManyField(
        "table.Organisation",
        blank=True,
        related_name="curve_conversations",
        verbose_name=_("Partners with a role to play"),
    )
    partners_roles = models.TextField(
        _("The role each partner can play"),
        blank=True,
        help_text=_("Including partners not yet at the table."),
    )
    what_works = models.TextField(
        _("What works"),
        blank=True,
        help_text=_("What could work to turn the curve, including no-cost and low-cost ideas."),
    )
    evidence_links = models.JSONField(
        _("Evidence of what works"),
        default=list,
        blank=True,
        help_text=_("A list of {title, url}: each url an http:// or https:// address."),
    )
    action_plan = models.TextField(_("Action plan"), blank=True)
    strategies = models.ManyToManyField(
        "table.Strategy",
        blank=True,
        related_name="curve_conversations",
        verbose_name=_("Strategies in the action plan"),
    )
    commitments = models.ManyToManyField(
        "table.Commitment",
        blank=True,
        related_name="curve_conversations",
        verbose_name=_("Commitments in the action plan"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared = models.JSONField(
        null=True,
        blank=True,
        help_text="The copy the public reads, as a chair declared it (see `declare_copy`).",
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(indicator__isnull=False, result__isnull=True)
                    | models.Q(indicator__isnull=True, result__isnull=False)
                ),
                name="curve_conversation_about_one_thing",
            )
        ]

    def __str__(self) -> str:
        return str(self.indicator or self.result)

    def save(self, *args, **kwargs):
        # Validated on the model, whoever saves it: a form, the API or a script.
        self.clean_fields(exclude=["collaborative", "indicator", "result", "updated_by"])
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from civicloop.core.netguard import web_link

        if not isinstance(self.evidence_links, list):
            raise ValidationError({"evidence_links": _("Evidence links are a list.")})
        problems = []
        for i, link in enumerate(self.evidence_links, 1):
            if not isinstance(link, dict) or not str(link.get("url") or "").strip():
                problems.append(_("Link {n} has no address.").format(n=i))
                continue
            try:
                web_link(str(link["url"]).strip())
            except ValidationError:
                problems.append(
                    _("Link {n}: enter a web address starting with http:// or https://.").format(
                        n=i
                    )
                )
        if problems:
            raise ValidationError({"evidence_links": problems})

    def working_copy(self) -> dict:
        """The conversation as plain data (what the packet shows and a declaration keeps).

        The words are the English whatever the page's language (django-modeltranslation reads
        the page's language from the plain names); the Spanish the table wrote goes under
        ``"es"``, only when there is some, so a copy declared before there was any Spanish
        still equals the conversation it was declared from."""
        spanish = {
            name: getattr(self, f"{name}_es")
            for name in TRANSLATED_TEXT
            if getattr(self, f"{name}_es", None)
        }
        english = {name: getattr(self, f"{name}_en", None) or "" for name in TRANSLATED_TEXT}
        copy = {
            "how_are_we_doing": english["how_are_we_doing"],
            "story": english["story"],
            "partners": [o.name for o in self.partners.all()],
            "partners_roles": english["partners_roles"],
            "what_works": english["what_works"],
            "evidence_links": [
                {"title": str(link.get("title") or link["url"]), "url": str(link["url"])}
                for link in self.evidence_links
            ],
            "action_plan": english["action_plan"],
            "strategies": [s.name for s in self.strategies.all()],
            "commitments": [f"{c.organisation}: {c.title}" for c in self.commitments.all()],
        }
        if spanish:
            copy["es"] = spanish
        return copy


# The conversation's words the table writes in each language (`civicloop.core.translated`).
TRANSLATED_TEXT = ("how_are_we_doing", "story", "partners_roles", "what_works", "action_plan")


def in_language(copy: dict | None, language: str | None) -> dict | None:
    """A working or declared copy as a reader of `language` reads it: the Spanish where the
    table wrote some, else the English."""
    if not copy:
        return copy
    from civicloop.core.translated import OTHER_LANGUAGES

    out = {k: v for k, v in copy.items() if k not in OTHER_LANGUAGES}
    if language in OTHER_LANGUAGES:
        out.update({name: text for name, text in (copy.get(language) or {}).items() if text})
    return out
