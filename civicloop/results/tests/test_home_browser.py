"""In Debian's chromium, on a desktop and on a phone: the stage navigation and the home.

The chair signs in, the home leads with what needs attention, the stage navigation says
where they are, and a tap on a stage moves there and marks it; on a 390 px phone every
stage stays reachable without sideways scrolling. Screenshots land in artifacts/.
"""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in
from civicloop.declare.tests.test_browser import serious_violations

pytestmark = pytest.mark.browser

STAGES = ["Home", "Results", "The table", "Measure", "Learn", "Review", "Declare"]


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_the_stage_navigation_and_the_home(browser, demo_server, name, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, demo_server, "chair")
    page.goto(f"{demo_server}/c/riverton/")
    nav = page.get_by_role("navigation", name="The loop")
    links = nav.get_by_role("link")
    assert links.all_inner_texts()[: len(STAGES)] == STAGES
    assert nav.locator("[aria-current]").all_inner_texts() == ["Home"]
    # Every stage can be seen and tapped: inside the viewport, nothing scrolls sideways.
    for label in STAGES:
        box = nav.get_by_role("link", name=label, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], label
        assert box["height"] >= 24, label  # a target a finger can hit
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    attention = page.get_by_role("region", name="Needs attention")
    assert attention.is_visible()
    for heading in ("Overdue commitments", "Data pending approval", "Next review"):
        assert attention.get_by_role("heading", name=heading).count() == 1, heading
    screenshot(page, f"home-{name}")
    assert serious_violations(page) == []  # axe-core, WCAG 2.1 A and AA

    nav.get_by_role("link", name="The table", exact=True).click()
    page.wait_for_url(f"{demo_server}/c/riverton/table/")
    nav = page.get_by_role("navigation", name="The loop")
    assert nav.locator('[aria-current="page"]').all_inner_texts() == ["The table"]
    # Deeper in a stage, the stage stays marked (as "true": not this very page).
    page.goto(f"{demo_server}/c/riverton/indicators/third-grade-reading/")
    current = page.get_by_role("navigation", name="The loop").locator('[aria-current="true"]')
    assert current.all_inner_texts() == ["Results"]
    screenshot(page, f"stage-nav-indicator-{name}")
    context.close()


def test_the_keyboard_reaches_the_stages_first(page, demo_server):
    """After "skip to content", the site links, then the stages: before the page's own."""
    sign_in(page, demo_server, "chair")
    page.goto(f"{demo_server}/c/riverton/")
    # The header's links (the site's, the reader's account, the language switcher) come
    # first; the window is wide enough for them, and the stages must follow them at once.
    seen = []
    for _ in range(16):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.textContent.trim()"))
    assert seen.index("Home") < seen.index("Results") < seen.index("Declare")
    stages = seen[seen.index("Results") : seen.index("Declare") + 1]
    assert stages == ["Results", "The table", "Measure", "Learn", "Review", "Declare"], seen


@pytest.mark.parametrize(
    "path", ["c/riverton/results/", "c/riverton/results/early-literacy/", "no-such-page/"]
)
def test_the_new_pages_pass_axe(page, demo_server, path):
    sign_in(page, demo_server, "chair")
    page.goto(f"{demo_server}/{path}")
    assert serious_violations(page) == []
