"""In Debian's chromium: the demo's indicator page draws its chart with the bundled Vega."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot

pytestmark = pytest.mark.browser


def test_the_indicator_chart_renders_offline(page, demo_server):
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(demo_server) else None
    )
    page.goto(f"{demo_server}/c/riverton/indicators/third-grade-reading/")
    page.wait_for_selector(".vega[data-rendered='true'] svg", timeout=20000)
    marks = page.locator(".vega svg .mark-line path, .vega svg .mark-symbol path").count()
    assert marks >= 2
    assert outside == []  # nothing fetched from anywhere but civicloop itself
    screenshot(page, "indicator-third-grade-reading")


def test_the_disaggregation_toggle_redraws_the_chart(page, demo_server):
    page.goto(f"{demo_server}/c/riverton/indicators/third-grade-reading/")
    page.wait_for_selector(".vega[data-rendered='true'] svg", timeout=20000)
    page.get_by_label("By race/ethnicity").check()
    page.wait_for_function(
        # A function, not an expression, which Playwright would eval (forbidden by the CSP).
        "() => document.querySelectorAll('.vega svg .mark-line path').length >= 6",
        timeout=20000,
    )
    assert "by=race-ethnicity" in page.url
    screenshot(page, "indicator-by-race")


def test_a_phone_sized_result_page(browser, demo_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone = context.new_page()
    phone.goto(f"{demo_server}/c/riverton/results/early-literacy/")
    assert phone.locator("svg.sparkline").count() >= 3
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling of the page itself
    screenshot(phone, "result-phone")
    context.close()
