"""Where each public page lives, and how one page links to another, live or static.

Every public page has one logical path ("c/riverton/indicators/third-grade-reading/"). The
live app serves it under /public/; the static build writes it to OUT/<path>index.html and
links pages to each other by relative paths ending in ``index.html``, so the built folder
works from any web server, from any sub-folder of one, and straight from the disk.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from django.conf import settings

from civicloop.declare.models import Declaration
from civicloop.results.models import Collaborative, Indicator, Network, Result


def path_of(obj: object, suffix: str = "") -> str:
    """The logical path of a public page about `obj` (or a file below it)."""
    if isinstance(obj, Network):
        base = f"networks/{obj.slug}/"
    elif isinstance(obj, Collaborative):
        base = f"c/{obj.slug}/"
    elif isinstance(obj, Result):
        base = f"c/{obj.collaborative.slug}/results/{obj.slug}/"
    elif isinstance(obj, Indicator):
        base = f"c/{obj.result.collaborative.slug}/indicators/{obj.slug}/"
    elif isinstance(obj, Declaration):
        base = f"c/{obj.collaborative.slug}/declarations/{obj.pk}/"
    elif isinstance(obj, str):
        base = obj
    else:
        raise TypeError(f"no public page for {type(obj).__name__}")
    return base + suffix


@dataclass(frozen=True)
class Site:
    """How to write links on the page at `here`: to the live app, or within a built folder.

    base_url: the site's absolute address (ending in /) when known, for the Atom feed and
    the embed snippets; the live app knows it from the request, a build from --base-url.
    """

    static: bool
    here: str = ""
    root: str = "/public/"
    base_url: str = ""

    def at(self, here: str) -> Site:
        return replace(self, here=here)

    def url(self, path: str) -> str:
        if not self.static:
            return self.root + path
        folder = (
            self.here
            if self.here.endswith("/") or not self.here
            else posixpath.dirname(self.here) + "/"
        )
        rel = posixpath.relpath(path or ".", folder or ".")
        if path == "" or path.endswith("/"):
            rel = ("" if rel == "." else rel + "/") + "index.html"
        return rel

    def asset(self, path: str) -> str:
        """A file from the static folders (CSS), copied to ``static/`` by a build."""
        if not self.static:
            return settings.STATIC_URL + path
        return self.url("static/" + path)

    def absolute(self, path: str) -> str:
        """The absolute address of `path` when the site's address is known, else relative."""
        if self.base_url:
            return self.base_url + path
        return self.url(path)
