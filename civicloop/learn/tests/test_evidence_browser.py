"""In Debian's chromium: the evidence on indicator pages, as a signed-in analyst sees it."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import ARTIFACTS
from civicloop.demo.install import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, server: str) -> None:
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#evidence").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_kindergarten_readiness_in_the_south_ward(page, demo_server):
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/indicators/kindergarten-readiness/?area=south")
    evidence = page.locator("#evidence")
    assert "What the data say: South Ward" in evidence.inner_text()
    card = evidence.locator("li.card", has_text="Home child-care network")
    assert card.locator(".verdict.good").inner_text() == "working"
    shoot(page, "evidence-kindergarten-readiness-south-ward")


def test_emergency_savings_within_the_margin_of_error(page, demo_server):
    sign_in(page, demo_server)
    page.goto(f"{demo_server}/c/riverton/indicators/emergency-savings/")
    evidence = page.locator("#evidence")
    assert evidence.locator(".verdict.warn", has_text="within the margin of error").count() == 1
    assert "Improving" not in evidence.inner_text()
    shoot(page, "evidence-emergency-savings")


def test_changing_the_area_updates_the_evidence(page, demo_server):
    page.goto(f"{demo_server}/c/riverton/indicators/kindergarten-readiness/")
    assert "What the data say: Riverton" in page.locator("#evidence").inner_text()
    page.select_option("#area", "west")
    page.wait_for_function(
        # A function, not an expression: Playwright evals an expression in the page, which
        # the Content-Security-Policy (no 'unsafe-eval') forbids.
        "() => document.querySelector('#evidence h2').textContent.includes('West Ward')",
        timeout=10000,
    )
    assert "area=west" in page.url


def test_the_result_page_shows_a_verdict_beside_each_sparkline(page, demo_server):
    page.goto(f"{demo_server}/c/riverton/results/economic-security/")
    rows = page.locator("tbody tr")
    assert rows.count() >= 3
    for i in range(rows.count()):
        assert rows.nth(i).locator("svg.sparkline").count() == 1
        assert rows.nth(i).locator(".verdict").count() == 1
    savings = rows.filter(has_text="Families able to cover a $400 emergency")
    assert savings.locator(".verdict").inner_text() == "no clear trend"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("table").screenshot(path=str(ARTIFACTS / "result-verdicts.png"))
