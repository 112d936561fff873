"""Strategy effect: is a strategy making a difference against what would have happened?

Two designs, each with an estimate, a confidence interval and a plain verdict:

- `interrupted_time_series`: segmented regression on each treated area's series,
  y = b0 + b1 (t - start) + b2 post + b3 (t - start) post, post = (t >= start). b2 is the
  change in level at the start, b3 the change in slope (per year); the effect is judged
  at the latest period, b2 + b3 (t_last - start), the gap between the actual path and
  the continued pre-start trend.
- `difference_in_differences`: for each strategy (a group of areas, some treated, some
  not), the gap between the mean of treated areas and the mean of comparison areas,
  period by period; the effect is how much that gap changed after the start,
  gap_t = a + d post_t. Before trusting it we check the pre-start gap for a trend: if the
  areas were already drifting apart (slope significant at `alpha`), there is no fair
  comparison and the verdict says so ("cannot tell").

Standard errors are Newey-West (heteroskedasticity- and autocorrelation-consistent,
Bartlett kernel) with `maxlags` lags (default floor(4 (n/100)^(2/9)) per series), exactly
statsmodels' ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L})``: no small-sample
correction, normal critical values; the tests check estimates and standard errors
against it to 1e-8. Observations are taken in time order with gaps skipped, as
statsmodels would see the series with its missing rows dropped.

Verdicts (with "good" meaning the indicator's better direction) have three honest
answers, plus two that say why no answer can be given:

- working: the confidence interval is entirely on the good side of zero;
- not working: the evidence rules out an effect that would matter. Either the interval is
  entirely on the bad side of zero (status ``harmful``: it moved the wrong way, and the
  table must know), or its good end is below the *smallest effect worth having* (an
  equivalence / non-superiority test: even the most favourable reading of the data is too
  small to matter). The smallest effect is set per strategy; by default it is a fifth of
  the indicator's own standard deviation before the start (Cohen's "small" effect), across
  the areas compared;
- too early to tell: neither; `periods_to_tell` says how many more periods would likely
  be needed, from the series' own noise, if the estimate held at its current value;
- cannot tell: difference-in-differences only, when the pre-start trends differ;
- not enough data: too little before the start to fit the counterfactual.

Everything runs for many series (or strategies) at once; the regression loops over lags,
never over series.

>>> import numpy as np
>>> from civicloop.learn.batch import SeriesBatch
>>> years = np.arange(2010.0, 2024.0)
>>> y = 50 + 0.2 * (years - 2010) + np.tile([0.3, -0.2, 0.1, -0.3, 0.2, -0.1, 0.0], 2)
>>> y = np.where(years >= 2018, y + 3 + 0.5 * (years - 2018), y)
>>> its = interrupted_time_series(SeriesBatch([y], years, keys=["east"]), start=2018, direction="higher")
>>> its.status.tolist(), round(float(its.level_change[0]), 1)
(['working'], 2.8)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch
from civicloop.learn.direction import parse_direction

__all__ = [
    "DiDEffect",
    "EFFECT_WORDS",
    "ITSEffect",
    "SMALLEST_EFFECT_SD",
    "difference_in_differences",
    "judge_effects",
    "periods_to_tell",
    "interrupted_time_series",
    "its_design",
    "newey_west_lags",
    "ols_hac",
]

EFFECT_WORDS: dict[str, str] = {
    "working": "working",
    "not_working": "not working",
    "harmful": "not working: moved the wrong way",
    "too_early_to_tell": "too early to tell",
    "cannot_tell": "cannot tell: the comparison areas were already moving differently",
    "not_enough_data": "not enough data before the start",
}


def newey_west_lags(n: np.ndarray) -> np.ndarray:
    """The usual rule of thumb floor(4 (n/100)^(2/9)) (statsmodels' default too)."""
    return np.floor(4 * (np.asarray(n, dtype=np.float64) / 100.0) ** (2.0 / 9.0)).astype(np.int64)


def ols_hac(
    x: np.ndarray, y: np.ndarray, observed: np.ndarray, maxlags: np.ndarray | int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS with Newey-West covariance for many regressions at once.

    x: (m, periods, k) designs, y: (m, periods), observed: (m, periods) rows to use.
    Returns (params (m, k), cov (m, k, k), n (m,)). Unobserved rows are dropped and the
    rest taken as consecutive, as statsmodels does; a singular design gives NaN.

    >>> t = np.arange(6.0)
    >>> X = np.stack([np.ones(6), t], axis=1)[None]
    >>> params, cov, n = ols_hac(X, (1 + 2 * t)[None], np.ones((1, 6), bool), maxlags=1)
    >>> params.round(6).tolist()
    [[1.0, 2.0]]
    """
    order = np.argsort(~observed, axis=1, kind="stable")
    keep = np.take_along_axis(observed, order, axis=1)
    xc = np.take_along_axis(x, order[..., None], axis=1) * keep[..., None]
    yc = np.where(keep, np.take_along_axis(y, order, axis=1), 0.0)
    n = keep.sum(axis=1)
    lags = newey_west_lags(n) if maxlags is None else np.broadcast_to(np.asarray(maxlags), n.shape)
    k = x.shape[2]
    xtx = np.einsum("mtk,mtl->mkl", xc, xc)
    xty = np.einsum("mtk,mt->mk", xc, yc)
    ok = (n > k) & (np.linalg.matrix_rank(xtx) == k)
    xtx_safe = np.where(ok[:, None, None], xtx, np.eye(k))
    bread = np.linalg.inv(xtx_safe)
    params = np.einsum("mkl,ml->mk", bread, xty)
    u = (yc - np.einsum("mtk,mk->mt", xc, params)) * keep
    score = xc * u[..., None]
    meat = np.einsum("mtk,mtl->mkl", score, score)
    for lag in range(1, int(lags.max(initial=0)) + 1):
        weight = np.where(lag <= lags, 1 - lag / (lags + 1.0), 0.0)
        g = np.einsum("mtk,mtl->mkl", score[:, lag:], score[:, :-lag])
        meat += weight[:, None, None] * (g + np.swapaxes(g, 1, 2))
    cov = bread @ meat @ bread
    params = np.where(ok[:, None], params, np.nan)
    cov = np.where(ok[:, None, None], cov, np.nan)
    return params, cov, n


# A fifth of a standard deviation: Cohen's "small" effect, the default smallest effect
# worth having when a strategy does not set its own.
SMALLEST_EFFECT_SD = 0.2
_NOTHING = 1e-9


def judge_effects(
    estimate: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    sign: np.ndarray,
    smallest: np.ndarray,
    n_post: np.ndarray,
    min_post: int,
) -> np.ndarray:
    """Three answers from an interval: working, not working (harmful, or smaller than
    `smallest` even at the interval's good end), too early to tell.

    The interval given is the one shown beside the verdict (adjusted, where a family is
    judged together), so a verdict never contradicts its interval.

    >>> judge_effects(np.array([2.0, 0.1, 0.5, -2.0]), np.array([1.0, -0.2, -1.0, -3.0]),
    ...     np.array([3.0, 0.4, 2.0, -1.0]), np.ones(4), np.full(4, 1.0), np.full(4, 5), 3).tolist()
    ['working', 'not_working', 'too_early_to_tell', 'harmful']
    """
    estimate = np.asarray(estimate, dtype=np.float64)
    sign = np.broadcast_to(np.asarray(sign, dtype=np.float64), estimate.shape)
    smallest = np.broadcast_to(np.asarray(smallest, dtype=np.float64), estimate.shape)
    good_low = np.where(sign > 0, low, -np.asarray(high))
    good_high = np.where(sign > 0, high, -np.asarray(low))
    status = np.full(estimate.shape[0], "too_early_to_tell", dtype=object)
    with np.errstate(invalid="ignore"):
        # Below the smallest effect worth having; or, where the series has no variation to
        # set one (smallest 0), an interval that allows no good effect at all (up to
        # rounding: a constant series' interval is zero give or take 1e-14).
        worth = np.where(smallest > 0, smallest, _NOTHING)
        status[good_high < worth] = "not_working"
        status[good_low > 0] = "working"
        status[good_high < 0] = "harmful"
    status[np.isnan(estimate) | np.isnan(good_low) | (np.asarray(n_post) < min_post)] = (
        "too_early_to_tell"
    )
    return status


def periods_to_tell(
    estimate: np.ndarray,
    se: np.ndarray,
    sign: np.ndarray,
    smallest: np.ndarray,
    n_pre: np.ndarray,
    n_post: np.ndarray,
    z: float | np.ndarray,
    most: int = 240,
) -> np.ndarray:
    """How many more periods after the start would likely be needed to tell, if the
    estimate held at its current value: the fewest extra periods k for which the interval
    (half-width z se) would exclude either zero (working or harmful) or the smallest
    effect worth having (not working). The standard error is taken to shrink as a
    difference of a pre and a post mean does, se^2 proportional to 1/n_pre + 1/n_post,
    with the series' own noise as measured; NaN when more periods after the start alone
    could not tell (the pre-start periods bound the precision) or nothing is estimated.

    >>> periods_to_tell(np.array([0.5]), np.array([0.3]), np.ones(1), np.array([1.0]),
    ...     np.array([8]), np.array([4]), 1.96).tolist()
    [3.0]
    """
    estimate = np.asarray(estimate, dtype=np.float64)
    good = estimate * np.broadcast_to(np.asarray(sign, dtype=np.float64), estimate.shape)
    smallest = np.broadcast_to(np.asarray(smallest, dtype=np.float64), estimate.shape)
    delta = np.where(smallest > 0, smallest, 0.0)
    needed = np.maximum(np.abs(good), delta - good)
    n_pre = np.asarray(n_pre, dtype=np.float64)
    n_post = np.asarray(n_post, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        noise2 = np.asarray(se, dtype=np.float64) ** 2 / (1 / n_pre + 1 / n_post)
        # z^2 noise2 (1/n_pre + 1/n) < needed^2  <=>  1/n < needed^2 / (z^2 noise2) - 1/n_pre
        room = needed**2 / (np.asarray(z) ** 2 * noise2) - 1 / n_pre
        n_needed = np.floor(1 / room) + 1
    extra = np.maximum(n_needed - n_post, 1.0)
    ok = np.isfinite(extra) & (room > 0) & (extra <= most) & (needed > 0)
    return np.where(ok, extra, np.nan)


def default_smallest_effect(values: np.ndarray, pre: np.ndarray) -> np.ndarray:
    """Per row of (groups x areas x periods) or (series x periods) values: a fifth of the
    standard deviation of the values before the start (NaN with fewer than 3 values)."""
    v = np.where(pre, values, np.nan)
    flat = v.reshape(v.shape[0], int(np.prod(v.shape[1:])))
    n = np.count_nonzero(~np.isnan(flat), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(flat, axis=1) / n
        var = np.nansum((flat - mean[:, None]) ** 2, axis=1) / (n - 1)
    return np.where(n >= 3, SMALLEST_EFFECT_SD * np.sqrt(var), np.nan)


def _interval(estimate: np.ndarray, se: np.ndarray, alpha: float):
    z = ndtri(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * (1 - ndtr(np.abs(estimate / se)))
    return estimate - z * se, estimate + z * se, p


# -- interrupted time series --------------------------------------------------------------------


@dataclass(frozen=True)
class ITSEffect(BatchResult):
    """Per series: level and slope change at the start, the effect at the latest period
    with its interval and p-value, and the verdict."""

    status: np.ndarray
    words: np.ndarray
    effect: np.ndarray
    effect_low: np.ndarray
    effect_high: np.ndarray
    p: np.ndarray
    level_change: np.ndarray
    level_change_se: np.ndarray
    slope_change: np.ndarray
    slope_change_se: np.ndarray
    params: np.ndarray  # (b0, b1, b2, b3) per series
    bse: np.ndarray
    n_pre: np.ndarray
    n_post: np.ndarray
    maxlags: np.ndarray
    smallest_effect: np.ndarray
    periods_to_tell: np.ndarray
    alpha: float = 0.05


def its_design(times: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The segmented-regression design [1, t - start, post, (t - start) post]."""
    centred = times - start[:, None]
    post = (centred >= 0).astype(np.float64)
    return np.stack([np.ones_like(centred), centred, post, centred * post], axis=-1)


def interrupted_time_series(
    batch: SeriesBatch,
    start: Any,
    direction: Any,
    *,
    alpha: float = 0.05,
    maxlags: int | None = None,
    min_pre: int = 3,
    min_post: int = 3,
    smallest_effect: Any = None,
) -> ITSEffect:
    """Segmented regression with Newey-West errors for every series of `batch`.

    start: when the strategy started (one time or one per series). direction: "higher"
    or "lower" is better. smallest_effect: the smallest effect worth having (one or one
    per series; default a fifth of each series' standard deviation before the start).
    See the module doc for the verdicts.
    """
    sign = parse_direction(direction, batch.keys)
    start_t = np.broadcast_to(np.asarray(start, dtype=np.float64), (batch.n_series,)).copy()
    times = np.where(batch.observed, batch.times_2d, 0.0)
    observed = batch.observed
    post = observed & (batch.times_2d >= start_t[:, None])
    n_post = np.count_nonzero(post, axis=1)
    n_pre = np.count_nonzero(observed, axis=1) - n_post
    usable = (n_pre >= min_pre) & (n_post >= 2)
    x = its_design(times, start_t)
    params, cov, n = ols_hac(x, np.nan_to_num(batch.values), observed & usable[:, None], maxlags)
    lags = newey_west_lags(n) if maxlags is None else np.full(batch.n_series, maxlags)
    latest_time, _ = batch.latest()
    c = np.zeros((batch.n_series, 4))
    c[:, 2] = 1.0
    c[:, 3] = latest_time - start_t
    effect = np.einsum("mk,mk->m", c, params)
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.einsum("mk,mkl,ml->m", c, cov, c))
        bse = np.sqrt(np.einsum("mkk->mk", cov))
    low, high, p = _interval(effect, se, alpha)
    smallest = (
        default_smallest_effect(batch.values, observed & ~post)
        if smallest_effect is None
        else np.broadcast_to(np.asarray(smallest_effect, dtype=np.float64), effect.shape)
    )
    status = judge_effects(effect, low, high, sign, smallest, n_post, min_post)
    status[~usable & (n_pre < min_pre)] = "not_enough_data"
    return ITSEffect(
        keys=list(batch.keys),
        status=status,
        words=np.array([EFFECT_WORDS[s] for s in status], dtype=object),
        effect=effect,
        effect_low=low,
        effect_high=high,
        p=p,
        level_change=params[:, 2],
        level_change_se=bse[:, 2],
        slope_change=params[:, 3],
        slope_change_se=bse[:, 3],
        params=params,
        bse=bse,
        n_pre=n_pre,
        n_post=n_post,
        maxlags=lags,
        smallest_effect=smallest,
        periods_to_tell=periods_to_tell(
            effect, se, sign, smallest, n_pre, n_post, ndtri(1 - alpha / 2)
        ),
        alpha=alpha,
    )


# -- difference in differences ------------------------------------------------------------------


@dataclass(frozen=True)
class DiDEffect(BatchResult):
    """Per strategy (keys are the strategy labels): the change in the treated-minus-
    comparison gap after the start, its interval, the pre-trend check and the verdict.
    `gap` is the (strategies x periods) gap series the regression used."""

    status: np.ndarray
    words: np.ndarray
    effect: np.ndarray
    effect_low: np.ndarray
    effect_high: np.ndarray
    effect_se: np.ndarray
    p: np.ndarray
    pre_trend: np.ndarray
    pre_trend_se: np.ndarray
    pre_trend_p: np.ndarray
    n_treated: np.ndarray
    n_comparison: np.ndarray
    n_pre: np.ndarray
    n_post: np.ndarray
    smallest_effect: np.ndarray
    periods_to_tell: np.ndarray
    gap: np.ndarray
    times: np.ndarray
    alpha: float = 0.05


def difference_in_differences(
    batch: SeriesBatch,
    treated: Any,
    start: Any,
    direction: Any,
    *,
    strategy: Any = None,
    alpha: float = 0.05,
    maxlags: int | None = None,
    min_pre: int = 3,
    min_post: int = 3,
    smallest_effect: Any = None,
) -> DiDEffect:
    """Difference-in-differences for one or many strategies at once.

    batch: one series per area (all on one time axis). treated: bool per series (was the
    strategy active there). strategy: optional label per series grouping areas into
    separate analyses (one per strategy x indicator); start, direction and
    smallest_effect: one value, or one per strategy in the order of the sorted labels
    (smallest_effect defaults to a fifth of the standard deviation of the strategy's
    areas, treated and comparison, before the start).

    >>> import numpy as np
    >>> from civicloop.learn.batch import SeriesBatch
    >>> years = np.arange(2012.0, 2024.0)
    >>> wiggle = np.tile([0.2, -0.1, 0.0, -0.2, 0.1, 0.0], 2)
    >>> control = 30 + 0.5 * (years - 2012) + wiggle
    >>> treated = control - wiggle[::-1] + np.where(years >= 2018, 2.0, 0.0)
    >>> b = SeriesBatch([treated, control], years, keys=["east", "west"])
    >>> d = difference_in_differences(b, [True, False], 2018, "higher")
    >>> d.status.tolist(), round(float(d.effect[0]), 2)
    (['working'], 2.0)
    """
    if batch.times.ndim != 1:
        raise BatchError(
            "difference-in-differences needs one time axis shared by all areas", batch.keys
        )
    treated_mask = np.broadcast_to(np.asarray(treated, dtype=bool), (batch.n_series,))
    labels = np.zeros(batch.n_series, dtype=np.int64) if strategy is None else np.asarray(strategy)
    ids, group = np.unique(labels.astype(str), return_inverse=True)
    n_groups = len(ids)
    keys = [str(i) for i in ids] if strategy is not None else ["all"]
    sign = parse_direction(direction, keys)
    start_t = np.broadcast_to(np.asarray(start, dtype=np.float64), (n_groups,)).copy()

    gap, n_treated, n_comparison = _gap_series(batch, treated_mask, group, n_groups)
    times = np.broadcast_to(batch.times, gap.shape)
    observed = ~np.isnan(gap)
    post = observed & (times >= start_t[:, None])
    pre = observed & ~post
    n_post = np.count_nonzero(post, axis=1)
    n_pre = np.count_nonzero(pre, axis=1)

    x = np.stack([np.ones_like(times), post.astype(np.float64)], axis=-1)
    params, cov, _ = ols_hac(x, np.nan_to_num(gap), observed, maxlags)
    with np.errstate(invalid="ignore"):
        effect_se = np.sqrt(cov[:, 1, 1])
    low, high, p = _interval(params[:, 1], effect_se, alpha)

    pre_x = np.stack([np.ones_like(times), times - start_t[:, None]], axis=-1)
    pre_params, pre_cov, _ = ols_hac(pre_x, np.nan_to_num(gap), pre, maxlags)
    with np.errstate(invalid="ignore"):
        pre_se = np.sqrt(pre_cov[:, 1, 1])
    _, _, pre_p = _interval(pre_params[:, 1], pre_se, alpha)

    if smallest_effect is None:
        member = group[None, :] == np.arange(n_groups)[:, None]
        before = batch.observed & (batch.times[None, :] < start_t[group][:, None])
        cube = np.where(member[:, :, None], batch.values[None], np.nan)
        smallest = default_smallest_effect(cube, member[:, :, None] & before[None])
    else:
        smallest = np.broadcast_to(np.asarray(smallest_effect, dtype=np.float64), (n_groups,))
    status = judge_effects(params[:, 1], low, high, sign, smallest, n_post, min_post)
    with np.errstate(invalid="ignore"):
        diverging = pre_p < alpha
    status[diverging & (n_post >= min_post)] = "cannot_tell"
    status[(n_pre < min_pre) | (n_treated == 0) | (n_comparison == 0)] = "not_enough_data"
    return DiDEffect(
        keys=keys,
        status=status,
        words=np.array([EFFECT_WORDS[s] for s in status], dtype=object),
        effect=params[:, 1],
        effect_low=low,
        effect_high=high,
        effect_se=effect_se,
        p=p,
        pre_trend=pre_params[:, 1],
        pre_trend_se=pre_se,
        pre_trend_p=pre_p,
        n_treated=n_treated,
        n_comparison=n_comparison,
        n_pre=n_pre,
        n_post=n_post,
        smallest_effect=smallest,
        periods_to_tell=periods_to_tell(
            params[:, 1], effect_se, sign, smallest, n_pre, n_post, ndtri(1 - alpha / 2)
        ),
        gap=gap,
        times=batch.times,
        alpha=alpha,
    )


def _gap_series(
    batch: SeriesBatch, treated: np.ndarray, group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of treated minus mean of comparison areas, per strategy and period.

    Sums go through one (strategies x areas) membership matrix, not a loop over areas.
    """
    values = np.nan_to_num(batch.values)
    observed = batch.observed.astype(np.float64)
    member = np.zeros((n_groups, batch.n_series))
    member[group, np.arange(batch.n_series)] = 1.0
    treated_member = member * treated
    comparison_member = member * ~treated
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_treated = (treated_member @ values) / (treated_member @ observed)
        mean_comparison = (comparison_member @ values) / (comparison_member @ observed)
    gap = mean_treated - mean_comparison
    return (
        np.where(np.isfinite(gap), gap, np.nan),
        treated_member.sum(axis=1).astype(np.int64),
        comparison_member.sum(axis=1).astype(np.int64),
    )
