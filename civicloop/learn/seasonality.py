"""Is there a season to remove? The choice between the plain and the seasonal trend test.

The seasonal Mann-Kendall test (Hirsch-Slack) compares each month or quarter only with the
same month or quarter of other years. That removes a seasonal pattern, at a price: with
few years there are few such pairs, and nine steadily rising quarters give the seasonal
test so little to compare that it calls the rise "no clear trend" while every point and
Sen's slope interval say otherwise. So the seasonal test is used only when

1. there are enough years to compare seasons: every season observed is seen at least
   `MIN_PER_SEASON` (3) times, and at least two seasons are seen; and
2. there is seasonality to remove: a Kruskal-Wallis test across seasons of the values
   with their straight-line trend removed (least squares on time) finds the seasons
   differ at `SEASONALITY_ALPHA` (5%).

Otherwise the plain test runs. Every series says which test was used and why
(`Seasonality.reason`), and the Kruskal-Wallis statistic is the same as
``scipy.stats.kruskal`` on the same groups (tie-corrected; the tests check it).

Pure NumPy/SciPy; many series at once.

>>> import numpy as np
>>> from civicloop.learn.batch import SeriesBatch
>>> t = 2020 + np.arange(16) / 4
>>> quarter = np.tile([1, 2, 3, 4], 4)
>>> rising = 10 + 2 * (t - 2020) + 0.1 * np.sin(1.3 * np.arange(16))
>>> summer = 10 + np.tile([0.0, 3.0, 6.0, 1.0], 4) + 0.01 * np.arange(16)
>>> s = seasonality(SeriesBatch([rising, summer], t, quarter))
>>> s.use_seasonal.tolist()
[False, True]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2, rankdata

from civicloop.learn.batch import BatchResult, SeriesBatch
from civicloop.learn.trend import Trend, trend

__all__ = [
    "MIN_PER_SEASON",
    "SEASONALITY_ALPHA",
    "Seasonality",
    "kruskal_wallis",
    "seasonality",
    "trend_fitting_the_data",
]

MIN_PER_SEASON = 3
SEASONALITY_ALPHA = 0.05


@dataclass(frozen=True)
class Seasonality(BatchResult):
    """Per series: the Kruskal-Wallis H and p across seasons of the detrended values, the
    fewest times a season is seen, whether the seasonal test is used, and why."""

    h: np.ndarray
    p: np.ndarray
    seasons: np.ndarray
    fewest_per_season: np.ndarray
    use_seasonal: np.ndarray
    reason: np.ndarray


def _detrended(batch: SeriesBatch) -> np.ndarray:
    """Each series minus its least-squares straight line on time (NaN where unobserved)."""
    observed = batch.observed
    t = np.where(observed, batch.times_2d, np.nan)
    x = batch.values
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = np.nanmean(t, axis=1, keepdims=True)
        x_mean = np.nanmean(x, axis=1, keepdims=True)
        dt = t - t_mean
        slope = np.nansum(dt * (x - x_mean), axis=1, keepdims=True) / np.nansum(
            dt * dt, axis=1, keepdims=True
        )
    slope = np.where(np.isfinite(slope), slope, 0.0)
    return np.where(observed, x - x_mean - slope * dt, np.nan)


def kruskal_wallis(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kruskal-Wallis H (tie-corrected) and p for each row of `values` (NaN: left out),
    grouped by `groups` (one label per column, or per cell)."""
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    groups = np.broadcast_to(np.asarray(groups), values.shape)
    observed = ~np.isnan(values)
    n = observed.sum(axis=1).astype(np.float64)
    ranks = rankdata(np.where(observed, values, np.inf), axis=1)  # NaN ranked last, dropped
    ranks = np.where(observed, ranks, 0.0)
    total = np.zeros(values.shape[0])
    n_groups = np.zeros(values.shape[0])
    for label in np.unique(groups[observed]):
        member = observed & (groups == label)
        n_k = member.sum(axis=1)
        r_k = np.where(member, ranks, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            total += np.where(n_k > 0, r_k**2 / np.maximum(n_k, 1), 0.0)
        n_groups += n_k > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        h = 12.0 / (n * (n + 1)) * total - 3 * (n + 1)
        correction = 1 - _tie_cubes(values) / (n**3 - n)
        h = h / correction
        p = chi2.sf(h, n_groups - 1)
    bad = (n_groups < 2) | (n < 3) | ~np.isfinite(h)
    return np.where(bad, np.nan, h), np.where(bad, np.nan, p)


def _tie_cubes(values: np.ndarray) -> np.ndarray:
    """Sum over groups of tied values of t^3 - t, per row (NaN left out)."""
    s = np.sort(values, axis=1)  # NaN last
    m, width = s.shape
    if width == 0:
        return np.zeros(m)
    starts = np.ones_like(s, dtype=bool)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]
    run = np.cumsum(starts, axis=1) - 1
    counts = np.zeros((m, width))
    rows = np.broadcast_to(np.arange(m)[:, None], s.shape)
    keep = ~np.isnan(s)
    np.add.at(counts, (rows[keep], run[keep]), 1.0)
    return (counts**3 - counts).sum(axis=1)


def seasonality(batch: SeriesBatch, *, alpha: float = SEASONALITY_ALPHA) -> Seasonality:
    """Whether each series of `batch` (which must carry seasons) gets the seasonal test."""
    if batch.season is None:
        raise ValueError("seasonality needs the season of each period")
    season = np.broadcast_to(batch.season, batch.values.shape)
    observed = batch.observed
    labels = np.unique(season[observed]) if observed.any() else np.array([])
    counts = (
        np.stack([np.count_nonzero(observed & (season == k), axis=1) for k in labels], axis=1)
        if labels.size
        else np.zeros((batch.n_series, 0), dtype=np.int64)
    )
    seen = counts > 0
    n_seasons = seen.sum(axis=1)
    fewest = np.where(seen, counts, np.iinfo(np.int64).max).min(
        axis=1, initial=np.iinfo(np.int64).max
    )
    fewest = np.where(n_seasons > 0, fewest, 0)
    enough = (n_seasons >= 2) & (fewest >= MIN_PER_SEASON)
    h, p = kruskal_wallis(_detrended(batch), season)
    with np.errstate(invalid="ignore"):
        seasonal = enough & np.isfinite(p) & (p < alpha)
    reason = np.empty(batch.n_series, dtype=object)
    for i in range(batch.n_series):
        if not enough[i]:
            reason[i] = (
                f"plain test: each season is seen only {int(fewest[i])} time"
                f"{'s' if fewest[i] != 1 else ''}, too few years to compare seasons "
                f"(the seasonal test needs {MIN_PER_SEASON})"
            )
        elif seasonal[i]:
            reason[i] = (
                f"seasonal test: the seasons differ (Kruskal-Wallis on the detrended values, "
                f"p = {_p(p[i])}), so each season is compared with itself in other years"
            )
        else:
            reason[i] = (
                f"plain test: no seasonal pattern to remove (Kruskal-Wallis on the detrended "
                f"values, p = {_p(p[i])})"
            )
    return Seasonality(
        keys=list(batch.keys),
        h=h,
        p=p,
        seasons=n_seasons,
        fewest_per_season=fewest,
        use_seasonal=seasonal,
        reason=reason,
    )


def _p(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def trend_fitting_the_data(
    batch: SeriesBatch, *, alpha: float = 0.05
) -> tuple[Trend, np.ndarray, np.ndarray]:
    """The trend of every series with the test its data call for: (trend, method per
    series ("original" or "seasonal"), why per series)."""
    plain = trend(batch, method="original", alpha=alpha)
    if batch.season is None:
        methods = np.full(batch.n_series, "original", dtype=object)
        why = np.full(batch.n_series, "plain test: yearly data have no seasons", dtype=object)
        return plain, methods, why
    chosen = seasonality(batch)
    use = chosen.use_seasonal
    if not use.any():
        return plain, np.full(batch.n_series, "original", dtype=object), chosen.reason
    seasonal = trend(batch, method="seasonal", alpha=alpha)
    fields = {}
    for name in plain.__dataclass_fields__:
        a, b = getattr(plain, name), getattr(seasonal, name)
        if isinstance(a, np.ndarray) and a.shape[:1] == (batch.n_series,):
            fields[name] = np.where(use.reshape((-1,) + (1,) * (a.ndim - 1)), b, a)
    combined = Trend(keys=list(batch.keys), method="chosen", alpha=alpha, **fields)
    return combined, np.where(use, "seasonal", "original").astype(object), chosen.reason
