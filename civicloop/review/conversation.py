"""The Turn the Curve conversation: its form, its pages, its history and its public copy.

One conversation per indicator and per result (`CurveConversation`). Its edit page is in
the working app, for those `access.can_edit_conversation` allows; a chair declares it
(`access.can_declare_conversation`), which keeps a copy for the public: the public site
shows that copy only, and only for what is itself public (a public indicator, a result
with public indicators). Every change is in the audit trail, shown under the conversation.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core import access
from civicloop.results.models import Collaborative, Indicator, Result
from civicloop.results.setup.common import SetupForm
from civicloop.review.models import CurveConversation, in_language
from civicloop.table.models import Commitment, Organisation, Strategy

TEXT_FIELDS = ("how_are_we_doing", "story", "partners_roles", "what_works", "action_plan")


def conversation_for(subject: Indicator | Result) -> CurveConversation | None:
    """The saved conversation about `subject`, if there is one."""
    return (
        CurveConversation.objects.filter(
            **{"indicator" if isinstance(subject, Indicator) else "result": subject}
        )
        .select_related("declared_by")
        .first()
    )


def _unsaved(collab: Collaborative, subject: Indicator | Result) -> CurveConversation:
    kind = "indicator" if isinstance(subject, Indicator) else "result"
    return CurveConversation(collaborative=collab, **{kind: subject})


# -- the form ---------------------------------------------------------------------------------


class LinksField(forms.CharField):
    """Evidence links, one a line: "title | https://..." (or the address alone)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{link.get('title')} | {link.get('url')}"
                if link.get("title")
                else str(link.get("url"))
                for link in value
            )
        return value

    def to_python(self, value) -> list[dict]:
        links = []
        for line in str(value or "").splitlines():
            if not line.strip():
                continue
            title, sep, url = line.rpartition("|")
            if not sep:
                title, url = "", line
            links.append({"title": title.strip(), "url": url.strip()})
        return links


class ConversationForm(SetupForm):
    """The conversation's English words, each with its Spanish twin (`SetupForm`)."""

    evidence_links = LinksField(
        required=False,
        label=gettext_lazy("Evidence of what works"),
        help_text=gettext_lazy(
            'One link a line: "title | https://address". Only http:// and https:// addresses.'
        ),
    )

    class Meta:
        model = CurveConversation
        fields = [
            "how_are_we_doing",
            "story",
            "partners",
            "partners_roles",
            "what_works",
            "evidence_links",
            "action_plan",
            "strategies",
            "commitments",
        ]
        widgets = {
            "partners": forms.CheckboxSelectMultiple,
            "strategies": forms.CheckboxSelectMultiple,
            "commitments": forms.CheckboxSelectMultiple,
            **{f: forms.Textarea(attrs={"rows": 4}) for f in TEXT_FIELDS},
        }

    def __init__(self, *args, collaborative: Collaborative, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator is not None:
            # When the work began is the indicator's, but whoever writes its conversation
            # (its steward, the backbone) knows it: it is asked here as well as in set-up.
            self.fields["work_began"] = forms.CharField(
                label=gettext_lazy("Work began (baseline ends)"),
                required=False,
                max_length=64,
                help_text=Indicator._meta.get_field("work_began").help_text,
                initial=indicator.work_began.label if indicator.work_began_id else "",
            )
        # Only this collaborative's partners, strategies and commitments can be linked.
        self.fields["partners"].queryset = Organisation.objects.filter(
            collaborative=collaborative
        ).order_by("name")
        self.fields["strategies"].queryset = Strategy.objects.filter(
            collaborative=collaborative
        ).order_by("name")
        self.fields["commitments"].queryset = (
            Commitment.objects.filter(collaborative=collaborative)
            .select_related("organisation")
            .order_by("organisation__name", "title")
        )
        self.fields["commitments"].label_from_instance = lambda c: f"{c.organisation}: {c.title}"

    def clean_work_began(self):
        from civicloop.results.models import work_began_problem
        from civicloop.results.setup.indicators import period_from

        label = (self.cleaned_data.get("work_began") or "").strip()
        period = period_from(label, self.indicator.frequency) if label else None
        if message := work_began_problem(period):
            raise ValidationError(message)
        return period

    def save_work_began(self) -> None:
        """The indicator's start, when it changed (a save the audit trail records)."""
        if self.indicator is None or "work_began" not in self.cleaned_data:
            return
        period = self.cleaned_data["work_began"]
        if self.indicator.work_began_id != (period.pk if period else None):
            self.indicator.work_began = period
            self.indicator.save(update_fields=["work_began"])

    def _post_clean(self) -> None:
        super()._post_clean()
        # The model's own validation (its links' addresses) reported on the field.
        try:
            self.instance.clean()
        except ValidationError as exc:
            self._update_errors(exc)


# -- pages --------------------------------------------------------------------------------------


def _subject(request, slug: str, kind: str, subject_slug: str):
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    if kind == "indicators":
        subject = get_object_or_404(
            Indicator.objects.select_related("result"),
            result__collaborative=collab,
            slug=subject_slug,
        )
    elif kind == "results":
        subject = get_object_or_404(Result, collaborative=collab, slug=subject_slug)
    else:
        raise Http404("No such page")
    return collab, subject


@login_required
def edit(request, slug: str, kind: str, subject_slug: str):
    """Write the conversation about an indicator or a result."""
    collab, subject = _subject(request, slug, kind, subject_slug)
    indicator = subject if isinstance(subject, Indicator) else None
    if not access.can_edit_conversation(request.user, collab, indicator):
        raise PermissionDenied(_("You may not edit this conversation."))
    instance = conversation_for(subject) or _unsaved(collab, subject)
    form = ConversationForm(
        request.POST or None, instance=instance, collaborative=collab, indicator=indicator
    )
    if request.method == "POST" and form.is_valid():
        conversation = form.save(commit=False)
        conversation.updated_by = request.user
        conversation.save()
        form.save_m2m()
        form.save_work_began()
        messages.success(request, _("The Turn the Curve conversation is saved."))
        return redirect(subject.get_absolute_url() + "#conversation")
    return render(
        request,
        "review/conversation_form.html",
        {"collaborative": collab, "subject": subject, "form": form},
    )


@login_required
def declare(request, slug: str, kind: str, subject_slug: str):
    """A chair declares the conversation as it stands (or withdraws it from the public)."""
    collab, subject = _subject(request, slug, kind, subject_slug)
    if request.method != "POST":
        return redirect(subject.get_absolute_url())
    if not access.can_declare_conversation(request.user, collab):
        raise PermissionDenied(_("Only a chair declares a conversation."))
    conversation = conversation_for(subject)
    if conversation is None:
        raise Http404("No conversation yet")
    if request.POST.get("action") == "withdraw":
        withdraw_copy(conversation)
        messages.success(request, _("The conversation is withdrawn from the public site."))
    else:
        declare_copy(conversation, request.user)
        messages.success(request, _("The conversation as it stands now is declared."))
    return redirect(subject.get_absolute_url() + "#conversation")


def declare_copy(conversation: CurveConversation, user) -> None:
    """Keep the conversation as it stands as the public's copy (the page and the API; the
    caller has asked `access.can_declare_conversation`)."""
    conversation.declared = conversation.working_copy()
    conversation.declared_at, conversation.declared_by = timezone.now(), user
    conversation.save()


def withdraw_copy(conversation: CurveConversation) -> None:
    """The public sees the conversation no more, until a chair declares it again."""
    conversation.declared, conversation.declared_at, conversation.declared_by = None, None, None
    conversation.save()


def public_subject(subject: Indicator | Result) -> bool:
    """Whether the public may read about `subject` at all (its collaborative is public): a
    public indicator, or a result with a public indicator."""
    if isinstance(subject, Indicator):
        return subject.is_public and subject.result.collaborative.is_public
    return subject.collaborative.is_public and subject.indicators.filter(is_public=True).exists()


def panel(user, collab: Collaborative, subject: Indicator | Result, rights=None) -> dict:
    """What the working app's indicator and result pages show of the conversation.
    rights: the reader's `access.Rights` here, when the page has read them already."""
    from civicloop.core.audit import describe

    conversation = conversation_for(subject)
    indicator = subject if isinstance(subject, Indicator) else None
    kind = "indicators" if indicator is not None else "results"
    history = []
    if conversation is not None:
        from auditlog.models import LogEntry

        entries = (
            LogEntry.objects.get_for_object(conversation)
            .select_related("actor", "content_type")
            .order_by("-timestamp", "-id")
        )
        history = [describe(e) for e in entries[:50]]
    copy = conversation.working_copy() if conversation else None
    return {
        "conversation": in_language(copy, translation.get_language()),
        "declared_at": conversation.declared_at if conversation else None,
        "declared_by": conversation.declared_by if conversation else None,
        "changed_since_declared": bool(
            conversation and conversation.declared is not None and conversation.declared != copy
        ),
        "history": history,
        "can_edit": rights.can_edit_conversation(indicator)
        if rights is not None
        else access.can_edit_conversation(user, collab, indicator),
        "can_declare": conversation is not None
        and (
            rights.can_declare_conversation
            if rights is not None
            else access.can_declare_conversation(user, collab)
        ),
        "kind": kind,
        "slug": subject.slug,
    }


def public_copy(subject: Indicator | Result) -> dict | None:
    """The declared copy, for the public site (the caller shows only public subjects), in the
    page's language: the declared Spanish on Spanish pages, the English where there is none."""
    conversation = conversation_for(subject)
    if conversation is None or not conversation.declared:
        return None
    copy = in_language(conversation.declared, translation.get_language())
    return {**copy, "declared_at": conversation.declared_at}
