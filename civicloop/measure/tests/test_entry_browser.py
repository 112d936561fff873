"""In Debian's chromium: a partner fills the data-entry grid with the keyboard alone, gets
a bad cell back with its message beside it, fixes it and enters the quarter's numbers."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser
GRID = "/c/riverton/measure/enter/?indicator=licensed-child-care-seats"


def test_a_partner_fills_the_grid_by_keyboard(page, demo_server):
    sign_in(page, demo_server, "partner")
    page.goto(demo_server + GRID)
    inputs = page.locator("table input")
    count = inputs.count()
    assert count >= 3
    first_id = inputs.nth(0).get_attribute("id")
    # Each input has a label a screen reader reads: indicator, area, group, period.
    label = page.locator(f"label[for='{first_id}']").inner_text()
    assert "Licensed child-care seats" in label and "Riverton" in label
    # From the period field, Tab walks the value cells row by row.
    page.focus("input[name^='period-']")
    typed = ["31.5", "lots", "28,5"]
    for text in typed:
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    focused = page.evaluate("document.activeElement.id")
    assert focused == inputs.nth(2).get_attribute("id")
    page.keyboard.press("Enter")  # submits the form, no JavaScript needed
    page.wait_for_selector("#problems")
    bad = inputs.nth(1).get_attribute("id")
    message = page.locator(f"#{bad}-error").inner_text()
    assert "'lots' is not a number" in message
    assert page.locator(f"#{bad}").get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{bad}").input_value() == "lots"  # what was typed comes back
    shot = screenshot(page, "entry-grid-problem")
    assert shot.exists()
    # The summary's link takes the keyboard to the cell.
    page.locator(f"#problems a[href='#{bad}']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.activeElement.id === '{bad}'")
    page.keyboard.press("Control+a")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages .success")
    text = page.locator(".messages").inner_text()
    assert "3 new" in text and "wait for approval" in text
    assert "/loads/" in page.url
    screenshot(page, "entry-grid-entered")
    # Back on the grid: three areas of sixteen came in, so the same period is still due,
    # with what was entered in its cells and the rest to fill.
    page.goto(demo_server + GRID)
    screenshot(page, "entry-grid-still-due")
    assert page.locator(f"#{bad}").input_value() == "30"
    assert page.locator("table input").nth(3).input_value() == ""
