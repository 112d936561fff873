"""Records from CSV, Parquet, pandas, Arrow, or a table already in the engine."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest

from civicloop.measure.compute import EngineTable, compute, get_engine
from civicloop.measure.compute.sources import FileSource, as_source

DEFINITION = {
    "name": "median_days",
    "measure": "median",
    "value": "days_to_close",
    "period": {"column": "opened", "grain": "quarter"},
    "area": "neighbourhood",
    "disaggregate": ["priority"],
}


@pytest.fixture(scope="module")
def expected(records: pa.Table) -> pa.Table:
    return compute(DEFINITION, records).table


def test_pandas(records: pa.Table, expected: pa.Table) -> None:
    assert compute(DEFINITION, records.to_pandas()).table.equals(expected)


def test_record_batches(records: pa.Table, expected: pa.Table) -> None:
    reader = pa.RecordBatchReader.from_batches(records.schema, records.to_batches(500))
    assert compute(DEFINITION, reader).table.equals(expected)


def test_parquet(records: pa.Table, expected: pa.Table, tmp_path) -> None:
    path = tmp_path / "requests.parquet"
    pq.write_table(records, path)
    assert compute(DEFINITION, path).table.equals(expected)


def test_csv(records: pa.Table, expected: pa.Table, tmp_path) -> None:
    path = tmp_path / "requests.csv"
    pa.csv.write_csv(records, path)
    assert compute(DEFINITION, str(path)).table.equals(expected)


def test_table_in_a_duckdb_file(records: pa.Table, expected: pa.Table, tmp_path) -> None:
    database = tmp_path / "records.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.register("records", records)
        connection.execute("CREATE TABLE service_requests AS SELECT * FROM records")
    engine = get_engine(f"duckdb://{database}")
    definition = {**DEFINITION, "table": "service_requests"}
    assert compute(definition, engine=engine).table.equals(expected)
    assert compute(definition, EngineTable("service_requests"), engine).table.equals(expected)
    engine.close()


def test_unknown_sources_are_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="expected a .csv"):
        as_source(tmp_path / "requests.xlsx", "t")
    with pytest.raises(TypeError, match="cannot read records from dict"):
        as_source({"a": [1]}, "t")
    assert as_source("x.csv.gz", "t") == FileSource(tmp_path.__class__("x.csv.gz"), "csv")


def test_unknown_engines_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine 'bigquery'"):
        get_engine("bigquery")
