"""One series' analysis: trend, verdict, progress to target, survey changes.

`compute` runs the engine on many series at once and returns one JSON-ready entry per
series; `family_verdicts` then judges each against its family (the collaborative's
indicators in the same area and group), with Benjamini-Hochberg adjusted p-values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from civicloop.learn.direction import enough_data, parse_direction, verdict_from_trend
from civicloop.learn.margins import change_significance
from civicloop.learn.models import SeriesAnalysis
from civicloop.learn.progress import civicloop_progress
from civicloop.learn.seasonality import trend_fitting_the_data
from civicloop.learn.store.batches import (
    MOE_LEVEL,
    Loaded,
    load_batches,
    period_time,
)
from civicloop.learn.store.results import IndicatorProgress, as_float, json_number, jsonable
from civicloop.learn.trend import Trend
from civicloop.results.models import Area, Indicator, Series

# Bump when a change here or in the engine changes stored numbers: everything recomputes.
ENGINE_VERSION = "2"
ALPHA = 0.05


# The indicator's fields `settings_hash` reads, in order (`store.settings_hashes` reads
# only these columns).
HASHED_FIELDS = (
    "direction",
    "frequency",
    "is_survey",
    "target_value",
    "target_period_id",
    "baseline_period_id",
    "limit",
    "progress_options",
)


def settings_hash(indicator: Indicator) -> str:
    """A fingerprint of what, besides the data, an indicator's results depend on."""
    return hash_settings([getattr(indicator, name, None) for name in HASHED_FIELDS])


def hash_settings(values: Sequence[Any]) -> str:
    """`settings_hash` of an indicator's `HASHED_FIELDS` values."""
    parts = [ENGINE_VERSION, *values]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def stored_analysis(s: Series) -> SeriesAnalysis | None:
    try:
        return s.analysis
    except SeriesAnalysis.DoesNotExist:
        return None


def is_fresh(s: Series, indicator: Indicator) -> bool:
    stored = stored_analysis(s)
    return (
        stored is not None
        and stored.computed_from_version == s.version
        and stored.settings_hash == settings_hash(indicator)
    )


def compute(series: Sequence[Series], indicators: dict[int, Indicator]) -> dict[int, dict]:
    """Run the engine on `series`: {series id: entry} (everything but the family verdict)."""
    entries = entries_from_batches(load_batches(series, indicators), indicators)
    return {s.pk: {"version": s.version, **entries[s.pk]} for s in series if s.pk in entries}


def entries_from_batches(
    batches: Iterable[tuple[list[Series], Loaded]], indicators: dict[int, Indicator]
) -> dict[int, dict]:
    """{series id: entry} from loaded batches: the current observations (`compute`), or
    those as they stood on a date (a review's packet)."""
    out: dict[int, dict] = {}
    for members, loaded in batches:
        inds = [indicators[s.indicator_id] for s in members]
        trends, methods, why = trend_fitting_the_data(loaded.batch, alpha=ALPHA)
        change_ok, latest_change = _survey_changes(loaded)
        prog = _civicloop_progress(loaded, inds)
        first = _at(loaded, last=False)
        latest = _at(loaded, last=True)
        for i, s in enumerate(members):
            out[s.pk] = {
                "method": str(methods[i]),
                "method_reason": str(why[i]),
                "first": first[i],
                "latest": latest[i],
                "trend": trends.row(i),
                "change_significant": bool(change_ok[i]),
                "latest_change": latest_change[i],
                "progress": prog[i],
            }
    return out


def _at(loaded: Loaded, *, last: bool) -> list[dict | None]:
    """The first or latest observation of each series: label, time, value, margin."""
    batch = loaded.batch
    observed = batch.observed
    out: list[dict | None] = []
    for i in range(batch.n_series):
        cols = np.flatnonzero(observed[i])
        if cols.size == 0:
            out.append(None)
            continue
        j = int(cols[-1] if last else cols[0])
        moe = None if loaded.moe is None else json_number(loaded.moe[i, j])
        out.append(
            {
                "label": loaded.labels[j],
                "time": float(batch.times[j]),
                "value": float(batch.values[i, j]),
                "moe": moe,
            }
        )
    return out


def _survey_changes(loaded: Loaded) -> tuple[np.ndarray, list[dict | None]]:
    """With margins of error: is the first-to-last change significant (for the verdict),
    and is the latest change (previous observation to the latest) significant?"""
    batch = loaded.batch
    n = batch.n_series
    if loaded.moe is None:
        return np.ones(n, dtype=bool), [None] * n
    observed = batch.observed
    rows = np.arange(n)
    # Only series that carry margins (survey estimates) are judged against them.
    judged = (np.count_nonzero(observed, axis=1) >= 2) & ~np.isnan(loaded.moe).all(axis=1)
    last = batch.n_periods - 1 - np.argmax(observed[:, ::-1], axis=1)
    first = np.argmax(observed, axis=1)
    before_last = np.where(observed & (np.arange(batch.n_periods) < last[:, None]), 1, 0)
    previous = batch.n_periods - 1 - np.argmax(before_last[:, ::-1], axis=1)
    moe = np.nan_to_num(loaded.moe)  # a point without a margin is taken as exact
    overall = change_significance(
        batch.values[rows, first],
        moe[rows, first],
        batch.values[rows, last],
        moe[rows, last],
        level=MOE_LEVEL,
    )
    latest = change_significance(
        batch.values[rows, previous],
        moe[rows, previous],
        batch.values[rows, last],
        moe[rows, last],
        level=MOE_LEVEL,
    )
    notes: list[dict | None] = []
    for i in range(n):
        if not judged[i]:
            notes.append(None)
            continue
        notes.append(
            {
                "from_label": loaded.labels[previous[i]],
                "to_label": loaded.labels[last[i]],
                "from_value": float(batch.values[i, previous[i]]),
                "to_value": float(batch.values[i, last[i]]),
                "difference": float(latest.difference[i]),
                "moe_from": float(moe[i, previous[i]]),
                "moe_to": float(moe[i, last[i]]),
                "level": MOE_LEVEL,
                "z": json_number(latest.z[i]),
                "p": json_number(latest.p[i]),
                "significant": bool(latest.significant[i]),
            }
        )
    return np.where(judged, overall.significant, True), notes


def _position(period) -> float:
    return (
        math.nan
        if period is None
        else period_time(period.kind, period.label, period.start, period.end)
    )


def _civicloop_progress(loaded: Loaded, inds: list[Indicator]) -> list[dict]:
    result = civicloop_progress(
        loaded.batch,
        target=[i.target_value for i in inds],
        target_year=[_position(i.target_period) for i in inds],
        base_year=[_position(i.baseline_period) for i in inds],
        direction=[i.direction for i in inds],
        alpha=ALPHA,
    )
    label = dict(zip(loaded.batch.times.tolist(), loaded.labels, strict=True))
    out = []
    for k, ind in enumerate(inds):
        row = result.row(k)
        slope, required = row["slope"], row["required_slope"]
        pace = slope / required if slope is not None and required else None
        row.update(
            base_label=label.get(row["base_time"]),
            latest_label=label.get(row["latest_time"]),
            target_label=ind.target_period.label if ind.target_period else None,
            progress_value=json_number(pace),
        )
        out.append(row)
    return out


def family_key(s: Series, indicator: Indicator) -> tuple:
    """The family a series is judged in: its area and group, and, for a commitment's
    performance measure, that commitment. A partner's programme measures are read
    together, apart from the population indicators, so adding one never changes the
    adjusted p-values, and so the verdicts, of the city's indicators."""
    measure = indicator.commitment_measure
    return (s.area_id, s.group_id, measure.commitment_id if measure is not None else None)


def family_verdicts(
    series: Sequence[Series], entries: dict[int, dict], indicators: dict[int, Indicator]
) -> dict[int, tuple[dict, int]]:
    """The verdict of every series, its p-value adjusted within its family (the
    collaborative's indicators in the same area and group, see `family_key`):
    {series id: (verdict, size)}."""
    families: dict[tuple, list[Series]] = defaultdict(list)
    for s in series:
        families[family_key(s, indicators[s.indicator_id])].append(s)
    out: dict[int, tuple[dict, int]] = {}
    trend_fields = [
        f.name for f in dataclasses.fields(Trend) if f.name not in ("keys", "method", "alpha")
    ]
    for members in families.values():
        rows = [entries[s.pk]["trend"] for s in members]
        arrays = {
            name: np.array([as_float(r.get(name)) for r in rows], dtype=np.float64)
            for name in trend_fields
        }
        arrays["n"] = arrays["n"].astype(np.int64)
        result = Trend(keys=[r["key"] for r in rows], alpha=ALPHA, **arrays)
        sign = parse_direction([indicators[s.indicator_id].direction for s in members], result.keys)
        change_ok = np.array([entries[s.pk]["change_significant"] for s in members], dtype=bool)
        verdict = verdict_from_trend(
            result, sign, alpha=ALPHA, change_significant=change_ok, adjust="fdr_bh"
        )
        size = int(np.count_nonzero(enough_data(result)))
        for i, s in enumerate(members):
            out[s.pk] = (verdict.row(i), size)
    return out


ANALYSIS_FIELDS = [
    "computed_from_version",
    "settings_hash",
    "method",
    "status",
    "p",
    "p_adjusted",
    "family_size",
    "result",
]


def analysis_row(
    s: Series, indicator: Indicator, entry: dict, verdict: dict, family_size: int
) -> dict[str, Any]:
    result = {**entry, "verdict": verdict}
    result.pop("family_size", None)
    return {
        "computed_from_version": entry["version"],
        "settings_hash": settings_hash(indicator),
        "method": entry["method"],
        "status": verdict["status"],
        "p": verdict["p"],
        "p_adjusted": verdict["p_adjusted"],
        "family_size": family_size,
        "result": jsonable(result),
    }


def differs(stored: SeriesAnalysis, row: dict[str, Any]) -> bool:
    return any(getattr(stored, name) != value for name, value in row.items())


def civicloop_progress_row(
    ind: Indicator, area: Area, entry: dict, sentence: str
) -> IndicatorProgress:
    p = entry["progress"]
    return IndicatorProgress(
        indicator=ind.slug,
        name=ind.name,
        area=area.name,
        method="civicloop",
        status=p["status"],
        words=p["words"],
        score=None,
        progress_value=p.get("progress_value"),
        base_period=p.get("base_label"),
        base_year=p["base_time"],
        base_value=p["base_value"],
        current_period=p.get("latest_label"),
        current_year=p["latest_time"],
        current_value=p["latest_value"],
        target=p["target"],
        target_period=p.get("target_label"),
        target_year=p["target_time"],
        direction=ind.direction,
        slope=p["slope"],
        slope_low=p["slope_low"],
        slope_high=p["slope_high"],
        required_slope=p["required_slope"],
        projected=p["projected"],
        projected_low=p["projected_low"],
        projected_high=p["projected_high"],
        sentence=sentence,
    )
