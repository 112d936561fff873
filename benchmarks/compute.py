"""Benchmark: an indicator over 10 million raw 311 records, civicloop vs pandas vs DuckDB SQL.

The indicator is monthly x neighbourhood x request type: the number of requests
and the median days to close them, as the full cube civicloop returns (headline,
per neighbourhood, per request type, per neighbourhood and request type). The
same numbers are computed three ways in one process, on the same in-memory data:

- civicloop: ``compute(definition, arrow_table)`` on DuckDB (load, compile, run,
  label; the Arrow table is registered with DuckDB, not copied);
- pandas: the groupbys an analyst would write, on a DataFrame already in memory;
- hand-written DuckDB SQL over the same Arrow table: the limit.

Goals: civicloop at least 5x faster than pandas and within 1.3x of the SQL.

Both DuckDB ways use every core (or ``--threads``); pandas uses one. The ratio of
CPU seconds is printed too: it is the speed-up per core, which says how the
wall-clock figure moves on a machine with more or fewer cores.

    python benchmarks/compute.py              # 10,000,000 records
    python benchmarks/compute.py --rows 1e6   # a quick look
    python benchmarks/compute.py --threads 1  # DuckDB on one core, as pandas
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from civicloop.measure.compute import DuckDBEngine, compute

REQUEST_TYPES = (
    "pothole",
    "streetlight out",
    "illegal dumping",
    "graffiti",
    "abandoned vehicle",
    "water main",
    "tree down",
    "noise",
    "rodents",
    "sidewalk",
)

MEDIAN = {
    "name": "median_days_to_close",
    "table": "service_requests",
    "measure": "median",
    "value": "days_to_close",
    "period": {"column": "opened", "grain": "month"},
    "area": {"column": "neighbourhood"},
    "disaggregate": ["request_type"],
}
# The same cube counting requests only: a measure that adds up from finer cells.
COUNT = {**MEDIAN, "name": "requests", "measure": "count"}
del COUNT["value"]


def service_requests(rows: int, neighbourhoods: int = 40, seed: int = 2024) -> pa.Table:
    """311 requests opened 2019-2024; 12% still open (no closed date, no days_to_close)."""
    rng = np.random.default_rng(seed)
    opened = np.datetime64("2019-01-01") + rng.integers(0, 6 * 365, rows).astype("timedelta64[D]")
    days = np.minimum(rng.gamma(1.3, 9.0, rows).astype(np.int64), 365)
    still_open = rng.random(rows) < 0.12
    closed = opened + days.astype("timedelta64[D]")
    names = np.array([f"Neighbourhood {i:02d}" for i in range(neighbourhoods)], dtype=object)
    types = np.array(REQUEST_TYPES, dtype=object)
    return pa.table(
        {
            "request_id": pa.array(np.arange(rows, dtype=np.int64)),
            "opened": pa.array(opened.astype("datetime64[D]")),
            "closed": pa.array(closed.astype("datetime64[D]"), mask=still_open),
            # What a loader derives from the two dates; open requests have none.
            "days_to_close": pa.array(days.astype(np.float64), mask=still_open),
            "neighbourhood": pa.array(names[rng.integers(0, neighbourhoods, rows)], pa.string()),
            "request_type": pa.array(types[rng.integers(0, len(types), rows)], pa.string()),
        }
    )


def with_civicloop(definition: dict, records: pa.Table, threads: int | None) -> pa.Table:
    with DuckDBEngine(threads=threads) as engine:
        return compute(definition, records, engine).table


# The fastest SQL found for the median cube: one aggregation per grouping set, each
# reading the records (a shared CTE is materialised, and GROUPING SETS is slower here).
MEDIAN_SQL = """
SELECT date_trunc('month', opened) AS period_start, NULL AS neighbourhood,
       NULL AS request_type, count(*) AS n_records, median(days_to_close) AS value
FROM records GROUP BY 1
UNION ALL
SELECT date_trunc('month', opened), neighbourhood, NULL, count(*), median(days_to_close)
FROM records GROUP BY 1, 2
UNION ALL
SELECT date_trunc('month', opened), NULL, request_type, count(*), median(days_to_close)
FROM records GROUP BY 1, 3
UNION ALL
SELECT date_trunc('month', opened), neighbourhood, request_type, count(*),
       median(days_to_close)
FROM records GROUP BY 1, 2, 3
"""

# Counts add up, so one scan with GROUPING SETS does.
COUNT_SQL = """
SELECT date_trunc('month', opened) AS period_start, neighbourhood, request_type,
       count(*) AS n_records
FROM records
GROUP BY GROUPING SETS ((1), (1, 2), (1, 3), (1, 2, 3))
"""


def with_sql(sql: str, records: pa.Table, threads: int | None) -> pa.Table:
    config = {"threads": threads} if threads else {}
    with duckdb.connect(config=config) as connection:
        connection.register("records", records)
        return connection.sql(sql).to_arrow_table()


GROUPINGS = (
    ["month"],
    ["month", "neighbourhood"],
    ["month", "request_type"],
    ["month", "neighbourhood", "request_type"],
)


def with_pandas(frame: pd.DataFrame, median: bool) -> pd.DataFrame:
    frame = frame.assign(month=frame["opened"].dt.to_period("M"))
    parts = []
    for keys in GROUPINGS:
        grouped = frame.groupby(keys, observed=True)["days_to_close"]
        if median:
            part = grouped.agg(n_records="size", value="median")
        else:
            part = grouped.size().rename("n_records")
        parts.append(part.reset_index())
    return pd.concat(parts, ignore_index=True)


class PeakMemory:
    """Peak resident memory of the process while a block runs, sampled every 5 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._running = False

    @staticmethod
    def resident() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, self.resident())
            time.sleep(0.005)

    def __enter__(self) -> PeakMemory:
        self.start = self.resident()
        self.peak = self.start
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, self.resident())


class Timing:
    """Best wall and CPU seconds over several runs, and the most memory a run added."""

    def __init__(self) -> None:
        self.wall = self.cpu = float("inf")
        self.memory = 0
        self.result: Any = None

    def run(self, work: Callable[[], Any]) -> None:
        self.result = None
        gc.collect()
        with PeakMemory() as memory:
            wall, cpu = time.perf_counter(), time.process_time()
            self.result = work()
            self.wall = min(self.wall, time.perf_counter() - wall)
            self.cpu = min(self.cpu, time.process_time() - cpu)
        self.memory = max(self.memory, memory.peak - memory.start)


def check_same(civicloop: pa.Table, sql: pa.Table, pandas: pd.DataFrame, median: bool) -> None:
    """The three agree on every cell of the cube (counts exactly, medians to 1e-9)."""
    ours = civicloop.to_pandas()
    ours = ours.assign(
        neighbourhood=ours["area"].where(ours["area"] != "all"),
        request_type=ours["group"].where(ours["dimension"] != "total"),
    )
    ours = ours.set_index(["period", "neighbourhood", "request_type"]).sort_index()
    theirs = sql.to_pandas()
    theirs["period"] = pd.to_datetime(theirs["period_start"]).dt.strftime("%Y-%m")
    theirs = theirs.set_index(["period", "neighbourhood", "request_type"]).sort_index()
    assert len(ours) == len(theirs) == len(pandas), (len(ours), len(theirs), len(pandas))
    assert (ours["n_records"].to_numpy() == theirs["n_records"].to_numpy()).all()
    assert pandas["n_records"].sum() == ours["n_records"].sum()
    if median:
        assert np.allclose(ours["value"], theirs["value"], rtol=0, atol=1e-9, equal_nan=True)
        assert np.allclose(
            np.sort(pandas["value"]), np.sort(ours["value"]), rtol=0, atol=1e-9, equal_nan=True
        )


def compare(name: str, runs: dict[str, Callable[[], Any]], repeats: int, median: bool) -> None:
    """Time each way, taking turns so that load from elsewhere falls on all alike."""
    timings = {way: Timing() for way in runs}
    for _ in range(repeats):
        for way, work in runs.items():
            timings[way].run(work)
    print(f"\n{name}")
    for way, timing in timings.items():
        print(
            f"  {way:>24}: {timing.wall:6.2f} s wall  {timing.cpu:6.2f} s CPU"
            f"   peak memory +{timing.memory / 2**20:,.0f} MiB"
        )
    ours, sql, pandas = (timing.result for timing in timings.values())
    check_same(ours, sql, pandas, median)
    civicloop, hand, analyst = (timing.wall for timing in timings.values())
    civicloop_cpu, hand_cpu, analyst_cpu = (timing.cpu for timing in timings.values())
    print(f"  {ours.num_rows:,} observations, the same three ways")
    print(f"  speed-up over pandas:       {analyst / civicloop:5.2f}x  (goal >= 5x)")
    print(f"  cost over hand-written SQL: {civicloop / hand:5.2f}x  (goal <= 1.3x)")
    print(
        f"  per core (CPU seconds):     {analyst_cpu / civicloop_cpu:5.2f}x pandas,"
        f" hand-written SQL {analyst_cpu / hand_cpu:5.2f}x pandas"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=10_000_000)
    parser.add_argument("--neighbourhoods", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    args = parser.parse_args()
    rows = int(args.rows)

    print(f"generating {rows:,} records ({args.neighbourhoods} neighbourhoods)...", flush=True)
    records = service_requests(rows, args.neighbourhoods)
    frame = records.to_pandas(date_as_object=False)
    print(f"  Arrow table {records.nbytes / 2**20:,.0f} MiB; the pandas frame is in memory too")
    threads = args.threads
    print(
        f"  {os.cpu_count()} cores, DuckDB on {threads or 'all'};"
        f" load average before: {os.getloadavg()[0]:.2f}"
    )

    compare(
        "count and median days to close, by month x neighbourhood x request type",
        {
            "civicloop (DuckDB)": lambda: with_civicloop(MEDIAN, records, threads),
            "hand-written DuckDB SQL": lambda: with_sql(MEDIAN_SQL, records, threads),
            "pandas groupby": lambda: with_pandas(frame, median=True),
        },
        args.repeats,
        median=True,
    )
    compare(
        "count only (adds up: one scan, then roll-up)",
        {
            "civicloop (DuckDB)": lambda: with_civicloop(COUNT, records, threads),
            "hand-written DuckDB SQL": lambda: with_sql(COUNT_SQL, records, threads),
            "pandas groupby": lambda: with_pandas(frame, median=False),
        },
        args.repeats,
        median=False,
    )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    print(f"process peak resident memory: {_max_rss() / 2**20:,.0f} MiB")


def _max_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    main()
