"""`civicloop declare build`: a complete static site, self-contained, replaced as a whole."""

from __future__ import annotations

import json
import shutil

import pytest
from django.conf import settings

from civicloop.declare import workflow
from civicloop.declare.models import Declaration
from civicloop.declare.site import BuildError, build
from civicloop.declare.tests.sitecheck import broken_links, external_resources, pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(demo_site):
    """The demo's site, built once for the tests that only read it (conftest)."""
    return demo_site


@pytest.fixture
def own_site(demo_site, tmp_path):
    """A site of the test's own, for a test that rebuilds it: a copy of the demo's (the
    site works from any folder), as a build in the test would write it."""
    out, report = demo_site
    return shutil.copytree(out, tmp_path / "site"), report


def test_every_page_is_there(site, riverton):
    out, report = site
    published = Declaration.objects.filter(collaborative=riverton, status="published")
    for path in [
        "index.html",
        "feed.atom",
        "networks/demo-network/index.html",
        "c/riverton/index.html",
        "c/riverton/results/economic-security/index.html",
        "c/riverton/indicators/emergency-savings/index.html",
        "c/riverton/indicators/emergency-savings/embed/index.html",
        "c/riverton/indicators/emergency-savings/chart.svg",
        "c/riverton/indicators/emergency-savings/emergency-savings.csv",
        "c/riverton/indicators/emergency-savings/emergency-savings.json",
        "c/riverton/indicators/emergency-savings/datapackage.json",
        "c/riverton/declarations/index.html",
        *[f"c/riverton/declarations/{d.pk}/index.html" for d in published],
        "c/riverton/decisions/index.html",
        "c/riverton/methodology/index.html",
        "c/riverton/data/index.html",
        "c/riverton/data/riverton.csv",
        "c/riverton/data/datapackage.json",
        "c/riverton/feed.atom",
        "static/civicloop/civicloop.css",
        "static/declare/public.css",
    ]:
        assert (out / path).is_file(), path
    assert not (out / "c/riverton/indicators/small-business-loans").exists()  # not declared
    # and the two feeds, in each language (the Spanish site is the same pages under es/)
    assert report.pages == len(pages(out)) + 2 * len(settings.LANGUAGES)


def test_every_page_has_its_spanish_twin(site):
    """English at the top, Spanish under es/: the same pages, each linking to the other."""
    out, _report = site
    english = {p.relative_to(out) for p in pages(out) if p.relative_to(out).parts[0] != "es"}
    spanish = {p.relative_to(out / "es") for p in pages(out / "es")}
    assert english == spanish
    page = (out / "es/c/riverton/index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "Datos abiertos" in page
    assert '<link rel="alternate" hreflang="en" href="../../../c/riverton/index.html">' in page
    assert 'href="../../../c/riverton/index.html" hreflang="en" lang="en">English</a>' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in home
    assert 'href="es/index.html" hreflang="es" lang="es">Español</a>' in home
    assert (out / "es/c/riverton/data/riverton.csv").read_bytes() == (
        out / "c/riverton/data/riverton.csv"
    ).read_bytes()  # the open data are the same numbers in both


def test_it_works_offline_from_any_folder(site):
    out, report = site
    assert broken_links(out) == []
    assert external_resources(out) == []
    assert report.largest_page[1] < 300_000
    assert all(p.stat().st_size < 300_000 for p in pages(out))
    assert all("<script" not in p.read_text() for p in pages(out))


def test_the_embed_snippet_and_feed_use_the_sites_address(site):
    out, _ = site
    page = (out / "c/riverton/indicators/third-grade-reading/index.html").read_text()
    assert (
        "&lt;iframe src=&quot;https://progress.riverton.example/c/riverton/indicators/"
        "third-grade-reading/embed/&quot;" in page
    )
    assert (
        'href="https://progress.riverton.example/c/riverton/declarations/'
        in (out / "c/riverton/feed.atom").read_text()
    )


def test_the_open_data_loads_back_into_civicloop(site, riverton):
    from civicloop.measure.loads import load_file

    out, _ = site
    package = json.loads((out / "c/riverton/data/datapackage.json").read_text())
    assert package["resources"][0]["path"] == "riverton.csv"
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]][:4] == [
        "indicator",
        "area",
        "period",
        "value",
    ]
    checked = load_file(out / "c/riverton/data/datapackage.json", riverton, dry_run=True)
    rows = (out / "c/riverton/data/riverton.csv").read_text().count("\n") - 1
    assert checked.ok and checked.rows_total == rows > 1000
    assert checked.rows_created == 0 and checked.rows_changed == 0  # the same numbers


def test_a_rebuild_replaces_the_site_and_drops_what_was_withdrawn(own_site, riverton, bob):
    out, _ = own_site
    d = Declaration.objects.filter(collaborative=riverton, status="published").first()
    page = out / f"c/riverton/declarations/{d.pk}/index.html"
    assert page.is_file()
    workflow.withdraw(d, bob, "Restated data")
    build(out, [riverton], analyse=False)
    assert not page.exists()
    assert d.text not in (out / "c/riverton/declarations/index.html").read_text()


def test_it_will_not_overwrite_a_folder_it_did_not_build(tmp_path, riverton):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="not empty and was not built by civicloop"):
        build(tmp_path / "mine", [riverton], analyse=False)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_private_collaborative_has_no_public_site(tmp_path, riverton):
    riverton.is_public = False
    riverton.save()
    with pytest.raises(BuildError, match="not public: riverton"):
        build(tmp_path / "site", [riverton], analyse=False)


def test_a_declaration_from_draft_to_the_built_site(tmp_path, riverton, alice, bob, erin):
    """Drafted by civicloop, refused when the words outrun the evidence, approved when they
    do not, published, and there on the built site."""
    from civicloop.declare.tests.helpers import area, indicator

    d = workflow.draft(indicator(riverton, "well-child-visits"), area(riverton, "south"), erin)
    with pytest.raises(workflow.Unsupported):
        workflow.edit(d, "Well-child visits in the South Ward are on track.", erin)  # at risk
    words = d.text + " Clinics added evening hours in 2024."
    workflow.edit(d, words, erin)
    workflow.approve(d, bob)
    workflow.publish(d, alice)
    out = build(tmp_path / "site", [riverton], analyse=False)
    page = (out.out / f"c/riverton/declarations/{d.pk}/index.html").read_text()
    assert words in page and "Approved by" in page
    assert words in (out.out / "c/riverton/indicators/well-child-visits/index.html").read_text()
