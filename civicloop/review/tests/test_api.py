"""The REST endpoints: members read strategies, reviews with packets, and the decision log;
writes follow the pages' rules; the public reads only published decisions."""

from __future__ import annotations

import json

import pytest

from civicloop.review.models import Decision
from civicloop.review.tests.helpers import login, strategy, todays_review

pytestmark = pytest.mark.django_db

API = "/api/collaboratives/riverton"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_members_read_strategies_with_their_history(client, carol):
    login(client, carol)
    listed = client.get(f"{API}/strategies").json()
    assert {s["slug"] for s in listed} >= {"home-child-care-network", "attendance-text-nudges"}
    one = client.get(f"{API}/strategies/attendance-text-nudges").json()
    assert one["status"] == "adapted" and one["expected_change"] == -4.0
    assert [h["to_status"] for h in one["history"]] == ["active", "adapted"]
    assert one["history"][1]["decision"] is not None


def test_a_chair_changes_a_status_and_a_partner_cannot(client, bob, carol):
    url = f"{API}/strategies/eviction-diversion/status"
    login(client, carol)
    assert post(client, url, {"status": "stopped", "why": "No."}).status_code == 403
    login(client, bob)
    assert post(client, url, {"status": "stopped", "why": ""}).status_code == 422
    answer = post(client, url, {"status": "stopped", "why": "The court runs it now."})
    assert answer.status_code == 200 and answer.json()["status"] == "stopped"
    assert strategy("eviction-diversion").status == "stopped"


def test_reviews_and_their_packets(client, alice, carol):
    login(client, carol)
    assert post(client, f"{API}/reviews", {"held_on": "2027-01-10"}).status_code == 403
    login(client, alice)
    made = post(client, f"{API}/reviews", {"held_on": "2027-01-10", "title": "Winter"})
    assert made.status_code == 201
    review = client.get(f"{API}/reviews/{todays_review().pk}").json()
    proposals = {s["slug"]: s["proposal"]["decision"] for s in review["packet"]["strategies"]}
    assert proposals["home-child-care-network"] == "scale"
    assert proposals["attendance-text-nudges"] == "change_course"


def test_only_a_chair_signs_through_the_api(client, alice, bob):
    url = f"{API}/reviews/{todays_review().pk}/decisions"
    body = {"strategy": "family-savings-accounts", "decision": "stay", "rationale": "Wait."}
    login(client, alice)
    assert post(client, url, body).status_code == 403
    login(client, bob)
    answer = post(client, url, {**body, "published": True})
    assert answer.status_code == 201
    # Issue 13: inconclusive is "keep going" (stay), not "change course".
    assert answer.json()["proposed"] == "stay"
    assert answer.json()["evidence"]["strategy"]["slug"] == "family-savings-accounts"
    assert post(client, url, body).status_code == 422  # already decided


def test_the_public_reads_only_published_decisions(client, erin):
    everyone = client.get(f"{API}/decisions").json()
    assert {d["strategy"] for d in everyone} == {
        "home-child-care-network",
        "attendance-text-nudges",
    }
    login(client, erin)
    assert len(client.get(f"{API}/decisions").json()) == Decision.objects.count() == 5
    found = client.get(f"{API}/decisions", {"q": "loan pool"}).json()
    assert [d["decision"] for d in found] == ["scale"]
