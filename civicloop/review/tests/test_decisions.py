"""Decisions: only a chair of the collaborative signs one; partners see the packet but
cannot record; a signed decision carries its evidence and moves the strategy's status."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from civicloop.review.decisions import ReviewError, record_decision
from civicloop.review.models import Decision
from civicloop.review.tests.helpers import login, past_review, strategy, todays_review

pytestmark = pytest.mark.django_db


def _decide_url(review, slug="home-child-care-network"):
    return reverse("review_decide", args=["riverton", review.pk, slug])


SCALE = {"decision": "scale", "rationale": "Seven points where it runs; double the fund."}


def test_a_chair_signs_a_decision(client, bob):
    review = todays_review()
    login(client, bob)
    page = client.get(review.get_absolute_url())
    assert b"Sign the decision" in page.content
    answer = client.post(_decide_url(review), {**SCALE, "published": "on"})
    assert answer.status_code == 302
    made = Decision.objects.get(review=review, strategy__slug="home-child-care-network")
    assert (made.proposed, made.decision, made.signed_by, made.published) == (
        "scale",
        "scale",
        bob,
        True,
    )
    # The evidence is the packet's, numbers and all, as of the review's date.
    effect = made.evidence["strategy"]["effects"][0]
    assert effect["status"] == "working" and effect["estimate"] == pytest.approx(7.1, abs=0.05)
    assert made.evidence["as_of"] == review.held_on.isoformat()
    # It was scaled at the fall 2024 review already: no second change in its history.
    assert strategy("home-child-care-network").status == "scaled"
    assert not made.status_changes.exists()
    review.refresh_from_db()
    assert review.snapshot is not None  # the packet froze with the first decision


def test_htmx_gets_the_decision_block_back(client, bob):
    review = todays_review()
    answer = login(client, bob).post(
        _decide_url(review, "attendance-text-nudges"),
        {"decision": "change_course", "rationale": "Try home visits instead."},
        HTTP_HX_REQUEST="true",
    )
    text = answer.content.decode()
    assert answer.status_code == 200 and text.lstrip().startswith('<div class="decision"')
    assert "The table decided:" in text and "Change course" in text
    assert strategy("attendance-text-nudges").status == "adapted"  # change course leaves it


@pytest.mark.parametrize("who", ["carol", "alice", "erin"])
def test_nobody_but_a_chair_can_sign(client, who, request):
    review = todays_review()
    login(client, request.getfixturevalue(who))
    page = client.get(review.get_absolute_url())
    assert page.status_code == 200  # they see the packet...
    assert b"Sign the decision" not in page.content
    assert b"Only a chair of the collaborative records and signs" in page.content
    assert client.post(_decide_url(review), SCALE).status_code == 403  # ...but cannot record
    assert not Decision.objects.filter(review=review).exists()


def test_a_rationale_is_required(client, bob):
    answer = login(client, bob).post(_decide_url(todays_review()), {"decision": "scale"})
    assert answer.status_code == 400
    assert not Decision.objects.filter(review=todays_review()).exists()


def test_one_decision_per_strategy_per_review(bob):
    review = todays_review()
    record_decision(review, strategy("eviction-diversion"), "stay", "One more year.", bob)
    with pytest.raises(ReviewError, match="already decided"):
        record_decision(review, strategy("eviction-diversion"), "stop", "Changed our mind.", bob)


def test_the_rules_hold_outside_the_pages_too(alice, bob):
    with pytest.raises(PermissionDenied):
        record_decision(todays_review(), strategy("eviction-diversion"), "stay", "Yes.", alice)
    with pytest.raises(ReviewError, match="unknown decision"):
        record_decision(todays_review(), strategy("eviction-diversion"), "pause", "Yes.", bob)


@pytest.mark.parametrize("decision, status", [("stop", "stopped"), ("adapt", "adapted")])
def test_a_decision_moves_the_status_through_its_history(bob, decision, status):
    made = record_decision(
        todays_review(), strategy("asthma-home-visits"), decision, "Funds moved.", bob
    )
    change = strategy("asthma-home-visits").status_history.last()
    assert (change.from_status, change.to_status, change.decision) == ("active", status, made)
    assert change.why.endswith("Funds moved.") and change.changed_by == bob


def test_the_decision_log_searches(client, carol):
    log = reverse("review_decisions", args=["riverton"])
    login(client, carol)
    everything = client.get(log).content.decode()
    assert "5 decisions" in everything and "The evidence on 15 October 2024" in everything
    by_words = client.get(log, {"q": "teachers language"}).content.decode()
    assert "1 decision found" in by_words and "Attendance text nudges" in by_words
    by_decision = client.get(log, {"decision": "stay"}).content.decode()
    assert "2 decisions found" in by_decision
    by_strategy = client.get(log, {"strategy": "home-child-care-network"}).content.decode()
    assert "1 decision found" in by_strategy and "doubles the loan pool" in by_strategy
    nothing = client.get(log, {"q": "zeppelin"}).content.decode()
    assert "No decision matches" in nothing


def test_the_past_reviews_decisions_kept_their_numbers():
    adapted = Decision.objects.get(review=past_review(), strategy__slug="attendance-text-nudges")
    assert (adapted.proposed, adapted.decision) == ("stop", "adapt")
    effect = adapted.evidence["strategy"]["effects"][0]
    assert effect["status"] == "harmful" and effect["estimate"] == pytest.approx(0.77, abs=0.01)
