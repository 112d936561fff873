"""Who may see and change what. Every view asks here; nothing is decided in templates.

- Django's admin is for platform staff (superusers); backbone admins use the set-up pages.
- Only a collaborative's own backbone admins manage its people and its connector sources.
- The public (anonymous) sees only public collaboratives and their declared (public)
  indicators.
- Members of a collaborative (any role) see all of its results and indicators.
- Backbone admins and chairs manage the collaborative; analysts read everything.
- Only backbone admins set it up: its profile, results, indicators, areas, strategies.
- A partner member changes only its own organisation's things.
- Observations are written by a `Writer`: backbone staff (backbone admins, analysts, the
  operator at the command line) write every indicator; anyone else writes only the
  indicators its organisation stewards and its own commitments' performance measures
  (`refused_indicators`, which the one writer path, `measure.loads.load_file`, asks).
- A value is public once approved: by backbone staff, or by a member of one of its
  indicator's stewards (`can_approve`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

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
    if not user.is_authenticated:
        return set()  # no query: the public holds no role anywhere
    if user.is_superuser:
        return set(Role.values)
    return set(memberships(user).filter(collaborative=collaborative).values_list("role", flat=True))


def is_member(user, collaborative) -> bool:
    return bool(roles(user, collaborative))


def visible_collaboratives(user):
    from civicloop.results.models import Collaborative

    if user.is_authenticated and user.is_superuser:
        return Collaborative.objects.all()
    if not user.is_authenticated:
        return Collaborative.objects.filter(is_public=True)
    member_of = memberships(user).values("collaborative")
    return Collaborative.objects.filter(Q(is_public=True) | Q(pk__in=member_of)).distinct()


def visible_indicators(user, collaborative, *, member: bool | None = None):
    """member: `is_member(user, collaborative)`, when the caller has asked already."""
    from civicloop.results.models import Indicator

    qs = Indicator.objects.filter(result__collaborative=collaborative)
    if is_member(user, collaborative) if member is None else member:
        return qs
    if collaborative.is_public:
        return qs.filter(is_public=True)
    return qs.none()


def public_indicators():
    """What the public sees of every collaborative: the declared (public) indicators of
    public collaboratives (`visible_indicators` for someone signed out, across them all)."""
    from civicloop.results.models import Indicator

    return Indicator.objects.filter(is_public=True, result__collaborative__is_public=True)


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


# -- writing and approving observations ------------------------------------------------------

# Roles whose holders are backbone staff: they write and approve every indicator. A chair
# sits at the table for an organisation and writes as that organisation.
BACKBONE_ROLES = {Role.BACKBONE_ADMIN, Role.ANALYST}


@dataclass(frozen=True)
class Writer:
    """Who is writing observations, as stewardship sees them.

    ``backbone``: may write every indicator of the collaborative. Otherwise
    ``organisations`` (pks) are those it writes for. ``name`` says who, in messages.
    """

    name: str
    backbone: bool = False
    organisations: frozenset[int] = frozenset()


# The operator at the command line with no ``--as USER``: whoever runs the server's
# commands already holds its database, so they load as the backbone.
OPERATOR = Writer("the operator", backbone=True)


def is_backbone(user, collaborative) -> bool:
    """Backbone staff of this collaborative (or a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles(user, collaborative) & BACKBONE_ROLES)


def writer_for(user, collaborative, source=None) -> Writer:
    """The writer of a load: the signed-in person, or else the source's organisation.

    A person writes with their own rights whatever source they choose. With no person (a
    connector's scheduled refresh), the source's organisation writes; a source with no
    organisation is the backbone's own (set up by its staff).
    """
    if user is not None and getattr(user, "is_authenticated", False):
        name = str(user)
        if is_backbone(user, collaborative):
            return Writer(name, backbone=True)
        orgs = (
            memberships(user)
            .filter(collaborative=collaborative, organisation__isnull=False)
            .values_list("organisation_id", flat=True)
        )
        return Writer(name, organisations=frozenset(orgs))
    if source is not None and source.organisation_id is not None:
        return Writer(str(source.organisation), organisations=frozenset([source.organisation_id]))
    return OPERATOR


def connector_writer(source, user=None) -> Writer:
    """A connector writes as its source's organisation, whoever starts the refresh: the
    data is that organisation's. A source of no organisation is the backbone's own."""
    if source.organisation_id is not None:
        return writer_for(None, source.collaborative, source)
    return writer_for(user, source.collaborative) if user is not None else OPERATOR


def refused_indicators(writer: Writer, indicators) -> dict[int, str]:
    """{indicator pk: why `writer` may not write it} for those of `indicators` it may not.

    A partner writes the indicators its organisation stewards and the performance measures
    of its own commitments; an indicator with no steward is the backbone's alone.
    """
    if writer.backbone:
        return {}
    from civicloop.results.models import Indicator

    refused: dict[int, str] = {}
    qs = Indicator.objects.filter(pk__in=[i.pk for i in indicators]).prefetch_related("stewards")
    own_measures = set(
        qs.filter(
            performance_measure__commitment__organisation__in=writer.organisations
        ).values_list("pk", flat=True)
    )
    for ind in qs.select_related("performance_measure__commitment__organisation"):
        stewards = list(ind.stewards.all())
        if ind.pk in own_measures or {s.pk for s in stewards} & writer.organisations:
            continue
        measure = ind.commitment_measure
        if measure is not None:
            owner = _("%(organisation)s's commitment measure") % {
                "organisation": measure.commitment.organisation
            }
        elif stewards:
            owner = _("stewarded by %(stewards)s") % {
                "stewards": ", ".join(sorted(str(s) for s in stewards))
            }
        else:
            owner = _("written by backbone staff only (it has no steward)")
        refused[ind.pk] = _("%(indicator)s is %(owner)s: %(writer)s may not write it") % {
            "indicator": ind.slug,
            "owner": owner,
            "writer": writer.name,
        }
    return refused


def can_approve(user, indicator) -> bool:
    """Backbone staff approve any value; a steward's members approve their indicator's."""
    collab = indicator.result.collaborative
    if is_backbone(user, collab):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    orgs = memberships(user).filter(collaborative=collab).values("organisation")
    return indicator.stewards.filter(pk__in=orgs).exists()


def approvable_indicators(user, collaborative):
    """The indicators whose values `user` may approve, return and un-approve."""
    from civicloop.results.models import Indicator

    qs = Indicator.objects.filter(result__collaborative=collaborative)
    if is_backbone(user, collaborative):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    orgs = memberships(user).filter(collaborative=collaborative).values("organisation")
    return qs.filter(stewards__in=orgs).distinct()


# -- the Turn the Curve conversation ---------------------------------------------------------


def can_edit_conversation(user, collaborative, indicator=None) -> bool:
    """Backbone staff write every Turn the Curve conversation; a member of an indicator's
    steward writes that indicator's (it knows the story behind its numbers), and with it
    when the work on the indicator began (where its baseline forecast ends). The page and
    the API both ask here."""
    if is_backbone(user, collaborative):
        return True
    if indicator is None or not getattr(user, "is_authenticated", False):
        return False
    orgs = memberships(user).filter(collaborative=collaborative).values("organisation")
    return indicator.stewards.filter(pk__in=orgs).exists()


def can_declare_conversation(user, collaborative) -> bool:
    """Only a chair declares a conversation to the public, as a chair signs off every
    declaration: the public reads the copy the chair declared."""
    return Role.CHAIR in roles(user, collaborative)


def owing_organisations(indicator) -> list:
    """The organisations that owe an indicator's numbers (the data calendar's "who"): its
    stewards, else the organisation whose commitment it measures; none: the backbone owes
    them. Reads prefetched ``stewards`` and a select_related performance measure."""
    stewards = list(indicator.stewards.all())
    if stewards:
        return stewards
    measure = indicator.commitment_measure
    return [measure.commitment.organisation] if measure is not None else []


def people_owing(collaborative, owers: dict[int, list]) -> dict[int, list]:
    """{indicator pk: the people a data reminder goes to}, from `owing_organisations` per
    indicator: the members (any role) of the organisations that owe it; for an indicator no
    organisation owes, the collaborative's backbone admins. Active people with an email
    address only."""
    members = (
        Membership.objects.filter(collaborative=collaborative, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    by_org: dict[int, list] = {}
    backbone: list = []
    for m in members:
        if m.organisation_id is not None:
            by_org.setdefault(m.organisation_id, []).append(m.user)
        if m.role == Role.BACKBONE_ADMIN:
            backbone.append(m.user)
    out = {}
    for pk, orgs in owers.items():
        people = [u for org in orgs for u in by_org.get(org.pk, [])] if orgs else backbone
        out[pk] = list(dict.fromkeys(people))  # once each, in order
    return out


@dataclass(frozen=True)
class DataDuty:
    """What a person owes of a collaborative's data, read in one query (`data_duty`)."""

    member: bool
    backbone: bool
    organisations: frozenset[int]

    def owes(self, owers: list) -> bool:
        """Whether the data `owers` owe (see `people_owing`) is this person's to send: a
        member of one of those organisations, or, when none owes it, backbone staff."""
        if owers:
            return bool(self.organisations & {o.pk for o in owers})
        return self.backbone


def data_duty(user, collaborative) -> DataDuty:
    if getattr(user, "is_authenticated", False) and user.is_superuser:
        return DataDuty(member=True, backbone=True, organisations=frozenset())
    rows = list(
        memberships(user).filter(collaborative=collaborative).values_list("role", "organisation_id")
    )
    return DataDuty(
        member=bool(rows),
        backbone=any(role in BACKBONE_ROLES for role, _ in rows),
        organisations=frozenset(org for _, org in rows if org is not None),
    )


def writable_indicators(writer: Writer, collaborative):
    """The indicators `writer` may write, for a form that offers only those (the data-entry
    grid, its Excel template). The load still asks `refused_indicators` of every row: a
    form that offers less is a courtesy, never the check."""
    from civicloop.results.models import Indicator

    qs = Indicator.objects.filter(result__collaborative=collaborative)
    if writer.backbone:
        return qs
    return qs.exclude(pk__in=list(refused_indicators(writer, list(qs))))


@dataclass(frozen=True)
class Rights:
    """One person's rights at one collaborative, read with one query.

    A page that asks several questions (member? may set up? backbone? may approve this
    indicator's values?) reads the memberships once here instead of once per question; the
    answers are those of the functions above.
    """

    roles: frozenset[str]
    superuser: bool = False
    # The organisations the person is a member of here (for stewards' rights).
    organisations: frozenset[int] = frozenset()

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def can_set_up(self) -> bool:
        return Role.BACKBONE_ADMIN in self.roles

    @property
    def can_manage(self) -> bool:
        return bool(self.roles & {Role.BACKBONE_ADMIN, Role.CHAIR})

    @property
    def is_backbone(self) -> bool:
        return self.superuser or bool(self.roles & BACKBONE_ROLES)

    @property
    def duty(self) -> DataDuty:
        """`data_duty`."""
        return DataDuty(
            member=self.is_member, backbone=self.is_backbone, organisations=self.organisations
        )

    def can_approve(self, indicator) -> bool:
        """`can_approve`: backbone staff, or a member of one of the indicator's stewards."""
        if self.is_backbone:
            return True
        if not self.organisations:
            return False
        return indicator.stewards.filter(pk__in=self.organisations).exists()

    def can_edit_conversation(self, indicator=None) -> bool:
        """`can_edit_conversation`."""
        if self.is_backbone:
            return True
        return indicator is not None and self.can_approve(indicator)

    @property
    def can_declare_conversation(self) -> bool:
        """`can_declare_conversation`."""
        return Role.CHAIR in self.roles


def rights(user, collaborative) -> Rights:
    if not getattr(user, "is_authenticated", False):
        return Rights(frozenset())  # the public: no query
    if user.is_superuser:
        return Rights(frozenset(Role.values), superuser=True)
    rows = list(
        memberships(user).filter(collaborative=collaborative).values_list("role", "organisation_id")
    )
    return Rights(
        frozenset(role for role, _ in rows),
        organisations=frozenset(org for _, org in rows if org is not None),
    )
