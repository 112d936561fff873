"""The review packet reads every indicator against its baseline forecast band, as of the
review's date, in its table, a section of its own with a chart each, and the PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.review import packet
from civicloop.review.tests.helpers import login, todays_review

pytestmark = pytest.mark.django_db


def test_the_packet_has_each_indicators_curve_as_plain_data(riverton):
    built = packet.build(riverton, todays_review().held_on)
    savings = packet.indicator(built, "emergency-savings")
    curve = savings["curve"]
    assert curve["status"] == "within_margin" and curve["level"] == 0.95
    assert curve["band"] and curve["history"] and curve["sentence"].startswith("Not turning yet")
    reading = packet.indicator(built, "third-grade-reading")["curve"]
    # No strategy aims at it; the band starts when the collaborative's work began.
    assert reading["since"] == "2020" and reading["since_source"] == "collaborative"
    assert reading["band"]


def test_the_packet_as_of_an_old_date_reads_the_values_then(riverton):
    from datetime import date

    built = packet.build(riverton, date(2021, 6, 30))
    curve = packet.indicator(built, "emergency-savings")["curve"]
    assert all(h["start"] < "2021-06-30" for h in curve["history"])


def test_the_packet_page_draws_the_band(client, alice, riverton):
    login(client, alice)
    review = todays_review()
    html = client.get(reverse("review", args=["riverton", review.pk])).content.decode()
    assert 'id="turn-the-curve"' in html and 'class="forecast"' in html
    assert "not turning yet: within the margin of error" in html
