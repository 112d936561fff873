"""The data calendar where people read it: the collaborative's home (what is due, overdue
and fresh, and the freshness score), each indicator page ("last updated", "next
expected"), the calendar page, and each city's freshness in the network view."""

from __future__ import annotations

from datetime import date

import pytest

from civicloop.core.tests.people import login
from civicloop.declare import demo_network
from civicloop.measure import calendar_data
from civicloop.results.models import Indicator, Network

pytestmark = pytest.mark.django_db

# The demo's data run to 2025 (years, months) and 2024-25 (school years). On this day the
# licensed child care seats (yearly, Little Steps' numbers, 2026 due on 29 June 2027) are
# due soon, and the school years' 2025-26 (due 28 October 2026) are overdue.
ON = date(2027, 6, 10)


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch):
    monkeypatch.setattr(calendar_data, "today", lambda: ON)


def test_the_home_shows_what_is_due_overdue_and_fresh(client, riverton, carol):
    page = login(client, carol).get("/c/riverton/").content.decode()
    assert "Data calendar" in page
    assert "Freshness: <strong>" in page
    assert "Yours to send" in page
    # Carol owes the child care seats: a link straight to the entry form for them.
    assert "licensed-child-care-seats" in page
    assert "/c/riverton/measure/enter/?indicator=licensed-child-care-seats" in page
    assert "Third-grade reading proficiency" in page  # overdue, the schools' numbers
    assert '<span class="verdict bad">overdue</span>' in page
    assert '<span class="verdict warn">due</span>' in page
    assert "/c/riverton/measure/calendar/" in page


def test_only_members_see_the_calendar_on_the_home(client, riverton, frank):
    riverton.is_public = True
    riverton.save()
    assert "Data calendar" not in client.get("/c/riverton/").content.decode()
    assert "Data calendar" not in login(client, frank).get("/c/riverton/").content.decode()


def test_entry_links_are_offered_for_what_the_reader_owes_only(client, riverton, dave, erin):
    # Dave's housing authority owes its commitment's measure, not the child care seats.
    page = login(client, dave).get("/c/riverton/").content.decode()
    assert "Yours to send" in page
    assert "/measure/enter/?indicator=referred-families-still-housed-six-month" in page
    assert "/measure/enter/?indicator=licensed-child-care-seats" not in page
    # An analyst is backbone staff: what no organisation owes is hers to enter.
    page = login(client, erin).get("/c/riverton/").content.decode()
    assert "/measure/enter/?indicator=licensed-child-care-seats" not in page
    assert "/measure/enter/?indicator=child-poverty" in page


def test_the_indicator_page_says_when_it_was_updated_and_what_comes_next(client, bob):
    page = login(client, bob).get("/c/riverton/indicators/third-grade-reading/").content.decode()
    assert "Last updated" in page and "data to 2024-25" in page
    assert "Next expected" in page and "2025-26, by 28 Oct 2026" in page
    assert "overdue" in page
    # Bob's organisation (the schools) stewards it: he may enter the numbers.
    assert "/c/riverton/measure/enter/?indicator=third-grade-reading" in page


def test_the_public_indicator_page_reads_approved_values_only(client, riverton):
    riverton.is_public = True
    riverton.save()
    ind = Indicator.objects.get(result__collaborative=riverton, slug="third-grade-reading")
    ind.is_public = True
    ind.save()
    page = client.get("/c/riverton/indicators/third-grade-reading/").content.decode()
    assert "Next expected" in page and "2025-26" in page
    assert "/measure/enter/" not in page


def test_an_indicator_that_expects_no_more_data(client, riverton, bob):
    Indicator.objects.filter(result__collaborative=riverton, slug="chronic-absence").update(
        expects_data=False
    )
    page = login(client, bob).get("/c/riverton/indicators/chronic-absence/").content.decode()
    assert "no more data expected" in page


def test_the_calendar_page_is_for_members(client, riverton, erin, frank):
    assert client.get("/c/riverton/measure/calendar/").status_code == 302
    assert login(client, frank).get("/c/riverton/measure/calendar/").status_code == 404
    page = login(client, erin).get("/c/riverton/measure/calendar/").content.decode()
    assert "Every indicator, the most urgent first" in page
    assert "Licensed child-care seats" in page and "Little Steps" in page
    assert "When data is due, and freshness" in page  # how the score is computed


def test_the_network_view_shows_each_citys_freshness(client, riverton, erin):
    network = Network.objects.get(slug="demo-network")
    demo_network.install(network)
    page = login(client, erin).get("/networks/demo-network/").content.decode()
    assert "Is each city still measuring?" in page
    section = page.split("Is each city still measuring?", 1)[1]
    assert "Riverton" in section and "Brookhaven" in section
    assert "(declared indicators)" in section  # erin is not on Brookhaven's table
    score = calendar_data.collaborative_freshness(riverton, on=ON)
    assert f"{score.percent}%" in section


def test_the_public_methodology_page_explains_the_score(client, riverton):
    riverton.is_public = True
    riverton.save()
    page = client.get("/public/c/riverton/methodology/").content.decode()
    assert "When data is due, and freshness" in page


@pytest.mark.parametrize("public", [False, True])
def test_what_was_received_reads_the_same_for_one_indicator_or_all(riverton, public):
    """One indicator's page and the whole calendar read what was received by two query
    shapes (one grouped query; two cheaper ones for many): the same periods and moments."""
    from civicloop.results.models import Observation

    indicators = list(Indicator.objects.filter(result__collaborative=riverton))
    # A pending revision and a returned value: members and the public read them apart.
    first, second = Observation.objects.filter(series__indicator__in=indicators)[:2]
    Observation.objects.filter(pk=first.pk).update(approval="pending", value=first.value + 1)
    Observation.objects.filter(pk=second.pk).update(approval="returned", approved_value=None)
    periods, updated = calendar_data.received(indicators, public=public)
    assert len(periods) > 5
    for ind in indicators:
        one_periods, one_updated = calendar_data.received([ind], public=public)
        assert one_periods.get(ind.pk, []) == periods.get(ind.pk, [])
        assert one_updated.get(ind.pk) == updated.get(ind.pk)
