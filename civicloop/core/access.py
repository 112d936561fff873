"""Who may see and change what. Every view asks here; nothing is decided in templates.

- Django's admin is for platform staff (superusers); backbone admins use the set-up pages.
- Only a collaborative's own backbone admins manage its people and its connector sources.
- The public (anonymous) sees only public collaboratives and their declared (public)
  indicators.
- Members of a collaborative (any role) see all of its results and indicators.
- Backbone admins and chairs manage the collaborative; analysts read everything.
- Only backbone admins set it up: its profile, results, indicators, areas, strategies.
- A partner member changes only its own organisation's things.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from civicloop.core.models import Membership, Role


def memberships(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user)


def is_backbone_admin(user, collaborative=None) -> bool:
    qs = memberships(user).filter(role=Role.BACKBONE_ADMIN)
    if collaborative is not None:
        qs = qs.filter(collaborative=collaborative)
    return qs.exists()


def can_manage_people(user, collaborative) -> bool:
    """Invite, change roles, revoke: the collaborative's own backbone admins (and platform
    staff), never a chair, and never a backbone admin of another collaborative."""
    if user.is_authenticated and user.is_superuser:
        return True
    return is_backbone_admin(user, collaborative)


def can_manage_sources(user, collaborative) -> bool:
    """Create, edit and test connector sources: the backbone, who connect the data."""
    if user.is_authenticated and user.is_superuser:
        return True
    return is_backbone_admin(user, collaborative)


def can_open_admin(user) -> bool:
    """Django's admin edits every collaborative at once, so it is for platform staff only."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def roles(user, collaborative) -> set[str]:
    if user.is_authenticated and user.is_superuser:
        return set(Role.values)
    return set(memberships(user).filter(collaborative=collaborative).values_list("role", flat=True))


def is_member(user, collaborative) -> bool:
    return bool(roles(user, collaborative))


def visible_collaboratives(user):
    from civicloop.results.models import Collaborative

    if user.is_authenticated and user.is_superuser:
        return Collaborative.objects.all()
    member_of = memberships(user).values("collaborative")
    return Collaborative.objects.filter(Q(is_public=True) | Q(pk__in=member_of)).distinct()


def visible_indicators(user, collaborative):
    from civicloop.results.models import Indicator

    qs = Indicator.objects.filter(result__collaborative=collaborative)
    if is_member(user, collaborative):
        return qs
    if collaborative.is_public:
        return qs.filter(is_public=True)
    return qs.none()


def can_manage(user, collaborative) -> bool:
    """Set up results and indicators, seat organisations, open rounds: backbone and chairs."""
    return bool(roles(user, collaborative) & {Role.BACKBONE_ADMIN, Role.CHAIR})


def can_set_up(user, collaborative) -> bool:
    """Build and maintain the collaborative itself (its profile, results, indicators, areas,
    strategies, organisations): its backbone admins only, not chairs. A chair runs the table
    with what the backbone set up; changing its definition is staff work."""
    return Role.BACKBONE_ADMIN in roles(user, collaborative)


def can_edit_organisation(user, organisation) -> bool:
    """A partner member edits its own organisation; backbone admins edit any in their table."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or is_backbone_admin(user, organisation.collaborative):
        return True
    return (
        memberships(user)
        .filter(collaborative=organisation.collaborative, organisation=organisation)
        .exists()
    )


def upload_sources(user, collaborative):
    """The sources a person may load data into.

    Backbone admins, chairs and analysts load into any source of their collaborative; a
    partner member only into sources that belong to its own organisation.
    """
    from civicloop.measure.models import Source

    sources = Source.objects.filter(collaborative=collaborative)
    mine = roles(user, collaborative)
    if mine & {Role.BACKBONE_ADMIN, Role.CHAIR, Role.ANALYST}:
        return sources
    if Role.PARTNER_MEMBER in mine:
        orgs = memberships(user).filter(collaborative=collaborative).values("organisation")
        return sources.filter(organisation__in=orgs)
    return sources.none()


def can_upload(user, collaborative) -> bool:
    return bool(roles(user, collaborative) & set(Role.values))


def can_roll_back(user, load) -> bool:
    """Backbone admins and chairs undo any load; others only their own."""
    if can_manage(user, load.collaborative):
        return True
    return user.is_authenticated and load.created_by_id == user.pk
