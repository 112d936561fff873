"""Where each public page lives, and how one page links to another, live or static.

Every public page has one logical path ("c/riverton/indicators/third-grade-reading/"). The
live app serves it under /public/; the static build writes it to OUT/<path>index.html and
links pages to each other by relative paths ending in ``index.html``, so the built folder
works from any web server, from any sub-folder of one, and straight from the disk.

Each page exists once per language at a stable address: English at the path itself, the
other languages under their code (live /es/public/..., built es/...), and `Site.twin`
links a page to its other-language twin (the switcher and the hreflang links).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from django.conf import settings

from civicloop.declare.models import Declaration
from civicloop.results.models import Area, Collaborative, Indicator, Network, Result


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
    elif isinstance(obj, Area):
        base = f"c/{obj.collaborative.slug}/areas/{obj.code}/"
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
    language: str = ""  # "" is the default language (English)

    @property
    def lang(self) -> str:
        """The page's language code, for ``<html lang>``."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def prefix(self) -> str:
        """Where this language's pages live below the site's root ("" or "es/")."""
        return "" if self.lang == settings.LANGUAGE_CODE else self.lang + "/"

    def at(self, here: str) -> Site:
        return replace(self, here=here)

    def speaking(self, language: str) -> Site:
        """The same site in `language`."""
        return replace(self, language=language)

    def url(self, path: str) -> str:
        if not self.static:
            return "/" + self.prefix + self.root.lstrip("/") + path
        return _relative(self.prefix + self.here, self.prefix + path)

    def asset(self, path: str) -> str:
        """A file from the static folders (CSS), copied to ``static/`` by a build (once, for
        every language)."""
        if not self.static:
            return settings.STATIC_URL + path
        return _relative(self.prefix + self.here, "static/" + path)

    def absolute(self, path: str) -> str:
        """The absolute address of `path` when the site's address is known, else relative."""
        if self.base_url:
            if self.static:
                return self.base_url + self.prefix + path
            origin = self.base_url[: len(self.base_url) - len(self.root)]
            return origin + self.url(path)
        return self.url(path)

    def twin(self, language: str) -> str:
        """This page in `language`: a link from this page (live: absolute; built: relative,
        so that the folder works from anywhere, as every other link of a build does)."""
        other = self.speaking(language)
        if not self.static:
            return other.absolute(self.here)
        return _relative(self.prefix + self.here, other.prefix + self.here)

    def twins(self) -> list[dict[str, str]]:
        """Every language's version of this page, for the switcher and the hreflang links."""
        return [
            {"code": code, "name": name, "url": self.twin(code), "current": code == self.lang}
            for code, name in settings.LANGUAGES
        ]


def _relative(here: str, path: str) -> str:
    """A link from the built page at `here` to `path` (a page ends in /: its index.html)."""
    folder = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    rel = posixpath.relpath(path or ".", folder or ".")
    if path == "" or path.endswith("/"):
        rel = ("" if rel == "." else rel + "/") + "index.html"
    return rel
