"""/api/docs works with no internet: Swagger UI is served from our own static files."""

from __future__ import annotations

import pytest

from civicloop.core.tests.browser import screenshot


@pytest.mark.django_db
def test_the_api_docs_page_loads_swagger_ui_from_this_server(client):
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.browser
def test_the_api_docs_list_the_operations_with_the_internet_blocked(demo_server, page):
    from urllib.parse import urlparse

    outside: list[str] = []

    def only_this_server(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{demo_server}/api/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 5
    assert "civicloop" in page.locator(".title").first.inner_text()
    screenshot(page, "api-docs-offline")
    assert outside == []
