"""A Socrata dataset is fetched page by page and loaded whole, or not at all."""

from __future__ import annotations

import pytest
from django.conf import settings

from civicloop.measure.connectors import RetryPolicy
from civicloop.measure.models import Load, Source
from civicloop.measure.refresh import refresh_source
from civicloop.measure.tests.portals import SocrataPortal, serving
from civicloop.results.models import Observation

NEIGHBOURHOODS = ["Harbor Point", "Millrace", "Cedar Hill", "Lakeview", "Clinton Park", "Ironbound"]
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, timeout=5)


def loans(years=(2031, 2032), bump: dict | None = None) -> list[dict]:
    rows = []
    for year in years:
        for i, place in enumerate(NEIGHBOURHOODS):
            value = 10 + i + (year - 2031)
            rows.append(
                {"year": str(year), "neighbourhood": place, "loans": str(value), "notes": None}
            )
    for row in rows:
        key = (row["year"], row["neighbourhood"])
        if bump and key in bump:
            row["loans"] = str(bump[key])
    return rows


@pytest.fixture
def portal():
    return SocrataPortal(datasets={"sbl4-2031": loans()}, app_token="s3cret")


@pytest.fixture
def source(riverton, portal):
    with serving(portal) as url:
        yield Source.objects.create(
            collaborative=riverton,
            name="City small-business lending",
            kind="socrata",
            settings={
                "base_url": url,
                "dataset": "sbl4-2031",
                "page_size": 5,
                "app_token": "s3cret",
            },
            mapping={
                "columns": {"year": "period", "neighbourhood": "area", "loans": "value"},
                "constants": {"indicator": "small-business-loans"},
            },
        )


def observations(source):
    return Observation.objects.filter(load__source=source)


def test_every_page_is_fetched_then_loaded_as_one_load(source, portal):
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert done.changes["rows_fetched"] == 12 and done.changes["pages"] == 3
    assert done.changes["rows_created"] == 12 and done.attempts == 1
    assert Load.objects.filter(source=source).count() == 1
    assert observations(source).count() == 12
    offsets = [q["$offset"] for _path, q, _h in portal.requests]
    assert offsets == ["0", "5", "10"]
    assert all(h.get("X-App-Token") == "s3cret" for _p, _q, h in portal.requests)
    assert portal.requests[0][1]["$order"] == ":id"  # stable pages
    assert done.load.original_name == "city-small-business-lending--sbl4-2031.csv"
    source.refresh_from_db()
    assert source.last_refreshed_at == done.finished_at


def test_where_and_select_go_to_the_portal(source, portal):
    source.settings |= {"where": "year >= 2032", "select": "year, neighbourhood, loans"}
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert done.changes["rows_fetched"] == 6
    query = portal.requests[0][1]
    assert query["$where"] == "year >= 2032" and query["$select"] == "year, neighbourhood, loans"
    assert set(observations(source).values_list("period__label", flat=True)) == {"2032"}


def test_a_second_refresh_shows_what_changed_old_and_new(source, portal):
    refresh_source(source, policy=FAST)
    portal.datasets["sbl4-2031"] = loans(bump={("2031", "Millrace"): 40})
    second = refresh_source(source, policy=FAST)
    assert second.status == "done", second.error
    changes = second.changes
    assert (changes["rows_created"], changes["rows_changed"], changes["rows_unchanged"]) == (
        0,
        1,
        11,
    )
    assert changes["sample"] == [
        {
            "indicator": "small-business-loans",
            "area": "n-millrace",
            "group": "",
            "period": "2031",
            "old": 11.0,
            "new": 40.0,
        }
    ]
    third = refresh_source(source, policy=FAST)  # the portal has not changed since
    assert third.changes["load_status"] == "no_change" and third.changes["rows_created"] == 0


def test_a_server_error_mid_paging_is_retried_with_backoff(source, portal):
    portal.fail(503, "drop", when=lambda q: q.get("$offset") == "5")
    slept: list[float] = []
    done = refresh_source(source, policy=FAST, sleep=slept.append)
    assert done.status == "done", done.error
    assert slept == [0.01, 0.02] and done.attempts == 3
    assert done.changes["retries"] == 2 and done.changes["rows_created"] == 12


def test_when_the_retries_run_out_nothing_is_loaded(source, portal):
    portal.fail(503, 503, 503, when=lambda q: q.get("$offset") == "10")
    done = refresh_source(source, policy=FAST, sleep=lambda s: None)
    assert done.status == "failed"
    assert "Socrata answered 503" in done.error
    assert done.load is None and not Load.objects.filter(source=source).exists()
    assert not observations(source).exists()
    source.refresh_from_db()
    assert source.last_refreshed_at is None


def test_too_many_requests_is_retried(source, portal):
    portal.fail(429, when=lambda q: q.get("$offset") == "0")
    done = refresh_source(source, policy=FAST, sleep=lambda s: None)
    assert done.status == "done" and done.attempts == 2


def test_a_refused_token_is_not_retried_and_the_portals_words_are_kept(source, portal):
    source.settings["app_token"] = "wrong"
    done = refresh_source(source, policy=FAST, sleep=lambda s: None)
    assert done.status == "failed" and len(portal.requests) == 1
    assert done.error == "Socrata answered 403: Invalid app_token specified (permission_denied)"


def test_an_unknown_column_is_one_clear_line(source):
    source.settings["where"] = "borough = 'BRONX'"
    done = refresh_source(source, policy=FAST)
    assert done.error == "Socrata answered 400: No such column: borough (query.soql.no-such-column)"


def test_the_token_can_come_from_the_environment(source, monkeypatch):
    source.settings = {k: v for k, v in source.settings.items() if k != "app_token"}
    source.settings["app_token_env"] = "RIVERTON_SOCRATA_TOKEN"
    missing = refresh_source(source, policy=FAST)
    assert missing.error == "environment variable RIVERTON_SOCRATA_TOKEN (for app_token) is not set"
    monkeypatch.setenv("RIVERTON_SOCRATA_TOKEN", "s3cret")
    assert refresh_source(source, policy=FAST).status == "done"


def test_rows_that_do_not_validate_reject_the_whole_refresh(source, portal):
    portal.datasets["sbl4-2031"][3]["neighbourhood"] = "Atlantis"
    done = refresh_source(source, policy=FAST)
    assert done.status == "failed"
    assert "unknown area 'Atlantis'" in done.error and "row 5" in done.error
    assert done.load.status == "rejected" and not observations(source).exists()


def test_missing_settings_are_named(riverton):
    source = Source.objects.create(collaborative=riverton, name="Half set up", kind="socrata")
    done = refresh_source(source, policy=FAST)
    assert done.error == "socrata source 'Half set up' needs setting(s): base_url, dataset"


def test_quarantine_loads_the_sound_rows_and_keeps_the_others(source, portal):
    portal.datasets["sbl4-2031"][3]["neighbourhood"] = "Atlantis"
    source.settings["on_problems"] = "quarantine"
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert (done.changes["rows_created"], done.changes["rows_quarantined"]) == (11, 1)
    assert done.load.quarantine.get().values["neighbourhood"] == "Atlantis"


def test_a_column_empty_on_every_row_is_still_in_the_fetched_file(source):
    done = refresh_source(source, policy=FAST)
    archived = (settings.WORKSPACE.path / done.load.archive_path).read_text()
    assert archived.splitlines()[0] == "year,neighbourhood,loans,notes"
