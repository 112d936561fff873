"""The public site, live under /public/: only what is declared, without JavaScript, small."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from civicloop.declare import workflow
from civicloop.declare.models import Declaration, DeclarationStatus
from civicloop.declare.tests.helpers import area, indicator

pytestmark = pytest.mark.django_db

PAGES = [
    "/public/",
    "/public/networks/demo-network/",
    "/public/c/riverton/",
    "/public/c/riverton/results/early-literacy/",
    "/public/c/riverton/indicators/third-grade-reading/",
    "/public/c/riverton/indicators/emergency-savings/",
    "/public/c/riverton/indicators/unemployment-rate/",
    "/public/c/riverton/declarations/",
    "/public/c/riverton/decisions/",
    "/public/c/riverton/methodology/",
    "/public/c/riverton/data/",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_every_public_page_renders_small_and_without_javascript(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script" not in page, url  # charts are drawn on the server
        assert len(response.content) < 300_000, url
        assert "Synthetic demo data" in page or url == "/public/", url


def test_the_indicator_page_has_charts_with_data_tables_and_downloads(client):
    page = client.get("/public/c/riverton/indicators/third-grade-reading/").content.decode()
    assert page.count('class="chart-wide"') == 3  # the city, its wards, by race/ethnicity
    # Each chart drawn wide, and narrow for phones; and the two maps by area (value, trend).
    assert page.count('role="img"') == 6 + 2
    assert page.count("The numbers in this chart") == 3
    assert '<td class="num">39.3%</td>' in page  # the restated 2024-25 value, in the table
    assert "Third-grade reading proficiency in the South Ward rose from" in page  # declared
    assert 'href="/public/c/riverton/indicators/third-grade-reading/datapackage.json"' in page
    assert "&lt;iframe src=&quot;http://testserver/public/c/riverton/indicators/" in page


def test_the_margin_of_error_is_shown_not_hidden(client):
    page = client.get("/public/c/riverton/indicators/emergency-savings/").content.decode()
    assert "within the margin of error" in page and "The shaded band is the survey's margin" in page
    assert "± 3.6" in page


def test_the_public_sees_only_what_is_declared(client, riverton):
    loans = indicator(riverton, "small-business-loans")  # not public in the demo
    assert client.get("/public/c/riverton/indicators/small-business-loans/").status_code == 404
    assert loans.name not in client.get("/public/c/riverton/").content.decode()
    assert loans.slug not in client.get("/public/c/riverton/data/riverton.csv").content.decode()
    # Drafts, approvals and refusals are not public: only published declarations are.
    drafts = Declaration.objects.exclude(status=DeclarationStatus.PUBLISHED)
    listing = client.get("/public/c/riverton/declarations/").content.decode()
    assert drafts.exists() and all(d.text not in listing for d in drafts)
    riverton.is_public = False
    riverton.save()
    cache.clear()
    assert client.get("/public/c/riverton/").status_code == 404
    assert "Riverton" not in client.get("/public/").content.decode()


def test_a_new_declaration_shows_at_once(client, riverton, alice, bob):
    url = "/public/c/riverton/declarations/"
    before = client.get(url).content.decode()
    d = workflow.draft(indicator(riverton, "well-child-visits"), area(riverton, "riverton"), alice)
    workflow.publish(workflow.approve(d, bob), alice)
    after = client.get(url).content.decode()
    assert d.text not in before and d.text in after


def test_the_decision_log_shows_what_the_table_published(client):
    from civicloop.review.models import Decision

    page = client.get("/public/c/riverton/decisions/").content.decode()
    published = Decision.objects.filter(published=True, review__collaborative__slug="riverton")
    unpublished = Decision.objects.filter(published=False, review__collaborative__slug="riverton")
    assert published.exists() and unpublished.exists()
    assert all(d.rationale[:40] in page for d in published)
    assert not any(d.rationale[:40] in page for d in unpublished)


def test_embedding_is_allowed_only_for_the_embed_page(client):
    embed = client.get("/public/c/riverton/indicators/third-grade-reading/embed/")
    assert embed.status_code == 200 and "X-Frame-Options" not in embed
    assert client.get("/public/c/riverton/").headers["X-Frame-Options"] == "DENY"
    data = client.get("/public/c/riverton/indicators/third-grade-reading/third-grade-reading.json")
    assert data["Access-Control-Allow-Origin"] == "*"  # open data, readable from any site
    svg = client.get("/public/c/riverton/indicators/third-grade-reading/chart.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert ET.fromstring(svg.content).get("role") == "img"


def test_the_atom_feed_lists_published_declarations(client):
    response = client.get("/public/c/riverton/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    published = Declaration.objects.filter(collaborative__slug="riverton", status="published")
    assert len(entries) == published.count() >= 4
    ids = {e.find(f"{atom}id").text for e in entries}
    assert all(re.fullmatch(r"tag:civicloop,2025:riverton/declarations/\d+", i) for i in ids)
    assert len(
        ET.fromstring(client.get("/public/feed.atom").content).findall(f"{atom}entry")
    ) == len(entries)


def test_the_family_adjusted_for_is_what_the_page_shows_or_it_says_what_else(client):
    """Issue 13: the public saw "after adjusting for 14 indicators" beside 12. The family
    is the place's indicators with a verdict; those not public are counted and named as
    such, and partners' performance measures are never among a city's indicators."""
    from civicloop.declare.public.snapshot import Snapshot
    from civicloop.results.models import Indicator

    snap = Snapshot.of("riverton")
    shown = snap.family_shown
    assert all(ind.commitment_measure is None for ind in snap.indicators)
    sizes = {int((e or {}).get("family_size") or 0) for e in snap.family.values()}
    family = max(sizes)
    private = Indicator.objects.filter(result__collaborative__slug="riverton", is_public=False)
    assert private.population().exists()
    html = client.get("/public/c/riverton/indicators/third-grade-reading/").content.decode()
    # The demo keeps some indicators private until declared: the family is larger than
    # what the public is shown, and the page says by how many.
    assert family > shown
    hidden = family - shown
    assert f"after adjusting for {family} indicators, {hidden} of them not shown here" in html
