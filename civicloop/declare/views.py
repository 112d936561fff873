"""The declare pages of the working app, under /c/<collaborative>/: draft, edit, approve and
publish declarations; manage alert subscriptions; and the members' network view.

Who may do what is decided in `civicloop.declare.workflow` (and `core.access`); these views
only ask. The public reads published declarations on the public site (/public/...).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicloop.core import access
from civicloop.core.models import Role
from civicloop.declare import workflow
from civicloop.declare.drafting import NoEvidence
from civicloop.declare.models import Declaration, DeclarationStatus, Subscription
from civicloop.results.models import Area, Collaborative, Indicator, Network
from civicloop.table.views.common import member_collaborative


class DraftForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none())
    area = forms.ModelChoiceField(queryset=Area.objects.none())

    def __init__(self, collab: Collaborative, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            result__collaborative=collab
        ).order_by("result__order", "order", "name")
        self.fields["area"].queryset = Area.objects.filter(
            collaborative=collab, level__in=["city", "district"]
        ).order_by("level", "name")
        self.fields["area"].initial = self.fields["area"].queryset.filter(level="city").first()


class EditForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label=gettext_lazy("Statement")
    )
    text_es = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "es"}),
        label=gettext_lazy("Statement (Spanish)"),
        help_text=gettext_lazy(
            "What Spanish readers of the public site see; empty: the English. The chair "
            "approves it with the English, which the evidence checks."
        ),
    )
    note = forms.CharField(
        required=False, label=gettext_lazy("Why the change (kept in the history)")
    )


class NoteForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def declarations(request, slug: str):
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        if collab.is_public:  # the public reads what is published, on the public site
            return redirect("public_declarations", slug=slug)
        raise Http404("No such collaborative")
    rows = Declaration.objects.filter(collaborative=collab).select_related(
        "indicator", "area", "drafted_by", "approved_by"
    )
    groups = [
        (status, label, [d for d in rows if d.status == status])
        for status, label in DeclarationStatus.choices
    ]
    return render(
        request,
        "declare/declarations.html",
        {
            "collaborative": collab,
            "groups": groups,
            "form": DraftForm(collab) if workflow.can_draft(request.user, collab) else None,
        },
    )


@require_POST
def declaration_new(request, slug: str):
    collab = member_collaborative(request, slug)
    if not workflow.can_draft(request.user, collab):
        raise PermissionDenied("only backbone staff and analysts draft declarations")
    form = DraftForm(collab, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an indicator and an area."))
        return redirect("declarations", slug=slug)
    try:
        d = workflow.draft(form.cleaned_data["indicator"], form.cleaned_data["area"], request.user)
    except NoEvidence as exc:
        messages.error(request, _("Nothing to declare yet: %(exc)s.") % {"exc": exc})
        return redirect("declarations", slug=slug)
    messages.success(request, _("civicloop drafted this declaration from the evidence."))
    return redirect(d)


def _declaration(request, slug: str, pk: int) -> Declaration:
    collab = member_collaborative(request, slug)
    return get_object_or_404(
        Declaration.objects.select_related("indicator__result", "area", "collaborative"),
        collaborative=collab,
        pk=pk,
    )


def declaration(request, slug: str, pk: int, *, edit_form=None, refused=None, status=200):
    d = _declaration(request, slug, pk)
    collab, user = d.collaborative, request.user
    editable = d.status in (DeclarationStatus.DRAFT, DeclarationStatus.APPROVED)
    return render(
        request,
        "declare/declaration.html",
        {
            "collaborative": collab,
            "declaration": d,
            "evidence": d.evidence,
            "events": d.events.select_related("user"),
            "stale": workflow.evidence_changed(d),
            "can_edit": editable and workflow.can_draft(user, collab),
            "can_approve": d.status == DeclarationStatus.DRAFT
            and workflow.can_approve(user, collab),
            "can_return": editable and workflow.can_approve(user, collab),
            "can_publish": d.status == DeclarationStatus.APPROVED
            and workflow.can_publish(user, collab),
            "can_withdraw": d.status == DeclarationStatus.PUBLISHED
            and workflow.can_publish(user, collab),
            "edit_form": edit_form
            or EditForm(initial={"text": d.text_en, "text_es": d.text_es or ""}),
            "refused": refused,
        },
        status=status,
    )


@require_POST
def declaration_edit(request, slug: str, pk: int):
    d = _declaration(request, slug, pk)
    form = EditForm(request.POST)
    if not form.is_valid():
        return declaration(request, slug, pk, edit_form=form, status=422)
    try:
        workflow.edit(
            d,
            form.cleaned_data["text"],
            request.user,
            form.cleaned_data["note"],
            text_es=form.cleaned_data["text_es"],
        )
    except workflow.Unsupported as exc:
        # 422: the words were understood and refused; the editor sees why, beside the form.
        return declaration(request, slug, pk, edit_form=form, refused=exc.reasons, status=422)
    except workflow.WrongState as exc:
        messages.error(request, str(exc).capitalize() + ".")
        return redirect(d)
    messages.success(request, _("Saved. The evidence supports every claim in it."))
    return redirect(d)


def _step(step, done: str):
    @require_POST
    def view(request, slug: str, pk: int):
        d = _declaration(request, slug, pk)
        note = NoteForm(request.POST)
        note.is_valid()
        try:
            if step in (workflow.return_to_staff, workflow.withdraw, workflow.approve):
                step(d, request.user, note.cleaned_data.get("note", ""))
            else:
                step(d, request.user)
        except workflow.Unsupported as exc:
            return declaration(request, slug, pk, refused=exc.reasons, status=422)
        except workflow.WrongState as exc:
            messages.error(request, str(exc).capitalize() + ".")
            return redirect(d)
        messages.success(request, done)
        return redirect(d)

    return view


declaration_approve = _step(workflow.approve, "Approved. A chair or backbone admin may publish it.")
declaration_return = _step(workflow.return_to_staff, "Returned to staff.")
declaration_publish = _step(
    workflow.publish, "Published: it is on the public site, and the indicator is public."
)
declaration_withdraw = _step(workflow.withdraw, "Withdrawn from the public site.")


# -- alert subscriptions ------------------------------------------------------------------------


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["name", "email", "webhook_url", "kinds", "include_private"]
        widgets = {"kinds": forms.CheckboxSelectMultiple}

    webhook_url = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Receives a signed JSON POST for each alert."),
    )
    kinds = forms.MultipleChoiceField(
        choices=[
            ("verdict", gettext_lazy("An indicator's trend verdict changes")),
            ("strategy", gettext_lazy("A strategy's evidence crosses a threshold")),
            ("commitment", gettext_lazy("A commitment falls overdue")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all of them."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("webhook_url"):
            raise forms.ValidationError(_("Give an email address, a webhook address, or both."))
        return data


def _can_manage_alerts(user, collab) -> bool:
    return Role.BACKBONE_ADMIN in access.roles(user, collab)


def subscriptions(request, slug: str):
    collab = member_collaborative(request, slug)
    can_manage = _can_manage_alerts(request.user, collab)
    form = SubscriptionForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("only backbone admins manage alert subscriptions")
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            sub = form.save(commit=False)
            sub.collaborative, sub.created_by = collab, request.user
            sub.save()
            messages.success(request, _("Subscribed %(sub_name)s.") % {"sub_name": sub.name})
            return redirect("subscriptions", slug=slug)
    subs = Subscription.objects.filter(collaborative=collab).prefetch_related("alerts")
    return render(
        request,
        "declare/subscriptions.html",
        {
            "collaborative": collab,
            "subscriptions": subs,
            "form": form if can_manage else None,
            "can_manage": can_manage,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def subscription_delete(request, slug: str, pk: int):
    collab = member_collaborative(request, slug)
    if not _can_manage_alerts(request.user, collab):
        raise PermissionDenied("only backbone admins manage alert subscriptions")
    get_object_or_404(Subscription, collaborative=collab, pk=pk).delete()
    messages.success(request, _("Subscription removed."))
    return redirect("subscriptions", slug=slug)


# -- the members' network view --------------------------------------------------------------------


def _comparison(request, slug: str):
    from civicloop.declare.public.network import compare

    comparison = compare(get_object_or_404(Network, slug=slug), member=request.user)
    if not comparison.cities:
        raise Http404("No such network")
    return comparison


@login_required
def network(request, slug: str):
    """The network view for a signed-in person: every city they may see, every strategy's
    evidence in the cities where they have a role."""
    from civicloop.measure import calendar_data

    comparison = _comparison(request, slug)
    collaboratives = [city.collaborative for city in comparison.cities]
    return render(
        request,
        "declare/network.html",
        {
            "comparison": comparison,
            "member": True,
            # Each city's data freshness (measure/_network_freshness.html).
            **calendar_data.network_context(request.user, collaboratives),
        },
    )


@login_required
def network_result(request, slug: str, result_slug: str):
    comparison = _comparison(request, slug)
    return render(
        request,
        "declare/network_result.html",
        {"comparison": comparison, "across": comparison.result(result_slug)},
    )
