"""What every table page needs: the collaborative, checked against who is asking."""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from civicloop.core import access
from civicloop.results.models import Collaborative
from civicloop.table.models import Organisation


def member_collaborative(request, slug: str) -> Collaborative:
    """The collaborative, for its members only (anyone else: 404, not told it exists)."""
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    return collab


def visible_collaborative(request, slug: str) -> Collaborative:
    """The collaborative, for whoever may see it (the public: only a public one)."""
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.visible_collaboratives(request.user).filter(pk=collab.pk).exists():
        raise Http404("No such collaborative")
    return collab


def next_url(request, default: str) -> str:
    """Where to go after a form: the page it came from, if that is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def editable_organisations(user, collaborative: Collaborative):
    """The organisations whose things this person may change (see `access.can_edit_organisation`)."""
    orgs = Organisation.objects.filter(collaborative=collaborative)
    if not user.is_authenticated:
        return orgs.none()
    if user.is_superuser or access.is_backbone_admin(user, collaborative):
        return orgs
    mine = access.memberships(user).filter(collaborative=collaborative).values("organisation")
    return orgs.filter(pk__in=mine)


def https_urls(field, **kwargs):
    """A ModelForm ``formfield_callback``: web addresses typed without a scheme get https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)
