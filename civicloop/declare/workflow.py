"""A declaration's life: drafted by civicloop, edited by staff, approved by a chair, published.

Who may do what (asked of `civicloop.core.access`, decided here, never in templates):

- backbone admins and analysts (staff) draft and edit;
- only a chair approves, or returns a draft to staff with a note;
- a chair or a backbone admin publishes, and only what a chair approved;
- a published declaration is not edited: it is withdrawn, and a new one drafted.

Every change of words is checked against the evidence frozen with the draft
(`civicloop.declare.claims`): an edit, an approval or a publication that would claim more
than the evidence supports is refused with the reasons, and the refused edit is kept in the
history. Publishing makes the indicator public: the public sees only what is declared.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from civicloop.core import access
from civicloop.core.models import Role
from civicloop.declare import claims
from civicloop.declare.drafting import compose, evidence_for
from civicloop.declare.models import (
    Declaration,
    DeclarationEvent,
    DeclarationStatus,
    EventKind,
)
from civicloop.results.models import Area, Indicator, Series

STAFF = {Role.BACKBONE_ADMIN, Role.ANALYST}


class Unsupported(Exception):
    """The words claim more than the evidence supports; `reasons` say why, one per claim."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


class WrongState(Exception):
    """The step does not apply to a declaration in its current status."""


def can_draft(user, collaborative) -> bool:
    return bool(access.roles(user, collaborative) & STAFF)


def can_approve(user, collaborative) -> bool:
    return Role.CHAIR in access.roles(user, collaborative)


def can_publish(user, collaborative) -> bool:
    return bool(access.roles(user, collaborative) & {Role.CHAIR, Role.BACKBONE_ADMIN})


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def _require_status(declaration: Declaration, *statuses: str, doing: str) -> None:
    if declaration.status not in statuses:
        raise WrongState(
            f"cannot {doing} a declaration that is {declaration.get_status_display().lower()}"
        )


def problems(text: str, evidence: dict) -> list[str]:
    """Why `text` may not be published on `evidence`; empty when it may."""
    if not text.strip():
        return ["A declaration needs a statement."]
    # The claim checker reads English (declare.claims lemmatises it): the words a declaration
    # is checked in are the English ones, whatever the language of the page that asks.
    with translation.override("en"):
        return [str(r) for r in claims.check(text, evidence)]


def draft(indicator: Indicator, area: Area, user) -> Declaration:
    """civicloop writes a statement from the evidence as it is now, and freezes the evidence."""
    collab = indicator.result.collaborative
    _require(can_draft(user, collab), "only backbone staff and analysts draft declarations")
    with translation.override("en"):  # drafted, and later checked, in English (see problems)
        evidence = evidence_for(indicator, area)
        text = compose(evidence)
    with transaction.atomic(), translation.override("en"):  # `text` is the English column
        declaration = Declaration.objects.create(
            collaborative=collab,
            indicator=indicator,
            area=area,
            text=text,
            drafted_text=text,
            evidence=evidence,
            claim=evidence["trend"]["status"],
            drafted_by=user,
        )
        DeclarationEvent.objects.create(
            declaration=declaration, kind=EventKind.DRAFTED, user=user, text=text
        )
    return declaration


def edit(
    declaration: Declaration, text: str, user, note: str = "", text_es: str | None = None
) -> Declaration:
    """Change the words. Refused (and the attempt recorded) when they claim too much.

    Editing an approved declaration sends it back for approval: a chair approves words,
    not a declaration whatever its words become. `text_es`, the Spanish the public site
    shows Spanish readers (empty: the English), goes back for approval with them: the
    checker reads the English, and the chair reads that the Spanish says the same.
    """
    _require(can_draft(user, declaration.collaborative), "only staff edit declarations")
    _require_status(declaration, DeclarationStatus.DRAFT, DeclarationStatus.APPROVED, doing="edit")
    text = text.strip()
    reasons = problems(text, declaration.evidence)
    if reasons:
        DeclarationEvent.objects.create(
            declaration=declaration,
            kind=EventKind.REFUSED,
            user=user,
            text=text,
            reasons=reasons,
            note=note,
        )
        raise Unsupported(reasons)
    with transaction.atomic(), translation.override("en"):
        declaration.text = text
        if text_es is not None:
            declaration.text_es = text_es.strip() or None
        declaration.status = DeclarationStatus.DRAFT
        declaration.approved_by, declaration.approved_at = None, None
        declaration.save()
        DeclarationEvent.objects.create(
            declaration=declaration, kind=EventKind.EDITED, user=user, text=text, note=note
        )
    return declaration


def approve(declaration: Declaration, user, note: str = "") -> Declaration:
    _require(can_approve(user, declaration.collaborative), "only a chair approves declarations")
    _require_status(declaration, DeclarationStatus.DRAFT, doing="approve")
    reasons = problems(declaration.text_en or "", declaration.evidence)
    if reasons:
        raise Unsupported(reasons)
    with transaction.atomic():
        declaration.status = DeclarationStatus.APPROVED
        declaration.approved_by, declaration.approved_at = user, timezone.now()
        declaration.save()
        DeclarationEvent.objects.create(
            declaration=declaration,
            kind=EventKind.APPROVED,
            user=user,
            text=declaration.text,
            note=note,
        )
    return declaration


def return_to_staff(declaration: Declaration, user, note: str) -> Declaration:
    """A chair sends a draft (or an approval not yet published) back, saying why."""
    _require(can_approve(user, declaration.collaborative), "only a chair returns declarations")
    _require_status(
        declaration, DeclarationStatus.DRAFT, DeclarationStatus.APPROVED, doing="return"
    )
    with transaction.atomic():
        declaration.status = DeclarationStatus.DRAFT
        declaration.approved_by, declaration.approved_at = None, None
        declaration.save()
        DeclarationEvent.objects.create(
            declaration=declaration, kind=EventKind.RETURNED, user=user, note=note
        )
    return declaration


def publish(declaration: Declaration, user) -> Declaration:
    """Publish what a chair approved; the indicator becomes public with it."""
    _require(
        can_publish(user, declaration.collaborative),
        "only a chair or a backbone admin publishes declarations",
    )
    _require_status(declaration, DeclarationStatus.APPROVED, doing="publish")
    reasons = problems(declaration.text_en or "", declaration.evidence)
    if reasons:  # the same check again: the server never trusts an earlier step
        raise Unsupported(reasons)
    with transaction.atomic():
        declaration.status = DeclarationStatus.PUBLISHED
        declaration.published_by, declaration.published_at = user, timezone.now()
        declaration.save()
        Indicator.objects.filter(pk=declaration.indicator_id).update(is_public=True)
        DeclarationEvent.objects.create(
            declaration=declaration, kind=EventKind.PUBLISHED, user=user, text=declaration.text
        )
    return declaration


def withdraw(declaration: Declaration, user, note: str) -> Declaration:
    """Take a published declaration down (it stays in the history, with the reason)."""
    _require(
        can_publish(user, declaration.collaborative),
        "only a chair or a backbone admin withdraws declarations",
    )
    _require_status(declaration, DeclarationStatus.PUBLISHED, doing="withdraw")
    with transaction.atomic():
        declaration.status = DeclarationStatus.WITHDRAWN
        declaration.save()
        DeclarationEvent.objects.create(
            declaration=declaration, kind=EventKind.WITHDRAWN, user=user, note=note
        )
    return declaration


def evidence_changed(declaration: Declaration) -> bool:
    """Whether a load has changed the series since the evidence was frozen: redraft then."""
    version = (
        Series.objects.filter(
            indicator=declaration.indicator_id, area=declaration.area_id, group__isnull=True
        )
        .values_list("version", flat=True)
        .first()
    )
    return version is not None and version != declaration.evidence.get("version")
