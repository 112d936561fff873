"""REST endpoints for the Turn the Curve conversation about an indicator or a result.

The same rules as its pages (`civicloop.review.conversation`), asked of
`civicloop.core.access` in the one place they are written: members read the working copy
and whether it was declared; whoever `access.can_edit_conversation` allows writes it; a
chair (`access.can_declare_conversation`) declares or withdraws it. Everyone else reads
only what a chair declared, of a public subject of a public collaborative, as the public
site shows it; a conversation nobody declared does not exist for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from civicloop.core import access
from civicloop.results.models import Collaborative, Indicator, Result
from civicloop.review import conversation as talk
from civicloop.review.models import TRANSLATED_TEXT, CurveConversation
from civicloop.table.models import Commitment, Organisation, Strategy

router = Router(tags=["review"])

SUBJECTS = {"indicators": "indicator", "results": "result"}


class LinkOut(Schema):
    title: str
    url: str


class LinkIn(Schema):
    title: str = ""
    url: str = Field(description="An http:// or https:// address.")


class ConversationOut(Schema):
    subject: str = Field(description="indicator or result")
    slug: str
    how_are_we_doing: str
    story: str
    partners: list[str] = Field(description="Partners with a role to play, by name.")
    partners_roles: str
    what_works: str
    evidence_links: list[LinkOut]
    action_plan: str
    strategies: list[str] = Field(description="Strategies in the action plan, by name.")
    commitments: list[str] = Field(description="Commitments in the action plan.")
    es: dict[str, str] = Field(
        default_factory=dict, description="The words the table wrote in Spanish, by field."
    )
    declared: bool = Field(description="Whether a chair declared it (the public's copy).")
    declared_at: datetime | None = None
    changed_since_declared: bool | None = Field(
        None, description="Members only: the working copy differs from the declared one."
    )
    updated_at: datetime | None = Field(None, description="Members only.")


class ConversationIn(Schema):
    """The whole conversation, replacing what was there."""

    how_are_we_doing: str = ""
    story: str = ""
    partners: list[str] = Field(default_factory=list, description="Organisation slugs.")
    partners_roles: str = ""
    what_works: str = ""
    evidence_links: list[LinkIn] = Field(default_factory=list)
    action_plan: str = ""
    strategies: list[str] = Field(default_factory=list, description="Strategy slugs.")
    commitments: list[int] = Field(default_factory=list, description="Commitment ids.")
    es: dict[str, str] = Field(
        default_factory=dict,
        description="Spanish words by field (how_are_we_doing, story, partners_roles, "
        "what_works, action_plan); a field left out keeps English for Spanish readers.",
    )


def _subject(slug: str, kind: str, subject_slug: str) -> tuple[Collaborative, Any]:
    collab = get_object_or_404(Collaborative, slug=slug)
    if kind == "indicator":
        subject = get_object_or_404(
            Indicator.objects.select_related("result__collaborative"),
            result__collaborative=collab,
            slug=subject_slug,
        )
    else:
        subject = get_object_or_404(Result, collaborative=collab, slug=subject_slug)
    return collab, subject


def _out(kind: str, subject, copy: dict, conversation: CurveConversation | None, member: bool):
    out = {
        **{k: v for k, v in copy.items() if k != "es"},
        "es": copy.get("es") or {},
        "subject": kind,
        "slug": subject.slug,
        "declared": bool(conversation and conversation.declared),
        "declared_at": conversation.declared_at if conversation else None,
    }
    if member:
        out["updated_at"] = conversation.updated_at if conversation else None
        out["changed_since_declared"] = bool(
            conversation and conversation.declared and conversation.declared != copy
        )
    return out


# What a member reads before anyone has written the conversation.
_EMPTY: dict = {
    **{name: "" for name in TRANSLATED_TEXT},
    **{name: [] for name in ("partners", "evidence_links", "strategies", "commitments")},
}


def _read(request, slug: str, kind: str, subject_slug: str) -> dict:
    collab, subject = _subject(slug, kind, subject_slug)
    conversation = talk.conversation_for(subject)
    if access.is_member(request.user, collab):
        copy = conversation.working_copy() if conversation else _EMPTY
        return _out(kind, subject, copy, conversation, member=True)
    if conversation is None or not conversation.declared or not talk.public_subject(subject):
        raise Http404
    return _out(kind, subject, conversation.declared, conversation, member=False)


def _write(request, slug: str, kind: str, subject_slug: str, body: ConversationIn) -> dict:
    collab, subject = _subject(slug, kind, subject_slug)
    if not access.is_member(request.user, collab):
        raise Http404
    indicator = subject if kind == "indicator" else None
    if not access.can_edit_conversation(request.user, collab, indicator):
        raise HttpError(403, "you may not edit this conversation")
    unknown = set(body.es) - set(TRANSLATED_TEXT)
    if unknown:
        raise HttpError(422, f"no such field to translate: {', '.join(sorted(unknown))}")
    partners = _by(Organisation.objects.filter(collaborative=collab), "slug", body.partners)
    strategies = _by(Strategy.objects.filter(collaborative=collab), "slug", body.strategies)
    commitments = _by(Commitment.objects.filter(collaborative=collab), "pk", body.commitments)
    conversation = talk.conversation_for(subject) or talk._unsaved(collab, subject)
    for name in TRANSLATED_TEXT:
        setattr(conversation, f"{name}_en", getattr(body, name))
        setattr(conversation, f"{name}_es", body.es.get(name) or None)
    conversation.evidence_links = [link.dict() for link in body.evidence_links]
    conversation.updated_by = request.user
    conversation.save()  # validated on the model (its links), refused as 422
    conversation.partners.set(partners)
    conversation.strategies.set(strategies)
    conversation.commitments.set(commitments)
    return _read(request, slug, kind, subject_slug)


def _by(queryset, key: str, wanted: list) -> list:
    """The collaborative's own objects named in `wanted`; any other name is refused."""
    found = {getattr(o, key): o for o in queryset.filter(**{f"{key}__in": wanted})}
    missing = [str(w) for w in wanted if w not in found]
    if missing:
        raise HttpError(422, f"not in this collaborative: {', '.join(missing)}")
    return list(found.values())


def _declare(request, slug: str, kind: str, subject_slug: str, withdraw: bool) -> dict:
    collab, subject = _subject(slug, kind, subject_slug)
    if not access.is_member(request.user, collab):
        raise Http404
    if not access.can_declare_conversation(request.user, collab):
        raise HttpError(403, "only a chair declares a conversation")
    conversation = talk.conversation_for(subject)
    if conversation is None:
        raise Http404
    if withdraw:
        talk.withdraw_copy(conversation)
    else:
        talk.declare_copy(conversation, request.user)
    return _read(request, slug, kind, subject_slug)


# One set of operations per kind of subject, so each path names what it is about.
for _path, _kind in SUBJECTS.items():
    _base = f"/collaboratives/{{slug}}/{_path}/{{subject_slug}}/conversation"

    def _handlers(kind: str = _kind):
        def read(request, slug: str, subject_slug: str):
            return _read(request, slug, kind, subject_slug)

        def write(request, slug: str, subject_slug: str, body: ConversationIn):
            return _write(request, slug, kind, subject_slug, body)

        def declare(request, slug: str, subject_slug: str):
            return _declare(request, slug, kind, subject_slug, withdraw=False)

        def withdraw(request, slug: str, subject_slug: str):
            return _declare(request, slug, kind, subject_slug, withdraw=True)

        return read, write, declare, withdraw

    _read_op, _write_op, _declare_op, _withdraw_op = _handlers()
    router.get(
        _base,
        response=ConversationOut,
        operation_id=f"get_{_kind}_conversation",
        summary=f"The Turn the Curve conversation about one {_kind}",
        description="Members read the working copy; everyone else only the declared copy "
        f"of a public {_kind} of a public collaborative.",
    )(_read_op)
    router.put(
        _base,
        response=ConversationOut,
        auth=django_auth,
        operation_id=f"put_{_kind}_conversation",
        summary=f"Write the conversation about one {_kind}",
        description="Backbone staff write any conversation; an indicator's stewards write "
        "that indicator's. The public sees a change only once a chair declares it.",
    )(_write_op)
    router.post(
        _base + "/declare",
        response=ConversationOut,
        auth=django_auth,
        operation_id=f"declare_{_kind}_conversation",
        summary=f"Declare the conversation about one {_kind} as it stands (a chair)",
    )(_declare_op)
    router.post(
        _base + "/withdraw",
        response=ConversationOut,
        auth=django_auth,
        operation_id=f"withdraw_{_kind}_conversation",
        summary=f"Withdraw the conversation about one {_kind} from the public (a chair)",
    )(_withdraw_op)
