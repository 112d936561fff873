"""In Debian's chromium: an indicator's maps drawn offline by the bundled Vega-Lite, and the
public site's server-drawn SVG map."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_indicator_map_renders_offline(page, demo_server):
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(demo_server) else None
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/indicators/third-grade-reading/#map")
    page.wait_for_selector(".vega-map[data-rendered='true'] svg", timeout=30000)
    page.locator("#map").scroll_into_view_if_needed()
    screenshot(page, "indicator-map")
    # Twelve neighbourhoods on each of the two maps, each a filled path (a geoshape is
    # drawn as Vega's "shape" mark).
    shapes = page.locator(".vega-map svg .mark-shape path")
    assert shapes.count() == 24
    box = page.locator(".vega-map svg").bounding_box()
    assert box["width"] > 500 and box["height"] > 200
    # Legends for both: the value classes and the verdicts.
    assert page.locator(".vega-map svg .role-legend").count() == 2
    assert outside == []  # no tiles, no CDN
    assert not [e for e in errors if "geoshape" in e.lower() or "projection" in e.lower()]


def test_the_public_map_is_svg_drawn_on_the_server(page, demo_server):
    page.goto(f"{demo_server}/public/c/riverton/indicators/third-grade-reading/")
    maps = page.locator("svg.map-svg")
    assert maps.count() == 2
    assert maps.first.locator("path").count() >= 12
    # Side by side on a desktop screen, each within the page.
    first, second = maps.first.bounding_box(), maps.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1
    page.locator(".map-section").scroll_into_view_if_needed()
    screenshot(page, "public-indicator-map")
