"""In Debian's chromium: the chair opens today's packet, signs a decision in place (HTMX),
and the packet reads on a phone."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_chair_reads_the_packet_and_signs_a_decision(page, demo_server):
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(demo_server) else None
    )
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/reviews/")
    page.get_by_role("link", name="Learning review", exact=True).click()
    card = page.locator("#strategy-home-child-care-network")
    assert "Proposed: Scale" in card.inner_text()
    nudges = page.locator("#strategy-attendance-text-nudges")
    assert "Proposed: Change course" in nudges.inner_text()
    screenshot(page, "review-packet")

    url = page.url
    nudges.get_by_label("Rationale").fill("A year on, the adapted texts still move nothing.")
    nudges.get_by_role("button", name="Sign the decision").click()
    page.wait_for_selector("#decision-attendance-text-nudges >> text=The table decided:")
    assert page.url == url  # swapped in place, no reload
    assert "Signed by Dr. Alicia Moreno" in nudges.inner_text()
    assert outside == []  # nothing fetched from anywhere but civicloop itself


def test_the_packet_on_a_phone(browser, demo_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone = context.new_page()
    sign_in(phone, demo_server, "partner")
    phone.goto(f"{demo_server}/c/riverton/reviews/")
    phone.get_by_role("link", name="Learning review", exact=True).click()
    assert "only a chair of the collaborative signs decisions" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "review-packet-phone")
    context.close()
