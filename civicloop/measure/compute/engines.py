"""Engines that run indicator queries: one small adapter per backend, registered in ``ENGINES``.

An engine loads records (``load``) and runs an Ibis query to Arrow (``run``).
Everything else — compiling the definition, labelling the result — is shared, so
adding an engine (Trino, BigQuery...) is one class here and one registry line.

>>> sorted(ENGINES)
['duckdb', 'postgres', 'postgresql', 'spark']
>>> get_engine("duckdb").name
'duckdb'
"""

from __future__ import annotations

import os
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa

from civicloop.measure.compute.sources import (
    ArrowSource,
    EngineTable,
    FileSource,
    Source,
    plain_types,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend


class Engine(ABC):
    """Loads records into a backend and runs Ibis queries on it.

    Engines hold a connection: use one as a context manager, or call ``close``.
    """

    name: ClassVar[str]

    @cached_property
    def backend(self) -> BaseBackend:
        return self._connect()

    @abstractmethod
    def _connect(self) -> BaseBackend: ...

    def load(self, source: Source) -> ir.Table:
        """The records of ``source`` as a table of this engine."""
        match source:
            case EngineTable(name):
                return self._table(name)
            case FileSource():
                return self._load_file(source)
            case ArrowSource(table):
                return self._load_arrow(table)
        raise TypeError(f"unknown source {source!r}")

    def run(self, query: ir.Table) -> pa.Table:
        """The rows of ``query``."""
        return self.backend.to_pyarrow(query)

    def close(self) -> None:
        if "backend" in self.__dict__:
            self.backend.disconnect()
            del self.__dict__["backend"]

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _table(self, name: str) -> ir.Table:
        schema, _, table = name.rpartition(".")
        return self.backend.table(table, database=schema or None)

    @abstractmethod
    def _load_file(self, source: FileSource) -> ir.Table: ...

    @abstractmethod
    def _load_arrow(self, table: pa.Table) -> ir.Table: ...


def _temp_name() -> str:
    return f"civicloop_records_{uuid.uuid4().hex[:12]}"


class DuckDBEngine(Engine):
    """DuckDB embedded: in memory (default) or in a database file.

    Arrow tables are registered, not copied, and files are read where they lie.
    """

    name = "duckdb"

    def __init__(self, database: str | Path = ":memory:", threads: int | None = None) -> None:
        self.database = str(database)
        self.threads = threads

    def _connect(self) -> BaseBackend:
        import ibis

        backend = ibis.duckdb.connect(self.database)
        # Timestamps with a time zone become dates in UTC, as on the other engines.
        backend.raw_sql("SET TimeZone = 'UTC'")
        if self.threads:
            backend.raw_sql(f"SET threads = {int(self.threads)}")
        return backend

    def _load_file(self, source: FileSource) -> ir.Table:
        if source.format == "parquet":
            return self.backend.read_parquet(source.path, table_name=_temp_name())
        return self.backend.read_csv(source.path, table_name=_temp_name())

    def _load_arrow(self, table: pa.Table) -> ir.Table:
        name = _temp_name()
        self.backend.con.register(name, table)
        return self.backend.table(name)


class PostgresEngine(Engine):
    """PostgreSQL at ``url``; records from files and memory go to temporary tables.

    Records already in the database (``EngineTable``) are read in place, which is
    how a deployment with large record tables should use it.
    """

    name = "postgres"
    # Rows sent per COPY batch: bounds the Python objects alive at once.
    COPY_BATCH = 50_000

    def __init__(self, url: str) -> None:
        self.url = url

    def _connect(self) -> BaseBackend:
        import ibis

        backend = ibis.connect(self.url.replace("postgresql://", "postgres://", 1))
        backend.raw_sql("SET TIME ZONE 'UTC'")
        return backend

    def _load_file(self, source: FileSource) -> ir.Table:
        # DuckDB reads the file, so types are inferred as on the DuckDB engine.
        import duckdb

        reader = duckdb.read_parquet if source.format == "parquet" else duckdb.read_csv
        return self._load_arrow(reader(str(source.path)).to_arrow_table())

    def _load_arrow(self, table: pa.Table) -> ir.Table:
        import ibis

        table = plain_types(table)
        name = _temp_name()
        self.backend.create_table(name, schema=ibis.Schema.from_pyarrow(table.schema), temp=True)
        columns = ", ".join(f'"{column}"' for column in table.column_names)
        with (
            self.backend.con.cursor() as cursor,
            cursor.copy(f'COPY "{name}" ({columns}) FROM STDIN') as copy,
        ):
            for batch in table.to_batches(self.COPY_BATCH):
                for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    copy.write_row(row)
        return self.backend.table(name)


class SparkEngine(Engine):
    """Apache Spark through PySpark: an existing session, or a local one.

    Records are registered as temporary views; files are read by Spark itself.
    """

    name = "spark"

    def __init__(self, session: Any = None, master: str = "local[*]") -> None:
        self.session = session
        self.master = master

    def _connect(self) -> BaseBackend:
        import ibis

        if self.session is None:
            self.session = local_spark_session(self.master)
        return ibis.pyspark.connect(self.session)

    def close(self) -> None:
        # The session may be shared (getOrCreate); stopping it is its owner's call.
        self.__dict__.pop("backend", None)

    def run(self, query: ir.Table) -> pa.Table:
        # Straight to Arrow (Spark 4): Ibis would go through pandas.
        frame = self._session().sql(self.backend.compile(query))
        if hasattr(frame, "toArrow"):
            return frame.toArrow()
        return super().run(query)

    def _load_file(self, source: FileSource) -> ir.Table:
        reader = self._session().read
        path = str(source.path)
        if source.format == "parquet":
            frame = reader.parquet(path)
        else:
            frame = reader.csv(path, header=True, inferSchema=True)
        return self._view(frame)

    def _load_arrow(self, table: pa.Table) -> ir.Table:
        return self._view(self._session().createDataFrame(plain_types(table)))

    def _session(self) -> Any:
        """The Spark session, connecting first (which creates one if none was given)."""
        _ = self.backend
        return self.session

    def _view(self, frame: Any) -> ir.Table:
        name = _temp_name()
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)


def local_spark_session(master: str = "local[*]") -> Any:
    """A Spark session on this machine, tuned for small jobs (few shuffle partitions)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (
        SparkSession.builder.master(master)
        .appName("civicloop")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


# Engines by URL scheme: "duckdb", "duckdb:///path/to.db", "postgres://...", "spark".
ENGINES: dict[str, Callable[..., Engine]] = {
    "duckdb": DuckDBEngine,
    "postgres": PostgresEngine,
    "postgresql": PostgresEngine,
    "spark": SparkEngine,
}


def get_engine(spec: str | Engine) -> Engine:
    """The engine named by ``spec``: a registry name or URL, or an engine itself.

    >>> get_engine("duckdb:///tmp/records.db").database
    '/tmp/records.db'
    """
    if isinstance(spec, Engine):
        return spec
    scheme, sep, rest = spec.partition("://")
    factory = ENGINES.get(scheme.lower())
    if factory is None:
        raise ValueError(f"unknown engine {spec!r}; expected one of {', '.join(sorted(ENGINES))}")
    if not sep:
        return factory()
    if factory is PostgresEngine:
        return factory(spec)
    if factory is DuckDBEngine:
        return factory(rest or ":memory:")
    return factory(master=spec)  # a standalone cluster, spark://host:7077
