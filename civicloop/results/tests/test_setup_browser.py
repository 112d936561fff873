"""In Debian's chromium: a backbone admin sets up a fresh collaborative end to end.

Gina signs in to a workspace with an empty collaborative and no superuser, creates a
result and an indicator with two targets, adds the city and imports its wards from a
GeoJSON file, uploads data through the upload page, and sees the trend on the
indicator page. Screenshots go to artifacts/ (setup-*.png).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from civicloop.core.tests.browser import free_port, screenshot, start_server
from civicloop.results.tests.setup_helpers import collection, square

pytestmark = pytest.mark.browser

PASSWORD = "a long set-up password"
CREATE = """
import django; django.setup()
from civicloop.results.models import Collaborative
Collaborative.objects.create(name="Lakeside Promise", slug="lakeside", city="Lakeside")
"""


def _run(env, *args):
    subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def fresh_server():
    """A new workspace with one empty collaborative and its backbone admin, served."""
    workspace = Path(tempfile.mkdtemp(prefix="civicloop-setup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICLOOP_")}
    env |= {
        "CIVICLOOP_WORKSPACE": str(workspace),
        "DJANGO_SETTINGS_MODULE": "civicloop.core.settings",
        "CIVICLOOP_PASSWORD": PASSWORD,
    }
    _run(env, "-m", "civicloop.cli", "init", str(workspace))
    _run(env, "-c", CREATE)
    _run(env, "-m", "civicloop.cli", "createuser", "gina", "--collaborative", "lakeside",
         "--role", "backbone_admin")  # fmt: skip
    port = free_port()
    argv = ["-m", "civicloop.cli", "serve", "--port", str(port), "--workers", "1", "--no-worker"]
    proc = start_server(argv, env, port, workspace / "server.log")
    yield f"http://127.0.0.1:{port}", workspace
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(workspace, ignore_errors=True)


def test_gina_sets_up_a_fresh_collaborative_in_the_browser(page, fresh_server, tmp_path):
    server, _ = fresh_server
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    scripts_blocked: list[str] = []
    page.on("console", lambda m: scripts_blocked.append(m.text) if "Refused" in m.text else None)

    page.goto(f"{server}/accounts/login/?next=/c/lakeside/")
    page.fill("#id_username", "gina")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server}/c/lakeside/")
    page.get_by_role("link", name="Set up", exact=True).first.click()
    page.wait_for_url(f"{server}/c/lakeside/setup/")
    screenshot(page, "setup-1-empty")

    # A result.
    page.get_by_role("link", name="Add a result").click()
    page.locator("#id_title").fill("Children read well")
    page.locator("#id_statement").fill(
        "Every child in Lakeside reads at grade level by third grade."
    )
    page.get_by_role("button", name="Save the result").click()
    page.wait_for_url(f"{server}/c/lakeside/setup/")

    # The city by hand, then its wards from GeoJSON.
    page.get_by_role("link", name="Areas", exact=True).click()
    page.get_by_role("link", name="Add an area by hand").click()
    page.locator("#id_name").fill("Lakeside")
    page.locator("#id_code").fill("lakeside")
    page.locator("#id_level").select_option("city")
    page.get_by_role("button", name="Save the area").click()
    page.wait_for_url(f"{server}/c/lakeside/setup/areas/")
    wards = tmp_path / "wards.geojson"
    wards.write_text(
        json.dumps(
            collection(
                ({"WARD_ID": "W1", "WARD_NAME": "Harbour", "POP": 5200}, square(-80.00, 40.0)),
                ({"WARD_ID": "W2", "WARD_NAME": "Hillside", "POP": 4100}, square(-79.99, 40.0)),
                ({"WARD_ID": "W3", "WARD_NAME": "Millbrook", "POP": 3900}, square(-79.98, 40.0)),
            )
        )
    )
    page.get_by_role("link", name="Import boundaries from GeoJSON").click()
    page.locator("#id_file").set_input_files(str(wards))
    page.get_by_role("button", name="Upload and continue").click()
    page.locator("#id_code_property").select_option("WARD_ID")
    page.locator("#id_name_property").select_option("WARD_NAME")
    page.locator("#id_level").select_option("district")
    page.locator("#id_parent").select_option(label="Lakeside")
    screenshot(page, "setup-2-choose-properties")
    page.get_by_role("button", name="Import 3 areas").click()
    page.wait_for_url(f"{server}/c/lakeside/setup/areas/")
    assert "Imported 3 boundaries: 3 new areas, 0 updated." in page.content()
    assert page.locator("table tbody tr").count() == 4
    screenshot(page, "setup-3-areas")

    # An indicator with two targets; first a mistake, shown on its field.
    page.goto(f"{server}/c/lakeside/setup/")
    page.get_by_role("link", name="Add an indicator to “Children read well”").click()
    page.locator("#id_name").fill("Third-grade reading")
    page.locator("#id_definition").fill("Share of third graders reading at grade level.")
    page.locator("#id_unit").fill("%")
    page.locator("#id_unit_kind").select_option("percent")
    page.locator("#id_direction").select_option("higher")
    page.locator("#id_frequency").select_option("year")
    page.locator("#id_lower_bound").fill("0")
    page.locator("#id_upper_bound").fill("100")
    page.locator("#id_source").fill("State reading assessment")
    page.locator("#id_baseline_period").fill("2018")
    page.locator("#id_baseline_value").fill("38")
    page.get_by_label("Target 1: by").fill("2026")
    page.get_by_label("Target 1: value").fill("50")
    page.get_by_label("Target 1: note").fill("interim")
    page.get_by_label("Target 2: by").fill("2030")
    page.get_by_label("Target 2: value").fill("160")
    page.locator("#id_is_public").check()
    page.get_by_role("button", name="Save the indicator").click()
    summary = page.locator(".error-summary")
    assert "160 is above the upper limit 100." in summary.inner_text()
    screenshot(page, "setup-4-indicator-error")
    page.get_by_label("Target 2: value").fill("60")
    page.get_by_role("button", name="Save the indicator").click()
    page.wait_for_url(f"{server}/c/lakeside/setup/")
    row = page.locator("tr", has_text="Third-grade reading")
    assert "50.0% by 2026; 60.0% by 2030" in row.inner_text()
    screenshot(page, "setup-5-overview")

    # Data, through the existing upload page.
    data = tmp_path / "reading.csv"
    lines = ["indicator,area,period,value"]
    for year, city in zip(range(2018, 2025), [38, 40.5, 41, 43.5, 45, 46.5, 48.5], strict=True):
        lines.append(f"third-grade-reading,lakeside,{year},{city}")
        lines += [f"third-grade-reading,W{w},{year},{city + w - 2}" for w in (1, 2, 3)]
    data.write_text("\n".join(lines) + "\n")
    page.get_by_role("link", name="Upload data").click()
    page.locator("#id_file").set_input_files(str(data))
    page.get_by_role("button", name="Check the file").click()
    # The backbone has reviewed its own file: approved as it loads, so the trend (which
    # reads approved values only) has it at once.
    page.get_by_label("Approve on load").check()
    page.get_by_role("button", name="Load 28 rows").click()
    page.wait_for_url("**/loads/*/")

    # The collaborative's logo and public site.
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (640, 320), (11, 92, 173)).save(logo)
    page.goto(f"{server}/c/lakeside/setup/")
    page.get_by_role("link", name="The collaborative").click()
    page.locator("#id_description").fill("Lakeside's schools, clinics and banks, at one table.")
    page.locator("#id_logo_file").set_input_files(str(logo))
    page.locator("#id_is_public").check()
    screenshot(page, "setup-6-collaborative")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{server}/c/lakeside/setup/")
    page.goto(f"{server}/c/lakeside/")
    shown = page.locator("img.logo")
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 512
    screenshot(page, "setup-7-collaborative-page")

    # The trend, on the indicator page.
    page.goto(f"{server}/c/lakeside/indicators/third-grade-reading/")
    page.wait_for_selector(".vega[data-rendered='true'] svg", timeout=30000)
    facts = page.locator("dl.facts").inner_text()
    assert "50.0 by 2026; 60.0 by 2030" in facts and "None" not in facts
    evidence = page.locator("main").inner_text().lower()
    assert "improving" in evidence or "getting better" in evidence, evidence[:1500]
    screenshot(page, "setup-8-indicator-trend")
    assert outside == []
    assert scripts_blocked == []


def test_the_indicator_form_on_a_phone(browser, fresh_server):
    server, _ = fresh_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone = context.new_page()
    phone.goto(f"{server}/accounts/login/?next=/c/lakeside/setup/indicators/new/")
    phone.fill("#id_username", "gina")
    phone.fill("#id_password", PASSWORD)
    phone.click("form button[type=submit]")
    phone.wait_for_url(f"{server}/c/lakeside/setup/indicators/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "setup-indicator-form-phone")
    context.close()
