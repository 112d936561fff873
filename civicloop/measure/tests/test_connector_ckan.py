"""A CKAN DataStore resource, by datastore_search or by SQL, paged and loaded whole."""

from __future__ import annotations

import pytest

from civicloop.measure.connectors import RetryPolicy
from civicloop.measure.models import Load, Source
from civicloop.measure.refresh import refresh_source
from civicloop.measure.tests.portals import CkanPortal, serving
from civicloop.results.models import Observation

RESOURCE = "2b6c1f0e-poverty"
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, timeout=5)
WARDS = ["North Ward", "South Ward", "West Ward"]


def poverty() -> list[dict]:
    return [
        {"year": str(year), "ward": ward, "rate": f"{20 + i + (year - 2031) / 2:.1f}"}
        for year in (2031, 2032, 2033)
        for i, ward in enumerate(WARDS)
    ]


@pytest.fixture
def portal():
    return CkanPortal(resources={RESOURCE: poverty()})


@pytest.fixture
def source(riverton, portal):
    with serving(portal) as url:
        yield Source.objects.create(
            collaborative=riverton,
            name="County open data: child poverty",
            kind="ckan",
            settings={"base_url": url, "resource_id": RESOURCE, "page_size": 4},
            mapping={
                "columns": {"year": "period", "ward": "area", "rate": "value"},
                "constants": {"indicator": "child-poverty"},
            },
        )


def loaded(source):
    return Observation.objects.filter(load__source=source)


def test_datastore_search_is_paged_with_limit_and_offset(source, portal):
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert done.changes["rows_fetched"] == 9 and done.changes["pages"] == 3
    assert [(q["limit"], q["offset"]) for _p, q, _h in portal.requests] == [
        ("4", "0"),
        ("4", "4"),
        ("4", "8"),
    ]
    assert loaded(source).count() == 9
    assert loaded(source).get(series__area__code="south", period__label="2033").value == 22.0


def test_filters_are_sent_as_json(source, portal):
    source.settings["filters"] = {"ward": "South Ward"}
    done = refresh_source(source, policy=FAST)
    assert done.changes["rows_fetched"] == 3
    assert portal.requests[0][1]["filters"] == '{"ward": "South Ward"}'


def test_sql_is_paged_by_wrapping_it(source, portal):
    sql = f"SELECT year, ward, rate FROM \"{RESOURCE}\" WHERE ward = 'West Ward' ORDER BY year"
    source.settings = {"base_url": source.settings["base_url"], "sql": sql, "page_size": 2}
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert done.changes["rows_fetched"] == 3 and done.changes["pages"] == 2
    sent = [q["sql"] for path, q, _h in portal.requests]
    assert sent[1] == f"SELECT * FROM ({sql}) AS page LIMIT 2 OFFSET 2"
    assert all(path.endswith("datastore_search_sql") for path, _q, _h in portal.requests)


def test_an_unknown_resource_is_ckans_own_words(source):
    source.settings["resource_id"] = "nope"
    done = refresh_source(source, policy=FAST)
    assert done.error == (
        'CKAN answered 404: Not Found Error: Not found: Resource "nope" was not found.'
    )


def test_a_validation_error_names_the_field(source):
    source.settings["filters"] = {"borough": "X"}
    done = refresh_source(source, policy=FAST)
    assert (
        done.error
        == 'CKAN answered 409: Validation Error: filters: field "borough" not in resource'
    )


def test_a_resource_that_changes_while_paging_is_not_loaded(source, portal):
    portal.grow_after_first_page = True
    done = refresh_source(source, policy=FAST)
    assert done.status == "failed" and "changed while it was read" in done.error
    assert not Load.objects.filter(source=source).exists()


def test_a_failing_page_is_retried_and_a_dead_one_loads_nothing(source, portal):
    portal.fail(500, when=lambda q: q.get("offset") == "4")
    assert refresh_source(source, policy=FAST, sleep=lambda s: None).attempts == 2
    portal.fail(502, 502, 502, when=lambda q: q.get("offset") == "8")
    before = loaded(source).count()
    done = refresh_source(source, policy=FAST, sleep=lambda s: None)
    assert done.status == "failed" and done.error.startswith("CKAN answered 502")
    assert loaded(source).count() == before and done.load is None


def test_an_unreachable_portal_fails_cleanly(riverton, local_servers_allowed):
    # 127.0.0.1:9 stands for a portal that does not answer; allowed, so that it is tried.
    source = Source.objects.create(
        collaborative=riverton,
        name="Nowhere",
        kind="ckan",
        settings={"base_url": "http://127.0.0.1:9", "resource_id": RESOURCE},
    )
    done = refresh_source(source, policy=FAST, sleep=lambda s: None)
    assert done.status == "failed" and done.attempts == 3
    assert done.error.startswith("could not fetch http://127.0.0.1:9/api/3/action/datastore_search")
    assert "after 3 tries" in done.error
