"""compute and compute_many: engines by name, several indicators over one load."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from civicloop.measure.compute import (
    SCHEMA,
    DuckDBEngine,
    IndicatorDefinition,
    Period,
    PostgresEngine,
    SparkEngine,
    compute,
    compute_many,
    get_engine,
)

RECORDS = pa.table({"opened": [dt.date(2024, 1, 5), dt.date(2024, 3, 1)], "x": [1.0, 3.0]})


def test_compute_many_loads_once_and_keeps_the_order() -> None:
    loads = []

    class CountingEngine(DuckDBEngine):
        def load(self, source):  # type: ignore[no-untyped-def]
            loads.append(source)
            return super().load(source)

    mean = IndicatorDefinition("mean_x", "mean", Period("opened", "year"), value="x")
    count = {"name": "n", "measure": "count", "period": "opened"}
    with CountingEngine() as engine:
        results = compute_many([mean, count], RECORDS, engine)
    assert len(loads) == 1
    assert [r.table["indicator"][0].as_py() for r in results] == ["mean_x", "n"]
    assert results[0].to_pylist()[0]["value"] == 2.0
    assert compute_many([], RECORDS) == []


def test_results_have_the_documented_schema() -> None:
    observations = compute({"name": "n", "measure": "count", "period": "opened"}, RECORDS)
    assert observations.table.schema == SCHEMA
    assert len(observations) == 2
    assert list(observations.to_pandas().columns) == SCHEMA.names


def test_engines_by_name_and_url() -> None:
    assert isinstance(get_engine("duckdb"), DuckDBEngine)
    assert get_engine("duckdb:///tmp/x.db").database == "/tmp/x.db"
    assert get_engine("postgres://u@h/db").url == "postgres://u@h/db"
    assert isinstance(get_engine("postgresql://u@h/db"), PostgresEngine)
    assert isinstance(get_engine("spark"), SparkEngine)
    assert get_engine("spark://cluster:7077").master == "spark://cluster:7077"
    engine = DuckDBEngine()
    assert get_engine(engine) is engine
