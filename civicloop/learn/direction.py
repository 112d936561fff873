"""Direction: is each indicator improving, worsening, or can we not tell?

The verdict turns a trend test into plain words using the indicator's direction (is higher
or lower better), and keeps the numbers behind the words: the p-value and Sen's slope
with its confidence interval.

- "not enough data": fewer than 4 observations;
- "improving" / "worsening": the Mann-Kendall test is significant at `alpha` and S points
  the good / bad way;
- "no clear trend": otherwise, including when the test could not be computed;
- with ``adjust="fdr_bh"`` the p-values are first adjusted across the whole batch (the
  review) by Benjamini-Hochberg, so dozens of indicators do not produce flags by chance;
- "within the margin of error": only when the observations carry survey margins of error
  (`moe`): the trend is significant, but the change from the first to the last
  observation is not significant given their margins. We never call a change real that
  the margins cannot support.

>>> import numpy as np
>>> from civicloop.learn.batch import SeriesBatch
>>> b = SeriesBatch([[10.0, 9.0, 8.5, 8.0, 7.1, 7.0], [1.0, 3.0, 2.0, 2.0, 3.0, 1.0]],
...                 np.arange(2018.0, 2024.0), keys=["absence", "readiness"])
>>> v = direction_verdict(b, ["lower", "higher"])
>>> v.words.tolist()
['improving', 'no clear trend']
>>> v.explain(0)
'absence: improving (-0.6 per year, 95% CI -0.86 to -0.5; p = 0.0085, n = 6)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch
from civicloop.learn.margins import change_significance
from civicloop.learn.multiple import benjamini_hochberg
from civicloop.learn.trend import Method, Trend, trend

__all__ = [
    "DirectionVerdict",
    "MIN_POINTS",
    "STATUS_WORDS",
    "direction_verdict",
    "enough_data",
    "parse_direction",
    "verdict_from_trend",
]

MIN_POINTS = 4


def enough_data(result: Trend) -> np.ndarray:
    """Per series: can the trend be judged? At least `MIN_POINTS` observations, and at
    least one pair to compare: a seasonal test compares each month (quarter) only with the
    same month of other years, so a first year of monthly data has none."""
    return (result.n >= MIN_POINTS) & np.isfinite(result.slope)


STATUS_WORDS: dict[str, str] = {
    "improving": "improving",
    "worsening": "worsening",
    "no_clear_trend": "no clear trend",
    "borderline": "borderline",
    "not_enough_data": "not enough data",
    "within_margin_of_error": "within the margin of error",
}

_HIGHER = {"higher", "higher_is_better", "up", "increase", "positive", "+", "1", "+1"}
_LOWER = {"lower", "lower_is_better", "down", "decrease", "negative", "-", "-1"}


def parse_direction(direction: Any, keys: Sequence[str] | None = None) -> np.ndarray:
    """+1 where higher is better, -1 where lower is better, one per series.

    Accepts one value for all series or one per series: "higher"/"lower" (or "positive"/
    "negative", "up"/"down", +1/-1). Anything else is a `BatchError` naming the series.

    >>> parse_direction(["higher", "lower", -1], ["a", "b", "c"]).tolist()
    [1, -1, -1]
    >>> try:
    ...     parse_direction(["higher", "sideways"], ["a", "b"])
    ... except BatchError as err:
    ...     print(err)
    unknown direction 'sideways' (use 'higher' or 'lower'): b
    """
    n = None if keys is None else len(keys)
    if _is_scalar(direction):
        items = [direction] * (1 if n is None else n)
    else:
        items = list(direction)
    if n is not None and len(items) != n:
        raise BatchError(f"{len(items)} directions given for {n} series")
    out = np.empty(len(items), dtype=np.int64)
    for i, item in enumerate(items):
        word = str(item).strip().lower()
        if isinstance(item, int | float | np.integer | np.floating) and item in (1, -1):
            word = str(int(item))
        if word in _HIGHER:
            out[i] = 1
        elif word in _LOWER:
            out[i] = -1
        else:
            name = [keys[i]] if keys is not None else [f"series {i}"]
            raise BatchError(f"unknown direction {item!r} (use 'higher' or 'lower')", name)
    return out


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | np.integer | np.floating) or value is None


@dataclass(frozen=True)
class DirectionVerdict(BatchResult):
    """Per series: `status` (a code), `words` (plain words) and the numbers behind them."""

    status: np.ndarray
    words: np.ndarray
    direction: np.ndarray
    n: np.ndarray
    p: np.ndarray
    p_adjusted: np.ndarray
    slope: np.ndarray
    slope_low: np.ndarray
    slope_high: np.ndarray
    change_significant: np.ndarray
    alpha: float = 0.05
    adjust: str = "none"

    def explain(self, i: int) -> str:
        """One sentence: the words, then the slope with its interval and the p-value."""
        words = self.words[i]
        if self.status[i] == "not_enough_data":
            n = int(self.n[i])
            if n >= MIN_POINTS:  # a seasonal test without two years of any season
                return f"{self.keys[i]}: {words} ({n} points, no season seen in two years)"
            return f"{self.keys[i]}: {words} ({n} points; at least {MIN_POINTS} needed)"
        level = round(100 * (1 - self.alpha))
        numbers = (
            f"{_g(self.slope[i])} per year, {level}% CI {_g(self.slope_low[i])} to "
            f"{_g(self.slope_high[i])}; p = {_g(self.p[i])}"
            + (f", adjusted p = {_g(self.p_adjusted[i])}" if self.adjust != "none" else "")
            + f", n = {int(self.n[i])}"
        )
        return f"{self.keys[i]}: {words} ({numbers})"


def _g(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{float(x):.2g}"


def direction_verdict(
    batch: SeriesBatch,
    direction: Any,
    *,
    alpha: float = 0.05,
    method: Method = "original",
    moe: np.ndarray | None = None,
    moe_level: float = 0.90,
    adjust: Literal["none", "fdr_bh"] = "none",
    trend_result: Trend | None = None,
) -> DirectionVerdict:
    """Improving / worsening / no clear trend / not enough data, for every series.

    direction: "higher" or "lower" is better, one for all or one per series.
    moe: optional margins of error shaped like `batch.values`, at `moe_level`; with them,
        a significant trend also needs a significant first-to-last change, otherwise the
        verdict is "within the margin of error".
    adjust: "fdr_bh" to judge Benjamini-Hochberg adjusted p-values across the batch.
    trend_result: a `trend()` already computed for this batch, to avoid recomputing it.
    """
    sign = parse_direction(direction, batch.keys)
    result = trend_result or trend(batch, method=method, alpha=alpha)
    change_ok = np.ones(batch.n_series, dtype=bool)
    if moe is not None:
        change_ok = _first_to_last_significant(batch, np.asarray(moe, dtype=np.float64), moe_level)
    return verdict_from_trend(
        result, sign, alpha=alpha, change_significant=change_ok, adjust=adjust
    )


def verdict_from_trend(
    result: Trend,
    sign: np.ndarray,
    *,
    alpha: float = 0.05,
    change_significant: np.ndarray | None = None,
    adjust: Literal["none", "fdr_bh"] = "none",
) -> DirectionVerdict:
    """The verdict from a computed trend and +1/-1 directions (see `direction_verdict`)."""
    n_series = len(result.keys)
    sign = np.broadcast_to(np.asarray(sign), (n_series,))
    change_ok = np.ones(n_series, dtype=bool) if change_significant is None else change_significant
    if adjust not in ("none", "fdr_bh"):
        raise ValueError(f"adjust must be 'none' or 'fdr_bh', got {adjust!r}")
    # Only series with enough data take part in the review's adjustment.
    enough = enough_data(result)
    eligible = np.where(enough, result.p, np.nan)
    p_used = benjamini_hochberg(eligible) if adjust == "fdr_bh" else result.p
    with np.errstate(invalid="ignore"):
        significant = np.isfinite(p_used) & (p_used < alpha)
    good = sign * result.s
    # The verdict and the slope interval shown beside it must agree. The test (adjusted
    # across the family) and Sen's interval are two readings of the same data; where one
    # says "a trend" and the other "cannot tell" (p just either side of the line while the
    # interval touches or crosses zero, or an interval clear of zero that the adjusted
    # test does not confirm), the verdict is "borderline" rather than either.
    with np.errstate(invalid="ignore"):
        clear_of_zero = (result.slope_low > 0) | (result.slope_high < 0)
        interval_agrees = np.where(result.s > 0, result.slope_low > 0, result.slope_high < 0)
    status = np.full(n_series, "no_clear_trend", dtype=object)
    status[significant & (good > 0)] = "improving"
    status[significant & (good < 0)] = "worsening"
    status[(significant & ~interval_agrees) | (~significant & clear_of_zero)] = "borderline"
    status[significant & ~change_ok] = "within_margin_of_error"
    status[~enough] = "not_enough_data"
    words = np.array([STATUS_WORDS[s] for s in status], dtype=object)
    return DirectionVerdict(
        keys=list(result.keys),
        status=status,
        words=words,
        direction=np.where(sign > 0, "higher", "lower").astype(object),
        n=result.n,
        p=result.p,
        p_adjusted=p_used,
        slope=result.slope,
        slope_low=result.slope_low,
        slope_high=result.slope_high,
        change_significant=change_ok,
        alpha=alpha,
        adjust=adjust,
    )


def _first_to_last_significant(batch: SeriesBatch, moe: np.ndarray, level: float) -> np.ndarray:
    if moe.shape != batch.values.shape:
        raise BatchError(
            f"moe of shape {moe.shape} must be shaped like the values {batch.values.shape}"
        )
    observed = batch.observed
    rows = np.arange(batch.n_series)
    first = np.argmax(observed, axis=1)
    last = batch.n_periods - 1 - np.argmax(observed[:, ::-1], axis=1)
    # A point without a margin is taken as exact (administrative data mixed with survey
    # data); a series without observations has no change (difference NaN: not significant).
    change = change_significance(
        batch.values[rows, first],
        np.nan_to_num(moe[rows, first]),
        batch.values[rows, last],
        np.nan_to_num(moe[rows, last]),
        level=level,
    )
    return change.significant
