"""Equity gaps: how far is each group from the best-off group, and is the gap closing?

For a disaggregated indicator (by race/ethnicity, age, income, neighbourhood...), each
group's series is compared with the best-off group's series, period by period:

- the best-off group is the one with the best latest value (highest when higher is
  better, lowest when lower is better);
- the gap is the difference in the bad direction, ``direction x (best - group)``, so a
  positive gap always means "behind", in the indicator's units; the ratio is
  ``group / best``;
- whether the gap is closing uses the same trend machinery as everything else
  (Mann-Kendall and Sen's slope on the gap series): "closing" when the gap falls
  significantly, "widening" when it grows significantly, "no clear change" otherwise,
  "not enough data" with fewer than 4 periods where both groups have data. The best-off
  group itself is the "reference".

Many indicators at once: give each series its indicator label; groups are compared only
within their indicator.

>>> import numpy as np
>>> from civicloop.learn.batch import SeriesBatch
>>> years = np.arange(2016.0, 2024.0)
>>> b = SeriesBatch([[80, 81, 81, 82, 83, 83, 84, 85], [60, 63, 65, 68, 70, 73, 75, 78]],
...                 years, keys=["grade3:white", "grade3:black"])
>>> g = equity_gaps(b, ["grade3", "grade3"], "higher")
>>> g.status.tolist(), g.latest_difference.tolist()
(['reference', 'closing'], [0.0, 7.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch
from civicloop.learn.direction import enough_data, parse_direction
from civicloop.learn.trend import Method, trend

__all__ = ["EQUITY_WORDS", "EquityGaps", "equity_gaps"]

EQUITY_WORDS: dict[str, str] = {
    "reference": "best-off group",
    "closing": "gap closing",
    "widening": "gap widening",
    "no_clear_change": "no clear change in the gap",
    "not_enough_data": "not enough data",
}


@dataclass(frozen=True)
class EquityGaps(BatchResult):
    """Per group series: its reference group, the gap (2-D `difference`, `ratio`), the
    latest gap, and the gap's trend (Sen slope per year, p) and status."""

    status: np.ndarray
    words: np.ndarray
    indicator: np.ndarray
    reference: np.ndarray
    difference: np.ndarray
    ratio: np.ndarray
    latest_difference: np.ndarray
    latest_ratio: np.ndarray
    gap_slope: np.ndarray
    gap_slope_low: np.ndarray
    gap_slope_high: np.ndarray
    p: np.ndarray
    alpha: float = 0.05


def equity_gaps(
    batch: SeriesBatch,
    indicator: Sequence[Any],
    direction: Any,
    *,
    alpha: float = 0.05,
    method: Method = "original",
) -> EquityGaps:
    """Gaps to the best-off group within each indicator, and whether each is closing.

    indicator: the indicator label of each series (its groups share it). direction:
    "higher" or "lower" is better (one for all or one per series).
    """
    labels = np.asarray([str(i) for i in indicator], dtype=object)
    if labels.shape[0] != batch.n_series:
        raise BatchError(f"{labels.shape[0]} indicator labels given for {batch.n_series} series")
    sign = parse_direction(direction, batch.keys)
    _, group = np.unique(labels, return_inverse=True)
    mixed = _mixed_directions(group, sign)
    if mixed.any():
        raise BatchError(
            "groups of one indicator must share a direction",
            [batch.keys[i] for i in np.flatnonzero(mixed)],
        )

    _, latest = batch.latest()
    # Best first within each indicator; series with no data sort last.
    goodness = np.where(np.isnan(latest), -np.inf, sign * latest)
    order = np.lexsort((-goodness, group))
    sorted_group = group[order]
    first_of_group = np.ones(order.size, dtype=bool)
    first_of_group[1:] = sorted_group[1:] != sorted_group[:-1]
    best_of_group = order[first_of_group]
    reference_row = best_of_group[group]

    best = batch.values[reference_row]
    difference = sign[:, None] * (best - batch.values)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(best != 0, batch.values / best, np.nan)  # no ratio to a zero
    gap_batch = batch.with_values(difference)
    gap_trend = trend(gap_batch, method=method, alpha=alpha)
    _, latest_difference = gap_batch.latest()
    latest_ratio = _latest(ratio)

    significant = np.isfinite(gap_trend.p) & (gap_trend.p < alpha)
    status = np.full(batch.n_series, "no_clear_change", dtype=object)
    status[significant & (gap_trend.s < 0)] = "closing"
    status[significant & (gap_trend.s > 0)] = "widening"
    status[~enough_data(gap_trend)] = "not_enough_data"
    status[reference_row == np.arange(batch.n_series)] = "reference"
    return EquityGaps(
        keys=list(batch.keys),
        status=status,
        words=np.array([EQUITY_WORDS[s] for s in status], dtype=object),
        indicator=labels,
        reference=np.array([batch.keys[r] for r in reference_row], dtype=object),
        difference=difference,
        ratio=ratio,
        latest_difference=latest_difference,
        latest_ratio=latest_ratio,
        gap_slope=gap_trend.slope,
        gap_slope_low=gap_trend.slope_low,
        gap_slope_high=gap_trend.slope_high,
        p=gap_trend.p,
        alpha=alpha,
    )


def _mixed_directions(group: np.ndarray, sign: np.ndarray) -> np.ndarray:
    n_groups = group.max(initial=-1) + 1
    up = np.bincount(group, weights=sign > 0, minlength=n_groups)
    down = np.bincount(group, weights=sign < 0, minlength=n_groups)
    return ((up > 0) & (down > 0))[group]


def _latest(values: np.ndarray) -> np.ndarray:
    """The last non-NaN entry of each row (NaN when none)."""
    seen = ~np.isnan(values)
    if values.shape[1] == 0:
        return np.full(values.shape[0], np.nan)
    col = values.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
    picked = values[np.arange(values.shape[0]), col]
    return np.where(seen.any(axis=1), picked, np.nan)
