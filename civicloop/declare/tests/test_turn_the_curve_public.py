"""The public site, its embed, its chart.svg and the PDF report draw the baseline forecast
band behind the actual line, with the verdict in words, from approved values only."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from civicloop.declare import svgchart
from civicloop.declare.public.snapshot import Snapshot
from civicloop.results.charts import BandPoint, Point
from civicloop.results.models import Collaborative

pytestmark = pytest.mark.django_db

PAGE = "/public/c/riverton/indicators/emergency-savings/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_svg_draws_the_band_names_it_and_describes_it():
    points = [Point("Riverton", str(y), f"{y}-01-01", 10.0 + y - 2015) for y in range(2015, 2022)]
    band = [BandPoint(f"{y}-01-01", str(y), 15.0, 13.0, 17.0) for y in (2020, 2021)]
    svg = svgchart.line_chart(
        points,
        title="T",
        value_text=str,
        forecast=band,
        forecast_label="Baseline forecast, 95% band",
    )
    assert svg.count('class="forecast"') == 1 and "<polygon" in svg
    assert "Baseline forecast, 95% band" in svg  # in the legend and the description
    assert re.search(r"<desc[^>]*>.*Baseline forecast, 95% band: in 2021 expected 15.0", svg)
    one = svgchart.line_chart(
        points, title="T", value_text=str, forecast=band[:1], forecast_label="B"
    )
    assert '<g class="forecast"><rect' in one  # a single period's band is a bar


def test_the_public_page_embed_and_svg_show_the_band_and_the_words(client):
    html = client.get(PAGE).content.decode()
    assert html.count('class="forecast"') >= 1
    # A survey estimate above the band, but its margin of error reaches back into it.
    assert 'data-curve-status="within_margin"' in html
    assert "Not turning yet: in 2025 the value, 43.0%, is above the 95% band" in html
    assert "may be sampling noise" in html
    embed = client.get(PAGE + "embed/").content.decode()
    assert 'class="forecast"' in embed and "Turn the curve:" in embed
    svg = client.get(PAGE + "chart.svg").content.decode()
    assert 'class="forecast"' in svg


def test_the_public_band_reads_approved_values_only(client):
    from civicloop.results.models import Observation

    riverton = Collaborative.objects.get(slug="riverton")
    snap = Snapshot(riverton)
    ind = snap.indicator("emergency-savings")
    before = snap.curve(ind)
    # A pending value far outside the band moves nothing the public sees.
    obs = (
        Observation.objects.filter(
            series__indicator=ind, series__area=snap.area, series__group__isnull=True
        )
        .order_by("-period__start")
        .first()
    )
    obs.value = obs.value - 30
    obs.approval = "pending"
    obs.save()
    after = Snapshot(riverton).curve(Snapshot(riverton).indicator("emergency-savings"))
    assert after.status == before.status and after.latest_value == before.latest_value


def test_the_report_pdf_html_has_the_band_and_the_words():
    from civicloop.declare.report import report_html

    html = report_html(Collaborative.objects.get(slug="riverton"))
    assert 'class="forecast"' in html and "Turn the curve:" in html
