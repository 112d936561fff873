"""People and their roles on a collaborative.

Roles are per collaborative: the same person can chair one table and be an analyst on
another. Everything a view may show or change is decided by `civicloop.core.access`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy


def language_choices() -> list[tuple[str, str]]:
    """The languages the interface ships, each named in itself ("English", "Español")."""
    return list(settings.LANGUAGES)


def language_field(help_text) -> models.CharField:
    return models.CharField(
        gettext_lazy("language"),
        max_length=8,
        blank=True,
        default="",
        choices=language_choices,
        help_text=help_text,
    )


class User(AbstractUser):
    """A person who signs in. Anyone not signed in is the public."""

    display_name = models.CharField(max_length=200, blank=True)
    # The language this person reads civicloop in: the working app once they sign in (until
    # they switch), and every email sent to them. Empty: not chosen (the browser decides the
    # pages; emails are in the site's language).
    language = language_field(
        gettext_lazy("The language of your pages once you sign in, and of every email to you.")
    )

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    BACKBONE_ADMIN = "backbone_admin", gettext_lazy("Backbone admin")
    CHAIR = "chair", gettext_lazy("Chair")
    PARTNER_MEMBER = "partner_member", gettext_lazy("Partner member")
    ANALYST = "analyst", gettext_lazy("Analyst")


class Membership(models.Model):
    """A person's role on one collaborative; a partner member speaks for one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "table.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        help_text=gettext_lazy("The organisation a partner member (or a chair) belongs to."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "collaborative", "role"], name="one_role_once_per_collaborative"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="partner_member") | models.Q(organisation__isnull=False),
                name="partner_member_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.collaborative}"

    def clean(self) -> None:
        check_role(self.role, self.organisation, self.collaborative_id)


class Invitation(models.Model):
    """A one-time sign-up link sent by email: whoever opens it sets their own password and
    joins one collaborative with the role given here.

    Only a SHA-256 of the token is stored, so a copy of the database (a backup, an export)
    opens no door; the token itself exists only in the email. A link works once
    (``accepted_at``), until ``expires_at``, and only on its own collaborative.
    """

    collaborative = models.ForeignKey(
        "results.Collaborative", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "table.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("The organisation a partner member speaks for."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Chosen by whoever invites: the invitation email is written in it, and the new account
    # starts with it.
    language = language_field(
        gettext_lazy("The invitation email is written in this language; the person can change it.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner_member") | models.Q(organisation__isnull=False),
                name="invited_partner_member_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()} · {self.collaborative}"

    def clean(self) -> None:
        check_role(self.role, self.organisation, self.collaborative_id)


def check_role(role: str, organisation, collaborative_id: int | None) -> None:
    """The one rule for a role and its organisation, for memberships and invitations alike:
    a partner member speaks for an organisation of the same collaborative."""
    from django.core.exceptions import ValidationError

    if role == Role.PARTNER_MEMBER and organisation is None:
        raise ValidationError(
            {"organisation": gettext_lazy("A partner member speaks for an organisation.")}
        )
    if organisation is not None and organisation.collaborative_id != collaborative_id:
        raise ValidationError(
            {
                "organisation": gettext_lazy(
                    "The organisation must be at the same collaborative's table."
                )
            }
        )


class DataVersion(models.Model):
    """A stamp that changes whenever a collaborative's data or definition changes.

    Read by `civicloop.core.cache` as part of every cached fragment's key, so a cached
    page part or API answer is never served after what it was made from changed. ``scope``
    is a collaborative's id, or 0 for a change whose collaborative is not known cheaply
    (it invalidates every collaborative's entries). No foreign key: a stamp outliving its
    collaborative is harmless, and bumping it never waits on another table.
    """

    scope = models.PositiveBigIntegerField(unique=True)
    # Random on every bump, not a counter: a rolled-back transaction or a restored backup
    # cannot bring back a number whose cached entries show other data.
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"data version of {self.scope or 'every collaborative'}: {self.version}"
