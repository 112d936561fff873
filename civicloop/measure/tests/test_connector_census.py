"""ACS estimates come in with their margins of error at 90%, and annotation values never
pass for numbers."""

from __future__ import annotations

import pytest

from civicloop.measure.connectors import RetryPolicy
from civicloop.measure.models import Source
from civicloop.measure.refresh import refresh_source
from civicloop.measure.tests.portals import CensusPortal, serving
from civicloop.results.models import Area, Observation

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05, timeout=5)
EST, MOE = "S1701_C03_002E", "S1701_C03_002M"


def tract(county: str, code: str, estimate: str, margin: str) -> dict[str, str]:
    return {
        "state": "34",
        "county": county,
        "tract": code,
        "NAME": f"Census Tract {int(code) / 100:g}, Essex County, New Jersey",
        EST: estimate,
        MOE: margin,
    }


@pytest.fixture
def portal():
    return CensusPortal(
        key="census-key",
        places=[
            tract("013", "000100", "23.4", "5.1"),
            tract("013", "000200", "-666666666", "-222222222"),  # no estimate at all
            tract("013", "000300", "12", "-555555555"),  # controlled: no sampling error
            tract("013", "000400", "30.5", "-222222222"),  # estimate without a margin
            tract("013", "000500", "18.2", "3.3"),
            tract("017", "000100", "40.0", "9.9"),  # another county
        ],
    )


@pytest.fixture
def source(riverton, portal):
    with serving(portal) as url:
        yield Source.objects.create(
            collaborative=riverton,
            name="ACS child poverty by tract",
            kind="census",
            settings={
                "base_url": f"{url}/data",
                "year": 2031,
                "dataset": "acs/acs5",
                "geography": "tract",
                "within": {"state": "34", "county": "013"},
                "variables": {EST: "child-poverty"},
                "areas": {
                    "34013000100": "n-harbor",
                    "34013000200": "n-millrace",
                    "34013000300": "n-cedar",
                    "34013000400": "n-lakeview",
                },
                "key": "census-key",
            },
        )


def value(source, area: str) -> Observation:
    return Observation.objects.get(load__source=source, series__area__code=area)


def test_the_query_asks_for_estimates_margins_and_the_geography(source, portal):
    refresh_source(source, policy=FAST)
    query = portal.requests[0][1]
    assert query["get"] == f"NAME,{EST},{MOE}"
    assert (query["for"], query["in"], query["key"]) == (
        "tract:*",
        "state:34 county:013",
        "census-key",
    )
    assert portal.requests[0][0] == "/data/2031/acs/acs5"


def test_estimates_load_with_their_margin_at_90_percent(source):
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    harbor = value(source, "n-harbor")
    assert (harbor.value, harbor.margin_of_error, harbor.confidence_level) == (23.4, 5.1, 0.9)
    assert harbor.period.label == "2031"


def test_annotation_values_are_never_numbers(source):
    done = refresh_source(source, policy=FAST)
    assert not Observation.objects.filter(load__source=source, value__lt=-1000).exists()
    assert not Observation.objects.filter(load__source=source, series__area__code="n-millrace")
    controlled = value(source, "n-cedar")
    assert (controlled.value, controlled.margin_of_error) == (12, 0)
    unknown_margin = value(source, "n-lakeview")
    assert (unknown_margin.margin_of_error, unknown_margin.confidence_level) == (None, None)
    skipped = "\n".join(done.changes["skipped"])
    assert "1 geographies not in this source's areas: 34013000500" in skipped
    assert f"{EST} for 34013000200" in skipped and "too few sample observations" in skipped
    assert f"{MOE} for 34013000400" in skipped and "value kept without it" in skipped
    assert done.changes["rows_created"] == 3


def test_without_an_area_table_the_geoid_is_the_area_code(source, riverton):
    Area.objects.create(
        collaborative=riverton,
        name="Tract 5",
        code="34013000500",
        level="tract",
        parent=Area.objects.get(collaborative=riverton, code="n-harbor"),
    )
    del source.settings["areas"]
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert value(source, "34013000500").value == 18.2
    assert done.changes["skipped"][0].startswith("4 geographies not areas of the collaborative")


def test_an_unknown_variable_is_the_apis_own_words(source):
    source.settings["variables"] = {"B99999_001E": "child-poverty"}
    done = refresh_source(source, policy=FAST)
    assert done.error == "Census API answered 400: unknown variable 'B99999_001E'"


def test_a_bad_key_is_one_line_not_a_web_page(source):
    source.settings["key"] = "wrong"
    done = refresh_source(source, policy=FAST)
    assert done.error == (
        "Census API answered 400: invalid request (check the key, year, dataset and geography)"
    )


def test_no_matching_geography_is_an_empty_refresh_not_an_error(source):
    source.settings["within"] = {"state": "34", "county": "999"}
    done = refresh_source(source, policy=FAST)
    assert done.status == "done" and done.load is None
    assert done.changes["rows_fetched"] == 0


def test_the_key_never_appears_in_an_error(source):
    source.settings["base_url"] = "http://127.0.0.1:9/data"
    done = refresh_source(source, policy=FAST, sleep=lambda s: None)
    assert "census-key" not in done.error and "key=***" in done.error


def test_a_county_is_its_state_and_county_codes(source, portal):
    portal.places.append(
        {"state": "34", "county": "013", "NAME": "Essex County", EST: "19.9", MOE: "0.8"}
    )
    source.settings |= {
        "geography": "county",
        "within": {"state": "34"},
        "areas": {"34013": "riverton"},
    }
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert (
        portal.requests[-1][1]["for"] == "county:*" and portal.requests[-1][1]["in"] == "state:34"
    )
    assert value(source, "riverton").margin_of_error == 0.8 and done.changes["rows_fetched"] == 1
