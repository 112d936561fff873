"""Small helpers shared by the review's tests (the people are in core.tests.people)."""

from __future__ import annotations

from django.utils import timezone

from civicloop.review.models import Review
from civicloop.table.models import Strategy


def login(client, user):
    client.force_login(user)
    return client


def strategy(slug: str) -> Strategy:
    return Strategy.objects.get(collaborative__slug="riverton", slug=slug)


def todays_review() -> Review:
    """The review the demo table meets for today (installed by review.demo_data)."""
    return Review.objects.get(collaborative__slug="riverton", held_on=timezone.localdate())


def past_review() -> Review:
    """The demo's fall 2024 review, with its decisions signed and its packet frozen."""
    return Review.objects.get(collaborative__slug="riverton", title="Fall 2024 learning review")
