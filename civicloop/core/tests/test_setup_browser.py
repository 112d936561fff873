"""In Debian's chromium: the backbone invites a partner, who signs up from the emailed link
and signs in; then the backbone adds a URL source and tests it before saving."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from civicloop.core.tests.browser import demo_workspace, screenshot, sign_in
from civicloop.measure.tests.portals import FilePortal, serving

pytestmark = pytest.mark.browser

CSV = (
    b"indicator,area,period,value\r\n"
    b"emergency-savings,south,2031,41.5\r\n"
    b"emergency-savings,west,2031,44\r\n"
)
NEW_PASSWORD = "Riverton canal walk at dawn"


def emailed_link(outbox, address: str, server: str, timeout: float = 10) -> str:
    """The sign-up link in the email sent to ``address`` (the server's outbox folder)."""
    pattern = re.compile(re.escape(server) + r"/c/riverton/join/[\w-]+/")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in sorted(outbox.glob("*.log")) if outbox.exists() else []:
            text = message.read_text(encoding="utf-8", errors="replace")
            if f"To: {address}" in text and (found := pattern.search(text)):
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no invitation to {address} in {outbox}")


def watch_errors(page) -> list[str]:
    """Script errors (a CSP refusing an inline script among them) and failed responses.
    Chromium's own favicon request is reported only as a console line, so failed loads are
    taken from the responses, which do not include it."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    return errors


def test_the_backbone_invites_a_partner_who_signs_up_and_signs_in(browser, page, demo_server):
    errors = watch_errors(page)
    who = uuid.uuid4().hex[:8]
    address = f"gwen-{who}@littlesteps.example"
    sign_in(page, demo_server, "backbone")
    page.goto(f"{demo_server}/c/riverton/setup/people/")
    page.fill("#id_email", address)
    page.select_option("#id_role", "partner_member")
    page.select_option("#id_organisation", label="Little Steps Child Care Alliance")
    page.click("text=Send the invitation")
    assert f"Invitation sent to {address}" in page.locator(".messages").inner_text()
    assert (
        page.locator("section", has_text="Invitations waiting")
        .locator("td", has_text=address)
        .count()
        == 1
    )
    screenshot(page, "setup-people-invited")

    link = emailed_link(demo_workspace() / "outbox", address, demo_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    gwen = context.new_page()
    gwen.goto(link)
    assert "partner member" in gwen.locator("main").inner_text()
    gwen.fill("#id_username", f"gwen-{who}")
    gwen.fill("#id_display_name", "Gwen Okafor")
    gwen.fill("#id_password1", NEW_PASSWORD)
    gwen.fill("#id_password2", NEW_PASSWORD)
    screenshot(gwen, "setup-join-form")
    gwen.click("text=Create my account")
    gwen.wait_for_url(re.compile(r".*/accounts/login/.*"))
    assert "You joined Riverton" in gwen.locator(".messages").inner_text()
    gwen.fill("#id_username", f"gwen-{who}")
    gwen.fill("#id_password", NEW_PASSWORD)
    gwen.click("form button[type=submit]")
    gwen.wait_for_url(f"{demo_server}/c/riverton/")
    assert "Signed in as Gwen Okafor" in gwen.locator("header").inner_text()
    screenshot(gwen, "setup-partner-signed-in")
    # The link worked once.
    gwen.goto(link)
    assert "already been used" in gwen.locator("main").inner_text()
    context.close()

    page.goto(f"{demo_server}/c/riverton/setup/people/")
    assert page.locator("td", has_text=f"gwen-{who}").count() == 1
    assert errors == []


def test_the_backbone_tests_a_url_source_before_saving_it(page, demo_server):
    portal = FilePortal(files={"/exports/savings.csv": ("text/csv", CSV)})
    errors = watch_errors(page)
    sign_in(page, demo_server, "backbone")
    with serving(portal) as base:
        page.goto(f"{demo_server}/c/riverton/setup/sources/new/")
        # Only the chosen kind's settings are shown (static JS; no inline script).
        page.select_option("#id_kind", "socrata")
        assert page.locator("fieldset[data-kind=socrata]").is_visible()
        assert not page.locator("fieldset[data-kind=url]").is_visible()
        page.select_option("#id_kind", "url")
        assert page.locator("fieldset[data-kind=url]").is_visible()
        assert not page.locator("fieldset[data-kind=socrata]").is_visible()
        name = f"Savings survey {uuid.uuid4().hex[:6]}"
        page.fill("#id_name", name)
        page.fill("#id_url_url", f"{base}/exports/savings.csv")
        page.fill("#id_schedule_minutes", "1440")
        page.click("text=Test: fetch the first page")
        preview = page.locator("#preview")
        preview.wait_for()
        text = preview.inner_text()
        assert "2 rows on the first page" in text, text
        assert "Nothing was saved" in text
        assert "Every indicator and area on this page is known" in text
        assert preview.locator("table.mapped tbody tr").count() == 2
        assert len(portal.requests) == 1
        screenshot(page, "setup-source-tested")
        page.click("text=Save the source")
        page.wait_for_url(f"{demo_server}/c/riverton/setup/sources/")
        assert page.locator("td", has_text=name).count() == 1
        screenshot(page, "setup-sources")
    assert errors == []


def test_the_people_and_source_pages_have_no_serious_accessibility_violations(browser, demo_server):
    from civicloop.declare.tests.test_browser import serious_violations

    # axe is injected as a script of its own, which the Content-Security-Policy would refuse.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, demo_server, "backbone")
    found = {}
    for path in ("setup/people/", "setup/sources/", "setup/sources/new/"):
        page.goto(f"{demo_server}/c/riverton/{path}")
        found[path] = serious_violations(page)
    context.close()
    assert found == {path: [] for path in found}
