"""Trend: is each series going up or down, and how fast, with its uncertainty.

One entry point, `trend()`, runs on a whole `SeriesBatch` at once:

- the Mann-Kendall test (S, its tie-corrected variance, z, two-sided p-value, Kendall's
  tau), in four flavours: ``"original"``; ``"hamed_rao"`` and ``"yue_wang"``, which
  inflate the variance of S for autocorrelated series; and ``"seasonal"`` (Hirsch-Slack:
  the test run within each season, S and variances summed) for monthly or quarterly data;
- Sen's slope per year (the median of all pairwise slopes (x_j - x_i) / (t_j - t_i),
  using the real times, so gaps and irregular spacing are handled), its confidence
  interval, and the intercept of the Sen line (Conover's method).

The numbers agree with ``pymannkendall`` (`original_test`, `hamed_rao_modification_test`,
`yue_wang_modification_test`, `seasonal_test`, `sens_slope`) to 1e-9 on unit-spaced
times; the tests compare against it directly. Where we differ on purpose, it is said below.

Gaps. A NaN is no observation. As in pymannkendall, the test statistic S and its variance
use the observed points only, in time order. Sen's slope uses the real time between two
observations, which is what pymannkendall does too (it divides by the distance between
positions in the original, gapped array). The autocorrelation corrections treat the
observed points as consecutive (as pymannkendall does); they detrend with the real
times by default (``detrend_by="time"``), where pymannkendall detrends with the
positions 1..n of the observed points (``detrend_by="position"`` reproduces it). The two
agree whenever there is no gap.

Sen slope confidence interval (Gilbert 1987, section 16.5): with N slopes and
C = z_{1-alpha/2} * sqrt(Var S), M1 = (N - C) / 2 and M2 = (N + C) / 2; the lower limit is
the M1-th and the upper limit the (M2 + 1)-th smallest slope (1-based ranks). When M1 or
M2 is not a whole number we interpolate linearly between the neighbouring slopes, as
Gilbert suggests, so the interval moves smoothly with Var S; ranks are clipped to [1, N].
The variance used is the one of the chosen test, so an autocorrelation-corrected test
gives a correspondingly wider interval.

Deliberate difference from pymannkendall: when the detrended series of the Hamed-Rao or
Yue-Wang test has no variation at all (a perfectly straight line), pymannkendall divides
by zero and reports a NaN variance and p-value; we keep the uncorrected variance, since
there is no autocorrelation left to correct for.

>>> from civicloop.learn.batch import SeriesBatch
>>> b = SeriesBatch([[1.0, 2.0, 2.0, 3.0, 5.0]], [2019.0, 2020.0, 2021.0, 2022.0, 2023.0])
>>> r = trend(b)
>>> int(r.s[0]), round(float(r.var_s[0]), 4), round(float(r.p[0]), 4), float(r.slope[0])
(9, 15.6667, 0.0433, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import ndtr, ndtri

from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch

__all__ = ["METHODS", "Trend", "trend"]

Method = Literal["original", "hamed_rao", "yue_wang", "seasonal"]
METHODS: tuple[str, ...] = ("original", "hamed_rao", "yue_wang", "seasonal")

# Pairwise slopes held at once per chunk: bounds memory whatever the batch size.
_PAIRS_PER_CHUNK = 2_000_000


@dataclass(frozen=True)
class Trend(BatchResult):
    """Trend test and Sen slope per series (one array element per series).

    n: observations used. s: Mann-Kendall S. var_s: variance of S (tie-corrected, and
    autocorrelation-corrected for hamed_rao / yue_wang). z, p: normal score and two-sided
    p-value. tau: Kendall's tau. slope, slope_low, slope_high: Sen's slope per year and its
    1 - alpha confidence interval. intercept: the Sen line's value at `origin`, the first
    period of the series' time axis.
    """

    n: np.ndarray
    s: np.ndarray
    var_s: np.ndarray
    z: np.ndarray
    p: np.ndarray
    tau: np.ndarray
    slope: np.ndarray
    slope_low: np.ndarray
    slope_high: np.ndarray
    intercept: np.ndarray
    origin: np.ndarray
    method: str = "original"
    alpha: float = 0.05

    def line(self, t: np.ndarray | float) -> np.ndarray:
        """The Sen line at time(s) `t` (per series)."""
        return self.intercept + self.slope * (np.asarray(t) - self.origin)


def trend(
    batch: SeriesBatch,
    *,
    method: Method = "original",
    alpha: float = 0.05,
    lag: int | None = None,
    detrend_by: Literal["time", "position"] = "time",
) -> Trend:
    """Mann-Kendall test and Sen's slope for every series of `batch`.

    method: "original" | "hamed_rao" | "yue_wang" | "seasonal" (needs `batch.season`).
    alpha: significance level of the test and 1 - confidence of the slope interval.
    lag: for hamed_rao / yue_wang, the number of lags considered (default: all).

    >>> from civicloop.learn.batch import SeriesBatch
    >>> b = SeriesBatch([[3.0, 1.0, 2.0, 1.0, 0.5, 0.2]], np.arange(2018.0, 2024.0))
    >>> r = trend(b)
    >>> int(r.s[0]), round(float(r.p[0]), 3), round(float(r.slope[0]), 3)
    (-12, 0.035, -0.5)
    >>> r.row(0)["slope_low"] < r.row(0)["slope"] < r.row(0)["slope_high"]
    True
    """
    if method not in METHODS:
        raise ValueError(f"unknown trend method {method!r}; choose one of {', '.join(METHODS)}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if method == "seasonal":
        if batch.season is None:
            raise BatchError("the seasonal test needs the season of each period", batch.keys)
        parts = _chunks(batch, _seasonal_chunk, alpha=alpha)
    else:
        parts = _chunks(
            batch, _plain_chunk, alpha=alpha, method=method, lag=lag, detrend_by=detrend_by
        )
    fields = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    return Trend(keys=list(batch.keys), method=method, alpha=alpha, **fields)


# -- chunking -------------------------------------------------------------------------------


def _chunks(batch: SeriesBatch, run, **options) -> list[dict[str, np.ndarray]]:
    n_pairs = max(batch.n_periods * (batch.n_periods - 1) // 2, 1)
    rows = max(1, _PAIRS_PER_CHUNK // n_pairs)
    parts = []
    for start in range(0, max(batch.n_series, 1), rows):
        stop = min(start + rows, batch.n_series)
        x = batch.values[start:stop]
        t = batch.times if batch.times.ndim == 1 else batch.times[start:stop]
        season = batch.season
        if season is not None and season.ndim == 2:
            season = season[start:stop]
        parts.append(run(x, t, season, **options))
    return parts


def _origin(t: np.ndarray, n_rows: int) -> np.ndarray:
    """The first time on each series' axis (the intercept is given there)."""
    if t.ndim == 1:
        return np.full(n_rows, t[0] if t.size else np.nan)
    first = np.argmax(np.isfinite(t), axis=1)
    return t[np.arange(n_rows), first]


# -- the shared pieces ----------------------------------------------------------------------


def _pair_differences(x: np.ndarray, t: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Fill `out` with x_j - x_i for all i < j, lag by lag; return the matching t_j - t_i.

    A loop over lags (not over series): each step is one vectorised subtraction.
    """
    n_periods = x.shape[1]
    dts = []
    offset = 0
    for k in range(1, n_periods):
        width = n_periods - k
        np.subtract(x[:, k:], x[:, :-k], out=out[:, offset : offset + width])
        dts.append(t[..., k:] - t[..., :-k])
        offset += width
    if not dts:
        return np.empty(t.shape[:-1] + (0,))
    return np.concatenate(dts, axis=-1)


def _mk_score(diffs: np.ndarray) -> np.ndarray:
    """S = #(x_j > x_i) - #(x_j < x_i) over pairs i < j (NaN pairs count for neither)."""
    return np.count_nonzero(diffs > 0, axis=1).astype(np.float64) - np.count_nonzero(
        diffs < 0, axis=1
    )


def _tie_sum(x_sorted: np.ndarray) -> np.ndarray:
    """Sum over tie groups of t(t-1)(2t+5), from rows sorted ascending (NaN last).

    Within a run of equal values, the k-th repeat (k = 1, 2, ...) adds 6k(k+2); summed over
    a run of length t that is t(t-1)(2t+5), so no per-group bookkeeping is needed.
    """
    n_rows, width = x_sorted.shape
    if width < 2:
        return np.zeros(n_rows)
    same = x_sorted[:, 1:] == x_sorted[:, :-1]
    position = np.arange(width)
    run_start = np.empty((n_rows, width), dtype=np.int64)
    run_start[:, 0] = 0
    run_start[:, 1:] = np.where(same, 0, position[1:])
    np.maximum.accumulate(run_start, axis=1, out=run_start)
    k = position - run_start
    return (6 * k * (k + 2)).sum(axis=1).astype(np.float64)


def _mk_variance(n: np.ndarray, tie_sum: np.ndarray) -> np.ndarray:
    return (n * (n - 1) * (2 * n + 5) - tie_sum) / 18


def _take(sorted_rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    index = np.clip(index, 0, max(sorted_rows.shape[1] - 1, 0))
    return np.take_along_axis(sorted_rows, index[:, None], axis=1)[:, 0]


def _median_sorted(sorted_rows: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median of the first `count` entries of each sorted row (NaN when count is 0)."""
    if sorted_rows.shape[1] == 0:
        return np.full(sorted_rows.shape[0], np.nan)
    a = _take(sorted_rows, (count - 1) // 2)
    b = _take(sorted_rows, count // 2)
    return np.where(count > 0, (a + b) / 2, np.nan)


def _order_statistic(sorted_rows: np.ndarray, count: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The 1-based `rank`-th smallest of the first `count` entries, interpolated."""
    if sorted_rows.shape[1] == 0:
        return np.full(sorted_rows.shape[0], np.nan)
    ok = (count > 0) & np.isfinite(rank)
    position = np.clip(np.where(ok, rank, 1.0) - 1, 0, np.maximum(count - 1, 0))
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(count - 1, 0))
    frac = position - below
    a = _take(sorted_rows, below)
    b = _take(sorted_rows, above)
    with np.errstate(invalid="ignore"):
        value = np.where(frac > 0, a + frac * (b - a), a)
    return np.where(ok, value, np.nan)


def _slope_interval(
    sorted_slopes: np.ndarray, count: np.ndarray, var_s: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gilbert (1987): ranks (N - C)/2 and (N + C)/2 + 1, C = z_{1-alpha/2} sqrt(Var S)."""
    with np.errstate(invalid="ignore"):
        c = ndtri(1 - alpha / 2) * np.sqrt(var_s)
    low = _order_statistic(sorted_slopes, count, (count - c) / 2)
    high = _order_statistic(sorted_slopes, count, (count + c) / 2 + 1)
    return low, high


def _z_and_p(s: np.ndarray, var_s: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Continuity-corrected z and two-sided p, written as pymannkendall writes them."""
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(var_s)
        z = np.where(s > 0, (s - 1) / root, np.where(s < 0, (s + 1) / root, 0.0))
        p = 2 * (1 - ndtr(np.abs(z)))
    # Fewer than two points: there is no test at all, not "no trend".
    p = np.where(n < 2, np.nan, p)
    return z, p


def _median_time(t: np.ndarray, observed: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """Median of the observed times, measured from `origin` (times are increasing)."""
    n = np.count_nonzero(observed, axis=1)
    if observed.shape[1] == 0:
        return np.full(observed.shape[0], np.nan)
    cum = np.cumsum(observed, axis=1)
    rows = np.arange(observed.shape[0])
    ia = np.argmax(cum > ((n - 1) // 2)[:, None], axis=1)
    ib = np.argmax(cum > (n // 2)[:, None], axis=1)
    tt = np.broadcast_to(t, observed.shape)
    return np.where(n > 0, ((tt[rows, ia] - origin) + (tt[rows, ib] - origin)) / 2, np.nan)


def _compact(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move each row's observations to the front, keeping their time order."""
    order = np.argsort(np.isnan(x), axis=1, kind="stable")
    xc = np.take_along_axis(x, order, axis=1)
    tc = np.take_along_axis(np.broadcast_to(t, x.shape), order, axis=1)
    return xc, tc


# -- original, Hamed-Rao, Yue-Wang -----------------------------------------------------------


def _plain_chunk(
    x: np.ndarray,
    t: np.ndarray,
    season: np.ndarray | None,
    *,
    alpha: float,
    method: str,
    lag: int | None,
    detrend_by: str,
) -> dict[str, np.ndarray]:
    n_rows, n_periods = x.shape
    observed = ~np.isnan(x)
    n = np.count_nonzero(observed, axis=1)
    nf = n.astype(np.float64)

    pairs = np.empty((n_rows, n_periods * (n_periods - 1) // 2))
    dt = _pair_differences(x, t, pairs)
    s = _mk_score(pairs)
    pairs /= dt
    pairs.sort(axis=1)  # NaN (pairs with a gap) sort last
    n_slopes = n * (n - 1) // 2

    x_sorted = np.sort(x, axis=1)
    var_s = _mk_variance(nf, _tie_sum(x_sorted))
    slope = _median_sorted(pairs, n_slopes)
    origin = _origin(t, n_rows)
    intercept = _median_sorted(x_sorted, n) - _median_time(t, observed, origin) * slope

    if method in ("hamed_rao", "yue_wang"):
        var_s = var_s * _autocorrelation_factor(
            x, t, slope, n, alpha=alpha, lag=lag, method=method, detrend_by=detrend_by
        )

    z, p = _z_and_p(s, var_s, n)
    low, high = _slope_interval(pairs, n_slopes, var_s, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = s / (0.5 * nf * (nf - 1))
    return {
        "n": n,
        "s": s,
        "var_s": var_s,
        "z": z,
        "p": p,
        "tau": tau,
        "slope": slope,
        "slope_low": low,
        "slope_high": high,
        "intercept": intercept,
        "origin": origin,
    }


def _average_ranks(xd: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged (scipy's rankdata), per row; NaN entries get NaN."""
    less = np.count_nonzero(xd[:, None, :] < xd[:, :, None], axis=2)
    equal = np.count_nonzero(xd[:, None, :] == xd[:, :, None], axis=2)
    return np.where(np.isnan(xd), np.nan, less + (equal + 1) / 2)


def _autocorrelation_factor(
    x: np.ndarray,
    t: np.ndarray,
    slope: np.ndarray,
    n: np.ndarray,
    *,
    alpha: float,
    lag: int | None,
    method: str,
    detrend_by: str,
) -> np.ndarray:
    """The n/n* variance inflation of Hamed & Rao (1998) or Yue & Wang (2004).

    As pymannkendall: detrend with Sen's slope; Hamed-Rao takes the autocorrelation of
    the ranks of the detrended series and keeps only lags outside the +-z/sqrt(n) band;
    Yue-Wang takes the autocorrelation of the detrended values at every lag.
    """
    xc, tc = _compact(x, t)
    n_rows, width = xc.shape
    nf = n.astype(np.float64)
    if detrend_by == "time":
        steps = tc - tc[:, :1] + 1
    elif detrend_by == "position":
        steps = np.broadcast_to(np.arange(1.0, width + 1), xc.shape)
    else:
        raise ValueError(f"detrend_by must be 'time' or 'position', got {detrend_by!r}")
    detrended = xc - steps * slope[:, None]
    series = _average_ranks(detrended) if method == "hamed_rao" else detrended

    inside = np.arange(width) < n[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(inside, series, 0.0).sum(axis=1) / nf
        y = np.where(inside, series - mean[:, None], 0.0)
        acov0 = (y * y).sum(axis=1) / nf
        max_lag = n - 1 if lag is None else np.minimum(lag, n - 1)
        bound = ndtri(1 - alpha / 2) / np.sqrt(nf)
        total = np.zeros(n_rows)
        for k in range(1, width):
            acf = ((y[:, k:] * y[:, :-k]).sum(axis=1) / nf) / acov0
            in_window = k <= max_lag
            if method == "hamed_rao":
                significant = ~((acf <= bound) & (acf >= -bound))
                weight = (nf - k) * (nf - k - 1) * (nf - k - 2)
                total += np.where(in_window & significant, weight * acf, 0.0)
            else:
                total += np.where(in_window, (1 - k / nf) * acf, 0.0)
        if method == "hamed_rao":
            factor = 1 + 2 / (nf * (nf - 1) * (nf - 2)) * total
            too_short = n < 3
        else:
            factor = 1 + 2 * total
            too_short = n < 2
    # No variation left after detrending (or too few points): nothing to correct.
    return np.where(too_short | (acov0 == 0), 1.0, factor)


# -- seasonal --------------------------------------------------------------------------------


def _seasonal_chunk(
    x: np.ndarray, t: np.ndarray, season: np.ndarray, *, alpha: float
) -> dict[str, np.ndarray]:
    """Hirsch-Slack: S and Var S summed over seasons; slopes pooled within seasons."""
    n_rows = x.shape[0]
    s = np.zeros(n_rows)
    var_s = np.zeros(n_rows)
    denominator = np.zeros(n_rows)
    n_slopes = np.zeros(n_rows, dtype=np.int64)
    slope_parts = []
    for label in np.unique(season):
        xs, ts = _season_rows(x, t, season == label)
        n = np.count_nonzero(~np.isnan(xs), axis=1)
        nf = n.astype(np.float64)
        pairs = np.empty((n_rows, xs.shape[1] * (xs.shape[1] - 1) // 2))
        dt = _pair_differences(xs, ts, pairs)
        s += _mk_score(pairs)
        with np.errstate(invalid="ignore"):
            pairs /= dt
        slope_parts.append(pairs)
        var_s += _mk_variance(nf, _tie_sum(np.sort(xs, axis=1)))
        denominator += 0.5 * nf * (nf - 1)
        n_slopes += n * (n - 1) // 2
    slopes = np.concatenate(slope_parts, axis=1)
    slopes.sort(axis=1)

    observed = ~np.isnan(x)
    n = np.count_nonzero(observed, axis=1)
    slope = _median_sorted(slopes, n_slopes)
    origin = _origin(t, n_rows)
    intercept = _median_sorted(np.sort(x, axis=1), n) - _median_time(t, observed, origin) * slope
    z, p = _z_and_p(s, var_s, n)
    low, high = _slope_interval(slopes, n_slopes, var_s, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = s / denominator
    return {
        "n": n,
        "s": s,
        "var_s": var_s,
        "z": z,
        "p": p,
        "tau": tau,
        "slope": slope,
        "slope_low": low,
        "slope_high": high,
        "intercept": intercept,
        "origin": origin,
    }


def _season_rows(
    x: np.ndarray, t: np.ndarray, in_season: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The periods of one season, as a narrower batch in time order."""
    if in_season.ndim == 1:
        return x[:, in_season], t[..., in_season]
    masked = np.where(in_season, x, np.nan)
    width = int(np.count_nonzero(in_season, axis=1).max(initial=0))
    order = np.argsort(~in_season, axis=1, kind="stable")[:, :width]
    xs = np.take_along_axis(masked, order, axis=1)
    ts = np.take_along_axis(np.where(in_season, t, np.nan), order, axis=1)
    return xs, ts
