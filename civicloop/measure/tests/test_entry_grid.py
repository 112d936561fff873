"""The data-entry grid: a steward types this period's numbers; they load as a file would.

carol speaks for Little Steps Child Care Alliance (steward of licensed child-care seats);
the school district stewards third-grade reading; alice is backbone staff.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from civicloop.core.tests.people import login
from civicloop.measure import entry
from civicloop.measure.models import Load
from civicloop.results.models import Area, Indicator, Observation, Revision
from civicloop.results.periods import parse_period

pytestmark = pytest.mark.django_db
URL = "/c/riverton/measure/enter/"


def seats() -> Indicator:
    return Indicator.objects.get(slug="licensed-child-care-seats")


def cell(ind: Indicator, area_code: str = "riverton", group=None) -> str:
    area = Area.objects.get(collaborative=ind.result.collaborative, code=area_code)
    return f"v-{ind.pk}-{area.pk}-{group.pk if group else 0}"


def due(ind: Indicator) -> str:
    return entry.due(ind)[0]


def value_at(ind: Indicator, period: str, area_code: str = "riverton"):
    return Observation.objects.filter(
        series__indicator=ind,
        series__area__code=area_code,
        series__group__isnull=True,
        period__label=period,
    ).first()


def test_the_url_is_named_in_the_measure_namespace():
    assert reverse("measure:enter", args=["riverton"]) == URL
    assert reverse("measure:enter_template", args=["riverton"]) == URL + "template.xlsx"


@pytest.mark.parametrize(
    "label,kind,after",
    [
        ("2024", "year", "2025"),
        ("2024-25", "school_year", "2025-26"),
        ("2014/15", "school_year", "2015/16"),
        ("2023/2024", "school_year", "2024/2025"),
        ("2024-Q4", "quarter", "2025-Q1"),
        ("2024-12", "month", "2025-01"),
        ("2024-W52", "week", "2025-W01"),
        ("2024-02-28", "day", "2024-02-29"),
        ("2017-2019", "multi_year", "2020-2022"),
    ],
)
def test_the_period_due_is_the_one_after_the_last_received(label, kind, after):
    assert entry.following(parse_period(label, kind)).label == after


def test_the_grid_asks_for_the_period_the_calendar_expects(riverton):
    """One answer to "which period is due": the calendar's, for every indicator, data or
    none (a new indicator is due the latest period whose due date has come, not merely
    the last that ended)."""
    from civicloop.measure import calendar_data

    Indicator.objects.get(slug="third-grade-reading").series.all().delete()
    on = date(2026, 11, 29)
    rows = calendar_data.calendar_rows(riverton, on=on)
    assert any(row.entry.last is None for row in rows)
    for row in rows:
        assert entry.due(row.indicator, on)[0] == row.entry.next.label, row.indicator.slug


def test_a_partner_sees_only_the_indicators_its_organisation_stewards(client, carol):
    login(client, carol)
    page = client.get(URL).content.decode()
    assert "Licensed child-care seats" in page or seats().name in page
    assert Indicator.objects.get(slug="third-grade-reading").name not in page
    ind = seats()
    last = entry.due(ind)[1]
    assert f'value="{due(ind)}"' in page  # the period due, editable
    assert last is None or f"({last.label})" in page  # last period's values beside
    # Real inputs with labels, in a form with a CSRF token.
    assert f'<label class="visually-hidden" for="{cell(ind)}">' in page
    assert f'id="{cell(ind)}" name="{cell(ind)}"' in page
    assert "csrfmiddlewaretoken" in page


def test_backbone_staff_see_every_indicator(client, alice, riverton):
    login(client, alice)
    page = client.get(URL).content.decode()
    for ind in Indicator.objects.filter(result__collaborative=riverton):
        assert f'id="ind-{ind.pk}"' in page
    assert 'name="approve"' in page


def test_a_focus_on_another_stewards_indicator_is_not_found(client, carol):
    login(client, carol)
    assert client.get(URL + "?indicator=third-grade-reading").status_code == 404
    assert client.get(URL + "?indicator=licensed-child-care-seats").status_code == 200


def test_entered_numbers_are_a_load_of_their_own_pending_approval(client, carol):
    ind = seats()
    period = due(ind)
    login(client, carol)
    response = client.post(URL, {f"period-{ind.pk}": period, cell(ind): "1,234.5"})
    load = Load.objects.filter(collaborative__slug="riverton").latest("pk")
    assert response.status_code == 302 and response.url.endswith(f"/loads/{load.pk}/")
    assert load.status == "applied" and load.created_by == carol
    assert load.original_name.startswith("data-entry-carol-") and load.rows_created == 1
    archived = (settings.WORKSPACE.path / load.archive_path).read_text()
    assert archived.splitlines() == [
        "indicator,area,dimension,group,period,value",
        f'licensed-child-care-seats,riverton,,,{period},"1,234.5"',
    ]
    obs = value_at(ind, period)
    assert obs.value == 1234.5 and obs.approval == "pending" and obs.load == load
    follow = client.get(response.url).content.decode()
    assert "wait for approval" in follow


def test_a_revised_value_keeps_its_history(client, carol):
    ind = seats()
    period = due(ind)
    login(client, carol)
    client.post(URL, {f"period-{ind.pk}": period, cell(ind): "100"})
    assert due(ind) == period  # one area of many: the period is still arriving
    page = client.get(URL).content.decode()
    assert f'name="{cell(ind)}" value="100"' in page  # what is there already
    assert f"Last period ({period})" not in page
    client.post(URL, {f"period-{ind.pk}": period, cell(ind): "120"})
    obs = value_at(ind, period)
    assert obs.value == 120
    rev = Revision.objects.get(observation=obs)
    assert (rev.old_value, rev.new_value) == (100, 120) and "data-entry-carol" in rev.reason


def test_a_complete_period_moves_the_due_one_on_and_can_be_chosen_again(client, alice):
    ind = seats()
    period = due(ind)
    login(client, alice)
    block = entry.build([ind])[0]
    filled = {c.name: "40" for c in block.cells}
    response = client.post(URL, {f"period-{ind.pk}": period, **filled})
    assert response.status_code == 302
    assert due(ind) == entry.following(parse_period(period, ind.frequency)).label
    page = client.get(URL + f"?period={period}").content.decode()
    assert f'name="{cell(ind)}" value="40"' in page  # chosen again, to correct it
    assert f"Last period ({period})" not in page


def test_one_bad_cell_writes_nothing_and_says_so_beside_the_cell(client, carol):
    ind = seats()
    period = due(ind)
    north = cell(ind, "north")
    before = Load.objects.count()
    login(client, carol)
    response = client.post(URL, {f"period-{ind.pk}": period, cell(ind): "250", north: "twelve"})
    assert response.status_code == 400
    page = response.content.decode()
    assert value_at(ind, period) is None and value_at(ind, period, "north") is None
    # The same message a file gets, beside the cell, and the typed text kept.
    match = re.search(rf'id="{north}-error">([^<]*)<', page)
    assert match and "'twelve' is not a number" in html.unescape(match[1])
    assert (
        f'name="{north}" value="twelve" inputmode="decimal" autocomplete="off" size="10" aria-invalid="true"'
        in page
    )
    assert f'name="{cell(ind)}" value="250"' in page
    assert f'href="#{north}"' in page  # the summary links to the cell
    # Archived as a load of its own, rejected, with the problem's row and column.
    load = Load.objects.latest("pk")
    assert Load.objects.count() == before + 1 and load.status == "rejected"
    assert load.problems[0]["column"] == "value" and load.problems[0]["row"] == 3


def test_a_period_of_the_wrong_kind_is_named_beside_the_period(client, carol):
    ind = seats()
    login(client, carol)
    response = client.post(URL, {f"period-{ind.pk}": "2024-W03", cell(ind): "5"})
    assert response.status_code == 400
    assert f'id="period-{ind.pk}-error"' in response.content.decode()
    assert not Observation.objects.filter(series__indicator=ind, period__label="2024-W03").exists()


def test_a_partner_cannot_enter_another_stewards_indicator_through_the_grid(client, carol):
    """The form never offers it; a hand-made post is refused by the load, server side."""
    reading = Indicator.objects.get(slug="third-grade-reading")
    ind = seats()
    before = Observation.objects.filter(series__indicator=reading).count()
    login(client, carol)
    response = client.post(
        URL,
        {
            f"period-{reading.pk}": "2031-32",
            cell(reading): "99.9",
            f"period-{ind.pk}": due(ind),
            cell(ind): "300",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    page = html.unescape(page)
    assert "third-grade-reading is stewarded by Riverton Public Schools" in page
    assert "carol may not write it" in page
    assert Observation.objects.filter(series__indicator=reading).count() == before
    assert value_at(ind, due(ind)) is None  # nothing half-applied
    assert Load.objects.latest("pk").status == "rejected"


def test_a_cell_of_another_collaborative_is_refused(client, carol):
    login(client, carol)
    response = client.post(URL, {"v-999999-1-0": "5"})
    assert response.status_code == 400
    assert "no such indicator, area or group here" in response.content.decode()


def test_an_empty_grid_writes_nothing(client, carol):
    login(client, carol)
    before = Load.objects.count()
    response = client.post(URL, {f"period-{seats().pk}": due(seats())})
    assert response.status_code == 400 and "Nothing was typed" in response.content.decode()
    assert Load.objects.count() == before


def test_backbone_staff_may_approve_as_they_enter(client, alice):
    ind = seats()
    login(client, alice)
    client.post(URL, {f"period-{ind.pk}": due(ind), cell(ind): "410", "approve": "1"})
    obs = value_at(ind, due(ind)) or Observation.objects.filter(value=410).get()
    assert obs.approval == "approved"


def test_a_partner_cannot_approve_as_it_enters(client, carol):
    ind = seats()
    period = due(ind)
    login(client, carol)
    client.post(URL, {f"period-{ind.pk}": period, cell(ind): "410", "approve": "1"})
    assert value_at(ind, period).approval == "pending"


def test_the_grid_needs_a_csrf_token(carol):
    client = Client(enforce_csrf_checks=True)
    login(client, carol)
    ind = seats()
    assert client.post(URL, {cell(ind): "5"}).status_code == 403
    assert value_at(ind, due(ind)) is None


def test_people_outside_the_collaborative_get_nothing(client, frank):
    login(client, frank)
    assert client.get(URL).status_code == 404
    assert Client().get(URL).status_code == 302  # to sign in
