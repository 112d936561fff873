"""The Turn the Curve conversation through the API: the pages' rules (one place,
`civicloop.core.access`) — members read, backbone staff and an indicator's stewards write,
a chair declares — and the public reads only what a chair declared."""

from __future__ import annotations

import json

import pytest

from civicloop.results.models import Indicator
from civicloop.review.models import CurveConversation
from civicloop.review.tests.helpers import login, strategy

pytestmark = pytest.mark.django_db

API = "/api/collaboratives/riverton"
SEATS = f"{API}/indicators/licensed-child-care-seats/conversation"  # carol's org stewards it
SAVINGS = f"{API}/indicators/emergency-savings/conversation"


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def post(client, url):
    return client.post(url, "{}", content_type="application/json")


BODY = {
    "how_are_we_doing": "Seats are up since 2022.",
    "story": "The home provider network opened.",
    "partners": ["little-steps-child-care-alliance"],
    "evidence_links": [{"title": "A study", "url": "https://example.org/study"}],
    "strategies": ["home-child-care-network"],
    "es": {"story": "Abrió la red de proveedores en casa."},
}


def test_a_steward_writes_its_indicators_conversation_and_another_partner_cannot(
    client, carol, dave
):
    login(client, dave)
    assert put(client, SEATS, BODY).status_code == 403
    login(client, carol)
    answer = put(client, SEATS, BODY)
    assert answer.status_code == 200, answer.content
    out = answer.json()
    assert out["story"] == "The home provider network opened."
    assert out["partners"] == ["Little Steps Child Care Alliance"]
    assert out["es"] == {"story": "Abrió la red de proveedores en casa."}
    assert out["declared"] is False and out["changed_since_declared"] is False
    assert put(client, SAVINGS, BODY).status_code == 403  # not carol's indicator
    talk = CurveConversation.objects.get(indicator__slug="licensed-child-care-seats")
    assert talk.updated_by == carol
    assert list(talk.strategies.all()) == [strategy("home-child-care-network")]


def test_the_model_and_the_collaborative_bound_what_is_written(client, alice):
    login(client, alice)
    bad_link = {**BODY, "evidence_links": [{"url": "javascript:alert(1)"}]}
    refused = put(client, SAVINGS, bad_link)
    assert refused.status_code == 422 and "evidence_links" in refused.json()["detail"]
    stranger = put(client, SAVINGS, {**BODY, "partners": ["no-such-partner"]})
    assert stranger.status_code == 422 and "no-such-partner" in stranger.json()["detail"]
    assert put(client, SAVINGS, {**BODY, "es": {"title": "x"}}).status_code == 422
    assert not CurveConversation.objects.filter(indicator__slug="emergency-savings").exists()


def test_only_a_chair_declares_and_the_public_reads_only_the_declared_copy(client, alice, bob):
    login(client, alice)
    assert put(client, SAVINGS, BODY).status_code == 200
    assert post(client, f"{SAVINGS}/declare").status_code == 403
    client.logout()
    assert client.get(SAVINGS).status_code == 404  # nothing declared yet
    login(client, bob)
    declared = post(client, f"{SAVINGS}/declare")
    assert declared.status_code == 200 and declared.json()["declared"] is True
    login(client, alice)
    put(client, SAVINGS, {**BODY, "story": "A later draft the chair has not seen."})
    member = client.get(SAVINGS).json()
    assert member["changed_since_declared"] is True
    client.logout()
    public = client.get(SAVINGS).json()
    assert public["story"] == BODY["story"] and public["declared"] is True
    assert "updated_at" not in public or public["updated_at"] is None
    # A private indicator's declared conversation stays with the members.
    Indicator.objects.filter(slug="emergency-savings").update(is_public=False)
    assert client.get(SAVINGS).status_code == 404
    Indicator.objects.filter(slug="emergency-savings").update(is_public=True)
    login(client, bob)
    assert post(client, f"{SAVINGS}/withdraw").json()["declared"] is False
    client.logout()
    assert client.get(SAVINGS).status_code == 404


def test_a_results_conversation_and_the_openapi_lists_the_operations(client, alice):
    login(client, alice)
    url = f"{API}/results/early-literacy/conversation"
    empty = client.get(url)
    assert empty.status_code == 200 and empty.json()["story"] == ""
    assert put(client, url, {"story": "Reading is flat."}).json()["subject"] == "result"
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for kind in ("indicators", "results"):
        base = f"/api/collaboratives/{{slug}}/{kind}/{{subject_slug}}/conversation"
        assert {"get", "put"} <= set(paths[base])
        assert "post" in paths[base + "/declare"] and "post" in paths[base + "/withdraw"]
