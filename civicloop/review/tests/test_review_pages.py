"""Review pages: chairs and backbone admins schedule reviews; every member reads the packet,
on screen (print-friendly) and as a PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.review.models import Review
from civicloop.review.tests.helpers import login, past_review, todays_review

pytestmark = pytest.mark.django_db

REVIEWS = reverse("reviews", args=["riverton"])
NEW = reverse("review_new", args=["riverton"])


def test_the_list_shows_the_demo_reviews(client, erin):
    page = login(client, erin).get(REVIEWS)
    assert b"Fall 2024 learning review" in page.content
    assert b"Schedule a review" not in page.content  # analysts do not schedule


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_chairs_and_backbone_admins_schedule_a_review(client, who, request):
    answer = login(client, request.getfixturevalue(who)).post(
        NEW, {"held_on": "2027-03-01", "title": "Spring review"}
    )
    made = Review.objects.get(collaborative__slug="riverton", held_on="2027-03-01")
    assert answer.status_code == 302 and answer["Location"] == made.get_absolute_url()


def test_a_partner_cannot_schedule_one(client, carol):
    assert login(client, carol).post(NEW, {"held_on": "2027-03-01"}).status_code == 403
    assert not Review.objects.filter(held_on="2027-03-01").exists()


def test_one_review_a_day(client, bob):
    answer = login(client, bob).post(NEW, {"held_on": todays_review().held_on.isoformat()})
    assert answer.status_code == 400 and b"already has a review on that day" in answer.content


def test_the_packet_page(client, carol):
    page = login(client, carol).get(todays_review().get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    for section in (
        "Decisions to take",
        "What moved since the last review",
        "Off track to their targets",
        "Equity gaps that widened",
        "Overdue commitments",
        "Open prioritisation rounds",
        "Other decisions the table owes",
        "How civicloop proposes a decision",
    ):
        assert section in text
    assert "Proposed: Scale" in text and "Proposed: Change course" in text
    assert "95% interval +3.3 to +10.9" in text
    assert "within the margin of error" in text and "It is not counted as progress" in text
    assert "Main Street lending</strong>: No decision was recorded" in text
    assert "Download the packet (PDF)" in text


def test_a_frozen_packet_says_so_and_shows_the_decisions(client, erin):
    text = login(client, erin).get(past_review().get_absolute_url()).content.decode()
    assert "This packet was frozen on 15 Oct 2024" in text
    assert "The table decided:" in text and "civicloop proposed: stop" in text
    assert "This is the table's first review" in text


def test_the_pdf(client, erin):
    review = todays_review()
    answer = login(client, erin).get(reverse("review_pdf", args=["riverton", review.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert f"riverton-review-{review.held_on.isoformat()}.pdf" in answer["Content-Disposition"]


def test_outsiders_cannot_read_a_packet(client, frank):
    assert login(client, frank).get(todays_review().get_absolute_url()).status_code == 404
