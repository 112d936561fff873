"""The Django side of learn: series in as batches, the engine's results stored.

One entry point per computation, each returning plain dataclasses (``.as_dict()`` for
JSON). Each brings the stored results up to date first (`analyse`), so it is always
answered from the data as it is now:

>>> from civicloop.learn import store                        # doctest: +SKIP
>>> riverton = Collaborative.objects.get(slug="riverton")     # doctest: +SKIP
>>> store.analyse(riverton)              # recompute what changed  # doctest: +SKIP
Analysed(series=368, effects=6)
>>> [t.words for t in store.analyse_trends(riverton)][:2]    # doctest: +SKIP
['improving', 'improving']
>>> store.progress(riverton, method="open-sdg")[0].status    # doctest: +SKIP
'moderate_progress'
>>> e = store.strategy_effects(riverton)[2]                   # doctest: +SKIP
>>> e.strategy, e.status, round(e.estimate, 1), round(e.low, 1), round(e.high, 1)  # doctest: +SKIP
('home-child-care-network', 'working', 7.1, 3.3, 10.9)
>>> store.equity(riverton)[0].words                           # doctest: +SKIP
'gap closing'

The parts: `batches` loads series into `SeriesBatch`es (one query, real time, seasons,
margins of error); `series` analyses each series (trend, verdict, progress, survey
changes); `strategies` estimates strategy effects; `opensdg` finds the observations
each Open SDG progress component names; `results` holds what callers get.

What is stored. Per series (`SeriesAnalysis`): the trend (Mann-Kendall, Sen's slope with
its interval), the verdict, progress to target by civicloop's method, and for survey
indicators whether the first-to-last and the latest changes are significant given the
margins of error. The verdict's p-value is adjusted by Benjamini-Hochberg across the
collaborative's indicators in the same area and group (the "family" a review reads
together, e.g. the citywide headlines), so a dozen indicators do not produce flags by
chance; a commitment's performance measures are a family of their own. Open SDG
progress is per Open SDG indicator, not per series, and is computed when asked (it is
two values per component, cheap to read). Per strategy x indicator (`StrategyEffect`): difference-in-differences of the
strategy's areas against the other areas at the same level, and an interrupted time
series on the mean of the strategy's areas; the headline estimate (difference-in-
differences when there are comparison areas) is adjusted across the collaborative's
strategies the same way.

When it is recomputed. A series is recomputed when its `version` (bumped by every load
that changes it) or its indicator's settings (direction, target, baseline, frequency)
differ from those its stored analysis was computed from; an effect, when any of its
series, the strategy's start or areas, or the settings changed. Versions are read
before observations, so a load landing in between leaves the row stale, never wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from django.db import transaction
from django.utils import timezone

from civicloop.core import cache as data_cache
from civicloop.learn import words
from civicloop.learn.equity import equity_gaps
from civicloop.learn.models import SeriesAnalysis, StrategyEffect
from civicloop.learn.store import opensdg
from civicloop.learn.store.batches import (
    Loaded,
    collaborative_indicators,
    collaborative_series,
    load_batches,
)
from civicloop.learn.store.freshness import Freshness
from civicloop.learn.store.results import (
    Analysed,
    Effect,
    EquityGap,
    IndicatorProgress,
    TrendVerdict,
)
from civicloop.learn.store.series import (
    ALPHA,
    ANALYSIS_FIELDS,
    HASHED_FIELDS,
    analysis_row,
    civicloop_progress_row,
    compute,
    differs,
    entries_from_batches,
    family_verdicts,
    hash_settings,
    is_fresh,
    settings_hash,
    stored_analysis,
)
from civicloop.learn.store.strategies import (
    adjust_effects,
    analyse_effects,
    compute_effects,
    effect_plans,
    effects_from_batches,
    effects_from_rows,
    in_order,
    stored_hash,
)
from civicloop.results.models import Area, Collaborative, Indicator, Series
from civicloop.results.queries import top_area

__all__ = [
    "ALPHA",
    "Analysed",
    "Effect",
    "EquityGap",
    "IndicatorProgress",
    "TrendVerdict",
    "analyse",
    "analyse_trends",
    "current_effects",
    "current_family",
    "effects_from_batches",
    "entries_from_batches",
    "equity",
    "equity_from_batches",
    "equity_series",
    "family_verdicts",
    "judged_entries",
    "population_in_order",
    "progress",
    "settings_hash",
    "settings_hashes",
    "strategy_effects",
]


def analyse(collaborative: Collaborative, *, force: bool = False) -> Analysed:
    """Bring the stored results of `collaborative` up to date; return what was recomputed.

    Only series whose version or indicator settings changed since their stored analysis
    are recomputed (all of them with ``force=True``); the adjusted p-values and verdicts
    of their families follow. Effects likewise.
    """
    series = list(collaborative_series(collaborative).select_related("analysis"))
    indicators = collaborative_indicators(collaborative)
    stale = [s for s in series if force or not is_fresh(s, indicators[s.indicator_id])]
    computed = compute(stale, indicators)
    entries = {s.pk: computed.get(s.pk) or s.analysis.result for s in series}
    verdicts = family_verdicts(series, entries, indicators)
    now = timezone.now()
    to_create, to_update = [], []
    for s in series:
        entry, (verdict, family_size) = entries[s.pk], verdicts[s.pk]
        row = analysis_row(s, indicators[s.indicator_id], entry, verdict, family_size)
        stored = stored_analysis(s)
        if stored is None:
            to_create.append(SeriesAnalysis(series=s, computed_at=now, **row))
        elif s.pk in computed or differs(stored, row):
            for name, value in row.items():
                setattr(stored, name, value)
            if s.pk in computed:
                stored.computed_at = now
            to_update.append(stored)
    with transaction.atomic():
        # Another process analysing at the same moment computes the same rows: keep one.
        SeriesAnalysis.objects.bulk_create(to_create, batch_size=500, ignore_conflicts=True)
        SeriesAnalysis.objects.bulk_update(
            to_update, [*ANALYSIS_FIELDS, "computed_at"], batch_size=500
        )
        effects = analyse_effects(collaborative, indicators, force=force, now=now)
        if to_create or to_update or effects:
            # Written in bulk, so no model signal tells the fragments cached on the data.
            data_cache.bump(collaborative.pk)
    return Analysed(series=sorted(computed), effects=effects)


def analyse_trends(collaborative: Collaborative, area: Area | None = None) -> list[TrendVerdict]:
    """Each indicator's trend verdict for the headline series of `area` (default: the city).

    >>> [(t.indicator, t.words) for t in analyse_trends(riverton)][:1]  # doctest: +SKIP
    [('third-grade-reading', 'improving')]
    """
    analyse(collaborative)
    area = area or top_area(collaborative)
    out = []
    for ind, entry in _headline_entries(collaborative, area):
        verdict = entry.get("verdict") or {}
        out.append(
            TrendVerdict(
                indicator=ind.slug,
                name=ind.name,
                area=area.name,
                status=verdict.get("status", "not_enough_data"),
                words=verdict.get("words", "not enough data"),
                slope=verdict.get("slope"),
                slope_low=verdict.get("slope_low"),
                slope_high=verdict.get("slope_high"),
                p=verdict.get("p"),
                p_adjusted=verdict.get("p_adjusted"),
                family_size=entry.get("family_size", 0),
                n=int(verdict.get("n") or 0),
                method=entry.get("method", ""),
                first_period=(entry.get("first") or {}).get("label"),
                latest_period=(entry.get("latest") or {}).get("label"),
                sentence=words.trend_sentence(entry, words.Units.of(ind)),
                method_reason=entry.get("method_reason", ""),
            )
        )
    return out


def progress(
    collaborative: Collaborative,
    method: Literal["civicloop", "open-sdg"] = "civicloop",
    area: Area | None = None,
) -> list[IndicatorProgress]:
    """Each indicator's progress to its target, for the headline series of `area`.

    method: "civicloop" (Sen's slope and its interval projected to the target period) or
    "open-sdg" (the Open SDG / Statistics Canada measure, as sdg-build computes it: one
    row per Open SDG indicator, the mean of its components' scores, see `opensdg`;
    computed from the observations as they are now, nothing stored).

    >>> [(p.indicator, p.status) for p in progress(riverton)][:1]  # doctest: +SKIP
    [('third-grade-reading', 'at_risk')]
    """
    if method not in ("civicloop", "open-sdg"):
        raise ValueError(f"unknown progress method {method!r}; use 'civicloop' or 'open-sdg'")
    if method == "open-sdg":
        top = top_area(collaborative)
        return opensdg.progress_rows(collaborative, area, top) if top is not None else []
    analyse(collaborative)
    area = area or top_area(collaborative)
    out = []
    for ind, entry in _headline_entries(collaborative, area):
        units = words.Units.of(ind)
        out.append(civicloop_progress_row(ind, area, entry, words.progress_sentence(entry, units)))
    return out


def strategy_effects(collaborative: Collaborative) -> list[Effect]:
    """Each strategy's effect on each of its indicators (strategies with a start and areas).

    >>> [(e.strategy, e.status) for e in strategy_effects(riverton)][:1]  # doctest: +SKIP
    [('asthma-home-visits', 'not_working')]
    """
    analyse(collaborative)
    rows = (
        StrategyEffect.objects.filter(strategy__collaborative=collaborative)
        .select_related("strategy", "indicator")
        .order_by("strategy__name", "indicator__order", "method")
    )
    return effects_from_rows(rows)


def equity(collaborative: Collaborative, area: Area | None = None) -> list[EquityGap]:
    """Gaps between groups (race/ethnicity, income...) in `area`, and whether they close.

    Computed on the fly: a gap depends on two series, so it is not stored with either.

    >>> [(g.indicator, g.group, g.words) for g in equity(riverton)][:1]  # doctest: +SKIP
    [('third-grade-reading', 'Black', 'gap closing')]
    """
    area = area or top_area(collaborative)
    indicators = collaborative_indicators(collaborative)
    series = equity_series(collaborative, area)
    return equity_from_batches(load_batches(series, indicators), indicators, area)


def equity_series(collaborative: Collaborative, area: Area) -> list[Series]:
    """The group series of `area` that equity gaps compare, in the order they are shown."""
    return list(
        collaborative_series(collaborative)
        .filter(area=area, group__isnull=False)
        .select_related("group__dimension")
        .order_by("indicator__order", "group__dimension__slug", "group__order")
    )


def equity_from_batches(
    batches: Iterable[tuple[list[Series], Loaded]], indicators: dict[int, Indicator], area: Area
) -> list[EquityGap]:
    """`equity` from loaded batches of `equity_series`: the current observations, or
    those as they stood on a date (a review's packet)."""
    out: list[EquityGap] = []
    for batch_series, loaded in batches:
        labels = [f"{s.indicator_id}:{s.group.dimension_id}" for s in batch_series]
        gaps = equity_gaps(
            loaded.batch,
            labels,
            [indicators[s.indicator_id].direction for s in batch_series],
            alpha=ALPHA,
        )
        names = {key: s.group.name for key, s in zip(loaded.batch.keys, batch_series, strict=True)}
        for i, s in enumerate(batch_series):
            row = gaps.row(i)
            out.append(
                EquityGap(
                    indicator=indicators[s.indicator_id].slug,
                    area=area.name,
                    group=s.group.name,
                    reference=names[row["reference"]],
                    status=row["status"],
                    words=row["words"],
                    latest_difference=row["latest_difference"],
                    gap_slope=row["gap_slope"],
                    gap_slope_low=row["gap_slope_low"],
                    gap_slope_high=row["gap_slope_high"],
                    p=row["p"],
                )
            )
    position = {i.slug: (i.result.order, i.order, i.name) for i in indicators.values()}
    return sorted(out, key=lambda g: position[g.indicator])


# == Reading what a page shows (fresh, or computed now without saving) =====================


def current_family(
    collaborative: Collaborative,
    area: Area,
    group_id: int | None = None,
    *,
    indicators: dict[int, Indicator] | None = None,
    only: Iterable[int] | None = None,
    hashes: dict[int, str] | None = None,
    freshness: Freshness | None = None,
) -> dict[int, dict]:
    """{indicator id: analysis entry} for the series of every indicator in one area/group.

    The stored analyses where they are fresh; where a load has changed a series since
    (or nothing is stored yet),
    its analysis is computed now (not saved: a page never writes), and the family's
    adjusted p-values are taken again with it. Each entry is the stored JSON plus
    ``"family_size"``.

    indicators: the collaborative's indicators (`collaborative_indicators`), when the
    caller has them already. only: the indicator ids the caller will read; when the whole
    family is fresh, only their stored entries are read (a page wants one entry of a
    family of hundreds: their freshness is checked without reading the others' JSON, or
    the indicators beyond the fields `settings_hash` reads). hashes: `settings_hashes`,
    when the caller reads several families. freshness: the collaborative's `Freshness`,
    when the caller has it (a page, from the data cache): the family's freshness is then
    known without a query.
    """
    family = collaborative_series(collaborative).filter(area=area, group_id=group_id)
    if only is not None and freshness is not None and freshness.is_fresh(area.pk, group_id):
        return {
            indicator_id: {**result, "family_size": family_size}
            for indicator_id, result, family_size in family.order_by()
            .filter(indicator_id__in=set(only))
            .values_list("indicator_id", "analysis__result", "analysis__family_size")
        }
    if freshness is not None:
        hashes = freshness.hashes
    if only is not None:
        wanted = set(only)
        if hashes is None:
            hashes = (
                settings_hashes(collaborative)
                if indicators is None
                else {pk: settings_hash(ind) for pk, ind in indicators.items()}
            )
        fresh = all(
            version == computed_from and stored_hash == hashes[indicator_id]
            for indicator_id, version, computed_from, stored_hash in family.order_by().values_list(
                "indicator_id",
                "version",
                "analysis__computed_from_version",
                "analysis__settings_hash",
            )
        )
        if fresh:
            return {
                indicator_id: {**result, "family_size": family_size}
                for indicator_id, result, family_size in family.order_by()
                .filter(indicator_id__in=wanted)
                .values_list("indicator_id", "analysis__result", "analysis__family_size")
            }
    if indicators is None:
        indicators = collaborative_indicators(collaborative)
    members = list(family.select_related("analysis"))
    stale = [s for s in members if not is_fresh(s, indicators[s.indicator_id])]
    computed = compute(stale, indicators)
    if not computed:
        return {
            s.indicator_id: {**s.analysis.result, "family_size": s.analysis.family_size}
            for s in members
        }
    entries = {s.pk: computed.get(s.pk) or s.analysis.result for s in members}
    return judged_entries(members, entries, indicators)


def settings_hashes(collaborative: Collaborative) -> dict[int, str]:
    """{indicator id: `settings_hash`} of the collaborative's indicators, reading only the
    fields the hash reads (checking a family's freshness needs no more)."""
    columns = Indicator.objects.filter(result__collaborative=collaborative).values_list(
        "pk", *HASHED_FIELDS
    )
    return {pk: hash_settings(values) for pk, *values in columns}


def judged_entries(
    members: list[Series], entries: dict[int, dict], indicators: dict[int, Indicator]
) -> dict[int, dict]:
    """{indicator id: entry with its family's verdict and family size} for the series of
    one area and group (`members`), from their entries by series id."""
    verdicts = family_verdicts(members, entries, indicators)
    return {
        s.indicator_id: {
            **entries[s.pk],
            "verdict": verdicts[s.pk][0],
            "family_size": verdicts[s.pk][1],
        }
        for s in members
    }


def current_effects(
    indicator: Indicator, *, indicators: dict[int, Indicator] | None = None
) -> list[Effect]:
    """The effects of every strategy that targets `indicator`: stored where fresh, else
    computed now (not saved) and adjusted together with the collaborative's others.
    indicators: the collaborative's (`collaborative_indicators`), if the caller has them."""
    collaborative = indicator.result.collaborative
    plans = {
        (p.strategy.pk, p.indicator.pk): p
        for p in effect_plans(
            collaborative, indicators or {indicator.pk: indicator}, indicator_ids=[indicator.pk]
        )
    }
    stored = [
        r
        for r in StrategyEffect.objects.filter(indicator=indicator).select_related(
            "strategy", "indicator"
        )
        if (r.strategy_id, r.indicator_id) in plans
    ]
    stale = [p for key, p in plans.items() if stored_hash(stored, key) != p.hash]
    if not stale:
        return effects_from_rows(in_order(stored))
    if indicators is None:
        indicators = collaborative_indicators(collaborative)
    computed = compute_effects(stale, indicators)
    rows = [r for r in stored if (r.strategy_id, r.indicator_id) not in computed]
    rows += [StrategyEffect(**row) for pair in computed.values() for row in pair]
    others = StrategyEffect.objects.filter(
        strategy__collaborative=collaborative, is_headline=True
    ).exclude(indicator=indicator)
    adjust_effects([*rows, *others])
    return effects_from_rows(in_order(rows))


def _headline_entries(collaborative: Collaborative, area: Area) -> list[tuple[Indicator, dict]]:
    family = current_family(collaborative, area)
    return population_in_order(collaborative_indicators(collaborative), family)


def population_in_order(
    indicators: dict[int, Indicator], entries: dict[int, dict]
) -> list[tuple[Indicator, dict]]:
    """(indicator, entry) of the population indicators that have an entry, in the
    indicators' order (performance measures are read with their commitments)."""
    ordered = sorted(indicators.values(), key=lambda i: (i.result.order, i.order, i.name))
    return [
        (ind, entries[ind.pk])
        for ind in ordered
        if ind.pk in entries and ind.commitment_measure is None
    ]
