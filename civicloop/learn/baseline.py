"""Turn the curve: where would each indicator be if nothing had changed?

A forecast baseline is fitted to the data *before* a chosen date (when a strategy started,
say) and projected forward with a prediction interval; the actual values since then are
read against that band: above, within or below it, and whether that is good given the
indicator's direction. Two baselines:

- ``"linear"``: ordinary least squares on the real times, with the classical prediction
  interval yhat +- t_{n-2} s sqrt(1 + 1/n + (t - tbar)^2 / Sxx). It matches statsmodels'
  ``OLS(...).get_prediction(...).summary_frame(alpha)`` (obs_ci_lower / obs_ci_upper).
- ``"holt_damped"``: Holt's damped additive trend, the ETS(A,Ad,N) model of statsmodels'
  ``ETSModel(error="add", trend="add", damped_trend=True)``. Its parameters (alpha,
  beta, phi in statsmodels' default bounds: 1e-4 < alpha < 0.9999,
  1e-4 < beta/alpha < 0.9999, 0.8 <= phi <= 0.98; initial level and trend free) are fitted
  by least squares (the maximum likelihood of the additive-error model) for all series
  at once: for fixed smoothing parameters the one-step errors are linear in the initial
  state, so it is solved exactly, and the smoothing parameters are found by a grid
  search refined around the best point. Given those parameters, the forecasts and
  prediction intervals are exactly statsmodels' ``ETSModel.smooth(params)
  .get_prediction(...)`` (mean squared error x the exact relative forecast variance of
  the AAdN model); the tests check that to 1e-8, and that our fit is never worse than
  statsmodels' own optimiser (lower or equal sum of squared errors). Holt needs equally
  spaced periods; a gap inside the fitting window is a step without an update.

>>> import numpy as np
>>> from civicloop.learn.batch import SeriesBatch
>>> years = np.arange(2012.0, 2024.0)
>>> before = 20 + 0.5 * (years - 2012) + np.tile([0.3, -0.2, 0.1, -0.3], 3)
>>> after = np.where(years >= 2020, before - 2.0 * (years - 2019), before)  # absences fall faster
>>> r = turn_the_curve(SeriesBatch([after], years, keys=["absence"]), since=2020, direction="lower")
>>> r.status.tolist(), r.words.tolist()
(['better_than_baseline'], ['below the baseline: better than expected'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import ndtri, stdtrit

from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch
from civicloop.learn.direction import parse_direction

__all__ = ["Baseline", "CurveVerdict", "forecast_baseline", "turn_the_curve"]

BaselineMethod = Literal["linear", "holt_damped"]

MIN_POINTS = {"linear": 3, "holt_damped": 6}

# statsmodels' default bounds for ETS smoothing parameters.
_ALPHA_BOUNDS = (1e-4, 1 - 1e-4)
_BETA_STAR_BOUNDS = (1e-4, 1 - 1e-4)
_PHI_BOUNDS = (0.8, 0.98)


@dataclass(frozen=True)
class Baseline(BatchResult):
    """Baseline per series: 2-D `expected`, `lower`, `upper` (series x periods, NaN before
    `since` and where the baseline could not be fitted), and the fitted parameters."""

    expected: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_fit: np.ndarray
    params: np.ndarray  # linear: (intercept at since, slope); holt: (alpha, beta, phi, l0, b0)
    mse: np.ndarray
    since: np.ndarray
    method: str = "linear"
    level: float = 0.95


def forecast_baseline(
    batch: SeriesBatch,
    since: Any,
    *,
    method: BaselineMethod = "linear",
    level: float = 0.95,
) -> Baseline:
    """Fit on observations before `since` (one time for all series or one each) and
    forecast every period from `since` on, with a `level` prediction interval.

    >>> import numpy as np
    >>> from civicloop.learn.batch import SeriesBatch
    >>> b = SeriesBatch([[1.0, 2.1, 2.9, 4.2, 5.0, np.nan]], np.arange(2018.0, 2024.0))
    >>> base = forecast_baseline(b, 2022)
    >>> [round(float(v), 2) for v in base.expected[0, 4:]]
    [5.15, 6.19]
    """
    if method not in MIN_POINTS:
        raise ValueError(f"unknown baseline method {method!r}; use 'linear' or 'holt_damped'")
    since_t = np.broadcast_to(np.asarray(since, dtype=np.float64), (batch.n_series,)).copy()
    times = batch.times_2d
    before = batch.observed & (times < since_t[:, None])
    after = times >= since_t[:, None]
    if method == "linear":
        fit = _linear(batch, before, after, since_t, level)
    else:
        fit = _holt_damped(batch, before, after, level)
    return Baseline(keys=list(batch.keys), since=since_t, method=method, level=level, **fit)


# -- linear ---------------------------------------------------------------------------------


def _linear(
    batch: SeriesBatch, before: np.ndarray, after: np.ndarray, since: np.ndarray, level: float
) -> dict[str, np.ndarray]:
    t = batch.times_2d
    y = np.where(before, batch.values, 0.0)
    n = np.count_nonzero(before, axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_bar = np.where(before, t, 0.0).sum(axis=1) / n
        dt = np.where(before, t - t_bar[:, None], 0.0)
        y_bar = y.sum(axis=1) / n
        sxx = (dt * dt).sum(axis=1)
        slope = (dt * np.where(before, y - y_bar[:, None], 0.0)).sum(axis=1) / sxx
        residual = np.where(before, y - y_bar[:, None] - slope[:, None] * dt, 0.0)
        mse = (residual * residual).sum(axis=1) / (n - 2)
        ahead = t - t_bar[:, None]
        expected = y_bar[:, None] + slope[:, None] * ahead
        half = stdtrit(n - 2, 0.5 + level / 2)[:, None] * np.sqrt(
            mse[:, None] * (1 + 1 / n[:, None] + ahead * ahead / sxx[:, None])
        )
    usable = (n >= MIN_POINTS["linear"]) & (sxx > 0)
    shown = after & usable[:, None]
    nan = np.nan
    return {
        "expected": np.where(shown, expected, nan),
        "lower": np.where(shown, expected - half, nan),
        "upper": np.where(shown, expected + half, nan),
        "n_fit": n.astype(np.int64),
        "params": np.where(
            usable[:, None], np.stack([y_bar + slope * (since - t_bar), slope], axis=1), nan
        ),
        "mse": np.where(usable, mse, nan),
    }


# -- Holt's damped trend ------------------------------------------------------------------------


def _regular_step(batch: SeriesBatch) -> float:
    times = batch.times
    if times.ndim == 2:
        if not np.all((times == times[:1]) | np.isnan(times)):
            raise BatchError(
                "Holt's damped trend needs one shared, equally spaced time axis", batch.keys
            )
        times = times[0]
    steps = np.diff(times)
    if (
        times.size < 2
        or not np.all(np.isfinite(steps))
        or np.ptp(steps) > 1e-9 * max(abs(steps[0]), 1)
    ):
        raise BatchError("Holt's damped trend needs equally spaced periods", batch.keys)
    return float(steps[0])


def _run(
    y: np.ndarray,
    observed: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    phi: np.ndarray,
    level0: np.ndarray,
    trend0: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ETS(A,Ad,N) one-step errors and final states; params broadcast over (series, grid).

    y, observed: (series, periods); the rest (series, grid). Unobserved steps carry the
    state forward without an update (error 0).
    """
    level, slope = level0, trend0
    errors = np.zeros(alpha.shape + (y.shape[1],))
    for j in range(y.shape[1]):
        forecast = level + phi * slope
        e = np.where(observed[:, j : j + 1], y[:, j : j + 1] - forecast, 0.0)
        errors[..., j] = e
        level = forecast + alpha * e
        slope = phi * slope + beta * e
    return errors, level, slope


def _profile_sse(
    y: np.ndarray, observed: np.ndarray, alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best initial (level, trend) and the SSE for each smoothing-parameter triple.

    Errors are linear in the initial state: e = e_y + l0 e_l + b0 e_b, so the initial
    state solves a 2x2 least-squares problem per series and grid point.
    """
    zeros = np.zeros_like(alpha)
    ones = np.ones_like(alpha)
    no_data = np.zeros_like(y)
    e_y, _, _ = _run(y, observed, alpha, beta, phi, zeros, zeros)
    e_l, _, _ = _run(no_data, observed, alpha, beta, phi, ones, zeros)
    e_b, _, _ = _run(no_data, observed, alpha, beta, phi, zeros, ones)
    a11 = (e_l * e_l).sum(-1)
    a12 = (e_l * e_b).sum(-1)
    a22 = (e_b * e_b).sum(-1)
    r1 = -(e_l * e_y).sum(-1)
    r2 = -(e_b * e_y).sum(-1)
    det = a11 * a22 - a12 * a12
    with np.errstate(invalid="ignore", divide="ignore"):
        l0 = (a22 * r1 - a12 * r2) / det
        b0 = (a11 * r2 - a12 * r1) / det
    residual = e_y + l0[..., None] * e_l + b0[..., None] * e_b
    sse = (residual * residual).sum(-1)
    return np.where(np.isfinite(sse), sse, np.inf), l0, b0


def _fit_holt(y: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Grid search over (alpha, beta/alpha, phi), then zoom in around the best point."""
    n_series = y.shape[0]
    bounds = np.array([_ALPHA_BOUNDS, _BETA_STAR_BOUNDS, _PHI_BOUNDS])
    grid = np.stack(
        np.meshgrid(
            np.linspace(*_ALPHA_BOUNDS, 12),
            np.linspace(*_BETA_STAR_BOUNDS, 10),
            np.linspace(*_PHI_BOUNDS, 5),
            indexing="ij",
        ),
        axis=-1,
    ).reshape(-1, 3)
    candidates = np.broadcast_to(grid, (n_series,) + grid.shape)
    # After the coarse grid, look +-one grid spacing around the best point, then halve.
    width = (bounds[:, 1] - bounds[:, 0]) / np.array([11, 9, 4])
    offsets = np.stack(np.meshgrid(*[np.linspace(-1, 1, 5)] * 3, indexing="ij"), -1).reshape(-1, 3)
    rows = np.arange(n_series)
    best_sse = np.full(n_series, np.inf)
    best = np.zeros((n_series, 5))  # alpha, beta/alpha, phi, l0, b0
    for _ in range(16):
        a, b_star, phi = candidates[..., 0], candidates[..., 1], candidates[..., 2]
        sse, l0, b0 = _profile_sse(y, observed, a, a * b_star, phi)
        pick = np.argmin(sse, axis=1)
        found = sse[rows, pick]
        better = found < best_sse
        best_sse = np.where(better, found, best_sse)
        point = np.column_stack([candidates[rows, pick], l0[rows, pick], b0[rows, pick]])
        best = np.where(better[:, None], point, best)
        candidates = np.clip(best[:, None, :3] + offsets[None] * width, bounds[:, 0], bounds[:, 1])
        width = width / 2
    alpha, b_star, phi, l0, b0 = best.T
    return alpha, alpha * b_star, phi, l0, b0, best_sse


def _relative_variance(
    h: np.ndarray, alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray
) -> np.ndarray:
    """statsmodels' exact relative forecast variance of ETS(A,Ad,N) at horizon h."""
    return (
        1
        + alpha**2 * (h - 1)
        + (beta * phi * h) / ((1 - phi) ** 2) * (2 * alpha * (1 - phi) + beta * phi)
        - (beta * phi * (1 - phi**h))
        / ((1 - phi) ** 2 * (1 - phi**2))
        * (2 * alpha * (1 - phi**2) + beta * phi * (1 + 2 * phi - phi**h))
    )


def _holt_damped(
    batch: SeriesBatch, before: np.ndarray, after: np.ndarray, level: float
) -> dict[str, np.ndarray]:
    step = _regular_step(batch)
    n_series, n_periods = batch.values.shape
    n = np.count_nonzero(before, axis=1)
    usable = n >= MIN_POINTS["holt_damped"]
    nan_out = np.full((n_series, n_periods), np.nan)
    params = np.full((n_series, 5), np.nan)
    mse_out = np.full(n_series, np.nan)
    expected, lower, upper = nan_out.copy(), nan_out.copy(), nan_out.copy()
    if usable.any():
        rows = np.flatnonzero(usable)
        obs = before[rows]
        first = np.argmax(obs, axis=1)
        last = n_periods - 1 - np.argmax(obs[:, ::-1], axis=1)
        # Align every series so that its first observation is column 0.
        width = int((last - first).max()) + 1
        cols = first[:, None] + np.arange(width)
        inside = cols <= last[:, None]
        cols = np.minimum(cols, n_periods - 1)
        y = np.where(inside, np.take_along_axis(batch.values[rows], cols, axis=1), 0.0)
        seen = inside & np.take_along_axis(obs, cols, axis=1)
        alpha, beta, phi, l0, b0, sse = _fit_holt(np.where(seen, y, 0.0), seen)
        # Re-run once at the chosen parameters for the final state (clean arithmetic).
        e, lev, tr = _run(
            np.where(seen, y, 0.0),
            seen,
            alpha[:, None],
            beta[:, None],
            phi[:, None],
            l0[:, None],
            b0[:, None],
        )
        lev, tr = lev[:, 0], tr[:, 0]
        mse = (e[:, 0] ** 2).sum(-1) / n[rows]
        # Horizon in steps from the last fitted observation to every later period.
        h = np.rint((batch.times_2d[rows] - batch.times_2d[rows, last][:, None]) / step)
        with np.errstate(invalid="ignore", over="ignore"):
            damp = np.where(
                h >= 1, phi[:, None] * (1 - phi[:, None] ** h) / (1 - phi[:, None]), np.nan
            )
            mean = lev[:, None] + damp * tr[:, None]
            var = mse[:, None] * _relative_variance(h, alpha[:, None], beta[:, None], phi[:, None])
            half = ndtri(0.5 + level / 2) * np.sqrt(var)
        show = after[rows] & (h >= 1)
        expected[rows] = np.where(show, mean, np.nan)
        lower[rows] = np.where(show, mean - half, np.nan)
        upper[rows] = np.where(show, mean + half, np.nan)
        params[rows] = np.stack([alpha, beta, phi, l0, b0], axis=1)
        mse_out[rows] = mse
    return {
        "expected": expected,
        "lower": lower,
        "upper": upper,
        "n_fit": n.astype(np.int64),
        "params": params,
        "mse": mse_out,
    }


# -- reading the actual values against the band -------------------------------------------------

CURVE_WORDS = {
    "better_than_baseline": "{side} the baseline: better than expected",
    "worse_than_baseline": "{side} the baseline: worse than expected",
    "within_baseline": "within the baseline: as expected",
    "no_data_since": "no data since the start",
    "not_enough_data": "not enough data before the start",
}


@dataclass(frozen=True)
class CurveVerdict(BatchResult):
    """Per series: where the latest actual value since `since` sits against the baseline
    band (`position`: above / within / below), whether that is good (`status`, `words`),
    and how many post-start points fell above, within and below."""

    status: np.ndarray
    words: np.ndarray
    position: np.ndarray
    latest_time: np.ndarray
    latest_value: np.ndarray
    latest_expected: np.ndarray
    latest_lower: np.ndarray
    latest_upper: np.ndarray
    n_above: np.ndarray
    n_within: np.ndarray
    n_below: np.ndarray
    baseline: Baseline


def turn_the_curve(
    batch: SeriesBatch,
    since: Any,
    direction: Any,
    *,
    method: BaselineMethod = "linear",
    level: float = 0.95,
) -> CurveVerdict:
    """Compare the actual values since `since` with the forecast baseline band.

    The verdict reads the latest observation since `since`: above the band is better
    than expected when higher is better, worse when lower is better; within the band is
    "as expected" (the curve has not turned, or not yet beyond the noise).
    """
    sign = parse_direction(direction, batch.keys)
    base = forecast_baseline(batch, since, method=method, level=level)
    actual = np.where(np.isnan(base.expected), np.nan, batch.values)
    with np.errstate(invalid="ignore"):
        above = actual > base.upper
        below = actual < base.lower
    has = ~np.isnan(actual)
    within = has & ~above & ~below
    last = batch.n_periods - 1 - np.argmax(has[:, ::-1], axis=1)
    rows = np.arange(batch.n_series)
    any_since = has.any(axis=1)

    def pick(a: np.ndarray) -> np.ndarray:
        return np.where(any_since, a[rows, last], np.nan)

    latest = pick(actual)
    lo, hi = pick(base.lower), pick(base.upper)
    position = np.full(batch.n_series, "", dtype=object)
    position[latest > hi] = "above"
    position[latest < lo] = "below"
    position[(latest >= lo) & (latest <= hi)] = "within"
    good = ((position == "above") & (sign > 0)) | ((position == "below") & (sign < 0))
    bad = ((position == "above") & (sign < 0)) | ((position == "below") & (sign > 0))
    status = np.full(batch.n_series, "within_baseline", dtype=object)
    status[good] = "better_than_baseline"
    status[bad] = "worse_than_baseline"
    observed_since = batch.observed & (batch.times_2d >= base.since[:, None])
    status[~observed_since.any(axis=1)] = "no_data_since"
    status[base.n_fit < MIN_POINTS[method]] = "not_enough_data"
    words = np.array(
        [CURVE_WORDS[s].format(side=p) for s, p in zip(status, position, strict=True)],
        dtype=object,
    )
    return CurveVerdict(
        keys=list(batch.keys),
        status=status,
        words=words,
        position=position,
        latest_time=np.where(any_since, batch.times_2d[rows, last], np.nan),
        latest_value=latest,
        latest_expected=pick(base.expected),
        latest_lower=lo,
        latest_upper=hi,
        n_above=np.count_nonzero(above, axis=1),
        n_within=np.count_nonzero(within, axis=1),
        n_below=np.count_nonzero(below, axis=1),
        baseline=base,
    )
