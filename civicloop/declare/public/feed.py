"""An Atom feed of published declarations: for the whole site, and per collaborative.

Entry ids are ``tag:`` URIs built from the collaborative and the declaration, so they stay
the same wherever the site is hosted; links are absolute when the site's address is known.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from civicloop.declare.public.links import Site, path_of
from civicloop.declare.public.pages import Page
from civicloop.declare.public.snapshot import Snapshot

ATOM = "application/atom+xml; charset=utf-8"


def atom(site: Site, snapshots: list[Snapshot], *, here: str, title: str) -> Page:
    site = site.at(here)
    declarations = sorted(
        (d for snap in snapshots for d in snap.declarations),
        key=lambda d: d.published_at,
        reverse=True,
    )
    feed = Atom1Feed(
        title=title,
        link=site.absolute(path_of(snapshots[0].collaborative) if len(snapshots) == 1 else ""),
        description="Progress declared by the collaborative's chairs, with its evidence.",
        feed_url=site.absolute(here),
        language="en",
        feed_guid=f"tag:civicloop,2025:{here}",
    )
    for d in declarations:
        evidence = d.evidence or {}
        progress = (evidence.get("progress") or {}).get("words")
        chair = d.approved_by.__str__() if d.approved_by else "the chair"
        feed.add_item(
            title=f"{d.indicator.name}, {d.area.name}: {evidence.get('trend', {}).get('words', '')}",
            link=site.absolute(path_of(d)),
            description=(
                f"{d.text}\n\nApproved by {chair}"
                + (f"; progress to target: {progress}." if progress else ".")
            ),
            unique_id=f"tag:civicloop,2025:{d.collaborative.slug}/declarations/{d.pk}",
            unique_id_is_permalink=False,
            pubdate=d.published_at,
            updateddate=d.published_at or timezone.now(),
            author_name=d.collaborative.name,
            categories=[d.indicator.result.title],
        )
    return Page(feed.writeString("utf-8").encode("utf-8"), ATOM)
