"""Benchmark: the full per-series trend analysis on 1,000,000 series, against pymannkendall.

Run: python benchmarks/trends.py [--series N] [--sample N]

Generates N series of 20 annual points with ties (values rounded to halves) and gaps
(5% missing), runs `civicloop.learn.trend.trend` (Mann-Kendall with the tie correction,
p-value, Sen's slope with its Gilbert interval) in one process, times pymannkendall's
``original_test`` + ``sens_slope`` on a sample of the same series and scales it, checks
the sample agrees, and reports peak memory. Then times the Open SDG progress measure on
100,000 series. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from civicloop.learn.batch import SeriesBatch  # noqa: E402
from civicloop.learn.progress import open_sdg_progress  # noqa: E402
from civicloop.learn.trend import trend  # noqa: E402

N_PERIODS = 20


def make_series(n_series: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.empty((n_series, N_PERIODS))
    step = 100_000  # generate in chunks to keep the temporaries small
    for start in range(0, n_series, step):
        stop = min(start + step, n_series)
        slope = rng.normal(0, 0.15, size=(stop - start, 1))
        noise = rng.normal(0, 1.5, size=(stop - start, N_PERIODS))
        block = np.round((slope * np.arange(N_PERIODS) + noise) * 2) / 2  # ties
        block[rng.random(block.shape) < 0.05] = np.nan  # gaps
        values[start:stop] = block
    return values


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def time_pymannkendall(values: np.ndarray) -> tuple[float, list[tuple]]:
    import pymannkendall as mk

    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        for x in values:
            test = mk.original_test(x)
            sen = mk.sens_slope(x)
            results.append((test.s, test.var_s, test.p, sen.slope, sen.intercept))
        elapsed = time.perf_counter() - start
    return elapsed, results


def compare(result, sample_rows: np.ndarray, reference: list[tuple]) -> tuple[int, int, float]:
    """(exactly equal, within 1e-9, largest relative difference) over all compared numbers."""
    ours = np.column_stack(
        [getattr(result, f)[sample_rows] for f in ("s", "var_s", "p", "slope", "intercept")]
    )
    theirs = np.array(reference, dtype=np.float64)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    exact = (ours == theirs) | both_nan
    with np.errstate(invalid="ignore"):
        relative = np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))
    relative = np.where(both_nan, 0.0, relative)
    close = relative <= 1e-9
    return int(exact.sum()), int(close.sum()), float(np.nanmax(relative))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--progress-series", type=int, default=100_000)
    args = parser.parse_args()

    years = np.arange(2005.0, 2005.0 + N_PERIODS)
    print(f"series: {args.series:,} x {N_PERIODS} annual points (ties, 5% gaps)")
    values = make_series(args.series)

    start = time.perf_counter()
    batch = SeriesBatch(values, years)
    checked = time.perf_counter() - start

    start = time.perf_counter()
    result = trend(batch, method="original", alpha=0.05)
    ours = time.perf_counter() - start
    per_series_ours = ours / args.series
    print(
        f"civicloop trend (MK + ties + p + Sen slope + 95% CI): {ours:.2f} s "
        f"({per_series_ours * 1e6:.2f} us/series); batch checks {checked:.2f} s"
    )

    rng = np.random.default_rng(1)
    sample_rows = np.sort(
        rng.choice(args.series, size=min(args.sample, args.series), replace=False)
    )
    their_time, reference = time_pymannkendall(values[sample_rows])
    per_series_theirs = their_time / len(sample_rows)
    scaled = per_series_theirs * args.series
    print(
        f"pymannkendall original_test + sens_slope: {per_series_theirs * 1e6:.1f} us/series "
        f"on {len(sample_rows):,} series -> {scaled:,.0f} s for {args.series:,} (scaled)"
    )
    print(
        f"throughput ratio: {scaled / ours:.0f}x pymannkendall "
        f"({(scaled / (ours + checked)):.0f}x including the batch checks)"
    )

    exact, close, worst = compare(result, sample_rows, reference)
    total = len(sample_rows) * 5
    print(
        f"sample agreement (S, var S, p, slope, intercept): {exact}/{total} bit-identical, "
        f"{close}/{total} within 1e-9, largest relative difference {worst:.1e}"
    )
    print(f"peak memory: {peak_memory_mib():,.0f} MiB (ru_maxrss)")

    n_progress = min(args.progress_series, args.series)
    progress_batch = SeriesBatch(np.abs(values[:n_progress]) + 1, years)
    targets = np.where(np.arange(n_progress) % 2 == 0, 5.0, np.nan)
    start = time.perf_counter()
    sdg = open_sdg_progress(
        progress_batch, base_year=2010, target=targets, target_year=2030, direction="positive"
    )
    elapsed = time.perf_counter() - start
    labels, sizes = np.unique(sdg.status.astype(str), return_counts=True)
    counts = ", ".join(f"{label} {int(size):,}" for label, size in zip(labels, sizes, strict=True))
    print(
        f"open-sdg progress measure on {n_progress:,} series: {elapsed:.3f} s "
        f"({elapsed / n_progress * 1e6:.2f} us/series)"
    )
    print(f"  statuses: {counts}")
    print(f"peak memory at the end: {peak_memory_mib():,.0f} MiB (ru_maxrss)")


if __name__ == "__main__":
    main()
