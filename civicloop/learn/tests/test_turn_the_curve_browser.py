"""In Debian's chromium: the baseline forecast band drawn behind the actual line on an
indicator's chart, with the verdict in words; and the Turn the Curve conversation written
through its form. Screenshots go to the artifacts folder."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import ARTIFACTS
from civicloop.learn.tests.test_evidence_browser import sign_in

pytestmark = pytest.mark.browser


def test_the_working_app_draws_the_band_behind_the_actual_line(page, demo_server):
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/indicators/emergency-savings/")
    page.wait_for_selector(".vega[data-rendered=true]", timeout=20000)
    chart = page.locator("figure.chart .vega svg")
    # Vega names the band's marks after the layer (`forecast_band`): an area with a shape.
    band = chart.locator("g.forecast_band_marks path")
    assert band.count() >= 1
    assert len(band.first.get_attribute("d") or "") > 20
    assert chart.locator("g.mark-line path").count() >= 2  # the actual line and the forecast
    words = page.locator(".curve")
    # Above the band, but the survey's margin of error reaches back into it: no turn.
    assert words.locator(".verdict.warn").inner_text() == (
        "not turning yet: within the margin of error"
    )
    assert "above the 95% band of the baseline forecast" in words.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#panel figure.chart").screenshot(path=str(ARTIFACTS / "turn-the-curve-app.png"))
    page.locator(".curve").screenshot(path=str(ARTIFACTS / "turn-the-curve-words.png"))


def test_the_public_page_draws_the_band_without_javascript(page, demo_server):
    page.goto(f"{demo_server}/public/c/riverton/indicators/emergency-savings/")
    figure = page.locator("figure.chart").first
    assert figure.locator(".chart-wide g.forecast polygon").count() == 1
    assert "Turn the curve:" in figure.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figure.screenshot(path=str(ARTIFACTS / "turn-the-curve-public.png"))


def test_an_analyst_writes_the_conversation_and_sees_it_kept(page, demo_server):
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/indicators/chronic-absence/")
    page.get_by_role("link", name="Start the conversation").click()
    page.get_by_label("How are we doing?", exact=True).fill("Flat since 2021, inside the band.")
    page.get_by_label("The story behind the curve", exact=True).fill("Bus routes were cut in 2021.")
    page.get_by_label("Evidence of what works", exact=True).fill(
        "Attendance Works | https://www.attendanceworks.org/"
    )
    page.get_by_role("button", name="Save the conversation").click()
    page.wait_for_load_state()
    section = page.locator("#conversation")
    assert "Bus routes were cut in 2021." in section.inner_text()
    assert section.get_by_role("link", name="Attendance Works").count() == 1
    assert "1 change kept" in section.inner_text()
    section.screenshot(path=str(ARTIFACTS / "turn-the-curve-conversation.png"))


def test_the_review_packet_reads_every_indicator_against_its_band(page, demo_server):
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/reviews/")
    # The newest review not yet frozen is built from the data now: it carries the curves.
    page.locator("tbody tr", has_text="built from the data").first.locator("th a").click()
    page.wait_for_load_state()
    section = page.locator("section[aria-labelledby=turn-the-curve]")
    assert section.locator("article.curve-entry").count() >= 10
    savings = section.locator("#curve-emergency-savings")
    assert savings.locator("g.forecast polygon").count() == 1
    assert "may be sampling noise" in savings.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    savings.screenshot(path=str(ARTIFACTS / "turn-the-curve-packet.png"))
