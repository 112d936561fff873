"""Indicators computed from raw records, from the registered file to observations."""

from __future__ import annotations

import statistics

import pytest

from civicloop.demo import generator as g
from civicloop.measure.records import ComputeError, compute_indicators, register_table
from civicloop.results.models import Indicator, Observation

pytestmark = pytest.mark.django_db


def test_the_demo_computes_median_days_from_its_311_records(riverton):
    records = [r for r in g.housing_complaints() if r["category"] == "housing code"]
    cell = [
        r["days_to_close"]
        for r in records
        if r["neighbourhood"] == "s-clinton" and r["opened"].startswith("2024-03")
    ]
    everywhere = [r["days_to_close"] for r in records if r["opened"].startswith("2024-03")]

    def value(area):
        return Observation.objects.get(
            series__indicator__slug="housing-complaint-days",
            series__indicator__result__collaborative=riverton,
            series__area__code=area,
            series__group__isnull=True,
            period__label="2024-03",
        ).value

    assert value("s-clinton") == pytest.approx(statistics.median(cell))
    assert value("riverton") == pytest.approx(statistics.median(everywhere))


def test_recomputing_unchanged_records_changes_nothing(riverton):
    [done] = compute_indicators(riverton, only=["housing-complaint-days"])
    assert done.report.status == "no_change"


def test_new_records_revise_the_computed_values(riverton, tmp_path):
    records = g.housing_complaints()
    records.append(
        {
            "request_id": "R9999999",
            "opened": "2024-03-02",
            "neighbourhood": "s-clinton",
            "category": "housing code",
            "days_to_close": 400.0,
        }
    )
    register_table(
        g.write_records_csv(records, tmp_path / "more.csv"), riverton, "housing-complaints"
    )
    [done] = compute_indicators(riverton, only=["housing-complaint-days"])
    assert (
        done.report.status == "applied" and done.report.rows_changed >= 2
    )  # the cell and the city


def test_a_definition_naming_an_unknown_column_is_one_clear_error(riverton):
    ind = Indicator.objects.get(result__collaborative=riverton, slug="housing-complaint-days")
    ind.computation = {**ind.computation, "value": "days_open"}
    ind.save()
    with pytest.raises(ComputeError, match="days_open"):
        compute_indicators(riverton, only=["housing-complaint-days"])


def test_postgres_engine_needs_a_postgres_workspace(riverton, settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        [done] = compute_indicators(riverton, only=["housing-complaint-days"], engine="postgres")
        assert done.report.status == "no_change"  # the same numbers as DuckDB's
    else:
        with pytest.raises(ComputeError, match="SQLite"):
            compute_indicators(riverton, only=["housing-complaint-days"], engine="postgres")
