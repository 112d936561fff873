"""Strategy effects: is each strategy moving its indicators?

For each strategy with a start period and areas, and each of its indicators: the
headline series of the strategy's areas (treated) and of the other areas at the same
level (comparison). Difference-in-differences compares the two; an interrupted time
series reads the treated areas' mean against its own earlier trend. Survey estimates get
an interval at least as wide as their margins of error imply.

The headline estimates of a collaborative's strategies are judged together, as one family
of m tests, with Bonferroni: each is shown with its interval at the 1 - 0.05/m level and
judged on that same interval (working, not working, too early to tell; see
`civicloop.learn.effects`), so an interval that excludes zero never sits beside "cannot be
told apart from zero". Bonferroni rather than Benjamini-Yekutieli's false-coverage-rate
intervals: FCR intervals are defined only for the effects a procedure selects, and the
table is shown every effect with its interval, selected or not; with a family of a few
strategies x indicators the power given up is small. The unadjusted 95% interval is kept
in ``details`` and shown second, labelled.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from civicloop.learn import words
from civicloop.learn.batch import SeriesBatch
from civicloop.learn.direction import parse_direction
from civicloop.learn.effects import (
    EFFECT_WORDS,
    SMALLEST_EFFECT_SD,
    difference_in_differences,
    interrupted_time_series,
    its_design,
    judge_effects,
    periods_to_tell,
)
from civicloop.learn.margins import z_for_level
from civicloop.learn.models import EffectMethod, StrategyEffect
from civicloop.learn.store.batches import (
    MOE_LEVEL,
    Loaded,
    load_batches,
    mean_observed,
    year_fraction,
)
from civicloop.learn.store.results import Effect, as_float, json_number, jsonable
from civicloop.learn.store.series import ALPHA, ENGINE_VERSION, settings_hash
from civicloop.results.models import Area, Collaborative, Indicator, Series
from civicloop.table.models import Strategy

MIN_POST = 3  # periods since the start before any verdict but "too early" (the engine's)
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "week": 52, "day": 365}
_Z = float(ndtri(1 - ALPHA / 2))


@dataclass
class EffectPlan:
    """What one strategy x indicator effect needs: its areas, series and fingerprint."""

    strategy: Any
    indicator: Indicator
    start: float
    start_label: str
    treated: list[Area]
    comparison: list[Area]
    series: list[Series]  # headline series of treated then comparison areas
    hash: str


def effect_plans(
    collaborative: Collaborative,
    indicators: dict[int, Indicator],
    indicator_ids: Iterable[int] | None = None,
) -> list[EffectPlan]:
    """One plan per strategy (with a start period and areas) x indicator it targets; the
    comparison areas are the others at the level of the strategy's areas."""
    strategies = (
        Strategy.objects.filter(collaborative=collaborative, start_period__isnull=False)
        .select_related("start_period")
        .prefetch_related("areas", "indicators")
        .order_by("name")
    )
    if indicator_ids is not None:
        strategies = strategies.filter(indicators__in=list(indicator_ids)).distinct()
    strategies = [s for s in strategies if s.areas.all()]
    if not strategies:
        return []
    wanted = {i.pk for s in strategies for i in s.indicators.all()}
    headline = defaultdict(dict)
    for s in Series.objects.filter(indicator_id__in=wanted, group__isnull=True).select_related(
        "area"
    ):
        headline[s.indicator_id][s.area_id] = s
    plans = []
    for strategy in strategies:
        treated_ids = {a.pk for a in strategy.areas.all()}
        levels = {a.level for a in strategy.areas.all()}
        for ind in strategy.indicators.all():
            if ind.pk not in indicators or (
                indicator_ids is not None and ind.pk not in indicator_ids
            ):
                continue
            by_area = headline[ind.pk]
            treated = sorted(
                (by_area[a].area for a in treated_ids if a in by_area), key=lambda a: a.name
            )
            comparison = sorted(
                (
                    s.area
                    for a, s in by_area.items()
                    if a not in treated_ids and s.area.level in levels
                ),
                key=lambda a: a.name,
            )
            series = [by_area[a.pk] for a in [*treated, *comparison]]
            parts = [
                ENGINE_VERSION,
                settings_hash(indicators[ind.pk]),
                strategy.start_period_id,
                strategy.smallest_effect,
                sorted(treated_ids),
                [(s.pk, s.version) for s in series],
            ]
            plans.append(
                EffectPlan(
                    strategy=strategy,
                    indicator=indicators[ind.pk],
                    start=year_fraction(strategy.start_period.start),
                    start_label=strategy.start_period.label,
                    treated=treated,
                    comparison=comparison,
                    series=series,
                    hash=hashlib.sha256(json.dumps(parts).encode()).hexdigest(),
                )
            )
    return plans


def stored_hash(rows: Sequence[StrategyEffect], key: tuple[int, int]) -> str | None:
    for r in rows:
        if (r.strategy_id, r.indicator_id) == key and r.is_headline:
            return r.computed_from
    return None


def analyse_effects(
    collaborative: Collaborative, indicators: dict[int, Indicator], *, force: bool, now
) -> list[tuple[int, int]]:
    """Recompute the effects whose fingerprint changed, re-adjust all; return the
    (strategy id, indicator id) pairs recomputed."""
    plans = {(p.strategy.pk, p.indicator.pk): p for p in effect_plans(collaborative, indicators)}
    stored = list(StrategyEffect.objects.filter(strategy__collaborative=collaborative))
    stale = [p for key, p in plans.items() if force or stored_hash(stored, key) != p.hash]
    computed = compute_effects(stale, indicators)
    # Effects recomputed are replaced; those of strategies that lost their start, areas
    # or that indicator go.
    replaced = {
        r.pk
        for r in stored
        if (r.strategy_id, r.indicator_id) in computed
        or (r.strategy_id, r.indicator_id) not in plans
    }
    keep = [r for r in stored if r.pk not in replaced]
    new = [StrategyEffect(computed_at=now, **row) for pair in computed.values() for row in pair]
    before = {r.pk: (r.status, r.low, r.high, r.p_adjusted, r.family_size) for r in keep}
    adjust_effects([*keep, *new])
    StrategyEffect.objects.filter(pk__in=replaced).delete()
    StrategyEffect.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent run's twin
    changed = [
        r for r in keep if before[r.pk] != (r.status, r.low, r.high, r.p_adjusted, r.family_size)
    ]
    StrategyEffect.objects.bulk_update(
        changed, ["status", "low", "high", "p_adjusted", "family_size", "details"]
    )
    return sorted(computed)


def compute_effects(
    plans: Sequence[EffectPlan], indicators: dict[int, Indicator]
) -> dict[tuple[int, int], list[dict]]:
    """Both estimates of every planned effect: {(strategy id, indicator id): [did, its]}."""
    if not plans:
        return {}
    all_series = {s.pk: s for p in plans for s in p.series}
    return effects_from_batches(plans, load_batches(list(all_series.values()), indicators))


def effects_from_batches(
    plans: Sequence[EffectPlan], batches: Iterable[tuple[list[Series], Loaded]]
) -> dict[tuple[int, int], list[dict]]:
    """`compute_effects` from loaded batches holding every plan's series: the current
    observations, or those as they stood on a date (a review's packet)."""
    loaded = {}
    for members, batch in batches:
        for i, s in enumerate(members):
            loaded[s.pk] = (batch, i)
    return {(plan.strategy.pk, plan.indicator.pk): _effect_rows(plan, loaded) for plan in plans}


def _plan_batch(plan: EffectPlan, loaded: dict) -> tuple[SeriesBatch, np.ndarray | None, list[str]]:
    """The plan's series (treated first) on their shared time axis, with margins."""
    if not plan.series:
        return SeriesBatch(np.full((0, 1), np.nan), np.zeros(1)), None, [""]
    first_batch = loaded[plan.series[0].pk][0]
    rows = [loaded[s.pk][1] for s in plan.series]
    batch = first_batch.batch.take(rows)
    moe = None if first_batch.moe is None else first_batch.moe[rows]
    return batch, moe, first_batch.labels


def _effect_rows(plan: EffectPlan, loaded: dict) -> list[dict]:
    ind = plan.indicator
    batch, moe, labels = _plan_batch(plan, loaded)
    n_treated = len(plan.treated)
    smallest = plan.strategy.smallest_effect
    base = {
        "start": plan.start_label,
        "start_time": plan.start,
        "treated": [a.name for a in plan.treated],
        "comparison": [a.name for a in plan.comparison],
        "direction": ind.direction,
        "smallest_effect_source": (
            "set for the strategy"
            if smallest is not None
            else f"{_fraction(SMALLEST_EFFECT_SD)} of the indicator's standard deviation "
            "before the start"
        ),
    }
    treated_mask = np.arange(batch.n_series) < n_treated
    # Difference-in-differences: the strategy's areas against the others at their level.
    if batch.n_series and plan.comparison:
        did = difference_in_differences(
            batch,
            treated_mask,
            plan.start,
            ind.direction,
            alpha=ALPHA,
            min_post=MIN_POST,
            smallest_effect=smallest,
        )
        did_row = did.row(0)
        did_row.pop("key", None)
        sampling = _did_sampling_se(batch, moe, treated_mask, plan.start)
        did_row = _widen(did_row, "effect", "effect_se", sampling, ind)
    else:
        did_row = {"status": "not_enough_data", "words": EFFECT_WORDS["not_enough_data"]}
        did_row["why"] = "no comparison areas at the same level"
    # Interrupted time series on the mean of the strategy's areas.
    if n_treated:
        mean = mean_observed(batch.values[treated_mask])
        mean_batch = batch.with_values(mean[None, :], keys=["treated areas"])
        its = interrupted_time_series(
            mean_batch,
            plan.start,
            ind.direction,
            alpha=ALPHA,
            min_post=MIN_POST,
            smallest_effect=smallest,
        )
        its_row = its.row(0)
        for name in ("key", "params", "bse"):
            its_row.pop(name, None)
        if its_row["effect_low"] is not None:
            its_row["effect_se"] = (its_row["effect_high"] - its_row["effect_low"]) / (2 * _Z)
        sampling = _its_sampling_se(batch, moe, treated_mask, plan.start)
        its_row = _widen(its_row, "effect", "effect_se", sampling, ind)
        seen = np.flatnonzero(~np.isnan(mean))
        its_row["latest_label"] = labels[int(seen[-1])] if seen.size else None
    else:
        its_row = {"status": "not_enough_data", "words": EFFECT_WORDS["not_enough_data"]}
        its_row["why"] = "no data for the strategy's areas"
    headline = "did" if did_row["status"] != "not_enough_data" or not n_treated else "its"
    rows = []
    for method, row in (("did", did_row), ("its", its_row)):
        rows.append(
            {
                "strategy": plan.strategy,
                "indicator": ind,
                "method": method,
                "is_headline": method == headline,
                "status": row["status"],
                "estimate": row.get("effect"),
                "low": row.get("effect_low"),
                "high": row.get("effect_high"),
                "p": row.get("p"),
                "p_adjusted": None,
                "family_size": 0,
                "details": jsonable({**base, **row, "engine_status": row["status"]}),
                "computed_from": plan.hash,
            }
        )
    return rows


def _did_sampling_se(
    batch: SeriesBatch, moe: np.ndarray | None, treated: np.ndarray, start: float
) -> float | None:
    """The standard error of the DiD estimate from sampling error alone (survey margins):
    the gap of means has variance sum(SE^2)/n^2 per group, and the estimate is the mean
    post-start gap minus the mean pre-start gap."""
    if moe is None:
        return None
    se2 = np.where(batch.observed, (np.nan_to_num(moe) / z_for_level(MOE_LEVEL)) ** 2, 0.0)
    counts_t = np.count_nonzero(batch.observed[treated], axis=0)
    counts_c = np.count_nonzero(batch.observed[~treated], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_gap = se2[treated].sum(0) / counts_t**2 + se2[~treated].sum(0) / counts_c**2
    ok = (counts_t > 0) & (counts_c > 0)
    post = ok & (batch.times >= start)
    pre = ok & ~post
    if not post.any() or not pre.any():
        return None
    var = var_gap[post].sum() / post.sum() ** 2 + var_gap[pre].sum() / pre.sum() ** 2
    return float(np.sqrt(var))


def _its_sampling_se(
    batch: SeriesBatch, moe: np.ndarray | None, treated: np.ndarray, start: float
) -> float | None:
    """The standard error of the ITS effect from sampling error alone: the regression's
    linear combination c'b has variance c'(X'X)^-1 X' diag(v) X (X'X)^-1 c."""
    if moe is None:
        return None
    se2 = np.where(batch.observed, (np.nan_to_num(moe) / z_for_level(MOE_LEVEL)) ** 2, 0.0)
    counts = np.count_nonzero(batch.observed[treated], axis=0)
    seen = counts > 0
    if np.count_nonzero(seen) < 5:
        return None
    v = se2[treated].sum(0)[seen] / counts[seen] ** 2
    t = batch.times[seen]
    x = its_design(t[None, :], np.array([start]))[0]
    try:
        bread = np.linalg.inv(x.T @ x)
    except np.linalg.LinAlgError:
        return None
    c = np.array([0.0, 0.0, 1.0, t[-1] - start])
    a = c @ bread @ x.T
    return float(np.sqrt(np.sum(a * a * v)))


def _widen(
    row: dict,
    estimate: str,
    se_name: str,
    sampling_se: float | None,
    ind: Indicator,
) -> dict:
    """Survey data: the interval is at least as wide as the margins of error imply.

    A dozen survey estimates can scatter less than their margins say by chance; the
    regression would then read a sampling wobble as an effect. The standard error used is
    the larger of the regression's and the one from the margins alone.
    """
    row = dict(row)
    se = row.get(se_name)
    row["se_source"] = "regression (Newey-West)"
    if sampling_se is None or row.get(estimate) is None:
        return row
    if se is not None and se >= sampling_se:
        return row
    est = row[estimate]
    z = _Z
    low, high = est - z * sampling_se, est + z * sampling_se
    p = float(2 * (1 - ndtr(abs(est / sampling_se)))) if sampling_se > 0 else None
    status = row["status"]
    if status in ("working", "harmful", "not_working", "too_early_to_tell"):
        status = str(
            judge_effects(
                np.array([est]),
                np.array([low]),
                np.array([high]),
                parse_direction(ind.direction),
                np.array([as_float(row.get("smallest_effect"))]),
                np.array([row.get("n_post") or 0]),
                MIN_POST,
            )[0]
        )
    row.update(
        {
            se_name: sampling_se,
            "effect_low": low,
            "effect_high": high,
            "p": p,
            "status": status,
            "words": EFFECT_WORDS[status],
            "se_source": "survey margins of error",
        }
    )
    return row


def adjust_effects(rows: Sequence[StrategyEffect]) -> None:
    """Judge the headline estimates of the collaborative's strategies as one family of m
    tests (Bonferroni): the interval shown is at the 1 - ALPHA/m level, the p-value
    min(1, m p), and the verdict is read from that interval, so the two always agree.
    The engine's unadjusted 95% interval stays in ``details`` (``unadjusted_low/high``)."""
    headline = [r for r in rows if r.is_headline]
    judged = {id(r) for r in headline if (r.details or {}).get("engine_status") not in _NO_TEST}
    size = len(judged)
    z = float(ndtri(1 - ALPHA / (2 * max(size, 1))))
    for r in headline:
        details = dict(r.details or {})
        engine = details.get("engine_status", r.status)
        r.family_size = size
        if id(r) not in judged:
            r.p_adjusted = None
            r.status = engine
            details["adjusted_status"] = engine
            r.details = details
            continue
        est, se = as_float(r.estimate), as_float(details.get("effect_se"))
        p = as_float(r.p)
        r.p_adjusted = json_number(min(1.0, p * size)) if not np.isnan(p) else None
        low, high = (est - z * se, est + z * se) if not np.isnan(se) else (np.nan, np.nan)
        sign = 1.0 if details.get("direction", "higher") == "higher" else -1.0
        smallest = as_float(details.get("smallest_effect"))
        n_pre, n_post = details.get("n_pre") or 0, details.get("n_post") or 0
        status = str(
            judge_effects(
                np.array([est]),
                np.array([low]),
                np.array([high]),
                np.array([sign]),
                np.array([smallest]),
                np.array([n_post]),
                MIN_POST,
            )[0]
        )
        more = periods_to_tell(
            np.array([est]),
            np.array([se]),
            np.array([sign]),
            np.array([smallest]),
            np.array([n_pre]),
            np.array([n_post]),
            z,
        )[0]
        r.low, r.high = json_number(low), json_number(high)
        r.status = status
        details.update(
            {
                "adjusted_status": status,
                "unadjusted_low": details.get("effect_low"),
                "unadjusted_high": details.get("effect_high"),
                "adjusted_level": 1 - ALPHA / size,
                "periods_to_tell": json_number(more) if status == "too_early_to_tell" else None,
            }
        )
        r.details = details


# Statuses that say no test could be made: they stay as they are and out of the family.
_NO_TEST = ("not_enough_data", "cannot_tell")


def _fraction(x: float) -> str:
    return {0.2: "a fifth", 0.25: "a quarter", 0.5: "half"}.get(x, f"{x:g}")


def effects_from_rows(rows: Iterable[StrategyEffect]) -> list[Effect]:
    pairs: dict[tuple[int, int], dict[str, StrategyEffect]] = defaultdict(dict)
    order = []
    for r in rows:
        key = (r.strategy_id, r.indicator_id)
        if key not in pairs:
            order.append(key)
        pairs[key][r.method] = r
    out = []
    for key in order:
        methods = pairs[key]
        head = next((r for r in methods.values() if r.is_headline), None)
        if head is None:
            continue
        details = head.details or {}
        did, its = methods.get(EffectMethod.DID), methods.get(EffectMethod.ITS)
        effect = Effect(
            strategy=head.strategy.slug,
            strategy_name=head.strategy.name,
            indicator=head.indicator.slug,
            indicator_name=head.indicator.name,
            method=head.method,
            status=head.status,
            words=EFFECT_WORDS.get(head.status, head.status),
            estimate=head.estimate,
            low=head.low,
            high=head.high,
            p=head.p,
            p_adjusted=head.p_adjusted,
            family_size=head.family_size,
            start_period=details.get("start", ""),
            treated=list(details.get("treated", [])),
            comparison=list(details.get("comparison", [])),
            did=_effect_detail(did),
            its=_effect_detail(its),
            sentence="",
        )
        out.append(
            replace(effect, sentence=words.effect_sentence(effect, words.Units.of(head.indicator)))
        )
    return out


def _effect_detail(row: StrategyEffect | None) -> dict[str, Any]:
    if row is None:
        return {}
    details = dict(row.details or {})
    for name in ("treated", "comparison", "gap", "times"):
        details.pop(name, None)
    return {
        **details,
        "status": row.status,
        "estimate": row.estimate,
        "low": row.low,
        "high": row.high,
        "p": row.p,
    }


def in_order(rows: Iterable[StrategyEffect]) -> list[StrategyEffect]:
    return sorted(rows, key=lambda r: (r.strategy.name, r.indicator.order, r.method))
