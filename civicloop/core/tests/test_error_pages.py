"""Styled 404 and 500 pages that work with DEBUG off; the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path
from django.views.defaults import server_error


def crash(request):
    raise RuntimeError("the database went away")


# A URL configuration of this module's own: the site's, plus a page that fails.
urlpatterns = [path("crash/", crash), path("", include("civicloop.core.urls"))]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/c/no-such-collaborative/"])
def test_a_missing_page_is_the_styled_404(client, settings, path):
    assert settings.DEBUG is False
    answer = client.get(path)
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "/static/civicloop/civicloop.css" in page
    assert 'href="/public/"' in page and 'href="/accounts/login/"' in page
    assert "<script" not in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_the_styled_500():
    client = Client(raise_request_exception=False)
    answer = client.get("/crash/")
    assert answer.status_code == 500
    page = answer.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in page
    assert "/static/civicloop/civicloop.css" in page and 'href="/public/"' in page


def test_the_500_page_renders_with_the_database_unreachable(monkeypatch):
    """No django_db mark: any query here fails the test; and the connection itself is
    made to fail, as when the database is down."""

    def down(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", down)
    answer = server_error(RequestFactory().get("/"))
    assert answer.status_code == 500
    assert "Something went wrong on our side" in answer.content.decode()
