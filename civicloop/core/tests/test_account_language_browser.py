"""A person chooses Spanish on their account page: from then on the working app speaks it to
them, and a set-up form shows each English field beside its Spanish twin, labelled
"Título (español)", not a second form below the first (screenshots in artifacts/)."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def backbone_back_in_english(page, demo_server):
    """The demo server is shared: the backbone's choice of Spanish is undone afterwards, or
    every later test signed in as the backbone would read Spanish."""
    yield
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo_server, "backbone")
    page.goto(f"{demo_server}/accounts/me/")
    page.select_option("#id_language", "")  # as the demo made it: the browser decides
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{demo_server}/accounts/me/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_person_chooses_spanish_and_forms_pair_the_two_languages(
    page, demo_server, backbone_back_in_english
):
    sign_in(page, demo_server, "backbone")
    page.goto(f"{demo_server}/accounts/me/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#id_language", "es")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{demo_server}/accounts/me/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Su cuenta").is_visible()
    screenshot(page, "account-language-es")

    # A fresh browser (no switcher cookie) signing in as the same person reads Spanish too.
    page.context.clear_cookies()
    sign_in(page, demo_server, "backbone")
    assert page.locator("html").get_attribute("lang") == "es"

    page.goto(f"{demo_server}/c/riverton/setup/results/early-literacy/")
    pair = page.locator(".language-pair").first
    assert pair.get_by_label("Título (español)").is_visible()  # its label ends with ":"
    english = pair.locator(".field-group").nth(0).bounding_box()
    spanish = pair.locator(".field-group").nth(1).bounding_box()
    assert abs(english["y"] - spanish["y"]) < 2 and spanish["x"] > english["x"]  # side by side
    screenshot(page, "result-form-two-languages-es")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one under the other
    page.reload()
    pair = page.locator(".language-pair").first
    english = pair.locator(".field-group").nth(0).bounding_box()
    spanish = pair.locator(".field-group").nth(1).bounding_box()
    assert spanish["y"] > english["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
