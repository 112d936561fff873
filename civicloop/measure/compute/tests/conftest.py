"""Fixtures: generated records, and the PostgreSQL and Spark engines.

Outside CI a missing PostgreSQL server (``CIVICLOOP_TEST_PG``) or PySpark skips
the tests that need it; in CI (``CI`` set) it fails them, so none goes unrun.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyarrow as pa
import pytest

from civicloop.measure.compute import DuckDBEngine, PostgresEngine, SparkEngine
from civicloop.measure.compute.tests.records import service_requests


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def records() -> pa.Table:
    return service_requests()


@pytest.fixture
def duckdb_engine() -> Iterator[DuckDBEngine]:
    with DuckDBEngine() as engine:
        yield engine


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("CIVICLOOP_TEST_PG")
    if not url:
        unavailable('CIVICLOOP_TEST_PG is not set; eval "$(scripts/postgres.sh)" sets it')
    return url


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[PostgresEngine]:
    # Records go to temporary tables, which vanish with the connection.
    with PostgresEngine(postgres_url) as engine:
        yield engine


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[SparkEngine]:
    """One local Spark session for the whole run: starting the JVM takes seconds."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        unavailable("pyspark is not installed")
    from civicloop.measure.compute.engines import local_spark_session

    session = local_spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    yield SparkEngine(session)
    session.stop()
