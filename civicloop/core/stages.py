"""The loop's stages as the working app's navigation shows them, and which stage a page is in.

Every page of a collaborative belongs to one stage of the loop (BRIEF.md): results, the
table, measure, learn, review, declare. The navigation is drawn on every page from the
URL alone — no query — so it costs nothing per page and the query bounds of the pages
(``results/tests/test_query_counts.py``) do not move.

A page's stage is read from the view that answered it: first by URL name, for the few
pages whose stage is not their app's (approvals are measure's; a strategy's evidence is
learn's though the review app serves it), else by the app its view lives in. A stage's
new page therefore lands in the right place without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Stage:
    key: str
    label: str | Promise
    url_name: str  # the stage's landing page, under /c/<slug>/
    public: bool = False  # shown to visitors who are not signed in


STAGES = (
    Stage("results", _("Results"), "results_index", public=True),
    Stage("table", _("The table"), "table"),
    Stage("measure", _("Measure"), "loads"),
    Stage("learn", _("Learn"), "strategies"),
    Stage("review", _("Review"), "reviews"),
    Stage("declare", _("Declare"), "declarations"),
)

# Pages whose stage is not the app their view lives in.
BY_URL_NAME = {
    "collaborative": "home",
    "approvals": "measure",
    "strategies": "learn",
    "strategy": "learn",
    "strategy_status": "learn",
}

BY_APP = {
    "results": "results",
    "table": "table",
    "measure": "measure",
    "learn": "learn",
    "review": "review",
    "declare": "declare",
}


def stage_of(match) -> str | None:
    """The stage key of the page `match` (a ResolverMatch) answered, or None."""
    if match is None:
        return None
    if match.url_name in BY_URL_NAME:
        return BY_URL_NAME[match.url_name]
    module = getattr(match.func, "__module__", "") or ""
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "civicloop":
        return BY_APP.get(parts[1])
    return None


def collaborative_slug(match, collaborative=None) -> str | None:
    """The collaborative a working page is about: the one in its context, else its URL's.

    Only URLs under /c/<slug>/ carry a collaborative's slug; /networks/<slug>/ carries a
    network's, which must not be taken for one.
    """
    slug = getattr(collaborative, "slug", None)
    if slug:
        return slug
    if match is not None and match.route.startswith("c/<slug:slug>/"):
        return match.kwargs.get("slug")
    return None


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    # aria-current: "page" on the stage's own landing page, "true" on another page of the
    # stage (a screen reader then says "current" without claiming it is this very page).
    current: str | None


@dataclass(frozen=True)
class Navigation:
    home: NavItem
    stages: list[NavItem]
    public_url: str | None  # the collaborative's page on the public site, when it has one


def navigation(match, collaborative=None, *, signed_in: bool, path: str = "") -> Navigation | None:
    """The stage links of a collaborative's working page, the current one marked.

    A visitor who is not signed in sees only the stages open to the public; the others
    would only send them to sign in. The public site is linked when the collaborative is
    public (known from the page's own collaborative, so no query is spent on it).
    """
    slug = collaborative_slug(match, collaborative)
    if not slug:
        return None
    here = stage_of(match)
    stages = []
    for stage in STAGES:
        if not (signed_in or stage.public):
            continue
        try:
            url = reverse(stage.url_name, args=[slug])
        except NoReverseMatch:  # a stage whose app is not installed
            continue
        stages.append(NavItem(stage.label, url, _current(stage.key == here, url, path)))
    home_url = reverse("collaborative", args=[slug])
    home = NavItem(_("Home"), home_url, _current(here == "home", home_url, path))
    public_url = None
    if getattr(collaborative, "is_public", False):
        try:
            public_url = reverse("public_collaborative", args=[slug])
        except NoReverseMatch:
            public_url = None
    return Navigation(home, stages, public_url)


def _current(in_stage: bool, url: str, path: str) -> str | None:
    if not in_stage:
        return None
    return "page" if url == path else "true"
