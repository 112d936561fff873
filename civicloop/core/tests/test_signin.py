"""The sign-in page of a demo workspace says where the demo's logins are."""

from __future__ import annotations

import pytest

from civicloop.demo.install import DEMO_PASSWORD


@pytest.mark.django_db
def test_a_demo_workspace_says_who_to_sign_in_as_and_where_the_password_is(client):
    html = client.get("/accounts/login/").content.decode()
    assert "demo workspace" in html
    for username in ("backbone", "chair", "partner", "analyst"):
        assert f"<strong>{username}</strong>" in html
    assert "civicloop demo" in html
    assert DEMO_PASSWORD not in html


@pytest.mark.django_db
def test_an_ordinary_workspace_says_nothing_of_the_demo(client):
    from civicloop.results.models import Collaborative

    Collaborative.objects.filter(is_synthetic=True).update(is_synthetic=False)
    assert "demo workspace" not in client.get("/accounts/login/").content.decode()
