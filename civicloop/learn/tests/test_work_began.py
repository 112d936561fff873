"""When the work began: the collaborative says it (on the indicator, its result or the
whole collaborative), the nearest one set is the baseline forecast's start, strategies are
the last resort, and every way of saying it is checked by the model and kept in the trail."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicloop.core.tests.people import login
from civicloop.learn.store.curve import collaborative_curves, starts
from civicloop.results.models import Indicator, Period, Result
from civicloop.results.queries import top_area
from civicloop.table.models import Strategy

pytestmark = pytest.mark.django_db

SAVINGS = "emergency-savings"  # has strategies aimed at it
READING = "third-grade-reading"  # has none


def ind(slug: str) -> Indicator:
    return Indicator.objects.select_related("result").get(
        result__collaborative__slug="riverton", slug=slug
    )


def test_the_nearest_start_said_wins_then_the_strategies(riverton):
    savings, reading = ind(SAVINGS), ind(READING)
    found = starts([savings, reading])
    assert found[reading.pk].source == "collaborative"
    assert found[reading.pk].label == riverton.work_began.label == "2020"

    result = reading.result
    result.work_began = Period.get("2021", "year")
    result.save()
    assert starts([reading])[reading.pk].source == "result"
    reading.work_began = Period.get("2019-20", "school_year")
    reading.save()
    start = starts([reading])[reading.pk]
    assert (start.source, start.label, start.day) == (
        "indicator",
        "2019-20",
        reading.work_began.start,
    )

    # Nobody says: the earliest strategy aimed at it; none either: no start at all.
    riverton.work_began = None
    riverton.save()
    Result.objects.filter(collaborative=riverton).update(work_began=None)
    Indicator.objects.filter(result__collaborative=riverton).update(work_began=None)
    found = starts([savings, reading])
    first = (
        Strategy.objects.filter(indicators=savings, start_period__isnull=False)
        .order_by("start_period__start")
        .first()
    )
    assert found[savings.pk].source == "strategies"
    assert found[savings.pk].label == first.start_period.label
    assert reading.pk not in found


def test_every_demo_indicator_has_a_band_where_its_data_allow(riverton):
    indicators = list(Indicator.objects.filter(result__collaborative=riverton).population())
    curves = collaborative_curves(indicators, top_area(riverton))
    assert len(curves) == 14
    assert not [c.indicator for c in curves if c.status == "no_start"]
    assert all(c.band for c in curves), [(c.indicator, c.status) for c in curves if not c.band]
    # The 311 records begin in 2022: the indicator says its own work began in 2024.
    days = next(c for c in curves if c.indicator == "housing-complaint-days")
    assert (days.since, days.since_source) == ("2024", "indicator") and days.n_fit >= 3


def test_the_model_refuses_a_start_that_has_not_come(riverton):
    future = Period.get(str(date.today().year + 2), "year")
    for thing in (ind(READING), ind(READING).result, riverton):
        thing.work_began = future
        with pytest.raises(ValidationError) as error:
            thing.full_clean()
        assert "work_began" in error.value.message_dict


def test_backbone_sets_it_in_set_up_and_the_trail_keeps_it(client, alice, riverton):
    login(client, alice)
    url = "/c/riverton/setup/collaborative/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="work_began"' in page.content.decode()
    assert 'value="2020"' in page.content.decode()
    reading = ind(READING)
    result_url = f"/c/riverton/setup/results/{reading.result.slug}/"
    page = client.get(result_url)
    assert page.status_code == 200 and 'name="work_began"' in page.content.decode()
    data = {
        "title": reading.result.title,
        "slug": reading.result.slug,
        "statement": reading.result.statement,
        "population": reading.result.population,
        "order": reading.result.order,
        "focus_areas": [a.pk for a in reading.result.focus_areas.all()],
        "work_began": "2031",
    }
    refused = client.post(result_url, data)
    assert refused.status_code == 200 and "has not started yet" in refused.content.decode()
    assert client.post(result_url, {**data, "work_began": "2021-22"}).status_code == 302
    result = Result.objects.get(pk=reading.result.pk)
    assert result.work_began.label == "2021-22"
    entries = LogEntry.objects.get_for_object(result)
    entry = next(e for e in entries if "work_began" in e.changes_dict)
    assert entry.changes_dict["work_began"][1] and entry.actor == alice
    assert starts([reading])[reading.pk].source == "result"


def test_a_steward_sets_it_with_the_conversation_and_a_stranger_cannot(client, carol, dave):
    seats = ind("licensed-child-care-seats")  # Little Steps (carol) stewards it
    url = reverse("conversation_edit", args=["riverton", "indicators", seats.slug])
    login(client, dave)
    assert client.get(url).status_code == 403
    client.logout()
    login(client, carol)
    page = client.get(url)
    assert page.status_code == 200 and 'name="work_began"' in page.content.decode()
    response = client.post(url, {"how_are_we_doing": "Slowly.", "work_began": "2021"})
    assert response.status_code == 302
    seats = ind("licensed-child-care-seats")
    assert seats.work_began.label == "2021"
    entry = next(
        e for e in LogEntry.objects.get_for_object(seats) if "work_began" in e.changes_dict
    )
    assert entry.actor == carol
    page = client.get(seats.get_absolute_url())
    assert "The work began in 2021 (as said by the indicator)." in page.content.decode()


def test_the_methodology_page_says_where_each_start_came_from(client, riverton):
    page = client.get("/public/c/riverton/methodology/").content.decode()
    assert "Turning the curve" in page and "When the work on each declared indicator began" in page
    assert "the collaborative" in page


def test_the_cli_says_where_the_start_came_from(cli, riverton):
    out = cli("learn", "baseline", "-c", "riverton", "--json")
    assert out.exit_code == 0, out.output
    import json

    rows = {r["indicator"]: r for r in json.loads(out.stdout)}
    assert rows[READING]["since_source"] == "collaborative"
    assert rows[READING]["since_source_text"] == "the collaborative"
    assert rows["housing-complaint-days"]["since_source"] == "indicator"


def test_the_configuration_file_carries_when_the_work_began(riverton):
    from civicloop.core.configuration.apply import apply_configuration
    from civicloop.core.configuration.export import export_configuration

    data = export_configuration(riverton)
    assert data["collaborative"]["work_began"] == "2020"
    indicators = {i["slug"]: i for r in data["results"] for i in r["indicators"]}
    assert indicators["housing-complaint-days"]["work_began"] == "2024"
    assert indicators[READING]["work_began"] is None
    data["results"][0]["work_began"] = "2021-22"
    applied = apply_configuration(data)
    assert any("work_began" in change for change in applied.changes), applied.changes
    assert Result.objects.get(pk=ind(READING).result.pk).work_began.label == "2021-22"
