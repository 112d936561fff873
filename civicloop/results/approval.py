"""Approving values before the public sees them (DHIS2's data approval is the model).

A value written by a load is *pending* (unless approved as it loaded): the working app
shows it marked as such, the public keeps the value's approved copy (`Observation`'s
``approved_*`` columns) or nothing for a value never approved. Three actions move it:

- **approve**: the current state becomes the public copy;
- **return**: sent back to its steward with a note; the public copy is unchanged;
- **un-approve**: the public copy is withdrawn; the value is pending again.

Who may act is `civicloop.core.access.can_approve` (backbone staff, or a member of one of
the indicator's stewards), asked here for every value acted on, so the web page, the API
and ``civicloop approve`` cannot differ. Every action leaves one `ApprovalEvent` per value
and bumps the series' versions, so learn recomputes on the public numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from civicloop.core import access
from civicloop.core import cache as data_cache
from civicloop.results.models import (
    APPROVED_FIELDS,
    Approval,
    ApprovalEvent,
    Indicator,
    Observation,
    Series,
)

ACTIONS = ("approve", "return", "unapprove")

# Sent when an action has committed, with ``collaborative`` (and ``load=None``, so a
# receiver of `measure.signals.observations_changed` can listen to both): what the public
# sees changed without a load, so declare forgets its page stamps and checks its alerts.
approvals_changed = Signal()
# action → (the approval it leaves, the word its event records)
TARGETS = {
    "approve": (Approval.APPROVED, "approved"),
    "return": (Approval.RETURNED, "returned"),
    "unapprove": (Approval.PENDING, "unapproved"),
}


class ApprovalError(Exception):
    """An action that may not be taken: the message says why."""


@dataclass
class Outcome:
    action: str
    changed: int  # values whose approval changed
    skipped: int  # values already where the action would put them


def act(
    action: str, observations: QuerySet[Observation] | Iterable[Observation], user, note: str = ""
) -> Outcome:
    """Approve, return or un-approve `observations` as `user` (a person, or
    `access.OPERATOR` at the command line); all or none.

    Refused (`ApprovalError`, nothing changed) when `user` may not approve any one of them;
    returning asks for a note, since the steward needs to know what to fix.
    """
    if action not in ACTIONS:
        raise ApprovalError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    if action == "return" and not note.strip():
        raise ApprovalError("say why the values go back to their steward (a note)")
    ids = [o.pk for o in observations]
    with transaction.atomic():
        found = list(
            Observation.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("series__indicator__result__collaborative")
        )
        operator = user is access.OPERATOR  # the command line without --as: backbone
        if not operator:
            _check_rights(user, found)
        target, done = TARGETS[action]
        moving = [o for o in found if _moves(action, o)]
        person = None if operator or not getattr(user, "is_authenticated", False) else user
        events = [
            ApprovalEvent(
                observation=o,
                action=done,
                old_approval=o.approval,
                new_approval=target,
                value=o.value,
                user=person,
                note=note,
            )
            for o in moving
        ]
        qs = Observation.objects.filter(pk__in=[o.pk for o in moving])
        if action == "approve":
            qs.update(
                approval=target,
                approved_by=person,
                approved_at=timezone.now(),
                **{public: F(field) for field, public in APPROVED_FIELDS.items()},
            )
        elif action == "return":
            qs.update(approval=target)
        else:
            withdrawn = {public: None for public in APPROVED_FIELDS.values()}
            withdrawn["approved_status"] = ""
            qs.update(approval=target, approved_by=None, approved_at=None, **withdrawn)
        ApprovalEvent.objects.bulk_create(events, batch_size=2000)
        Series.objects.filter(pk__in={o.series_id for o in moving}).update(version=F("version") + 1)
        if moving:
            collab = moving[0].series.indicator.result.collaborative
            # With the values, in one transaction: no cached answer outlives them.
            data_cache.bump(collab.pk)
            transaction.on_commit(
                lambda: approvals_changed.send_robust(
                    sender=ApprovalEvent, collaborative=collab, load=None
                )
            )
    return Outcome(action, len(moving), len(found) - len(moving))


def _moves(action: str, obs: Observation) -> bool:
    """Whether `action` changes `obs` (acting twice records one event)."""
    if action == "approve":
        stale = any(getattr(obs, f) != getattr(obs, p) for f, p in APPROVED_FIELDS.items())
        return obs.approval != Approval.APPROVED or stale
    if action == "return":
        return obs.approval != Approval.RETURNED
    return obs.approval != Approval.PENDING or obs.approved_value is not None


def _check_rights(user, observations: list[Observation]) -> None:
    indicators: dict[int, Indicator] = {}
    for o in observations:
        indicators.setdefault(o.series.indicator_id, o.series.indicator)
    refused = [i for i in indicators.values() if not access.can_approve(user, i)]
    if refused:
        names = ", ".join(sorted(i.slug for i in refused))
        raise ApprovalError(
            f"{user} may not approve values of {names}: their stewards or backbone staff do"
        )


def waiting(collaborative, user=None) -> QuerySet[Observation]:
    """The values waiting for review in `collaborative` (those `user` may act on, if given)."""
    qs = Observation.objects.waiting().filter(
        series__indicator__result__collaborative=collaborative
    )
    if user is not None:
        qs = qs.filter(series__indicator__in=access.approvable_indicators(user, collaborative))
    return qs
