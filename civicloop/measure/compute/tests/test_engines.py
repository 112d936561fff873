"""DuckDB, PostgreSQL and Spark give the same observations for the same records.

Same rows in the same order, same labels, counts equal and values within 1e-9,
for every measure and grain, areas by column and by point, and disaggregations.
"""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest

from civicloop.measure.compute import (
    ArrowSource,
    Observations,
    PostgresEngine,
    SparkEngine,
    compute,
    compute_many,
    get_engine,
)
from civicloop.measure.compute.tests.records import ward_polygons

WARDS = {"latitude": "latitude", "longitude": "longitude", "polygons": ward_polygons()}
CLOSED = {"column": "status", "op": "==", "value": "closed"}

DEFINITIONS = [
    {
        "name": "requests",
        "measure": "count",
        "filters": [{"column": "request_type", "op": "in", "value": ["pothole", "trash"]}],
        "period": {"column": "opened", "grain": "month"},
        "area": "neighbourhood",
        "disaggregate": ["request_type", "channel"],
    },
    {
        "name": "days_spent",
        "measure": "sum",
        "value": "days_to_close",
        "period": {"column": "opened", "grain": "quarter"},
        "area": WARDS,
        "disaggregate": ["priority"],
    },
    {
        "name": "mean_days",
        "measure": "mean",
        "value": "days_to_close",
        "filters": [{"column": "opened", "op": ">=", "value": "2023-01-01"}],
        "period": {"column": "opened", "grain": "year"},
        "disaggregate": ["escalated"],
    },
    {
        "name": "median_days",
        "measure": "median",
        "value": "days_to_close",
        "filters": [CLOSED],
        "period": {"column": "opened", "grain": "school_year"},
        "area": "neighbourhood",
        "disaggregate": ["request_type"],
    },
    {
        "name": "closed_within_week",
        "measure": "rate",
        "numerator": {"filters": [CLOSED, {"column": "days_to_close", "op": "<=", "value": 7}]},
        "denominator": {"filters": [CLOSED]},
        "per_n": 100,
        "period": {"column": "opened", "grain": "week"},
        "area": "neighbourhood",
    },
    {
        "name": "days_per_priority_point",
        "measure": "rate",
        "numerator": {"column": "days_to_close"},
        "denominator": {"column": "priority", "filters": [CLOSED]},
        "filters": [{"column": "channel", "op": "!=", "value": "web"}],
        "period": {"column": "opened", "grain": "day"},
        "area": WARDS,
        "disaggregate": ["channel"],
    },
]


@pytest.fixture(scope="module")
def on_duckdb(records: pa.Table) -> list[Observations]:
    return compute_many(DEFINITIONS, records)


def assert_same(expected: Observations, got: Observations) -> None:
    assert got.table.schema == expected.table.schema
    assert got.table.num_rows == expected.table.num_rows > 0
    for name in ("indicator", "period", "period_start", "area", "dimension", "group", "n_records"):
        assert got.table[name].equals(expected.table[name]), name
    for name in ("value", "numerator", "denominator"):
        pairs = zip(expected.table[name].to_pylist(), got.table[name].to_pylist(), strict=True)
        for want, have in pairs:
            assert (want is None) == (have is None), name
            if want is not None:
                assert math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-9), (name, want, have)


def test_postgres_matches_duckdb(
    records: pa.Table, on_duckdb: list[Observations], postgres_engine: PostgresEngine
) -> None:
    for expected, got in zip(
        on_duckdb, compute_many(DEFINITIONS, records, postgres_engine), strict=True
    ):
        assert_same(expected, got)


def test_postgres_reads_tables_in_place(
    records: pa.Table, on_duckdb: list[Observations], postgres_url: str
) -> None:
    engine = get_engine(postgres_url)
    with engine:
        loaded = engine.load(ArrowSource(records))
        definition = {**DEFINITIONS[3], "table": loaded.get_name()}
        assert_same(on_duckdb[3], compute(definition, engine=engine))


def test_spark_matches_duckdb(
    records: pa.Table, on_duckdb: list[Observations], spark_engine: SparkEngine
) -> None:
    for expected, got in zip(
        on_duckdb, compute_many(DEFINITIONS, records, spark_engine), strict=True
    ):
        assert_same(expected, got)


def test_spark_reads_files_itself(
    records: pa.Table, on_duckdb: list[Observations], spark_engine: SparkEngine, tmp_path
) -> None:
    parquet, csv = tmp_path / "requests.parquet", tmp_path / "requests.csv"
    pq.write_table(records, parquet)
    pa.csv.write_csv(records, csv)
    assert_same(on_duckdb[1], compute(DEFINITIONS[1], parquet, spark_engine))
    # Spark infers the CSV's types itself; the definition's casts make them agree.
    assert_same(on_duckdb[3], compute(DEFINITIONS[3], csv, spark_engine))


def test_median_compiles_to_an_exact_function_on_every_engine(
    records: pa.Table, spark_engine: SparkEngine
) -> None:
    import ibis

    from civicloop.measure.compute.definition import IndicatorDefinition
    from civicloop.measure.compute.query import build_query

    definition = IndicatorDefinition.from_dict(DEFINITIONS[3])
    query = build_query(
        definition, ibis.table(ibis.Schema.from_pyarrow(records.schema), "r"), None, None
    )
    assert "QUANTILE_CONT" in ibis.to_sql(query, dialect="duckdb")
    assert "PERCENTILE_CONT(0.5) WITHIN GROUP" in ibis.to_sql(query, dialect="postgres")
    # Spark's exact PERCENTILE, not APPROX_PERCENTILE.
    spark_sql = str(spark_engine.backend.compile(query))
    assert "PERCENTILE(" in spark_sql.upper() and "APPROX" not in spark_sql.upper()
