"""Any CSV or JSON at a URL: a CSV is archived byte for byte as it was fetched."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from civicloop.measure.connectors import RetryPolicy
from civicloop.measure.models import Source
from civicloop.measure.refresh import refresh_source
from civicloop.measure.tests.portals import FilePortal, serving
from civicloop.results.models import Observation

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05, timeout=5)
CSV = (
    b"indicator,area,period,value\r\n"
    b"emergency-savings,south,2031,41.5\r\n"
    b"emergency-savings,west,2031,44\r\n"
)
RATES = {
    "meta": {"updated": "2031-02-01"},
    "data": {
        "items": [
            {"ward": "North Ward", "year": 2031, "pct": 47.25},
            {"ward": "South Ward", "year": 2031, "pct": 39.5},
        ]
    },
}


@pytest.fixture
def portal():
    return FilePortal(
        files={
            "/exports/savings.csv": ("text/csv; charset=utf-8", CSV),
            "/api/rates": ("application/json", json.dumps(RATES).encode()),
        }
    )


@pytest.fixture
def url(portal):
    with serving(portal) as base:
        yield base


def test_a_csv_is_archived_exactly_as_fetched(riverton, url):
    source = Source.objects.create(
        collaborative=riverton,
        name="Savings survey",
        kind="url",
        settings={"url": f"{url}/exports/savings.csv"},
    )
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert (settings.WORKSPACE.path / done.load.archive_path).read_bytes() == CSV
    assert done.load.original_name == "savings-survey--savings.csv"
    assert Observation.objects.get(load=done.load, series__area__code="west").value == 44


def test_json_records_are_found_at_their_path_and_mapped(riverton, url):
    source = Source.objects.create(
        collaborative=riverton,
        name="Savings API",
        kind="url",
        settings={"url": f"{url}/api/rates", "records": "data.items"},
        mapping={
            "columns": {"ward": "area", "year": "period", "pct": "value"},
            "constants": {"indicator": "emergency-savings"},
        },
    )
    done = refresh_source(source, policy=FAST)
    assert done.status == "done", done.error
    assert Observation.objects.get(load=done.load, series__area__code="north").value == 47.25


def test_json_without_records_says_where_to_look(riverton, url):
    source = Source.objects.create(
        collaborative=riverton,
        name="Savings API",
        kind="url",
        settings={"url": f"{url}/api/rates", "records": "data.rows"},
    )
    done = refresh_source(source, policy=FAST)
    assert done.error == "the JSON has nothing at 'data.rows' (stopped at 'rows')"


def test_a_missing_file_is_one_line(riverton, url):
    source = Source.objects.create(
        collaborative=riverton, name="Gone", kind="url", settings={"url": f"{url}/old.csv"}
    )
    done = refresh_source(source, policy=FAST)
    assert done.status == "failed" and done.attempts == 1
    assert done.error == f"HTTP 404 from {url}/old.csv: not found"


def test_a_columns_mismatch_is_reported_not_raised(riverton, url):
    source = Source.objects.create(
        collaborative=riverton,
        name="Savings API",
        kind="url",
        settings={"url": f"{url}/api/rates", "records": "data.items"},
    )
    done = refresh_source(source, policy=FAST)
    assert done.status == "failed" and "missing column" in done.error
