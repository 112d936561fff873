"""Public area pages: each area lists the public indicators' approved values there, linked
from the maps' tables and the indicator pages, in both languages, live and built."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from civicloop.declare.tests.helpers import area, indicator
from civicloop.declare.tests.sitecheck import broken_links
from civicloop.results.models import Observation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _ward(riverton):
    return next(a for a in area(riverton, "riverton").children.order_by("name"))


def test_an_area_page_lists_public_indicators_with_their_approved_values(client, riverton):
    ward = _ward(riverton)
    page = client.get(f"/public/c/riverton/areas/{ward.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{ward.name}</h1>" in html and "<script" not in html
    assert 'href="/public/c/riverton/indicators/third-grade-reading/"' in html
    assert "small-business-loans" not in html  # not declared: not on the public site
    reading = indicator(riverton, "third-grade-reading")
    latest = (
        Observation.objects.as_approved()
        .filter(series__indicator=reading, series__area=ward, series__group__isnull=True)
        .select_related("period")
        .order_by("period__start")
        .last()
    )
    assert reading.format_value(latest.value) in html
    assert 'href="/public/c/riverton/areas/riverton/"' in html  # up to the city
    assert client.get("/public/c/riverton/areas/no-such-place/").status_code == 404


def test_the_public_reads_the_approved_copy_never_a_pending_value(client, riverton):
    ward = _ward(riverton)
    reading = indicator(riverton, "third-grade-reading")
    obs = (
        Observation.objects.filter(
            series__indicator=reading, series__area=ward, series__group__isnull=True
        )
        .order_by("period__start")
        .last()
    )
    approved = reading.format_value(obs.approved_value)
    Observation.objects.filter(pk=obs.pk).update(value=12.3456, approval="pending")
    html = client.get(f"/public/c/riverton/areas/{ward.code}/").content.decode()
    assert approved in html and reading.format_value(12.3456) not in html


def test_maps_tables_and_indicator_pages_link_to_the_area_pages(client, riverton):
    ward = _ward(riverton)
    html = client.get("/public/c/riverton/indicators/third-grade-reading/").content.decode()
    assert f'<a href="/public/c/riverton/areas/{ward.code}/">{ward.name}</a>' in html
    assert 'id="area-pages"' in html
    spanish = client.get(f"/es/public/c/riverton/areas/{ward.code}/").content.decode()
    assert '<html lang="es">' in spanish and "Indicadores" in spanish
    assert 'href="/es/public/c/riverton/indicators/third-grade-reading/"' in spanish


def test_the_static_build_writes_every_area_page_in_both_languages(demo_site, riverton):
    out, _report = demo_site  # the demo's site as built (conftest)
    for place in riverton.areas.all():
        for prefix in ("", "es/"):
            assert (out / f"{prefix}c/riverton/areas/{place.code}/index.html").is_file()
    assert broken_links(out) == []
