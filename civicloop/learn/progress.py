"""Progress to target: is each indicator on its way to its target, and how fast?

Two methods, one entry point, `progress()`:

``"civicloop"`` (the default) uses every observation since the baseline. It projects
Sen's slope, with its confidence interval, to the target period and compares that with
the target, which is where the straight path from the baseline to the target ends:

- target_achieved: the latest value is already at or beyond the target;
- on_track: even the pessimistic end of the projection reaches the target;
- too_noisy ("too noisy to tell"): the projection interval straddles the target path;
- at_risk: the whole projection falls short, but the series is clearly moving the right
  way (the slope interval is entirely on the good side of zero): too slow;
- off_track: the whole projection falls short and the series is not clearly improving,
  or the target period has passed without reaching the target;
- not_enough_data (fewer than 4 points since the baseline) / not_available (no target).

Why not two points? Compound growth between the base year and the latest year looks at
two numbers only, so one noisy or revised end point decides the status alone: a series
that has improved steadily for a decade reads as "deterioration" after one bad year.
Sen's slope is the median of all pairwise slopes, so a single odd point moves it little
(its breakdown point is about 29%), and its interval says how sure we are; when the data
cannot tell, we say so ("too noisy") instead of picking a side. The tests show a noisy
end point flipping the Open SDG status while ours does not move.

``"open-sdg"`` reproduces the progress measure of Open SDG sites and Statistics Canada
exactly, so a national or city SDG team moving to civicloop gets identical statuses and
scores. The reference is sdg-build's ``sdg/ProgressMeasure.py`` (github.com/open-sdg/
sdg-build: ``IndicatorProgress.get_indicator_progress``, ``SeriesProgress``,
``growth_calculation``, ``get_progress_status``, ``get_progress_status_from_score``)
and Open SDG's documentation of ``progress_calculation_options``:

- An indicator's options list one entry per component: a ``series``, a ``unit``, a
  ``disaggregation`` combination ([{field, value}...]), or none of them (the headline).
  No options at all is one headline component with every default. Each component is
  scored (`open_sdg_progress`); the indicator's score is the mean of the scores that
  exist, and its status is read from that mean (>= 2.5 substantial, >= 0 moderate,
  >= -2.5 limited, else deterioration), target_achieved only when every scored
  component achieved its target; with no scored component it is not available
  (`open_sdg_indicator_progress`). A ``group: [...]`` entry's members are averaged
  first and count once, as the documentation describes (the group code itself was not
  available to us; its rule is the documented one).
- Defaults: base year 2015 (the next year with data when it has none), target year
  2030, direction negative unless it says ``positive``, no target, no limit. Where the
  2030 target year or the direction was assumed, the component says so
  (`SdgComponentSpec.assumptions`): the published status rests on it.
- Years: a ``Year`` label counts as its first four characters, so a span counts as its
  first year (``2017/2019`` -> 2017, ``2015-16`` -> 2015); two values for one year stop
  the component, as they stop sdg-build's build.
- Base and current year: the base year's value (or the next year's) and the latest
  year's; a single year of data, or base and current values of opposite signs, has no
  progress value (not available), unless the target is already achieved (score 5).

`open_sdg_indicator` aggregates an already-computed batch of series the same way.

>>> import numpy as np
>>> from civicloop.learn.batch import SeriesBatch
>>> years = np.arange(2015.0, 2025.0)
>>> b = SeriesBatch([50 + 2.5 * (years - 2015) + [0, .4, -.3, .2, 0, -.4, .3, 0, -.2, .1]],
...                 years, keys=["readiness"])
>>> r = progress(b, target=80, target_year=2030, direction="higher")
>>> r.status.tolist(), round(float(r.projected[0]), 1)
(['on_track'], 87.1)
>>> progress(b, method="open-sdg", target=80, direction="positive").status.tolist()
['substantial_progress']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch
from civicloop.learn.direction import MIN_POINTS, parse_direction
from civicloop.learn.trend import trend

__all__ = [
    "CIVICLOOP_STATUS_WORDS",
    "SDG_WORDS",
    "CivicloopProgress",
    "IndicatorProgress",
    "OpenSdgProgress",
    "SdgComponent",
    "SdgComponentSpec",
    "SdgIndicatorProgress",
    "SdgSelector",
    "civicloop_progress",
    "open_sdg_indicator",
    "open_sdg_indicator_progress",
    "open_sdg_progress",
    "progress",
    "sdg_component_specs",
    "sdg_status_from_score",
    "sdg_years",
]

CIVICLOOP_STATUS_WORDS: dict[str, str] = {
    "target_achieved": "target achieved",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "too_noisy": "too noisy to tell",
    "not_enough_data": "not enough data",
    "not_available": "not available",
}


def progress(
    batch: SeriesBatch, *, method: Literal["civicloop", "open-sdg"] = "civicloop", **options: Any
) -> CivicloopProgress | OpenSdgProgress:
    """Progress to target by `method` ("civicloop", the default, or "open-sdg").

    Options are those of `civicloop_progress` or `open_sdg_progress`.
    """
    if method == "civicloop":
        return civicloop_progress(batch, **options)
    if method == "open-sdg":
        return open_sdg_progress(batch, **options)
    raise ValueError(f"unknown progress method {method!r}; use 'civicloop' or 'open-sdg'")


def _per_series(value: Any, n: int, name: str) -> np.ndarray:
    """A scalar or one value per series as a float array (None -> NaN)."""
    if value is None:
        return np.full(n, np.nan)
    if isinstance(value, str | int | float | np.number):
        return np.full(n, float(value))
    array = np.array([np.nan if v is None else v for v in value], dtype=np.float64)
    if array.shape != (n,):
        raise BatchError(f"{name}: {array.size} values given for {n} series")
    return array


# == civicloop =================================================================================


@dataclass(frozen=True)
class CivicloopProgress(BatchResult):
    """Per series: status, its words, and the projection and path behind it."""

    status: np.ndarray
    words: np.ndarray
    n: np.ndarray
    base_time: np.ndarray
    base_value: np.ndarray
    latest_time: np.ndarray
    latest_value: np.ndarray
    target: np.ndarray
    target_time: np.ndarray
    required_slope: np.ndarray
    slope: np.ndarray
    slope_low: np.ndarray
    slope_high: np.ndarray
    projected: np.ndarray
    projected_low: np.ndarray
    projected_high: np.ndarray
    alpha: float = 0.05


def civicloop_progress(
    batch: SeriesBatch,
    *,
    target: ArrayLike | None,
    target_year: ArrayLike | float = 2030,
    direction: Any,
    base_year: ArrayLike | float | None = None,
    alpha: float = 0.05,
) -> CivicloopProgress:
    """Project Sen's slope and its interval to the target period (see the module doc).

    target, target_year, base_year: one value or one per series (base_year defaults to
    each series' first observation; observations before it are ignored). direction:
    "higher" or "lower" is better.
    """
    n_series = batch.n_series
    sign = parse_direction(direction, batch.keys)
    target_v = _per_series(target, n_series, "target")
    target_t = _per_series(target_year, n_series, "target_year")
    base_t = _per_series(base_year, n_series, "base_year")
    # Points before the baseline do not count; the baseline is the first point on or after it.
    times = batch.times_2d
    with np.errstate(invalid="ignore"):
        keep = ~(times < base_t[:, None])
    since = batch.with_values(np.where(keep, batch.values, np.nan))
    base_time, base_value = since.earliest()
    latest_time, latest_value = since.latest()

    result = trend(since, alpha=alpha)
    # Anchor the Sen line at its median point (Conover), where it is best determined.
    anchor_t, anchor_v = _median_point(since, result.slope, result.intercept, result.origin)
    with np.errstate(invalid="ignore"):
        ahead = target_t - anchor_t
        projected = anchor_v + result.slope * ahead
        ends = (anchor_v + result.slope_low * ahead, anchor_v + result.slope_high * ahead)
        low, high = np.fmin(*ends), np.fmax(*ends)
        required = (target_v - base_value) / (target_t - base_time)
        # In "good" units (higher is better) the comparisons read the same for both directions.
        pessimistic = np.where(sign > 0, low, -high) - sign * target_v
        optimistic = np.where(sign > 0, high, -low) - sign * target_v
        slope_good_low = np.where(sign > 0, result.slope_low, -result.slope_high)
        achieved = sign * (latest_value - target_v) >= 0
        deadline_passed = latest_time >= target_t

    status = np.full(n_series, "off_track", dtype=object)
    status[(optimistic < 0) & (slope_good_low > 0)] = "at_risk"
    status[(pessimistic < 0) & (optimistic >= 0)] = "too_noisy"
    status[pessimistic >= 0] = "on_track"
    status[deadline_passed] = "off_track"
    status[result.n < MIN_POINTS] = "not_enough_data"
    status[achieved] = "target_achieved"
    status[np.isnan(target_v) | np.isnan(target_t)] = "not_available"
    return CivicloopProgress(
        keys=list(batch.keys),
        status=status,
        words=np.array([CIVICLOOP_STATUS_WORDS[s] for s in status], dtype=object),
        n=result.n,
        base_time=base_time,
        base_value=base_value,
        latest_time=latest_time,
        latest_value=latest_value,
        target=target_v,
        target_time=target_t,
        required_slope=required,
        slope=result.slope,
        slope_low=result.slope_low,
        slope_high=result.slope_high,
        projected=projected,
        projected_low=low,
        projected_high=high,
        alpha=alpha,
    )


def _median_point(
    batch: SeriesBatch, slope: np.ndarray, intercept: np.ndarray, origin: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(median observed time, Sen line there): the point the Sen line pivots around."""
    n = batch.n_observed
    times = np.sort(np.where(batch.observed, batch.times_2d, np.inf), axis=1)
    if times.shape[1] == 0:
        return np.full(batch.n_series, np.nan), np.full(batch.n_series, np.nan)
    rows = np.arange(batch.n_series)
    low = times[rows, np.maximum((n - 1) // 2, 0)]
    high = times[rows, np.maximum(n // 2, 0) % times.shape[1]]
    with np.errstate(invalid="ignore"):
        t = np.where(n > 0, (low + high) / 2, np.nan)
        return t, intercept + slope * (t - origin)


# == Open SDG ==================================================================================

_SDG_THRESHOLDS_NO_TARGET = {"high": 0.015, "med": 0.005, "low": 0.0}
_SDG_THRESHOLDS_TARGET = {"high": 0.95, "med": 0.6, "low": 0.0}
_SDG_LIMIT_EXPONENT = 4.44


def sdg_years(labels: Sequence[Any]) -> np.ndarray:
    """Open SDG "Year" labels as numbers: ranges like "2015-2016" take their first year.

    As sdg-build does, when any label is longer than four characters every label is cut
    to its first four.

    >>> sdg_years(["2015-2016", "2017", 2018]).tolist()
    [2015.0, 2017.0, 2018.0]
    """
    text = [str(label).strip() for label in labels]
    if any(len(t) > 4 for t in text):
        text = [t[:4] for t in text]
    return np.array([float(t) for t in text], dtype=np.float64)


@dataclass(frozen=True)
class OpenSdgProgress(BatchResult):
    """The Open SDG progress measure per series, with its calculation components."""

    status: np.ndarray
    score: np.ndarray
    progress_value: np.ndarray
    target_achieved: np.ndarray
    base_year: np.ndarray
    base_value: np.ndarray
    current_year: np.ndarray
    current_value: np.ndarray
    target: np.ndarray
    target_year: np.ndarray
    direction: np.ndarray
    sign: np.ndarray
    coefficient: np.ndarray
    reason: np.ndarray


def open_sdg_progress(
    batch: SeriesBatch,
    *,
    base_year: ArrayLike | float = 2015,
    target: ArrayLike | None = None,
    target_year: ArrayLike | float = 2030,
    direction: Any = None,
    limit: ArrayLike | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> OpenSdgProgress:
    """The Open SDG / Statistics Canada progress measure, as sdg-build computes it.

    Per series (one value for all, or one per series): base_year (default 2015; if it has
    no data, the next year that has), target (None/NaN: no target), target_year (2030),
    direction ("positive" means higher is better; anything else, including None, means
    lower is better, exactly as sdg-build reads its configuration), limit (None/NaN: none).
    thresholds: {"high", "med", "low"} overriding the defaults (0.015 / 0.005 / 0 without
    a target, 0.95 / 0.6 / 0 with one). Times must be whole years (see `sdg_years`).

    Rules (sdg-build's): growth is the compound annual rate (v1/v0)^(1/(t1-t0)) - 1.
    Without a target the progress value is sign(base) x direction x growth from the base
    year to the latest year, and with a limit the thresholds are scaled by
    c = 1 - (b/L)^4.44 (b <= L), 1 - ((2L - b)/L)^4.44 (L < b < 2L) or 1 (b >= 2L), with b
    and L the absolute base value and limit. With a target it is sign x direction x
    observed growth / |growth required from the base to the target by the target year|.
    Status: target_achieved (latest value at or beyond the target in the good direction),
    else substantial_progress (>= high), moderate_progress (>= med), limited_progress
    (>= low), deterioration (< low), not_available. The score on [-5, 5] follows
    sdg-build's piecewise-linear functions. A base value of 0 (and a target of 0) is
    replaced by 0.001; base and latest values of opposite signs give not_available.

    Where sdg-build would raise (no data at or after the base year, a target equal to the
    base value, a target year equal to the base year), the series is not_available and
    `reason` says why. Duplicated years cannot reach this function: `SeriesBatch`
    rejects them, naming the series.
    """
    n_series = batch.n_series
    sign_dir = _sdg_direction(direction, n_series)
    base_y = _per_series(base_year, n_series, "base_year")
    target_v = _per_series(target, n_series, "target")
    target_v = np.where(target_v == 0, 0.001, target_v)
    target_y = _per_series(target_year, n_series, "target_year")
    limit_v = _per_series(limit, n_series, "limit")
    has_target = ~np.isnan(target_v)

    reason = np.full(n_series, "", dtype=object)
    current_year, current_value = batch.latest()
    base_year_used, raw_base = _sdg_base(batch, base_y)
    reason[np.isnan(current_year)] = "no data"
    reason[(reason == "") & np.isnan(raw_base)] = "no data at or after the base year"

    sign = np.where(raw_base < 0, -1, 1)
    high, med, low, coefficient = _sdg_thresholds(has_target, raw_base, limit_v, thresholds)
    achieved = has_target & (
        ((sign_dir == -1) & (current_value <= target_v))
        | ((sign_dir == 1) & (current_value >= target_v))
    )

    value, why = _sdg_progress_value(
        raw_base, current_value, base_year_used, current_year, target_v, target_y, sign * sign_dir
    )
    reason = np.where(reason == "", why, reason)
    value = np.where(reason == "", value, np.nan)

    status = _sdg_status(value, high, med, low, achieved)
    score = _sdg_score(value, has_target, high, med, low, coefficient, achieved)
    return OpenSdgProgress(
        keys=list(batch.keys),
        status=status,
        score=score,
        progress_value=value,
        target_achieved=achieved,
        base_year=base_year_used,
        base_value=raw_base,
        current_year=current_year,
        current_value=current_value,
        target=target_v,
        target_year=target_y,
        direction=sign_dir,
        sign=sign,
        coefficient=coefficient,
        reason=reason,
    )


def _sdg_direction(direction: Any, n: int) -> np.ndarray:
    """sdg-build: 1 if direction == 'positive' else -1 (also accepts +1/-1 numbers)."""
    items = (
        [direction] * n
        if direction is None or isinstance(direction, str | int | float)
        else list(direction)
    )
    if len(items) != n:
        raise BatchError(f"direction: {len(items)} values given for {n} series")
    return np.array(
        [
            1 if (d == "positive" or (isinstance(d, int | float | np.number) and d == 1)) else -1
            for d in items
        ],
        dtype=np.int64,
    )


def _sdg_base(batch: SeriesBatch, base_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The base year if observed, else the next observed year; and its value."""
    times = batch.times_2d
    with np.errstate(invalid="ignore"):
        candidate = batch.observed & (times >= base_year[:, None])
    has = candidate.any(axis=1)
    col = np.argmax(candidate, axis=1)
    rows = np.arange(batch.n_series)
    return (
        np.where(has, times[rows, col], np.nan),
        np.where(has, batch.values[rows, col], np.nan),
    )


def _sdg_thresholds(
    has_target: np.ndarray,
    base_value: np.ndarray,
    limit: np.ndarray,
    user: Mapping[str, float] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    user = dict(user or {})
    unknown = set(user) - {"high", "med", "low"}
    if unknown:
        raise ValueError(f"unknown progress thresholds {sorted(unknown)}; use high, med, low")
    no_target = {**_SDG_THRESHOLDS_NO_TARGET, **user}
    with_target = {**_SDG_THRESHOLDS_TARGET, **user}
    b = np.abs(base_value)
    lim = np.abs(limit)
    a = _SDG_LIMIT_EXPONENT
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        near = np.where(b <= lim, 1 - (b / lim) ** a, 1 - ((2 * lim - b) / lim) ** a)
        coefficient = np.where(b >= 2 * lim, 1.0, near)
    # The limit only matters without a target (sdg-build ignores it otherwise).
    coefficient = np.where(has_target | np.isnan(limit), 1.0, coefficient)
    pick = {
        key: np.where(has_target, with_target[key], no_target[key] * coefficient)
        for key in ("high", "med", "low")
    }
    return pick["high"], pick["med"], pick["low"], coefficient


def _growth(v1: np.ndarray, v0: np.ndarray, t1: np.ndarray, t0: np.ndarray) -> np.ndarray:
    """Compound annual growth (v1/v0)^(1/(t1-t0)) - 1, as a complex array.

    A negative ratio (a target across zero from the base) has no real root; Python, and
    so sdg-build, then takes the principal complex root, whose modulus the progress value
    uses. Non-negative ratios use the real power, bit for bit what Python computes.
    """
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = v1 / v0
        exponent = 1 / (t1 - t0)
        real = np.power(np.abs(ratio), exponent) - 1
        negative = ratio < 0
        if not negative.any():
            return real.astype(np.complex128)
        principal = np.power(ratio.astype(np.complex128), exponent) - 1
        return np.where(negative, principal, real)


def _sdg_progress_value(
    base_value: np.ndarray,
    current_value: np.ndarray,
    base_year: np.ndarray,
    current_year: np.ndarray,
    target: np.ndarray,
    target_year: np.ndarray,
    sign_direction: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = base_value.shape[0]
    reason = np.full(n, "", dtype=object)
    base = np.where(base_value == 0, 0.001, base_value)
    with np.errstate(invalid="ignore"):
        opposite = ((base > 0) & (current_value < 0)) | ((base < 0) & (current_value > 0))
        too_short = (current_year - base_year) < 1
    reason[opposite] = "base and latest values have opposite signs"
    reason[(reason == "") & too_short] = "not enough data (needs two years from the base year)"
    observed = _growth(current_value, base, current_year, base_year).real
    required = np.abs(_growth(target, base, target_year, base_year))
    has_target = ~np.isnan(target)
    bad_required = has_target & (
        (required == 0) | (target_year == base_year) | ~np.isfinite(required)
    )
    reason[(reason == "") & bad_required] = "no growth is required to reach the target"
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(
            has_target, sign_direction * observed / required, sign_direction * observed
        )
    return value, reason


def _sdg_status(
    value: np.ndarray, high: np.ndarray, med: np.ndarray, low: np.ndarray, achieved: np.ndarray
) -> np.ndarray:
    # The same chain of comparisons as sdg-build's get_progress_status.
    with np.errstate(invalid="ignore"):
        status = np.select(
            [
                value >= high,
                (med <= value) & (value < high),
                (low <= value) & (value < med),
                value < low,
            ],
            ["substantial_progress", "moderate_progress", "limited_progress", "deterioration"],
            default="not_available",
        ).astype(object)
    status[achieved] = "target_achieved"
    return status


def _sdg_score(
    value: np.ndarray,
    has_target: np.ndarray,
    high: np.ndarray,
    med: np.ndarray,
    low: np.ndarray,
    coefficient: np.ndarray,
    achieved: np.ndarray,
) -> np.ndarray:
    """sdg-build's score functions (hard-coded for the default thresholds, as there)."""
    v = value
    with np.errstate(invalid="ignore", divide="ignore"):
        c = coefficient
        no_target = np.select(
            [v < low, c == 0, v >= high, v >= med, v >= low],
            [
                np.maximum(125 * v - 2.5, -5),
                5.0,
                np.minimum(500 * v / c - 5, 5),
                250 * v / c - 1.25,
                500 * v / c - 2.5,
            ],
            default=np.nan,
        )
        with_target = np.where(
            (v >= high) | (v >= med),
            np.minimum(7.1429 * v - 4.2857, 5),
            np.maximum(4.1667 * v - 2.5, -5),
        )
    score = np.where(has_target, with_target, no_target)
    score = np.where(np.isnan(v), np.nan, score)
    return np.where(achieved, 5.0, score)


@dataclass(frozen=True)
class IndicatorProgress(BatchResult):
    """Open SDG progress per indicator: the mean score of its series and the status read
    from it (keys are the indicator ids)."""

    status: np.ndarray
    score: np.ndarray
    n_series: np.ndarray
    target_achieved: np.ndarray


def open_sdg_indicator(result: OpenSdgProgress, indicator: Sequence[Any]) -> IndicatorProgress:
    """Aggregate series to indicators as sdg-build does.

    The score is the mean of the series scores that exist; the status is read from it
    (>= 2.5 substantial, >= 0 moderate, >= -2.5 limited, else deterioration) and is
    target_achieved only if every scored series achieved its target. An indicator with no
    scored series is not_available (sdg-build leaves its status empty).

    >>> import numpy as np
    >>> from civicloop.learn.batch import SeriesBatch
    >>> b = SeriesBatch([[10.0, 12.0], [10.0, 9.0]], [2015.0, 2020.0], keys=["a", "b"])
    >>> r = open_sdg_progress(b, direction="positive")
    >>> agg = open_sdg_indicator(r, ["3.1.1", "3.1.1"])
    >>> agg.keys, agg.status.tolist(), round(float(agg.score[0]), 4)
    (['3.1.1'], ['moderate_progress'], 0.0)
    """
    labels = np.asarray([str(i) for i in indicator], dtype=object)
    if labels.shape[0] != len(result.keys):
        raise BatchError(f"{labels.shape[0]} indicator ids given for {len(result.keys)} series")
    ids, inverse = np.unique(labels, return_inverse=True)
    scored = ~np.isnan(result.score)
    count = np.bincount(inverse, weights=scored, minlength=len(ids))
    total = np.bincount(inverse, weights=np.where(scored, result.score, 0.0), minlength=len(ids))
    missed = np.bincount(inverse, weights=scored & ~result.target_achieved, minlength=len(ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(count > 0, total / count, np.nan)
    achieved = (count > 0) & (missed == 0)
    status = np.full(len(ids), "not_available", dtype=object)
    status[score >= -5] = "deterioration"
    status[score >= -2.5] = "limited_progress"
    status[score >= 0] = "moderate_progress"
    status[score >= 2.5] = "substantial_progress"
    status[achieved] = "target_achieved"
    return IndicatorProgress(
        keys=[str(i) for i in ids],
        status=status,
        score=score,
        n_series=count.astype(np.int64),
        target_achieved=achieved,
    )


# == Open SDG indicators: their components and the mean of their scores =====================

SDG_BASE_YEAR = 2015  # sdg-build's defaults for an entry that does not say
SDG_TARGET_YEAR = 2030
SDG_WORDS: dict[str, str] = {
    "target_achieved": "target achieved",
    "substantial_progress": "substantial progress",
    "moderate_progress": "moderate progress",
    "limited_progress": "limited progress",
    "deterioration": "deterioration",
    "not_available": "not available",
}


@dataclass(frozen=True)
class SdgSelector:
    """The time series one ``progress_calculation_options`` entry names: a ``Series``
    value, a ``Units`` value and disaggregation (column, value) pairs; none of them means
    the headline (every disaggregation column empty)."""

    series: str | None = None
    unit: str | None = None
    disaggregation: tuple[tuple[str, str], ...] = ()

    def tag(self, indicator_id: str) -> str:
        """sdg-build's name for the component: "1-1-1 / series / unit / value / value"."""
        parts = [indicator_id, self.series, self.unit, *(v for _f, v in self.disaggregation)]
        return " / ".join(str(p) for p in parts if p not in (None, ""))

    def as_dict(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "unit": self.unit,
            "disaggregation": [{"field": f, "value": v} for f, v in self.disaggregation],
        }


@dataclass(frozen=True)
class SdgComponentSpec:
    """One component's settings, read from its options entry with sdg-build's defaults.

    group: the position of the ``group`` entry the component belongs to (its members'
    mean counts once in the indicator's mean), None at the top level. assumptions: what
    Open SDG assumed because the entry did not say (a target year of 2030 for a target
    without one; lower is better when there is no direction), in words for a reader.
    """

    selector: SdgSelector = SdgSelector()
    base_year: float = SDG_BASE_YEAR
    target: float | None = None
    target_year: float = SDG_TARGET_YEAR
    direction: int = -1
    limit: float | None = None
    thresholds: Mapping[str, float] | None = None
    group: int | None = None
    assumptions: tuple[str, ...] = ()


def sdg_component_specs(options: Any) -> list[SdgComponentSpec]:
    """The components of an indicator's ``progress_calculation_options``, in order.

    As sdg-build: no options (or an empty list) is one headline component with every
    default; ``group: [...]`` entries contribute one component per member. Entries that
    are not mappings cannot be read by sdg-build either and are skipped.

    >>> specs = sdg_component_specs([{"series": "Aged 12 to 17 years", "target": 5},
    ...                              {"disaggregation": [{"field": "Sex", "value": "Female"}]}])
    >>> specs[0].selector.series, specs[0].target_year, specs[0].assumptions[0]
    ('Aged 12 to 17 years', 2030.0, 'no target year given: Open SDG assumes 2030')
    >>> specs[1].selector.disaggregation, specs[1].target
    ((('Sex', 'Female'),), None)
    """
    entries = options if isinstance(options, list) and options else [{}]
    specs: list[SdgComponentSpec] = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        members = entry.get("group")
        if isinstance(members, list):
            specs.extend(
                _sdg_spec(member, group=position)
                for member in members
                if isinstance(member, Mapping)
            )
        else:
            specs.append(_sdg_spec(entry, group=None))
    return specs


def _sdg_spec(entry: Mapping[str, Any], *, group: int | None) -> SdgComponentSpec:
    assumptions: list[str] = []
    pairs = []
    for item in entry.get("disaggregation") or []:
        if isinstance(item, Mapping) and "field" in item:
            pairs.append((str(item["field"]), _text(item.get("value")) or ""))
    selector = SdgSelector(_text(entry.get("series")), _text(entry.get("unit")), tuple(pairs))
    target = _number(entry.get("target"))
    if entry.get("target") not in (None, "") and target is None:
        assumptions.append(f"target {entry['target']!r} is not a number: read as no target")
    target_year = _year(entry.get("target_year"), SDG_TARGET_YEAR)
    if target is not None and entry.get("target_year") in (None, ""):
        assumptions.append(f"no target year given: Open SDG assumes {SDG_TARGET_YEAR}")
    if entry.get("direction") in (None, ""):
        assumptions.append("no direction given: Open SDG reads lower as better")
    elif entry["direction"] not in ("positive", "negative"):
        assumptions.append(
            f"direction {entry['direction']!r} read as lower is better: Open SDG reads "
            "anything but 'positive' so"
        )
    thresholds = entry.get("progress_thresholds")
    base_year = _year(entry.get("base_year"), SDG_BASE_YEAR)
    for name, year in (("base_year", base_year), ("target_year", target_year)):
        if np.isnan(year):
            assumptions.append(f"{name} {entry[name]!r} is not a year")
    return SdgComponentSpec(
        selector=selector,
        base_year=base_year,
        target=target,
        target_year=target_year,
        direction=1 if entry.get("direction") == "positive" else -1,
        limit=_number(entry.get("limit")),
        thresholds=(
            {k: float(v) for k, v in thresholds.items() if k in ("high", "med", "low")}
            if isinstance(thresholds, Mapping)
            else None
        ),
        group=group,
        assumptions=tuple(assumptions),
    )


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value).strip()


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _year(value: Any, default: int) -> float:
    if value in (None, ""):
        return float(default)
    try:
        return float(sdg_years([value])[0])
    except ValueError:
        return float("nan")  # an unreadable year: the component cannot be computed


@dataclass(frozen=True)
class SdgComponent:
    """One component's progress, with what it rests on (sdg-build's calculation
    components, plus the period labels read and any assumption)."""

    tag: str
    selector: SdgSelector
    group: int | None
    status: str
    score: float | None
    progress_value: float | None
    target_achieved: bool
    base_year: float | None
    base_period: str | None
    base_value: float | None
    current_year: float | None
    current_period: str | None
    current_value: float | None
    target: float | None
    target_year: float | None
    direction: int
    sign: int | None
    limit: float | None
    coefficient: float | None
    assumptions: tuple[str, ...]
    reason: str  # why there is no progress value, when there is none

    @property
    def words(self) -> str:
        return SDG_WORDS.get(self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out.update(
            selector=self.selector.as_dict(),
            words=self.words,
            assumptions=list(self.assumptions),
            direction="positive" if self.direction == 1 else "negative",
        )
        return out


@dataclass(frozen=True)
class SdgIndicatorProgress:
    """An Open SDG indicator's progress: the mean score of its components and the status
    read from it, and every component."""

    status: str
    score: float | None
    target_achieved: bool
    components: tuple[SdgComponent, ...]

    @property
    def words(self) -> str:
        return SDG_WORDS.get(self.status, self.status)

    @property
    def assumptions(self) -> list[str]:
        return list(dict.fromkeys(a for c in self.components for a in c.assumptions))


def open_sdg_indicator_progress(
    specs: Sequence[SdgComponentSpec],
    data: Sequence[Sequence[tuple[str, float]] | str],
    *,
    indicator_id: str = "",
) -> SdgIndicatorProgress:
    """An indicator's Open SDG progress from its components, as sdg-build computes it.

    data: per component, its observations as (period label, value) pairs, or a string
    saying why none could be selected. Each label is read as Open SDG reads a ``Year``
    (its first four characters: ``2017/2019`` counts as 2017, ``2015-16`` as 2015);
    two values for one year stop the component, as they stop sdg-build's build.

    The indicator's score is the mean of its components' scores (a ``group`` entry's
    members first averaged into one), leaving out components without one; its status
    is read from that mean (``get_progress_status_from_score``), and is target_achieved
    only if every scored component achieved its target. No scored component: not
    available.

    >>> specs = sdg_component_specs([{"series": "A", "direction": "positive"},
    ...                              {"series": "B", "direction": "positive"}])
    >>> r = open_sdg_indicator_progress(specs, [[("2015", 10.0), ("2020", 12.0)],
    ...                                         [("2015", 10.0), ("2020", 9.0)]])
    >>> r.status, round(r.score, 4), [c.status for c in r.components]
    ('moderate_progress', 0.0, ['substantial_progress', 'deterioration'])
    """
    if len(specs) != len(data):
        raise ValueError(f"{len(data)} data given for {len(specs)} components")
    components = tuple(
        _sdg_component(spec, points, indicator_id) for spec, points in zip(specs, data, strict=True)
    )
    items: dict[Any, list[SdgComponent]] = {}
    for k, component in enumerate(components):
        key = ("group", component.group) if component.group is not None else ("one", k)
        items.setdefault(key, []).append(component)
    scores = []
    achieved = []
    for members in items.values():
        scored = [c for c in members if c.score is not None]
        if scored:
            scores.append(float(np.mean([c.score for c in scored])))
            achieved.extend(c.target_achieved for c in scored)
    if not scores:
        return SdgIndicatorProgress("not_available", None, False, components)
    score = float(np.mean(scores))
    all_achieved = all(achieved)
    return SdgIndicatorProgress(
        sdg_status_from_score(score, all_achieved), score, all_achieved, components
    )


def sdg_status_from_score(score: float | None, target_achieved: bool = False) -> str:
    """sdg-build's ``get_progress_status_from_score``.

    >>> sdg_status_from_score(-3.78), sdg_status_from_score(0.0), sdg_status_from_score(None)
    ('deterioration', 'moderate_progress', 'not_available')
    """
    if target_achieved:
        return "target_achieved"
    if score is None or not np.isfinite(score):
        return "not_available"
    if score >= 2.5:
        return "substantial_progress"
    if score >= 0:
        return "moderate_progress"
    if score >= -2.5:
        return "limited_progress"
    return "deterioration"


def _sdg_component(
    spec: SdgComponentSpec, points: Sequence[tuple[str, float]] | str, indicator_id: str
) -> SdgComponent:
    tag = spec.selector.tag(indicator_id)
    empty = {
        "tag": tag,
        "selector": spec.selector,
        "group": spec.group,
        "status": "not_available",
        "score": None,
        "progress_value": None,
        "target_achieved": False,
        "base_year": None,
        "base_period": None,
        "base_value": None,
        "current_year": None,
        "current_period": None,
        "current_value": None,
        "target": spec.target,
        "target_year": spec.target_year if spec.target is not None else None,
        "direction": spec.direction,
        "sign": None,
        "limit": spec.limit,
        "coefficient": None,
        "assumptions": spec.assumptions,
    }
    if isinstance(points, str):
        return SdgComponent(**empty, reason=points)
    by_year: dict[float, tuple[str, float]] = {}
    for label, value in points:
        if value is None or not np.isfinite(value):
            continue  # sdg-build drops empty values before anything else
        try:
            year = float(sdg_years([label])[0])
        except ValueError:
            return SdgComponent(**empty, reason=f"the period {label!r} does not start with a year")
        if year in by_year:
            first = by_year[year][0]
            return SdgComponent(
                **empty,
                reason=f"two values for the year {int(year)} ({first} and {label}); "
                "Open SDG stops on them",
            )
        by_year[year] = (str(label), float(value))
    if not by_year:
        return SdgComponent(**empty, reason="no data found for this component")
    years = sorted(by_year)
    batch = SeriesBatch([[by_year[y][1] for y in years]], np.array(years), keys=[tag])
    result = open_sdg_progress(
        batch,
        base_year=spec.base_year,
        target=spec.target,
        target_year=spec.target_year,
        direction=spec.direction,
        limit=spec.limit,
        thresholds=spec.thresholds,
    )
    row = result.row(0)
    reason = row["reason"] or ""
    if not reason and row["progress_value"] is None:
        reason = "no progress value"
    if reason.startswith("not enough data"):
        reason = "one year of data from the base year on; two are needed"
    base_year, current_year = row["base_year"], row["current_year"]
    return SdgComponent(
        **{
            **empty,
            "status": row["status"],
            "score": row["score"],
            "progress_value": row["progress_value"],
            "target_achieved": bool(row["target_achieved"]),
            "base_year": base_year,
            "base_period": by_year[base_year][0] if base_year in by_year else None,
            "base_value": row["base_value"],
            "current_year": current_year,
            "current_period": by_year[current_year][0] if current_year in by_year else None,
            "current_value": row["current_value"],
            "target": row["target"],
            "sign": row["sign"] if row["base_value"] is not None else None,
            "coefficient": row["coefficient"],
        },
        reason="" if row["score"] is not None and row["progress_value"] is not None else reason,
    )
