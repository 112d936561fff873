"""Indicator pages show the verdicts with their evidence, in plain words; result pages put
a short verdict next to each sparkline."""

from __future__ import annotations

import re

import pytest
from django.db.models import F
from django.urls import reverse

from civicloop.learn import store
from civicloop.learn.models import SeriesAnalysis
from civicloop.results.models import Series

pytestmark = pytest.mark.django_db


def url(indicator: str, **query) -> str:
    path = reverse("indicator", args=["riverton", indicator])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def evidence_of(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section id="evidence".*?</section>', html, re.S)
    assert match, "no evidence section"
    return re.sub(r"\s+", " ", match.group(0))


def test_kindergarten_readiness_in_the_south_ward_shows_trend_progress_and_strategy(
    client, erin, riverton
):
    store.analyse(riverton)
    client.force_login(erin)
    text = evidence_of(client.get(url("kindergarten-readiness", area="south")))
    assert "What the data say: South Ward" in text
    assert re.search(
        r"Improving: \+\d\.\d+ points a year \(95% interval \+\d\.\d+ to \+\d\.\d+\), "
        r"p (=|&lt;) [\d.]+ \(.* after adjusting for \d+ indicators\)",
        text,
    ), text
    assert "Progress to target" in text and "2029-30" in text
    assert "Home child-care network" in text
    assert '<span class="verdict good">working</span>' in text
    assert "against 8 comparison areas since 2020-21" in text
    assert "Clinton Park" in text  # its areas are named


def test_emergency_savings_says_the_latest_rise_is_within_the_margin_of_error(
    client, erin, riverton
):
    store.analyse(riverton)
    client.force_login(erin)
    text = evidence_of(client.get(url("emergency-savings")))
    assert "Improving" not in text
    assert '<span class="verdict warn">within the margin of error</span>' in text
    assert "The latest change, +3.0 points from 2024 to 2025, is within the margin of error" in text
    assert "±3.6" in text


def test_the_attendance_nudges_are_shown_as_not_working(client, erin, riverton):
    client.force_login(erin)
    text = evidence_of(client.get(url("chronic-absence", area="west")))
    assert "Attendance text nudges" in text
    assert '<span class="verdict warn">not working</span>' in text
    assert "The evidence rules out an effect worth having" in text


def test_the_public_sees_trends_but_not_strategy_effects(client, riverton):
    text = evidence_of(client.get(url("kindergarten-readiness", area="south")))
    assert "Improving" in text and "Progress to target" in text
    assert "Home child-care network" not in text


def test_progress_says_too_noisy_when_the_projection_spans_the_target(client, erin, riverton):
    client.force_login(erin)
    text = evidence_of(client.get(url("small-business-loans")))
    assert '<span class="verdict warn">too noisy to tell</span>' in text
    assert "a range that spans the target" in text


def test_stale_results_are_computed_on_the_fly_and_nothing_is_written(client, erin, riverton):
    store.analyse(riverton)
    reading = Series.objects.get(
        indicator__slug="third-grade-reading", area__code="riverton", group__isnull=True
    )
    Series.objects.filter(pk=reading.pk).update(version=F("version") + 1)
    client.force_login(erin)
    text = evidence_of(client.get(url("third-grade-reading")))
    assert "Improving" in text
    assert SeriesAnalysis.objects.get(series=reading).computed_from_version == reading.version


def test_changing_the_area_with_htmx_brings_the_evidence_along(client, erin, riverton):
    client.force_login(erin)
    response = client.get(url("kindergarten-readiness", area="west"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="panel"' in html
    assert 'hx-swap-oob="true"' in html and "What the data say: West Ward" in html


def test_the_result_page_puts_a_verdict_next_to_each_sparkline(client, erin, riverton):
    store.analyse(riverton)
    client.force_login(erin)
    html = client.get(reverse("result", args=["riverton", "economic-security"])).content.decode()
    assert html.count('class="sparkline') == 4
    assert '<span class="verdict good" title="Improving:' in html
    assert '<span class="verdict " title="No clear trend:' in html  # emergency savings


def test_the_indicator_page_stays_fast(
    client, erin, riverton, monkeypatch, django_assert_max_num_queries
):
    """Fast, on any machine: the page reads the stored analyses (the engine never runs)
    in a bounded number of queries. (It timed the page once, which failed whenever the
    machine was busy; `benchmarks/site.py` measures time.)"""
    store.analyse(riverton)
    client.force_login(erin)

    def no_engine(*args, **kwargs):
        raise AssertionError("the page recomputed an analysis that is stored and fresh")

    monkeypatch.setattr(store, "compute", no_engine)
    monkeypatch.setattr(store, "compute_effects", no_engine)
    # An analyst's page: the merged count (approval state, set-up and audit links' access
    # checks add a constant few) plus one; Turn the Curve a constant four more (the start of
    # the work, the conversation and the right to edit it); the data calendar's "next
    # expected" three; the map's six; the strategies aimed at it one; reading only what
    # the page shows cut three: the merged count, 36, plus one.
    with django_assert_max_num_queries(37):
        assert client.get(url("kindergarten-readiness", area="south")).status_code == 200


def test_each_line_on_a_disaggregated_chart_gets_its_own_verdict(client, erin, riverton):
    store.analyse(riverton)
    client.force_login(erin)
    text = evidence_of(client.get(url("third-grade-reading", by="race-ethnicity")))
    assert "Each line on the chart" in text
    for group in ("Black", "Hispanic or Latino", "White", "Asian", "Multiracial or other"):
        assert f'<li>{group}: <span class="verdict' in text
    text = evidence_of(client.get(url("third-grade-reading", area="south", by="areas")))
    for hood in ("Clinton Park", "Fairmount", "Ironbound", "Weequahic Hills"):
        assert f'<li>{hood}: <span class="verdict' in text
