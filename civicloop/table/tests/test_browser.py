"""In Debian's chromium: the shared-families graph draws offline, and who is missing reads well."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_network_graph_and_who_is_missing_render(page, demo_server):
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(demo_server) else None
    )
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/table/network/")
    page.wait_for_selector(".graph .vega[data-rendered='true'] svg", timeout=20000)
    nodes = page.locator(".graph svg .mark-symbol.role-mark path")
    links = page.locator(".graph svg .mark-path.role-mark path")
    assert nodes.count() == 24 and links.count() >= 20
    # The force layout placed the nodes apart, inside the drawing.
    boxes = [nodes.nth(i).bounding_box() for i in range(nodes.count())]
    graph = page.locator(".graph .vega").bounding_box()
    assert len({(round(b["x"]), round(b["y"])) for b in boxes}) == 24
    assert all(graph["x"] <= b["x"] <= graph["x"] + graph["width"] for b in boxes)
    assert page.locator(".graph svg text", has_text="South Ward Family Health Center").count() == 1
    assert outside == []  # nothing fetched from anywhere but civicloop itself
    screenshot(page, "table-shared-families-network")

    page.goto(f"{demo_server}/c/riverton/results/early-literacy/table/")
    first = page.locator("ol.suggestions > li").first
    assert "South Ward Family Health Center" in first.locator("h3").inner_text()
    assert "No health organisation sits at this table" in first.inner_text()
    screenshot(page, "table-who-is-missing")


def test_the_who_is_missing_page_on_a_phone(browser, demo_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone = context.new_page()
    sign_in(phone, demo_server)
    phone.goto(f"{demo_server}/c/riverton/results/early-literacy/table/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "table-who-is-missing-phone")
    context.close()
