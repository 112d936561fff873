"""Strategy pages: the table's members read them; chairs and backbone admins change a
strategy's status, always with a reason that stays in its history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.review.decisions import ReviewError, change_status
from civicloop.review.models import StrategyChange
from civicloop.review.tests.helpers import login, strategy

pytestmark = pytest.mark.django_db

LIST = reverse("strategies", args=["riverton"])
DETAIL = reverse("strategy", args=["riverton", "home-child-care-network"])
STATUS = reverse("strategy_status", args=["riverton", "eviction-diversion"])


def test_a_partner_reads_the_list_and_the_evidence(client, carol):
    page = login(client, carol).get(LIST)
    assert page.status_code == 200
    assert b"Home child-care network" in page.content and b"Attendance text nudges" in page.content
    detail = client.get(DETAIL)
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "kindergarten readiness there rises 5 points" in text  # the hypothesis
    assert "Little Steps Child Care Alliance" in text  # an owner
    assert "Weequahic Hills" in text and "2020-21" in text  # where and since when
    assert "Working: +7.1 points" in text  # the effect evidence, from learn
    assert "Proposed → Active" in text  # its history
    assert "Set aside $2 million" in text  # a commitment serving it
    assert "Change the status" not in text  # partners do not change it


def test_the_status_list_filters(client, erin):
    page = login(client, erin).get(LIST, {"status": "adapted"})
    assert b"Attendance text nudges" in page.content
    assert b"Eviction diversion" not in page.content


def test_a_chair_changes_the_status_with_a_reason(client, bob):
    login(client, bob)
    assert (
        b"Change the status"
        in client.get(reverse("strategy", args=["riverton", "eviction-diversion"])).content
    )
    answer = client.post(
        STATUS, {"status": "stopped", "why": "The court started its own programme."}
    )
    assert answer.status_code == 302
    change = StrategyChange.objects.filter(strategy__slug="eviction-diversion").last()
    assert (change.from_status, change.to_status, change.changed_by) == ("active", "stopped", bob)
    assert change.why == "The court started its own programme."
    assert strategy("eviction-diversion").status == "stopped"


def test_a_backbone_admin_may_too(client, alice):
    answer = login(client, alice).post(STATUS, {"status": "adapted", "why": "New partner."})
    assert answer.status_code == 302 and strategy("eviction-diversion").status == "adapted"


def test_without_a_reason_nothing_changes(client, bob):
    answer = login(client, bob).post(STATUS, {"status": "stopped", "why": ""})
    assert answer.status_code == 400
    assert strategy("eviction-diversion").status == "active"


@pytest.mark.parametrize("who", ["carol", "erin"])
def test_partners_and_analysts_cannot_change_it(client, who, request):
    answer = login(client, request.getfixturevalue(who)).post(
        STATUS, {"status": "stopped", "why": "No."}
    )
    assert answer.status_code == 403
    assert strategy("eviction-diversion").status == "active"


def test_outsiders_are_not_told_it_exists(client, frank):
    assert client.get(LIST).status_code == 302  # the public: sign in first
    assert login(client, frank).get(DETAIL).status_code == 404


def test_change_status_needs_a_known_status_and_a_reason(bob):
    lending = strategy("main-street-lending")
    with pytest.raises(ReviewError):
        change_status(lending, "paused", "why", bob)
    with pytest.raises(ReviewError):
        change_status(lending, "stopped", "  ", bob)
    assert change_status(lending, "active", "already", bob) is None  # nothing to change
