"""The table's REST endpoints: in the OpenAPI description, reads as on the pages, writes checked."""

from __future__ import annotations

import json

import pytest

from civicloop.demo.generator import MISSING_ORGANISATION
from civicloop.table.models import Round, RoundStatus, Seat
from civicloop.table.tests.helpers import login, org

pytestmark = pytest.mark.django_db
API = "/api/collaboratives/riverton"


def send(client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_every_table_endpoint_is_in_the_openapi_description(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/collaboratives/{slug}/organisations",
        "/api/collaboratives/{slug}/organisations/{org}/footprint",
        "/api/collaboratives/{slug}/seats",
        "/api/collaboratives/{slug}/results/{result}/missing",
        "/api/collaboratives/{slug}/network",
        "/api/collaboratives/{slug}/commitments",
        "/api/roles",
        "/api/collaboratives/{slug}/organisations/{org}/roles",
        "/api/collaboratives/{slug}/rounds",
        "/api/collaboratives/{slug}/rounds/{pk}/ballots/{org}",
        "/api/collaboratives/{slug}/rounds/{pk}/close",
    ):
        assert path in paths, path


def test_who_is_missing_over_the_api(client, erin):
    got = login(client, erin).get(f"{API}/results/early-literacy/missing?limit=3").json()
    assert got[0]["organisation"] == MISSING_ORGANISATION and got[0]["reasons"]
    sectors = client.get(f"{API}/results/early-literacy/sectors").json()
    assert {s["sector"] for s in sectors if not s["covered"]} == {"health_system", "housing"}


def test_the_public_reads_no_organisations_but_declared_commitments(client):
    assert client.get(f"{API}/organisations").status_code == 404
    assert client.get(f"{API}/network").status_code == 404
    commitments = client.get(f"{API}/commitments").json()
    assert commitments and all(c["declared"] for c in commitments)


def test_carol_replaces_her_footprint_but_not_daves(client, carol):
    login(client, carol)
    body = {
        "families_reached": 1900,
        "areas": [{"area": "s-clinton", "share": 0.5}, {"area": "s-ironbound"}],
        "populations": [{"population": "age-0-4", "share": 1.0}],
    }
    got = send(
        client, "put", f"{API}/organisations/little-steps-child-care-alliance/footprint", body
    )
    assert got.status_code == 200, got.content
    assert {a["area"] for a in got.json()["areas"]} == {"s-clinton", "s-ironbound"}
    refused = send(client, "put", f"{API}/organisations/riverton-housing-authority/footprint", body)
    assert refused.status_code == 403
    too_much = send(
        client,
        "put",
        f"{API}/organisations/little-steps-child-care-alliance/footprint",
        {"areas": [{"area": "s-clinton", "share": 0.8}, {"area": "west", "share": 0.5}]},
    )
    assert too_much.status_code == 422


def test_writes_need_a_signed_in_person(client):
    got = send(client, "post", f"{API}/seats", {"organisation": "x", "result": "early-literacy"})
    assert got.status_code == 401


def test_bob_seats_an_organisation_and_carol_cannot(client, bob, carol):
    body = {"organisation": MISSING_ORGANISATION, "result": "early-literacy", "role": "member"}
    assert send(login(client, carol), "post", f"{API}/seats", body).status_code == 403
    got = send(login(client, bob), "post", f"{API}/seats", body)
    assert got.status_code == 201 and got.json()["role"] == "member"
    assert Seat.objects.filter(organisation=org(MISSING_ORGANISATION)).exists()
    again = send(client, "post", f"{API}/seats", body)
    assert again.status_code == 422


def test_commitments_over_the_api(client, carol):
    login(client, carol)
    body = {
        "organisation": "little-steps-child-care-alliance",
        "title": "Publish our waiting list by neighbourhood",
        "results": ["early-literacy"],
        "owner": "Sam Ortiz",
        "due": "2026-01-01",
    }
    made = send(client, "post", f"{API}/commitments", body)
    assert made.status_code == 201 and made.json()["overdue"]
    updated = send(client, "patch", f"{API}/commitments/{made.json()['id']}", {"status": "done"})
    assert updated.json()["status"] == "done" and not updated.json()["overdue"]
    other = send(
        client, "post", f"{API}/commitments", body | {"organisation": "riverton-savings-bank"}
    )
    assert other.status_code == 403


def test_roles_over_the_api(client, bob):
    login(client, bob)
    roles = client.get(f"{API}/organisations/riverton-community-development-fund/roles").json()
    assert roles["current"] == ["data-partner"] and len(roles["history"]) == 2
    got = send(
        client,
        "post",
        f"{API}/organisations/riverton-health-system/roles",
        {
            "from_role": "housing-investor",
            "to_role": "data-partner",
            "since": "2026-01-01",
            "why": "x",
        },
    )
    assert got.status_code == 201 and got.json()["current"] == ["data-partner"]


def test_a_round_over_the_api(client, bob, carol):
    login(client, bob)
    made = send(
        client,
        "post",
        f"{API}/rounds",
        {
            "title": "Two strategies",
            "result": "early-literacy",
            "strategies": ["home-child-care-network", "attendance-text-nudges"],
            "method": "dots",
            "dots_per_voter": 5,
        },
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    votes = {"home-child-care-network": 4, "attendance-text-nudges": 1}
    got = send(client, "put", f"{API}/rounds/{pk}/ballots/riverton-public-schools", {"dots": votes})
    assert got.status_code == 200 and got.json()["ballots"] == 1
    login(client, carol)
    mine = send(
        client,
        "put",
        f"{API}/rounds/{pk}/ballots/little-steps-child-care-alliance",
        {"dots": {"home-child-care-network": 5}},
    )
    assert mine.json()["ranking"][0]["strategy"] == "home-child-care-network"
    assert mine.json()["agreement"]["raters"] == 2
    not_hers = send(
        client, "put", f"{API}/rounds/{pk}/ballots/riverton-public-schools", {"dots": votes}
    )
    assert not_hers.status_code == 403
    assert send(client, "post", f"{API}/rounds/{pk}/close", {"decision": "x"}).status_code == 403
    login(client, bob)
    closed = send(client, "post", f"{API}/rounds/{pk}/close", {"decision": "Child care first."})
    assert closed.json()["round"]["status"] == "closed"
    assert Round.objects.get(pk=pk).status == RoundStatus.CLOSED
