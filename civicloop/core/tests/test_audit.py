"""Every change to the collaborative's definition is in the audit trail: who, when, old → new.

alice is backbone staff and reads the trail; carol (a partner) and bob (the chair) may not.
"""

from __future__ import annotations

import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from civicloop.core.models import Membership, Role
from civicloop.core.tests.people import login
from civicloop.measure.models import Source
from civicloop.results.models import Area, Indicator, Period, Result
from civicloop.table.models import Commitment, Organisation, Seat, Strategy

pytestmark = pytest.mark.django_db


def entries_of(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "id"))


def test_a_changed_target_is_recorded_with_who_and_old_and_new(alice):
    ind = Indicator.objects.get(slug="third-grade-reading")
    old = ind.target_value
    with set_actor(alice):
        ind.set_targets([(Period.get("2029-30", "school_year"), 70.0, "final")])
    change = entries_of(ind)[-1]
    assert change.actor == alice and change.action == LogEntry.Action.UPDATE
    assert change.changes_dict["target_value"] == [str(old), "70.0"]
    target = ind.targets.get()
    assert entries_of(target)[0].action == LogEntry.Action.CREATE


def test_a_new_steward_is_recorded(alice):
    ind = Indicator.objects.get(slug="child-poverty")
    office = Organisation.objects.get(slug="city-office-of-economic-opportunity")
    with set_actor(alice):
        ind.stewards.add(office)
    change = entries_of(ind)[-1]
    assert change.changes_dict["stewards"]["operation"] == "add"
    assert change.changes_dict["stewards"]["objects"] == [str(office)]


def test_seats_organisations_roles_strategies_sources_areas_commitments_are_all_tracked(
    alice, riverton, carol
):
    with set_actor(alice):
        org = Organisation.objects.get(slug="riverton-housing-authority")
        org.name = "Riverton Housing Agency"
        org.save()
        seat = Seat.objects.filter(organisation=org).first()
        seat.delete()
        membership = Membership.objects.get(user=carol)
        membership.role = Role.ANALYST
        membership.save()
        strategy = Strategy.objects.filter(collaborative=riverton).first()
        strategy.name += " (revised)"
        strategy.save()
        source = Source.objects.create(collaborative=riverton, name="Audit me")
        area = Area.objects.get(collaborative=riverton, code="riverton")
        area.name = "City of Riverton"
        area.save()
        commitment = Commitment.objects.filter(collaborative=riverton).first()
        commitment.title += " (revised)"
        commitment.save()
        result = Result.objects.filter(collaborative=riverton).first()
        result.title = "Reading by eight"
        result.save()
    found = {
        (e.content_type.model, e.action)
        for e in LogEntry.objects.filter(actor=alice, additional_data__collaborative=riverton.pk)
    }
    assert found >= {
        ("organisation", LogEntry.Action.UPDATE),
        ("seat", LogEntry.Action.DELETE),
        ("membership", LogEntry.Action.UPDATE),
        ("strategy", LogEntry.Action.UPDATE),
        ("source", LogEntry.Action.CREATE),
        ("area", LogEntry.Action.UPDATE),
        ("commitment", LogEntry.Action.UPDATE),
        ("result", LogEntry.Action.UPDATE),
    }
    assert entries_of(source)[0].additional_data == {"collaborative": riverton.pk}


def test_a_change_through_the_web_records_the_signed_in_person(client, alice):
    login(client, alice)
    response = client.post(
        "/api/collaboratives/riverton/seats",
        json.dumps({"organisation": "riverton-food-bank", "result": "healthy-homes"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    seat = Seat.objects.get(pk=response.json()["id"])
    assert entries_of(seat)[0].actor == alice


def test_backbone_staff_read_the_trail_filtered_by_person_and_object(client, alice, bob):
    ind = Indicator.objects.get(slug="chronic-absence")
    with set_actor(bob):
        ind.name = "Chronically absent students"
        ind.save()
    login(client, alice)
    page = client.get("/c/riverton/audit/", {"user": "bob", "object": "indicator"}).content.decode()
    assert "Chronically absent students" in page and "name:" in page
    assert "1 change" in page
    none = client.get("/c/riverton/audit/", {"user": "alice"}).content.decode()
    assert "No changes match" in none


def test_partners_and_chairs_do_not_read_the_trail(client, carol, bob):
    login(client, carol)
    assert client.get("/c/riverton/audit/").status_code == 404
    login(client, bob)
    assert client.get("/c/riverton/audit/").status_code == 404


def test_civicloop_audit_prints_the_trail(cli, bob):
    ind = Indicator.objects.get(slug="chronic-absence")
    with set_actor(bob):
        ind.target_value = 9.0
        ind.save()
    shown = cli(
        "audit", "--since", "2000-01-01", "--user", "bob", "--object", f"indicator:{ind.pk}"
    )
    assert shown.exit_code == 0, shown.stdout
    assert "target_value" in shown.stdout and "→ 9.0" in shown.stdout
    as_json = json.loads(cli("audit", "--user", "bob", "--json").stdout)
    assert as_json[0]["what"] == "indicator" and as_json[0]["username"] == "bob"
    assert cli("audit", "--since", "yesterday").exit_code != 0
