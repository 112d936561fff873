"""An indicator's calendar settings, set with the indicator: the source's usual lag and
whether new data is expected; the calendar follows them."""

from __future__ import annotations

from datetime import date

import pytest

from civicloop.core.tests.people import login
from civicloop.measure import calendar_data
from civicloop.results.models import Indicator
from civicloop.results.tests.test_setup_indicators import indicator_post

pytestmark = pytest.mark.django_db


def test_alice_sets_the_usual_lag_and_the_calendar_follows_it(client, alice, riverton):
    login(client, alice)
    result = riverton.results.first()
    page = client.get("/c/riverton/setup/indicators/new/").content.decode()
    assert 'name="data_lag_days"' in page
    checkbox = page.split('name="expects_data"')[1].split(">")[0]
    assert "checked" in checkbox  # expected, unless someone says otherwise
    response = client.post(
        "/c/riverton/setup/indicators/new/",
        indicator_post(result, data_lag_days="45", expects_data="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ind = Indicator.objects.get(result=result, slug="summer-reading-days")
    assert (ind.data_lag_days, ind.expects_data) == (45, True)
    (row,) = calendar_data.calendar_rows(riverton, on=date(2026, 3, 1), indicators=[ind])
    # No data yet: 2025 is the latest year due by then (31 Dec 2025 + 45 days).
    assert row.entry.next.label == "2025" and row.entry.due == date(2026, 2, 14)
    assert row.status == "overdue" and not row.entry.has_data

    response = client.post(
        "/c/riverton/setup/indicators/summer-reading-days/",
        indicator_post(result, slug="summer-reading-days", data_lag_days=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ind.refresh_from_db()
    assert (ind.data_lag_days, ind.expects_data) == (None, False)  # the box left unticked
    (row,) = calendar_data.calendar_rows(riverton, on=date(2026, 3, 1), indicators=[ind])
    assert row.status == "not_expected" and row.entry.lag_days == 180


def test_a_lag_is_a_number_of_days(client, alice, riverton):
    login(client, alice)
    response = client.post(
        "/c/riverton/setup/indicators/new/",
        indicator_post(riverton.results.first(), data_lag_days="-3"),
    )
    assert response.status_code == 200  # the form again, with the problem
    assert not Indicator.objects.filter(slug="summer-reading-days").exists()
