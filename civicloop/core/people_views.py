"""The people set-up page (``/c/<slug>/setup/people/``) and the invitation link (``/c/<slug>/join/<token>/``).

A backbone admin invites by email, changes roles and revokes them here; the invited person
opens the emailed link, chooses a username and password, and signs in. The rules live in
`civicloop.core.people`; who may do what is asked of `civicloop.core.access`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicloop.core import access, people
from civicloop.core.models import Invitation, Membership, Role, User, language_choices
from civicloop.results.models import Collaborative
from civicloop.table.models import Organisation


def _managed(request, slug: str) -> Collaborative:
    """The collaborative, if the signed-in person manages its people: 404 to outsiders (the
    page does not reveal a private collaborative), 403 to members without the right."""
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    if not access.can_manage_people(request.user, collab):
        raise PermissionDenied("Only the collaborative's backbone admins manage its people.")
    return collab


class RoleFields(forms.Form):
    """Role and, for partner members and chairs, the organisation they speak for."""

    role = forms.ChoiceField(choices=Role.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Required for a partner member; a chair may name their institution."
        ),
    )

    def __init__(self, *args, collaborative: Collaborative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            collaborative=collaborative
        ).order_by("name")


class InviteForm(RoleFields):
    email = forms.EmailField(help_text=gettext_lazy("The sign-up link goes to this address."))
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("", gettext_lazy("The site's language")), *language_choices()],
        required=False,
        help_text=gettext_lazy(
            "The invitation email is written in it, and their pages and emails use it until "
            "they choose another."
        ),
    )
    field_order = ["email", "role", "organisation", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No role is chosen for the inviter: a slip must not make someone a backbone admin.
        self.fields["role"].choices = [("", _("Choose a role")), *Role.choices]


def _people_page(request, collab: Collaborative, invite_form: InviteForm, status: int = 200):
    members = (
        Membership.objects.filter(collaborative=collab)
        .select_related("user", "organisation")
        .order_by("user__username", "role")
    )
    rows = [
        (
            m,
            RoleFields(
                initial={"role": m.role, "organisation": m.organisation_id},
                collaborative=collab,
                prefix=f"m{m.pk}",
            ),
        )
        for m in members
    ]
    return render(
        request,
        "core/people.html",
        {
            "collaborative": collab,
            "rows": rows,
            "invitations": people.pending(collab),
            "form": invite_form,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def people_page(request, slug: str):
    collab = _managed(request, slug)
    form = InviteForm(request.POST or None, collaborative=collab)
    if request.method != "POST":
        return _people_page(request, collab, form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = people.invite(
                collab,
                email=data["email"],
                role=data["role"],
                organisation=data["organisation"],
                language=data["language"],
                by=request.user,
                link_for=lambda _invitation, token: request.build_absolute_uri(
                    reverse("join", args=[collab.slug, token])
                ),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except people.PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s; the link works once, for %(days)s days.")
                % {"email": invitation.email, "days": people.INVITATION_LIFETIME.days},
            )
            return redirect("setup_people", collab.slug)
    return _people_page(request, collab, form, status=400)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_POST
def membership_change(request, slug: str, membership_id: int):
    collab = _managed(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, collaborative=collab)
    form = RoleFields(request.POST, collaborative=collab, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(
            request,
            _("Nothing changed for %(user)s: choose a valid role.") % {"user": membership.user},
        )
        return redirect("setup_people", collab.slug)
    try:
        people.change_role(
            membership,
            role=form.cleaned_data["role"],
            organisation=form.cleaned_data["organisation"],
        )
    except ValidationError as exc:
        messages.error(
            request,
            _("Nothing changed for %(user)s: %(join)s")
            % {"user": membership.user, "join": " ".join(exc.messages)},
        )
    except people.PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(user)s is now %(get_role_display)s.")
            % {"user": membership.user, "get_role_display": membership.get_role_display()},
        )
    return redirect("setup_people", collab.slug)


@login_required
@require_POST
def membership_revoke(request, slug: str, membership_id: int):
    collab = _managed(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, collaborative=collab)
    try:
        people.revoke(membership)
    except people.PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(user)s is no longer %(get_role_display)s.")
            % {"user": membership.user, "get_role_display": membership.get_role_display().lower()},
        )
    return redirect("setup_people", collab.slug)


@login_required
@require_POST
def invitation_cancel(request, slug: str, invitation_id: int):
    collab = _managed(request, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, collaborative=collab)
    try:
        people.cancel(invitation)
    except people.PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The invitation to %(email)s no longer works.") % {"email": invitation.email}
        )
    return redirect("setup_people", collab.slug)


# --- the invited person's side ------------------------------------------------------------


class SignUpForm(UserCreationForm):
    """Username, name and a password; Django's form runs the configured password
    validators (length, common passwords) and refuses a username taken in another case."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")
        labels = {"display_name": gettext_lazy("Your name, as others at the table see it")}


def _refused(request, collab: Collaborative, problem: str):
    return render(
        request, "core/join.html", {"collaborative": collab, "problem": problem}, status=410
    )


def join(request, slug: str, token: str):
    collab = get_object_or_404(Collaborative, slug=slug)
    try:
        invitation = people.find(collab, token)
    except people.PeopleError as exc:
        return _refused(request, collab, str(exc))
    context = {"collaborative": collab, "invitation": invitation}
    if request.user.is_authenticated:
        # Someone who already has an account joins with it rather than make a second one.
        if request.method != "POST":
            return render(request, "core/join.html", context)
        try:
            membership = people.accept(invitation, request.user)
        except people.PeopleError as exc:
            return _refused(request, collab, str(exc))
        messages.success(request, _welcome(membership))
        return redirect(collab.get_absolute_url())
    form = SignUpForm(request.POST or None, instance=User(email=invitation.email))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # no account is left behind if the link was just used
                membership = people.accept(invitation, form.save())
        except people.PeopleError as exc:
            return _refused(request, collab, str(exc))
        messages.success(
            request,
            _("%(welcome)s Sign in with your new password.") % {"welcome": _welcome(membership)},
        )
        return redirect(f"{reverse('login')}?next={collab.get_absolute_url()}")
    return render(
        request, "core/join.html", {**context, "form": form}, status=400 if form.errors else 200
    )


def _welcome(membership: Membership) -> str:
    return _("You joined %(collaborative)s as %(role)s.") % {
        "collaborative": membership.collaborative.name,
        "role": membership.get_role_display().lower(),
    }
