"""Who is at a collaborative: invite by email, accept the invitation, change a role, revoke.

The set-up pages (``people_views``) and anything else that changes memberships come here, so
the rules hold on every path:

- an invitation's token is random, sent once by email and stored only as its SHA-256; the
  link works once, until it expires, and only on the collaborative that sent it;
- accepting is one atomic claim of the invitation, so two people racing with the same link
  cannot both join;
- a collaborative always keeps at least one backbone admin: the last one can neither revoke
  nor demote themselves (nobody would be left to manage its people).

Who may call these is decided in `civicloop.core.access` (``can_manage_people``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicloop.core.language import language_of
from civicloop.core.models import Invitation, Membership, Role, User

INVITATION_LIFETIME = timedelta(days=7)


class PeopleError(Exception):
    """A change to who is at the table that cannot be made; the message says why."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    collaborative,
    *,
    email: str,
    role: str,
    organisation=None,
    language: str = "",
    by: User | None,
    link_for: Callable[[Invitation, str], str],
) -> Invitation:
    """Create the invitation and email its link; if the email cannot be sent, nothing stays.

    ``link_for(invitation, token)`` builds the absolute link (the page knows the host name).
    """
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        collaborative=collaborative,
        email=email.strip(),
        role=role,
        organisation=organisation if role in (Role.PARTNER_MEMBER, Role.CHAIR) else None,
        token_hash=hash_token(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
        language=language,
    )
    invitation.full_clean()
    with transaction.atomic():  # an exception leaving the block undoes the invitation
        invitation.save()
        try:
            _send(invitation, link_for(invitation, token))
        except Exception as exc:  # noqa: BLE001 - SMTP, DNS, disk: any failure to send
            raise PeopleError(
                _("the email to %(email)s could not be sent: %(error)s")
                % {"email": invitation.email, "error": exc}
            ) from exc
    return invitation


def _send(invitation: Invitation, link: str) -> None:
    # The alerts' mail set-up: SMTP when CIVICLOOP_SMTP_URL is set, else the workspace's outbox.
    from civicloop.declare.alerts import email_connection, sender

    collab = invitation.collaborative
    # The invitee has no account yet: the language the inviter chose for them, else the site's.
    with translation.override(language_of(invitation)):
        role = invitation.get_role_display().lower()
        values = {
            "by": str(invitation.invited_by or ""),
            "collaborative": collab.name,
            "role": role,
            "organisation": invitation.organisation.name if invitation.organisation else "",
            "link": link,
            "expires": date_format(timezone.localtime(invitation.expires_at), "d F Y, H:i T"),
        }
        if invitation.invited_by and invitation.organisation:
            invited = _(
                "You are invited by %(by)s to join %(collaborative)s on civicloop as %(role)s "
                "for %(organisation)s."
            )
        elif invitation.invited_by:
            invited = _(
                "You are invited by %(by)s to join %(collaborative)s on civicloop as %(role)s."
            )
        elif invitation.organisation:
            invited = _(
                "You are invited to join %(collaborative)s on civicloop as %(role)s "
                "for %(organisation)s."
            )
        else:
            invited = _("You are invited to join %(collaborative)s on civicloop as %(role)s.")
        body = "\n\n".join(
            [
                invited % values,
                _("Open this link to choose your username and password:"),
                link,
                _(
                    "The link works once, until %(expires)s. If you did not expect this email, "
                    "ignore it: nothing happens until the link is used."
                )
                % values,
            ]
        )
        subject = _("[%(collaborative)s] You are invited to join as %(role)s") % values
    mail.EmailMessage(
        subject=subject,
        body=body,
        from_email=sender(),
        to=[invitation.email],
        connection=email_connection(),
    ).send(fail_silently=False)


def pending(collaborative):
    """Invitations not yet used; expired ones stay listed (marked) until cancelled."""
    return (
        Invitation.objects.filter(collaborative=collaborative, accepted_at__isnull=True)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def find(collaborative, token: str) -> Invitation:
    """The invitation behind a link, or `PeopleError` saying why the link does not work.

    A token of another collaborative is "not a valid invitation" here, exactly as an
    unknown one: the link does not reveal what exists elsewhere.
    """
    invitation = (
        Invitation.objects.filter(collaborative=collaborative, token_hash=hash_token(token))
        .select_related("collaborative", "organisation")
        .first()
    )
    if invitation is None:
        raise PeopleError(_("This is not a valid invitation link."))
    if invitation.accepted_at is not None:
        raise PeopleError(_("This invitation has already been used. Sign in instead."))
    if invitation.expires_at <= timezone.now():
        raise PeopleError(
            _("This invitation has expired. Ask the backbone staff to send you a new one.")
        )
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    """Claim the invitation for ``user`` and give them its role, in one transaction.

    The claim is a conditional UPDATE: of two people using one link at once, one wins.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if not claimed:
            raise PeopleError(_("This invitation has already been used or has expired."))
        membership, _created = Membership.objects.get_or_create(
            user=user,
            collaborative=invitation.collaborative,
            role=invitation.role,
            defaults={"organisation": invitation.organisation},
        )
        if invitation.language and not user.language:
            # The language they were invited in, until they choose another on their account.
            user.language = invitation.language
            user.save(update_fields=["language"])
    return membership


def cancel(invitation: Invitation) -> None:
    """An unused invitation can be withdrawn; its link stops working at once."""
    if invitation.accepted_at is not None:
        raise PeopleError(_("This invitation was already accepted; revoke the role instead."))
    invitation.delete()


def change_role(membership: Membership, *, role: str, organisation=None) -> Membership:
    if role not in Role.values:
        raise PeopleError(_("%(role)r is not a role") % {"role": role})
    organisation = organisation if role in (Role.PARTNER_MEMBER, Role.CHAIR) else None
    if membership.role == Role.BACKBONE_ADMIN and role != Role.BACKBONE_ADMIN:
        _keep_a_backbone_admin(membership)
    if (
        role != membership.role
        and Membership.objects.filter(
            user_id=membership.user_id, collaborative_id=membership.collaborative_id, role=role
        ).exists()
    ):
        raise PeopleError(
            _("%(user)s already has the role %(role)s.")
            % {"user": membership.user, "role": Role(role).label.lower()}
        )
    membership.role = role
    membership.organisation = organisation
    membership.full_clean()
    membership.save(update_fields=["role", "organisation"])
    return membership


def revoke(membership: Membership) -> None:
    """Remove a role. Access is decided per request from memberships, so it ends at once."""
    if membership.role == Role.BACKBONE_ADMIN:
        _keep_a_backbone_admin(membership)
    membership.delete()


def _keep_a_backbone_admin(membership: Membership) -> None:
    others = (
        Membership.objects.filter(
            collaborative_id=membership.collaborative_id, role=Role.BACKBONE_ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise PeopleError(
            _(
                "The collaborative's last backbone admin keeps the role: invite or appoint "
                "another backbone admin first, so someone can still manage its people."
            )
        )
