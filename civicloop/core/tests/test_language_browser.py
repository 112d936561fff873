"""In Debian's chromium: a reader switches the working app and the public site to Spanish
and back, under the Content-Security-Policy (the switcher is a form and a link, no script)."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_working_app_switches_to_spanish_and_back(page, demo_server):
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/")
    assert page.get_attribute("html", "lang") == "en"
    page.click("form.languages button[value=es]")
    page.wait_for_load_state()
    assert page.url == f"{demo_server}/c/riverton/"  # the same page, now in Spanish
    assert page.get_attribute("html", "lang") == "es"
    assert page.locator("a.skip").inner_text() == "Saltar al contenido"
    assert "Cerrar sesión" in page.locator("header.site").inner_text()
    page.goto(f"{demo_server}/c/riverton/indicators/third-grade-reading/")
    assert page.get_attribute("html", "lang") == "es"  # the choice stays, page to page
    screenshot(page, "language-working-app-es")
    page.click("form.languages button[value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Sign out" in page.locator("header.site").inner_text()
    assert refused == []


def test_the_public_site_links_each_page_to_its_spanish_twin(page, demo_server):
    page.goto(f"{demo_server}/public/c/riverton/")
    assert page.get_attribute("html", "lang") == "en"
    page.click("nav.languages a[hreflang=es]")
    page.wait_for_url(f"{demo_server}/es/public/c/riverton/")
    assert page.get_attribute("html", "lang") == "es"
    assert "Datos abiertos" in page.locator("header.site").inner_text()
    page.click("header.site a:has-text('Metodología')")
    page.wait_for_url(f"{demo_server}/es/public/c/riverton/methodology/")
    screenshot(page, "language-public-site-es")
    page.click("nav.languages a[hreflang=en]")
    page.wait_for_url(f"{demo_server}/public/c/riverton/methodology/")
    assert page.get_attribute("html", "lang") == "en"
