"""Load 2,000,000 observation rows with full validation, against the engine's own bulk path.

    python benchmarks/load.py                 # SQLite, then PostgreSQL (needs scripts/postgres.sh)
    python benchmarks/load.py --engine sqlite --rows 200000

For each engine, in one process on the same rows: civicloop's `load_file` (archive, read,
map, validate every row, write in one transaction) against the limit — the same rows, already
resolved to series and periods, inserted with no validation in one transaction by the engine's
own bulk path (one ``executemany`` for SQLite, ``COPY`` for PostgreSQL) into the same table.
Prints rows/s, the ratio (limit time / civicloop time; goal >= 0.5) and peak memory (goal
< 1.5 GiB).
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


def limit_rows(collab, path: Path):
    """The same rows resolved to series and periods, as the bulk path wants them (not timed)."""
    import csv

    from django.utils import timezone

    from civicloop.results.models import Area, Group, Indicator, Period, Series

    inds = {i.slug: i.pk for i in Indicator.objects.filter(result__collaborative=collab)}
    areas = {a.code: a.pk for a in Area.objects.filter(collaborative=collab)}
    groups = {g.slug: g.pk for g in Group.objects.filter(dimension__collaborative=collab)}
    series = {
        (s.indicator_id, s.area_id, s.group_id): s.pk
        for s in Series.objects.filter(indicator__result__collaborative=collab)
    }
    periods = {p.label: p.pk for p in Period.objects.filter(kind="month")}
    now = timezone.now()
    rows = []
    with path.open() as fh:
        reader = csv.reader(fh)
        next(reader)
        for ind, area, _dim, grp, period, value in reader:
            sid = series[(inds[ind], areas[area], groups[grp] if grp else None)]
            rows.append(
                (
                    sid,
                    periods[period],
                    float(value),
                    None,
                    None,
                    None,
                    None,
                    "final",
                    None,
                    None,
                    now,
                    now,
                    # pending, as a load writes it: no approver, no public copy yet
                    "pending",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "",
                )
            )
    return rows


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
            conn.execute("DROP DATABASE IF EXISTS civicloop_bench")
            conn.execute("CREATE DATABASE civicloop_bench")
        url = base.rsplit("/", 1)[0] + "/civicloop_bench"
    setup_django(tmp, url)
    from django.db import connection, transaction

    from civicloop.measure.loads import load_file
    from civicloop.measure.write import OBS_COLUMNS
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

    data = limit_rows(collab, path)
    table = Observation._meta.db_table
    with connection.cursor() as cursor:  # empty the table the fast way, outside the timing
        cursor.execute(f"DELETE FROM {Revision._meta.db_table}")
        cursor.execute(f"DELETE FROM {table}")
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {table}")
    cols = ", ".join(OBS_COLUMNS)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(OBS_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", data)
    limit = time.perf_counter() - start
    bulk = "COPY" if engine == "postgres" else "one executemany transaction"
    print(
        f"[{engine}] civicloop load_file, full validation: {ours:6.2f} s  {rows / ours:>10,.0f} rows/s"
    )
    print(f"[{engine}] limit: {bulk}, no validation: {limit:6.2f} s  {rows / limit:>10,.0f} rows/s")
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
