"""The data as it stood on a date: what a review's packet is computed from.

Three rules make a packet rebuilt later for its date say what it said that day:

- observations of periods that end after the date are left out (they had not happened);
- revisions made after the date are undone: an observation's value as of the date is the
  ``old_value`` of the first revision made after it, if there is one (a first later
  revision without an old value means the observation did not exist yet);
- a strategy's status as of the date is the ``from_status`` of its first status change
  made after it, if there is one.

"After the date" means from the start of the next day, in the site's time zone: a
revision made during the day of the meeting counts as known at the meeting.

The statistics are the learn stage's own: this module loads the observations as of the
date into learn's batches (`batches_from_rows`) and hands them to the store's
computations from batches (`entries_from_batches`, `effects_from_batches`,
`equity_from_batches`), the same ones that analyse the data as it is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from civicloop.learn import words
from civicloop.learn.models import StrategyEffect
from civicloop.learn.store import (
    effects_from_batches,
    entries_from_batches,
    equity_from_batches,
    equity_series,
    judged_entries,
    population_in_order,
)
from civicloop.learn.store.batches import (
    ROW_FIELDS,
    Loaded,
    batches_from_rows,
    collaborative_indicators,
    collaborative_series,
)
from civicloop.learn.store.results import Effect, EquityGap
from civicloop.learn.store.strategies import (
    adjust_effects,
    effect_plans,
    effects_from_rows,
    in_order,
)
from civicloop.results.models import Area, Collaborative, Indicator, Observation, Revision, Series


def end_of(on: date) -> datetime:
    """The first moment after the day `on`: anything changed from then on came later."""
    return timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))


# -- observations -------------------------------------------------------------------------


def observations_as_of(series_ids: Iterable[int], on: date) -> list[tuple]:
    """(series id, kind, label, start, end, value, margin, confidence level) of every
    observation of `series_ids` as it stood on `on`."""
    ids = set(series_ids)
    if not ids:
        return []
    rows = (
        Observation.objects.filter(series_id__in=ids, period__end__lte=on)
        .values_list("pk", *ROW_FIELDS)
        .order_by()
    )
    rows = list(rows)
    first_later = _first_revision_after([r[0] for r in rows], on)
    out = []
    for pk, sid, kind, label, start, end, value, moe, level in rows:
        undone = first_later.get(pk)
        if undone is not None:
            old_value, old_moe, old_level = undone
            if old_value is None:
                continue  # it came into being after the date
            value, moe, level = old_value, old_moe, old_level
        out.append((sid, kind, label, start, end, value, moe, level))
    return out


def _first_revision_after(observation_ids: list[int], on: date) -> dict[int, tuple]:
    """{observation id: (old value, old margin, old level)} of its first revision after `on`."""
    if not observation_ids:
        return {}
    later = (
        Revision.objects.filter(changed_at__gte=end_of(on))
        .order_by("observation_id", "changed_at", "id")
        .values_list("observation_id", "old_value", "old_margin_of_error", "old_confidence_level")
    )
    wanted = set(observation_ids)
    # Few revisions come after any date, so reading them all beats an IN list of thousands.
    if len(wanted) <= 500:
        later = later.filter(observation_id__in=wanted)
    out: dict[int, tuple] = {}
    for obs_id, value, moe, level in later:
        if obs_id in wanted and obs_id not in out:
            out[obs_id] = (value, moe, level)
    return out


def load_batches_as_of(
    series: Sequence[Series], indicators: dict[int, Indicator], on: date
) -> list[tuple[list[Series], Loaded]]:
    """`civicloop.learn.store.batches.load_batches`, with the observations as of `on`."""
    if not series:
        return []
    return batches_from_rows(series, indicators, observations_as_of((s.pk for s in series), on))


# -- what learn says, as of the date ------------------------------------------------------


def headline_entries(
    collaborative: Collaborative, area: Area, on: date
) -> list[tuple[Indicator, dict]]:
    """Each population indicator's analysis entry for its headline series in `area`, as of
    `on`, in the shape the learn store keeps (trend, verdict with its family-adjusted p-value,
    progress, latest change, family size), in the indicators' order."""
    indicators = collaborative_indicators(collaborative)
    members = list(collaborative_series(collaborative).filter(area=area, group__isnull=True))
    entries = entries_from_batches(load_batches_as_of(members, indicators, on), indicators)
    return population_in_order(indicators, judged_entries(members, entries, indicators))


def headline_curves(collaborative: Collaborative, area: Area, on: date) -> dict[int, dict]:
    """{indicator id: its Turn the Curve (`civicloop.learn.store.curve`) as plain data} for
    the headline series in `area`, from the values as of `on`; ready to freeze."""
    from civicloop.learn.store.curve import Row, curve_of, starts

    indicators = collaborative_indicators(collaborative)
    members = list(collaborative_series(collaborative).filter(area=area, group__isnull=True))
    indicator_of = {s.pk: s.indicator_id for s in members}
    rows: dict[int, list] = {pk: [] for pk in indicators}
    for sid, kind, label, start, end, value, moe, _level in observations_as_of(indicator_of, on):
        rows[indicator_of[sid]].append(Row.of(kind, label, start, end, value, moe))
    begun = starts(indicators.values())
    out = {}
    for pk, ind in indicators.items():
        curve = curve_of(ind, area, rows[pk], begun.get(pk)).as_dict()
        out[pk] = {
            **curve,
            "badge": words.badge(curve["status"]),
            "short": words.curve_short(curve["status"]),
            "unit_kind": ind.unit_kind,
            "decimals": ind.decimals,
        }
    return out


def strategy_effects(collaborative: Collaborative, on: date) -> list[Effect]:
    """Every strategy's effect on each of its indicators as of `on`, adjusted together
    across the collaborative's strategies, as `civicloop.learn.store.strategy_effects`."""
    indicators = collaborative_indicators(collaborative)
    plans = effect_plans(collaborative, indicators)
    all_series = {s.pk: s for p in plans for s in p.series}
    batches = load_batches_as_of(list(all_series.values()), indicators, on)
    rows = [
        StrategyEffect(**row)
        for pair in effects_from_batches(plans, batches).values()
        for row in pair
    ]
    adjust_effects(rows)
    return effects_from_rows(in_order(rows))


def equity(collaborative: Collaborative, area: Area, on: date) -> list[EquityGap]:
    """Gaps between groups in `area` and whether they close, as of `on` (as
    `civicloop.learn.store.equity`)."""
    indicators = collaborative_indicators(collaborative)
    series = equity_series(collaborative, area)
    return equity_from_batches(load_batches_as_of(series, indicators, on), indicators, area)


# -- the table, as of the date ----------------------------------------------------------------


def statuses_as_of(strategies: Sequence, on: date) -> dict[int, str]:
    """{strategy id: status on `on`} for many strategies in one query."""
    from civicloop.review.models import StrategyChange

    first: dict[int, str] = {}
    for sid, from_status in (
        StrategyChange.objects.filter(strategy__in=list(strategies), changed_at__gte=end_of(on))
        .order_by("strategy_id", "changed_at", "id")
        .values_list("strategy_id", "from_status")
    ):
        first.setdefault(sid, from_status)
    return {s.pk: first.get(s.pk, s.status) for s in strategies}
