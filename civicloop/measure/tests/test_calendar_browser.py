"""In Debian's chromium: the chair finds the data calendar on the collaborative's home (the
schools' school-year numbers are overdue in the demo, whose data end in 2024-25), and the
whole calendar one click away."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_chair_sees_what_is_due_and_overdue(page, demo_server):
    sign_in(page, demo_server, "chair")
    page.goto(f"{demo_server}/c/riverton/")
    section = page.locator("section.data-calendar")
    assert section.get_by_role("heading", name="Data calendar").is_visible()
    assert "Freshness:" in section.inner_text()
    assert section.get_by_role("heading", name="Yours to send").is_visible()
    entry = section.locator("a[href*='measure/enter/?indicator=third-grade-reading']").first
    assert entry.is_visible()
    assert section.locator(".verdict.bad").count() >= 3  # the schools' three, and more
    screenshot(page, "home-data-calendar")
    section.get_by_role("link", name="The whole calendar").click()
    page.wait_for_url(f"{demo_server}/c/riverton/measure/calendar/")
    rows = page.locator("table.data-calendar tbody tr")
    assert rows.count() >= 10
    assert "Riverton Public Schools" in page.locator("table.data-calendar").inner_text()
    screenshot(page, "data-calendar")
