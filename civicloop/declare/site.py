"""`civicloop declare build OUT/`: the public site as a folder of static files.

The same pages the live app serves under /public/ (`civicloop.declare.public.pages`), for
every public collaborative (or the ones named): network, collaborative, result and
indicator pages with their charts, declarations, the decision log, methodology, open data
(CSV, JSON, Frictionless data package per collaborative and per indicator), embeddable
charts and Atom feeds, plus the two stylesheets. No JavaScript, no CDN: the folder works
from any web server or straight from the disk. Every page is written once per language
(settings.LANGUAGES): English at the top, Spanish under es/, each linked to its twin.

The site is built in a new folder beside OUT and then put in its place, so a reader never
sees half a site, and a page taken down (a withdrawn declaration, an indicator made
private again) does not linger from an earlier build. OUT is replaced only when it is
empty or was built by civicloop (it holds `MARKER`).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation import gettext as _

from civicloop.declare.public import feed, opendata, pages
from civicloop.declare.public.links import Site, path_of
from civicloop.declare.public.snapshot import Snapshot, public_collaboratives
from civicloop.results.models import Collaborative

MARKER = ".civicloop-site"
ASSETS = ("civicloop/civicloop.css", "declare/public.css")


class BuildError(Exception):
    """The site cannot be built where asked; the message says why."""


@dataclass
class BuildReport:
    out: Path
    collaboratives: list[str]
    pages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    largest_page: tuple[str, int] = ("", 0)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


class _Writer:
    def __init__(self, root: Path, report: BuildReport):
        self.root, self.report = root, report
        # Open data written so far: its folder -> (the language folder it went to, names).
        self._open_data: dict[str, tuple[str, list[str]]] = {}

    prefix = ""  # the language's folder ("es/") of what is being written

    def open_data(self, folder: str, make: Callable[[], dict[str, bytes]]) -> None:
        """The open data files of `folder`, made (`make`) in the site's default language.

        They are the same in every language, so the first language's are made and the
        others' are copies of those files: the Excel workbooks alone took a third of a
        build when each language wrote its own.
        """
        if folder in self._open_data:
            first, names = self._open_data[folder]
            for name in names:
                target = self.root / (self.prefix + folder + name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.root / (first + folder + name), target)
                self.report.files += 1
                self.report.bytes += target.stat().st_size
            return
        with translation.override(settings.LANGUAGE_CODE):
            files = make()
        for name, body in files.items():
            self.file(folder + name, body)
        self._open_data[folder] = (self.prefix, list(files))

    def page(self, path: str, page: pages.Page) -> None:
        """A page at a logical path ("c/riverton/"): written as its index.html."""
        name = self.prefix + (path + "index.html" if path == "" or path.endswith("/") else path)
        self._write(name, page.body)
        self.report.pages += 1
        if name.endswith(".html") and len(page.body) > self.report.largest_page[1]:
            self.report.largest_page = (name, len(page.body))

    def file(self, path: str, body: bytes) -> None:
        self._write(self.prefix + path, body)
        self.report.files += 1

    def _write(self, name: str, body: bytes) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.report.bytes += len(body)


def build(
    out: Path,
    collaboratives: Iterable[Collaborative] | None = None,
    *,
    base_url: str = "",
    analyse: bool = True,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Write the public site of `collaboratives` (default: every public one) into `out`.

    base_url: the address the folder will be served at (for the Atom feed and the embed
    snippets; links between pages are relative either way). analyse: bring learn's stored
    verdicts up to date first (only what a load changed is recomputed).
    """
    started = time.perf_counter()
    out = Path(out).expanduser().resolve()
    _check_target(out)
    chosen = list(collaboratives) if collaboratives is not None else list(public_collaboratives())
    private = [c.slug for c in chosen if not c.is_public]
    if private:
        raise BuildError(
            f"not public: {', '.join(private)} (make a collaborative public before building its site)"
        )
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    report = BuildReport(out, [c.slug for c in chosen])
    say = progress or (lambda _message: None)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read the site
    try:
        writer = _Writer(staging, report)
        only = {c.pk for c in chosen}
        snapshots = []
        for collab in chosen:
            say(f"{collab.name}: reading")
            if analyse:
                from civicloop.learn import store

                t = time.perf_counter()
                store.analyse(collab)
                report.timings["analyse"] = report.timings.get("analyse", 0) + (
                    time.perf_counter() - t
                )
            snap = Snapshot(collab)
            t = time.perf_counter()
            snap.preload_observations()
            report.timings["read"] = report.timings.get("read", 0) + time.perf_counter() - t
            snapshots.append(snap)
        for language, _name in settings.LANGUAGES:
            site = Site(static=True, base_url=base_url, language=language)
            writer.prefix = site.prefix
            with translation.override(language):
                for snap in snapshots:
                    t = time.perf_counter()
                    _collaborative(writer, site, snap)
                    report.timings["write"] = (
                        report.timings.get("write", 0) + time.perf_counter() - t
                    )
                    say(
                        f"{snap.collaborative.name}: {len(snap.indicators)} indicators written ({language})"
                    )
                writer.page("", pages.home(site, only))
                for net in {c.network for c in chosen if c.network is not None}:
                    for path, page in pages.network_pages(site, net, only):
                        writer.page(path, page)
                writer.page(
                    "feed.atom",
                    feed.atom(site, snapshots, here="feed.atom", title=_("Declared progress")),
                )
        writer.prefix = ""
        for asset in ASSETS:
            found = finders.find(asset)
            writer.file(f"static/{asset}", Path(found).read_bytes())
        (staging / MARKER).write_text("Built by civicloop declare build.\n", encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - started
    return report


def _collaborative(writer: _Writer, site: Site, snap: Snapshot) -> None:
    collab = snap.collaborative
    base = path_of(collab)
    writer.page(base, pages.collaborative(site, snap))
    for res in snap.results:
        writer.page(path_of(res), pages.result(site, snap, res))
    for ind in snap.indicators:
        here = path_of(ind)
        writer.page(here, pages.indicator(site, snap, ind))
        writer.page(path_of(ind, "embed/"), pages.embed(site, snap, ind))
        writer.file(here + "chart.svg", pages.chart_svg(snap, ind).body)
        writer.open_data(here, lambda ind=ind: opendata.indicator_files(snap, ind))
    for place in snap.areas:
        writer.page(path_of(place), pages.area(site, snap, place))
    writer.page(base + "declarations/", pages.declarations(site, snap))
    for d in snap.declarations:
        writer.page(path_of(d), pages.declaration(site, snap, d))
    writer.page(base + "decisions/", pages.decisions(site, snap))
    writer.page(base + "methodology/", pages.methodology(site, snap))
    writer.page(base + "data/", pages.data(site, snap))
    writer.open_data(base + "data/", lambda: opendata.collaborative_files(snap))
    writer.page(
        base + "feed.atom",
        feed.atom(
            site,
            [snap],
            here=base + "feed.atom",
            title=_("%(name)s: declarations") % {"name": collab.name},
        ),
    )


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(
            f"{out} is not empty and was not built by civicloop: choose an empty or new folder"
        )


def _swap(staging: Path, out: Path) -> None:
    """Put the new site in place of the old one (the old is removed only once the new is whole)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{time.time_ns()}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
