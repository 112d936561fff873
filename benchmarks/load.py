"""Load 2,000,000 observation rows with full validation, against the engine's own bulk path.

    python benchmarks/load.py                 # SQLite, then PostgreSQL (needs scripts/postgres.sh)
    python benchmarks/load.py --engine sqlite --rows 200000

For each engine, in one process on the same rows and the same table:

- **civicloop**: `load_file` (archive, read, map, validate every row, write in one
  transaction), timed from the file on disk to the commit;
- **the limit**: the rows civicloop wrote, read back exactly as stored (not timed), the table
  emptied, then inserted again by the database driver alone, with no civicloop or Django
  code on the way: Python's ``sqlite3`` with one ``executemany`` in one transaction (same
  pragmas as civicloop's connection), psycopg's ``COPY ... FROM STDIN`` of the rows' text
  (the text made before the clock starts).

Prints rows/s, the ratio (limit time / civicloop time; goal >= 0.5: civicloop takes at most
twice as long as merely inserting the rows) and peak memory (goal < 1.5 GiB).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_INDICATORS, N_AREAS, GROUPS = 20, 100, ["", "a", "b", "c", "d"]


def months(n: int) -> list[str]:
    return [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def setup_django(workspace: Path, database_url: str | None) -> None:
    os.environ["CIVICLOOP_WORKSPACE"] = str(workspace)
    if database_url:
        os.environ["CIVICLOOP_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "civicloop.core.settings"
    from civicloop.core.workspace import Workspace

    Workspace(workspace).init("bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build_catalogue():
    from civicloop.results.models import Area, Collaborative, Dimension, Group, Indicator, Result

    collab = Collaborative.objects.create(name="Bench", slug="bench", city="Bench")
    result = Result.objects.create(collaborative=collab, slug="r", title="R", statement="R")
    for i in range(N_INDICATORS):
        Indicator.objects.create(
            result=result,
            slug=f"ind-{i}",
            name=f"Indicator {i}",
            unit="%",
            unit_kind="percent",
            direction="higher",
            frequency="month",
        )
    Area.objects.bulk_create(
        [
            Area(collaborative=collab, name=f"Area {a}", code=f"a{a}", level="tract")
            for a in range(N_AREAS)
        ]
    )
    dim = Dimension.objects.create(collaborative=collab, name="Group", slug="grp")
    for g in GROUPS[1:]:
        Group.objects.create(dimension=dim, slug=g, name=g.upper())
    return collab


def write_csv(path: Path, n_rows: int) -> int:
    per_series = max(1, n_rows // (N_INDICATORS * N_AREAS * len(GROUPS)))
    labels = months(per_series)
    count = 0
    with path.open("w") as fh:
        fh.write("indicator,area,dimension,group,period,value\n")
        for i in range(N_INDICATORS):
            for a in range(N_AREAS):
                for g in GROUPS:
                    dim = "grp" if g else ""
                    base = (i * 7 + a * 3 + len(g)) % 60 + 10
                    lines = [
                        f"ind-{i},a{a},{dim},{g},{p},{(base + k * 0.07) % 100:.2f}\n"
                        for k, p in enumerate(labels)
                    ]
                    fh.writelines(lines)
                    count += len(lines)
    return count


def observation_columns(table: str) -> list[str]:
    """The table's columns but its id, as the database has them (not timed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_table_description(cursor, table)
    return [c.name for c in found if c.name != "id"]


TRIES = 2  # the limit is the best of its runs: it is what the engine can do at its best


def sqlite_limit(db_file: Path, table: str, columns: list[str], emptied: list[str]) -> dict:
    """The rows as stored; then, each try, the table emptied and one executemany in one
    transaction."""
    import sqlite3

    con = sqlite3.connect(db_file, isolation_level=None)
    con.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    cols = ", ".join(columns)
    rows = con.execute(f"SELECT {cols} FROM {table} ORDER BY id").fetchall()
    marks = ", ".join("?" for _ in columns)
    best: dict = {}
    for _ in range(TRIES):
        for name in emptied:
            con.execute(f"DELETE FROM {name}")
        con.execute("VACUUM")  # the file shrinks back: the limit grows it as civicloop did
        start = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        inserted = time.perf_counter()
        con.execute("COMMIT")
        done = time.perf_counter()
        if not best or done - start < best["seconds"]:
            best = {"seconds": done - start, "insert": inserted - start, "commit": done - inserted}
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(rows)
    con.close()
    return best | {"rows": len(rows)}


def postgres_limit(url: str, table: str, columns: list[str], emptied: list[str]) -> dict:
    """The rows as COPY text; then, each try, the table emptied and one COPY in one
    transaction (its commit runs the deferred foreign-key checks, as civicloop's does)."""
    import psycopg

    cols = ", ".join(columns)
    with psycopg.connect(url) as conn:
        payload = bytearray()
        with conn.cursor().copy(f"COPY (SELECT {cols} FROM {table} ORDER BY id) TO STDOUT") as out:
            for block in out:
                payload += block
    rows = payload.count(b"\n")
    best: dict = {}
    for _ in range(TRIES):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"TRUNCATE {', '.join(emptied)} CASCADE")
            conn.execute(f"VACUUM ANALYZE {table}")
        with psycopg.connect(url) as conn:
            start = time.perf_counter()
            with conn.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for at in range(0, len(payload), 1 << 20):
                    copy.write(payload[at : at + (1 << 20)])
            inserted = time.perf_counter()
            conn.commit()
            done = time.perf_counter()
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows
        if not best or done - start < best["seconds"]:
            best = {"seconds": done - start, "insert": inserted - start, "commit": done - inserted}
    return best | {"rows": rows}


def run_engine(engine: str, n_rows: int) -> None:
    from civicloop.core.workspace import Workspace  # noqa: F401 - importable before setup

    tmp = Path(tempfile.mkdtemp(prefix=f"civicloop-bench-{engine}-"))
    url = None
    if engine == "postgres":
        base = os.environ.get("CIVICLOOP_TEST_PG")
        if not base:
            sys.exit(
                'set CIVICLOOP_TEST_PG (eval "$(scripts/postgres.sh)") to benchmark PostgreSQL'
            )
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS civicloop_bench_load")
            conn.execute("CREATE DATABASE civicloop_bench_load")
        url = base.rsplit("/", 1)[0] + "/civicloop_bench_load"
    setup_django(tmp, url)
    from django.db import connection

    from civicloop.measure.loads import load_file
    from civicloop.results.models import Observation, Revision

    collab = build_catalogue()
    path = tmp / "observations.csv"
    rows = write_csv(path, n_rows)
    print(f"[{engine}] {rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB of CSV")

    start = time.perf_counter()
    report = load_file(path, collab)
    ours = time.perf_counter() - start
    assert report.rows_created == rows, (report.status, report.problems[:3])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items())
    print(f"[{engine}] civicloop's steps: {steps}")

    table = Observation._meta.db_table
    columns = observation_columns(table)
    emptied = [Revision._meta.db_table, table]
    connection.close()  # the limit has the database to itself
    if engine == "postgres":
        best = postgres_limit(url, table, columns, emptied)
    else:
        best = sqlite_limit(tmp / "civicloop.sqlite3", table, columns, emptied)
    assert best["rows"] == rows, (best, rows)
    limit = best["seconds"]
    bulk = "psycopg COPY" if engine == "postgres" else "sqlite3 executemany, one transaction"
    print(
        f"[{engine}] civicloop load_file, full validation: {ours:6.2f} s  {rows / ours:>10,.0f} rows/s"
    )
    print(
        f"[{engine}] limit, {bulk}, no civicloop code: {limit:6.2f} s  {rows / limit:>10,.0f} rows/s"
        f"  (insert {best['insert']:.2f} s, commit {best['commit']:.2f} s; best of {TRIES})"
    )
    print(f"[{engine}] ratio civicloop / limit: {limit / ours:.2f} of the limit (goal >= 0.5)")
    print(f"[{engine}] peak memory during civicloop's load: {peak:.2f} GiB (goal < 1.5 GiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    if args.engine != "both":
        run_engine(args.engine, args.rows)
        return
    for engine in ("sqlite", "postgres"):
        # One process per engine: each ratio is measured in one process on the same rows,
        # and each engine's peak memory is its own.
        subprocess.run(
            [sys.executable, __file__, "--engine", engine, "--rows", str(args.rows)], check=True
        )


if __name__ == "__main__":
    main()
