"""The public site, served live under /public/: the same pages the static build writes.

Every page here is the same for every visitor (it shows only what is declared, whoever
asks), so each is rendered once and kept in the cache under a stamp of the collaborative's
loads and declarations: a new load or a changed declaration makes new pages at once, any
other change within `TTL` seconds. The stamp itself is read at most once a second per
process (and forgotten at once when this process changes a declaration), so a page served
from the cache touches no database and costs little more than a static file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from csp.decorators import csp_replace
from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from civicloop.declare.models import Declaration
from civicloop.declare.public import feed, opendata, pages
from civicloop.declare.public.links import Site
from civicloop.declare.public.snapshot import Snapshot, public_collaboratives
from civicloop.declare.stamps import _stamps
from civicloop.results.models import ApprovalEvent, Network

TTL = 60  # seconds a cached page may lag behind a change the stamp does not see


def _site(request) -> Site:
    # The language comes from the address (/es/public/...: civicloop.core.language).
    return Site(
        static=False,
        base_url=request.build_absolute_uri("/public/"),
        language=translation.get_language() or "",
    )


STAMP_SECONDS = 1.0


def _stamp(slug: str) -> str:
    """A stamp that changes with the public collaborative's loads, declarations and
    approvals."""
    now = time.monotonic()
    known = _stamps.get(slug)
    if known is not None and known[0] > now:
        return known[1]
    from civicloop.measure.models import Load

    found = (
        public_collaboratives()
        .filter(slug=slug)
        .annotate(
            last_load=Subquery(
                Load.objects.filter(collaborative=OuterRef("pk")).order_by("-id").values("id")[:1]
            ),
            last_declaration=Subquery(
                Declaration.objects.filter(collaborative=OuterRef("pk"))
                .order_by("-updated_at")
                .values("updated_at")[:1]
            ),
            # Approving or withdrawing a value changes what the public sees, load or not.
            last_approval=Subquery(
                ApprovalEvent.objects.filter(
                    observation__series__indicator__result__collaborative=OuterRef("pk")
                )
                .order_by("-id")
                .values("id")[:1]
            ),
        )
        .values_list("pk", "last_load", "last_declaration", "last_approval")
        .first()
    )
    if found is None:
        raise Http404("No such collaborative")
    stamp = "{}.{}.{}.{}".format(*found).replace(" ", "_")
    _stamps[slug] = (now + STAMP_SECONDS, stamp)
    return stamp


_rendering = threading.Lock()


def _respond(request, stamp: str, make: Callable[[], pages.Page]) -> HttpResponse:
    key = f"declare:public:{request.get_host()}:{request.path}:{stamp}"
    cached = cache.get(key)
    if cached is None:
        # One thread renders while the others of this process wait for its page, rather
        # than all rendering the same page at once when it first falls out of the cache.
        with _rendering:
            cached = cache.get(key)
            if cached is None:
                page = make()
                cached = (page.content_type, page.body)
                cache.set(key, cached, TTL)
    content_type, body = cached
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={TTL}"
    return response


def _page(render: Callable[[Site, Snapshot], pages.Page]):
    """A view for a page of one collaborative's site."""

    @require_safe
    def view(request, slug: str, **kwargs):
        return _respond(
            request, _stamp(slug), lambda: render(_site(request), Snapshot.of(slug), **kwargs)
        )

    return view


@require_safe
def home(request):
    return _respond(request, "home", lambda: pages.home(_site(request)))


@require_safe
def site_feed(request):
    def make():
        snaps = [Snapshot(c) for c in public_collaboratives()]
        return feed.atom(_site(request), snaps, here="feed.atom", title=_("Declared progress"))

    return _respond(request, "feed", make)


@require_safe
def network(request, slug: str):
    net = get_object_or_404(Network, slug=slug)
    return _respond(request, "network", lambda: pages.network(_site(request), net))


@require_safe
def network_result(request, slug: str, result_slug: str):
    net = get_object_or_404(Network, slug=slug)
    return _respond(
        request, "network", lambda: pages.network_result(_site(request), net, result_slug)
    )


collaborative = _page(lambda site, snap: pages.collaborative(site, snap))
declarations = _page(lambda site, snap: pages.declarations(site, snap))
decisions = _page(lambda site, snap: pages.decisions(site, snap))
methodology = _page(lambda site, snap: pages.methodology(site, snap))
data = _page(lambda site, snap: pages.data(site, snap))
result = _page(lambda site, snap, result_slug: pages.result(site, snap, snap.result(result_slug)))
indicator = _page(
    lambda site, snap, indicator_slug: pages.indicator(site, snap, snap.indicator(indicator_slug))
)
area = _page(lambda site, snap, code: pages.area(site, snap, snap.area_page(code)))
declaration = _page(lambda site, snap, pk: pages.declaration(site, snap, snap.declaration(pk)))
collaborative_feed = _page(
    lambda site, snap: feed.atom(
        site,
        [snap],
        here=f"c/{snap.collaborative.slug}/feed.atom",
        title=_("%(name)s: declarations") % {"name": snap.collaborative.name},
    )
)
# Partners frame this page on their own sites: the one page exempt from X-Frame-Options
# and from the Content-Security-Policy's frame-ancestors.
embed = csp_replace({"frame-ancestors": None})(
    xframe_options_exempt(
        _page(
            lambda site, snap, indicator_slug: pages.embed(
                site, snap, snap.indicator(indicator_slug)
            )
        )
    )
)


def _indicator_file(site: Site, snap: Snapshot, indicator_slug: str, filename: str) -> pages.Page:
    ind = snap.indicator(indicator_slug)
    if filename == "chart.svg":
        return pages.chart_svg(snap, ind)
    with translation.override(settings.LANGUAGE_CODE):  # open data: the same in every language
        files = opendata.indicator_files(snap, ind, only=filename)
    if filename not in files:
        raise Http404("No such file")
    return pages.Page(files[filename], opendata.content_type(filename))


def _data_file(site: Site, snap: Snapshot, filename: str) -> pages.Page:
    with translation.override(settings.LANGUAGE_CODE):
        files = opendata.collaborative_files(snap, only=filename)
    if filename not in files:
        raise Http404("No such file")
    return pages.Page(files[filename], opendata.content_type(filename))


def _open_data(view):
    """Open data may be read by scripts on any site (CORS): it is public by definition."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


indicator_file = _open_data(_page(_indicator_file))
data_file = _open_data(_page(_data_file))
