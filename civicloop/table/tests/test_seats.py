"""Who sits where, and seating an organisation: chairs and backbone admins only."""

from __future__ import annotations

import pytest

from civicloop.table.models import Seat
from civicloop.table.tests.helpers import login, org, result

pytestmark = pytest.mark.django_db
HEALTH_CENTER = "south-ward-family-health-center"


def test_who_sits_where_shows_every_seated_organisation_and_its_roles(client, carol):
    page = login(client, carol).get("/c/riverton/table/").content.decode()
    assert "Riverton Public Schools" in page and 'class="badge chair"' in page
    assert "18</strong> organisations seated" in page
    assert '?overdue=1">3</a></strong> commitments overdue' in page


def test_bob_the_chair_seats_the_missing_health_center(client, bob):
    login(client, bob)
    response = client.post(
        "/c/riverton/results/early-literacy/table/seats/",
        {"organisation": org(HEALTH_CENTER).pk, "role": "member", "joined": "2026-02-01"},
    )
    assert response.status_code == 302
    seat = Seat.objects.get(organisation=org(HEALTH_CENTER))
    assert seat.result == result("early-literacy") and seat.role == "member"


def test_offering_a_seat_with_htmx_swaps_in_a_confirmation(client, alice):
    login(client, alice)
    response = client.post(
        "/c/riverton/results/early-literacy/table/seats/",
        {"organisation": org(HEALTH_CENTER).pk, "role": "data_partner"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<p class="saved" role="status">Seated as data partner.</p>'
    )


def test_an_organisation_cannot_take_a_second_seat_at_the_same_table(client, bob):
    login(client, bob)
    client.post(
        "/c/riverton/results/early-literacy/table/seats/",
        {"organisation": org("riverton-public-schools").pk, "role": "member"},
    )
    assert (
        Seat.objects.filter(
            organisation=org("riverton-public-schools"), result=result("early-literacy")
        ).count()
        == 1
    )


def test_carol_a_partner_member_cannot_seat_anyone(client, carol):
    login(client, carol)
    response = client.post(
        "/c/riverton/results/early-literacy/table/seats/",
        {"organisation": org(HEALTH_CENTER).pk, "role": "member"},
    )
    assert response.status_code == 403
    assert not Seat.objects.filter(organisation=org(HEALTH_CENTER)).exists()


def test_bob_ends_a_seat_and_it_shows_as_left(client, bob):
    seat = Seat.objects.get(organisation=org("riverton-public-library"))
    login(client, bob)
    client.post(f"/c/riverton/table/seats/{seat.pk}/end/", {"left": "2026-03-31"})
    seat.refresh_from_db()
    assert str(seat.left) == "2026-03-31"
    page = client.get("/c/riverton/results/early-literacy/table/").content.decode()
    assert "Left this table: Riverton Public Library" in page


def test_dave_cannot_end_a_seat(client, dave):
    seat = Seat.objects.get(organisation=org("riverton-public-library"))
    assert login(client, dave).post(f"/c/riverton/table/seats/{seat.pk}/end/").status_code == 403
