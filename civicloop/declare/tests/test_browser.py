"""In Debian's chromium: the public site, live and built, checked by axe-core (WCAG 2.1 A and
AA rules), on a desktop and a phone; and a staff member's refused edit. Screenshots go to
artifacts/ (declare-*.png)."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from civicloop.core.tests.browser import browser, demo_server, page, screenshot  # noqa: F401
from civicloop.declare.tests.helpers import SAVINGS_CLAIM
from civicloop.demo.install import DEMO_PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    ("home", ""),
    ("network", "networks/demo-network/"),
    ("collaborative", "c/riverton/"),
    ("result", "c/riverton/results/early-literacy/"),
    ("indicator", "c/riverton/indicators/third-grade-reading/"),
    ("indicator-survey", "c/riverton/indicators/emergency-savings/"),
    ("declarations", "c/riverton/declarations/"),
    ("decisions", "c/riverton/decisions/"),
    ("data", "c/riverton/data/"),
]


def serious_violations(page) -> list[str]:  # noqa: F811
    """axe-core's serious and critical violations of WCAG 2.1 A/AA on the current page."""
    # Evaluated by the browser's devtools channel: the page's Content-Security-Policy
    # forbids inline <script> (add_script_tag), and rightly keeps doing so for the test.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def declaration_path(page, root: str, suffix: str = "") -> str:  # noqa: F811
    """The first published declaration's page, found the way a reader finds it."""
    page.goto(f"{root}c/riverton/declarations/{suffix}")
    page.get_by_role("link", name="The evidence behind it").first.click()
    page.wait_for_load_state()
    return page.url


@pytest.fixture(scope="session")
def built_folder(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """The static site built from the test database, with Brookhaven as a second city of
    the network (added for the build, then rolled back).

    Built in a thread of its own: once the browser runs, Playwright's sync API keeps an
    event loop in this thread, which Django takes for async code.
    """
    from django.db import transaction

    from civicloop.declare import demo_network
    from civicloop.declare.site import build
    from civicloop.results.models import Collaborative

    out = tmp_path_factory.mktemp("public") / "site"
    failed: list[BaseException] = []

    def work():
        from django.db import connection

        try:
            with django_db_blocker.unblock(), transaction.atomic():
                riverton = Collaborative.objects.get(slug="riverton")
                brookhaven = demo_network.install(riverton.network)
                build(out, [riverton, brookhaven], analyse=False)
                transaction.set_rollback(True)
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            failed.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    return out


@pytest.fixture(scope="session")
def built_site(built_folder):
    """The built folder, served over HTTP on a free loopback port."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(built_folder))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db  # first, and marked: pytest-django creates the test database for it
def test_the_site_is_built_before_the_browser_starts(built_folder):
    assert (built_folder / "c" / "riverton" / "index.html").is_file()


# The built pages come from the same templates as the live ones: the pages whose links and
# assets differ the most are checked again.
@pytest.mark.parametrize(
    "name,path",
    [
        PAGES[1],
        ("network-result", "networks/demo-network/results/early-literacy/"),
        PAGES[2],
        PAGES[4],
    ],
)
def test_built_pages_have_no_serious_accessibility_violations(built_site, page, name, path):  # noqa: F811
    response = page.goto(f"{built_site}{path}index.html")
    assert response.status == 200
    assert serious_violations(page) == []
    screenshot(page, f"declare-built-{name}")


def test_the_built_declaration_page_and_embed(built_site, page):  # noqa: F811
    declaration_path(page, built_site, "index.html")
    assert serious_violations(page) == []
    page.goto(f"{built_site}c/riverton/indicators/third-grade-reading/embed/index.html")
    assert serious_violations(page) == []
    screenshot(page, "declare-built-embed")


@pytest.mark.parametrize("name,path", PAGES)
def test_live_public_pages_have_no_serious_accessibility_violations(page, demo_server, name, path):  # noqa: F811
    response = page.goto(f"{demo_server}/public/{path}")
    assert response.status == 200
    assert serious_violations(page) == []
    screenshot(page, f"declare-live-{name}")


def test_the_live_declaration_page(page, demo_server):  # noqa: F811
    declaration_path(page, f"{demo_server}/public/")
    assert page.locator("blockquote.statement").inner_text().startswith("Children in poverty")
    assert serious_violations(page) == []
    screenshot(page, "declare-live-declaration")


def test_on_a_phone_nothing_needs_sideways_scrolling(browser, demo_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone = context.new_page()
    for name, path in (("collaborative", "c/riverton/"), ("indicator", PAGES[4][1])):
        phone.goto(f"{demo_server}/public/{path}")
        overflow = phone.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name}: {overflow}px wider than the screen"
        screenshot(phone, f"declare-phone-{name}")
    context.close()


def test_a_staff_member_is_told_why_an_edit_is_refused(page, demo_server):  # noqa: F811
    page.goto(f"{demo_server}/accounts/login/?next=/c/riverton/declarations/")
    page.get_by_label("Username").fill("backbone")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/c/riverton/declarations/")
    page.get_by_label("Indicator").select_option(label="Families able to cover a $400 emergency")
    page.get_by_role("button", name="Draft from the evidence").click()
    page.wait_for_load_state()
    assert (
        "within the survey's margins of error" in page.locator("blockquote.statement").inner_text()
    )
    page.get_by_label("Statement", exact=True).fill(SAVINGS_CLAIM)
    page.get_by_role("button", name="Save the words").click()
    page.wait_for_load_state()
    refused = page.get_by_role("alert")
    assert "Not saved: the evidence does not support" in refused.inner_text()
    assert '"rose" claims a change' in refused.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "declare-staff-refused-edit")
