"""The REST API for declarations and subscriptions."""

from __future__ import annotations

import pytest

from civicloop.core.tests.people import PASSWORD
from civicloop.declare.tests.helpers import SAVINGS_CLAIM

pytestmark = pytest.mark.django_db

BASE = "/api/collaboratives/riverton"


def signed_in(client, user):
    # Asserted: a failed sign-in would leave an anonymous client, and a "refused" answer
    # would then pass for the wrong reason.
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_public_reads_only_published_declarations(client):
    rows = client.get(f"{BASE}/declarations").json()
    assert rows and {r["status"] for r in rows} == {"published"}
    assert all(r["evidence"]["trend"]["sentence"] for r in rows)


def test_draft_edit_approve_publish(client, alice, bob):
    signed_in(client, alice)
    made = client.post(
        f"{BASE}/declarations",
        {"indicator": "emergency-savings"},
        content_type="application/json",
    )
    assert made.status_code == 201
    d = made.json()
    assert d["status"] == "draft" and d["claim"] == "no_clear_trend"
    refused = client.post(
        f"{BASE}/declarations/{d['id']}/edit",
        {"text": SAVINGS_CLAIM},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["reasons"][0].startswith('"rose" claims a change')
    assert (
        client.post(
            f"{BASE}/declarations/{d['id']}/approve", {}, content_type="application/json"
        ).status_code
        == 403
    )
    client.logout()
    signed_in(client, bob)
    approved = client.post(
        f"{BASE}/declarations/{d['id']}/approve", {"note": "ok"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    published = client.post(
        f"{BASE}/declarations/{d['id']}/publish", {}, content_type="application/json"
    )
    assert published.json()["status"] == "published"
    again = client.post(
        f"{BASE}/declarations/{d['id']}/publish", {}, content_type="application/json"
    )
    assert again.status_code == 409


def test_subscriptions_are_for_backbone_admins(client, alice, erin):
    signed_in(client, erin)
    body = {"name": "Hook", "webhook_url": "https://example.org/hook"}
    assert (
        client.post(f"{BASE}/subscriptions", body, content_type="application/json").status_code
        == 403
    )
    client.logout()
    signed_in(client, alice)
    made = client.post(f"{BASE}/subscriptions", body, content_type="application/json")
    assert made.status_code == 201 and len(made.json()["secret"]) > 30
    listed = client.get(f"{BASE}/subscriptions").json()
    assert all(s["secret"] is None for s in listed)  # the secret is shown once
    none = client.post(f"{BASE}/subscriptions", {"name": "x"}, content_type="application/json")
    assert none.status_code == 422


def test_the_openapi_description_lists_the_declare_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/collaboratives/{slug}/declarations/{pk}/publish" in paths
    assert "/api/collaboratives/{slug}/subscriptions" in paths
