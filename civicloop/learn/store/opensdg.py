"""Open SDG progress for a collaborative: which civicloop series each component names.

The engine (`civicloop.learn.progress.open_sdg_indicator_progress`) scores an Open SDG
indicator from its components' observations. This module finds those observations,
reading civicloop's data the way sdg-build's ``SeriesProgress.filter_data`` reads an
Open SDG data file. One function, `select_series`, does the matching, so it can follow
the importer's representation when that changes. What it assumes of the importer
(`civicloop.measure.opensdg`):

- An Open SDG indicator is one or more civicloop indicators, listed on the import's
  `Source` (``settings["indicators"][id]["measures"]``: slug -> its ``Series``/``Units``
  values, a key present only when the data file has that column). Its metadata
  (``auto_progress_calculation``, ``progress_calculation_options``, ``progress_status``)
  is kept there too.
- A row's filled disaggregation columns are its series' group: one column is dimension
  = column, group = value; several are one compound dimension "Sex × Age" with groups
  "Female · 15-24". The import keeps each group's exact cells on the Source
  (``settings["cells"]``: group id -> [[column, cell]...]); without them `group_fields`
  splits the names back. A headline row has no group.
- ``GeoCode`` is an area, not a disaggregation: sdg-build drops it before selecting, so
  a component reads series of every area (unless a sub-area is asked for).

An indicator that did not come from Open SDG is its own Open SDG indicator: its
``progress_options`` if it has any, else one headline component built from its own
direction, target, target period, baseline and limit, read in `area` (default: the
top area); monthly and quarterly series count as the mean of each complete calendar
year, as they did before.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from civicloop.learn.progress import (
    SDG_WORDS,
    SdgComponentSpec,
    SdgIndicatorProgress,
    SdgSelector,
    open_sdg_indicator_progress,
    sdg_component_specs,
)
from civicloop.learn.store.batches import SEASONS, collaborative_indicators
from civicloop.learn.store.results import IndicatorProgress, jsonable
from civicloop.results.models import Area, Collaborative, Indicator, Observation, Series

SOURCE_KIND = "open-sdg"  # the importer's Source.kind
DIMENSION_JOIN, GROUP_JOIN = " × ", " · "  # the importer's compound names
SELECTOR_COLUMNS = ("Units", "Series")  # sdg-build filters on the unit, then the series


class _Series(NamedTuple):
    """What matching needs of a series (read as plain values: thousands of them)."""

    pk: int
    indicator_id: int
    area_id: int
    group_id: int | None
    dimension: str | None
    group: str | None


@dataclass
class _Unit:
    """One Open SDG indicator: the civicloop indicators it covers and its settings."""

    key: str
    name: str
    open_sdg_id: str | None
    members: list[Indicator]
    selectors: dict[int, dict[str, str]]  # indicator id -> its Series/Units values
    options: Any
    automatic: bool = True
    manual_status: str | None = None
    native: bool = False
    series: list[_Series] = field(default_factory=list)


def group_fields(dimension_name: str | None, group_name: str | None) -> dict[str, str]:
    """A series' disaggregation as {column: value}: {} for the headline, and a compound
    group ("15-24 · Female" in "Age × Sex") split back into its columns.

    >>> group_fields("Age × Sex", "15-24 · Female")
    {'Age': '15-24', 'Sex': 'Female'}
    >>> group_fields(None, None), group_fields("Race/ethnicity", "Black")
    ({}, {'Race/ethnicity': 'Black'})
    """
    if not dimension_name or group_name is None:
        return {}
    columns = dimension_name.split(DIMENSION_JOIN)
    values = group_name.split(GROUP_JOIN)
    if len(columns) != len(values):
        return {dimension_name: group_name}
    return dict(zip(columns, values, strict=True))


Candidate = tuple[Mapping[str, str], Mapping[str, str], Any]


def select_series(selector: SdgSelector, candidates: Sequence[Candidate]) -> list[Any] | str:
    """The series a component names, or why it names none, as sdg-build selects rows.

    candidates: (its indicator's ``Series``/``Units`` values, its disaggregation as
    {column: value} (`group_fields`), the series). sdg-build keeps the rows whose unit,
    series and each named disaggregation match, ignoring a filter whose column is not
    in the data or whose value no row has; with no disaggregation named it keeps the
    headline. Whatever remains must be one series: if a column still varies (including
    filled against empty), sdg-build stops, and so the component is not available.

    >>> rows = [({"Series": "A"}, {}, "a"), ({"Series": "A"}, {"Sex": "F"}, "a-f"),
    ...         ({"Series": "B"}, {}, "b")]
    >>> select_series(SdgSelector(series="B"), rows)
    ['b']
    >>> select_series(SdgSelector("A", None, (("Sex", "F"),)), rows)
    ['a-f']
    >>> select_series(SdgSelector(), rows)
    'several series remain (Series: A, B); the entry must name one'
    """
    rows = list(candidates)
    for column, wanted in zip(SELECTOR_COLUMNS, (selector.unit, selector.series), strict=True):
        if wanted is None:
            continue
        matching = [r for r in rows if r[0].get(column) == wanted]
        if matching:
            rows = matching
    if selector.disaggregation:
        for column, wanted in selector.disaggregation:
            matching = [r for r in rows if r[1].get(column) == wanted]
            if matching:
                rows = matching
    else:
        rows = [r for r in rows if not r[1]]
        if not rows:
            return "no headline (a row with every disaggregation empty) and no disaggregation named"
    if not rows:
        return "no data"
    columns = dict.fromkeys(c for r in rows for c in (*r[0], *r[1]))
    for column in columns:
        values = {r[1].get(column, r[0].get(column)) or "" for r in rows}
        if len(values) > 1:
            shown = ", ".join(sorted(v or "(empty)" for v in values))
            return f"several series remain ({column}: {shown}); the entry must name one"
    return [r[2] for r in rows]


def open_sdg_records(
    collaborative: Collaborative,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    """What every Open SDG import of the collaborative kept on its `Source`:
    {Open SDG id: {"meta": ..., "measures": {slug: selector}, "name": ...}}, and each
    group's exact cells {group id: {column: cell}} where the import kept them."""
    from civicloop.measure.models import Source

    records: dict[str, dict[str, Any]] = {}
    cells: dict[str, dict[str, str]] = {}
    sources = Source.objects.filter(collaborative=collaborative, kind=SOURCE_KIND)
    for source in sources.order_by("pk"):
        settings = source.settings or {}
        kept = settings.get("indicators") or {}
        if isinstance(kept, Mapping):
            for sdg_id, record in kept.items():
                if isinstance(record, Mapping):
                    records[str(sdg_id)] = dict(record)
        for pk, pairs in (settings.get("cells") or {}).items():
            if isinstance(pairs, list):
                cells[str(pk)] = {str(c): str(v) for c, v in pairs}
    return records, cells


def progress_rows(
    collaborative: Collaborative, area: Area | None, top: Area
) -> list[IndicatorProgress]:
    """The Open SDG progress of every indicator of the collaborative, one row per Open
    SDG indicator, in the indicators' order."""
    indicators = [
        i
        for i in sorted(
            collaborative_indicators(collaborative).values(),
            key=lambda i: (i.result.order, i.order, i.name),
        )
        if i.commitment_measure is None
    ]
    records, cells = open_sdg_records(collaborative)
    units = _units(indicators, records)
    sub_area = area if area is not None and area.pk != top.pk else None
    where = area or top
    by_indicator: dict[int, _Unit] = {m.pk: u for u in units for m in u.members}
    # The names as written (English), whatever language reads: they match Open SDG's keys.
    rows = Series.objects.filter(indicator__in=[i.pk for i in indicators]).values_list(
        "pk", "indicator_id", "area_id", "group_id", "group__dimension__name_en", "group__name_en"
    )
    for s in (_Series(*row) for row in rows.iterator(chunk_size=10_000)):
        unit = by_indicator.get(s.indicator_id)
        if unit is None:
            continue
        if (unit.native or sub_area is not None) and s.area_id != where.pk:
            continue
        unit.series.append(s)
    points = _observations({s.pk for u in units for s in u.series}, [i.pk for i in indicators])
    frequency = {i.pk: i.frequency for i in indicators}
    return [_row(unit, where, points, frequency, cells) for unit in units]


def _units(indicators: list[Indicator], records: dict[str, dict[str, Any]]) -> list[_Unit]:
    slug_to_id = {
        slug: sdg_id
        for sdg_id, record in records.items()
        for slug in (record.get("measures") or {})
    }
    units: dict[str, _Unit] = {}
    out: list[_Unit] = []
    for ind in indicators:
        sdg_id = slug_to_id.get(ind.slug)
        if sdg_id is None:
            kept = getattr(ind, "progress_options", None)
            options = kept if kept else [_own_entry(ind)]
            out.append(
                _Unit(ind.slug, ind.name, None, [ind], {ind.pk: {}}, options, native=not kept)
            )
            continue
        record = records[sdg_id]
        selector = (record.get("measures") or {}).get(ind.slug) or {}
        if sdg_id in units:
            units[sdg_id].members.append(ind)
            units[sdg_id].selectors[ind.pk] = dict(selector)
            continue
        meta = record.get("meta") or {}
        measures = record.get("measures") or {}
        key = ind.slug if len(measures) == 1 else str(meta.get("civicloop_slug") or sdg_id)
        name = record.get("name") or meta.get("indicator_name")
        unit = _Unit(
            key=key,
            name=ind.name if len(measures) == 1 or not isinstance(name, str) else name,
            open_sdg_id=sdg_id,
            members=[ind],
            selectors={ind.pk: dict(selector)},
            options=meta.get("progress_calculation_options"),
            automatic=meta.get("auto_progress_calculation") is True,
            manual_status=meta.get("progress_status") or None,
        )
        units[sdg_id] = unit
        out.append(unit)
    return out


def _own_entry(ind: Indicator) -> dict[str, Any]:
    """A civicloop indicator's own settings as an Open SDG options entry (what it does
    not say is left out, so the method's defaults, and their assumptions, apply)."""
    entry: dict[str, Any] = {"direction": "positive" if ind.direction == "higher" else "negative"}
    if ind.target_value is not None:
        entry["target"] = ind.target_value
    if ind.target_period is not None:
        entry["target_year"] = ind.target_period.label
    if ind.baseline_period is not None:
        entry["base_year"] = ind.baseline_period.label
    if ind.limit is not None:
        entry["limit"] = ind.limit
    return entry


def _observations(
    series_ids: set[int], indicator_ids: list[int]
) -> dict[int, list[tuple[str, str, Any, float]]]:
    """The observations of `series_ids`, in one query by indicator (a repository's
    series can outnumber what one SQL ``IN`` list may hold)."""
    out: dict[int, list[tuple[str, str, Any, float]]] = defaultdict(list)
    if not series_ids:
        return out
    rows = Observation.objects.filter(series__indicator_id__in=indicator_ids).values_list(
        "series_id", "period__kind", "period__label", "period__start", "value"
    )
    for sid, kind, label, start, value in rows.iterator(chunk_size=10_000):
        if sid in series_ids:
            out[sid].append((kind, label, start, value))
    return out


def _row(
    unit: _Unit,
    area: Area,
    points: dict[int, list[tuple[str, str, Any, float]]],
    frequency: dict[int, str],
    cells: dict[str, dict[str, str]],
) -> IndicatorProgress:
    if not unit.automatic:
        return _manual_row(unit, area)
    specs = sdg_component_specs(unit.options)
    candidates = [
        (
            unit.selectors.get(s.indicator_id, {}),
            (
                cells.get(str(s.group_id)) or group_fields(s.dimension, s.group)
                if s.group_id
                else {}
            ),
            s,
        )
        for s in unit.series
    ]
    data: list[list[tuple[str, float]] | str] = []
    specs = [_with_ignored_filters(spec, candidates) for spec in specs]
    for spec in specs:
        chosen = select_series(spec.selector, candidates)
        if isinstance(chosen, str):
            data.append(chosen)
            continue
        pairs: list[tuple[str, float]] = []
        for s in chosen:
            observed = points.get(s.pk, [])
            per_year = SEASONS.get(frequency.get(s.indicator_id, "")) if unit.native else None
            pairs.extend(_calendar_years(observed, per_year) if per_year else _labelled(observed))
        data.append(pairs)
    result = open_sdg_indicator_progress(specs, data, indicator_id=unit.open_sdg_id or unit.key)
    return _progress_row(unit, area, result)


def _with_ignored_filters(
    spec: SdgComponentSpec, candidates: Sequence[Candidate]
) -> SdgComponentSpec:
    """The spec, saying which of its filters no row matches: sdg-build ignores such a
    filter (with a warning in its build log), so the component may read other data."""
    notes = []
    named = [("Units", spec.selector.unit, 0), ("Series", spec.selector.series, 0)]
    named += [(c, v, 1) for c, v in spec.selector.disaggregation]
    for column, wanted, where in named:
        if wanted is not None and not any(r[where].get(column) == wanted for r in candidates):
            notes.append(f"no data has {column} {wanted!r}: Open SDG ignores that filter")
    if not notes:
        return spec
    return dataclasses.replace(spec, assumptions=(*spec.assumptions, *notes))


def _labelled(observed: list[tuple[str, str, Any, float]]) -> list[tuple[str, float]]:
    return [(label, value) for _kind, label, _start, value in observed]


def _calendar_years(
    observed: list[tuple[str, str, Any, float]], per_year: int
) -> list[tuple[str, float]]:
    """Monthly or quarterly values as the mean of each complete calendar year."""
    years: dict[int, list[float]] = defaultdict(list)
    for _kind, _label, start, value in observed:
        years[start.year].append(value)
    return [
        (str(year), float(np.mean(values)))
        for year, values in sorted(years.items())
        if len(values) == per_year
    ]


def _manual_row(unit: _Unit, area: Area) -> IndicatorProgress:
    status = unit.manual_status or "not_available"
    why = (
        "set by hand in the metadata: automatic progress is off"
        if unit.manual_status
        else "automatic progress is off and no status is set"
    )
    return IndicatorProgress(
        indicator=unit.key,
        name=unit.name,
        area=area.name,
        method="open-sdg",
        status=status,
        words=f"{SDG_WORDS.get(status, status)} ({why})",
        score=None,
        progress_value=None,
        base_period=None,
        base_year=None,
        base_value=None,
        current_period=None,
        current_year=None,
        current_value=None,
        target=None,
        target_period=None,
        target_year=None,
        direction=_direction(unit),
        sentence=f"{SDG_WORDS.get(status, status).capitalize()}: {why}.",
        open_sdg_id=unit.open_sdg_id,
        indicators=[m.slug for m in unit.members],
        automatic=False,
    )


def _direction(unit: _Unit) -> str:
    if unit.native:
        return "positive" if unit.members[0].direction == "higher" else "negative"
    specs = sdg_component_specs(unit.options)
    found = {"positive" if s.direction == 1 else "negative" for s in specs}
    return found.pop() if len(found) == 1 else "mixed"


def _progress_row(unit: _Unit, area: Area, result: SdgIndicatorProgress) -> IndicatorProgress:
    components = result.components
    one = components[0] if len(components) == 1 else None
    words = result.words
    if one is not None and one.reason:
        words += f" ({one.reason})"
    elif result.score is None and components:
        words += f" ({_no_score_reason(result)})"
    directions = {c.direction for c in components}
    direction = (
        ("positive" if directions.pop() == 1 else "negative") if len(directions) == 1 else "mixed"
    )

    def year_label(year: float | None) -> str | None:
        return None if year is None else str(int(year))

    return IndicatorProgress(
        indicator=unit.key,
        name=unit.name,
        area=area.name,
        method="open-sdg",
        status=result.status,
        words=words,
        score=result.score,
        progress_value=one.progress_value if one else None,
        base_period=one.base_period if one else None,
        base_year=one.base_year if one else None,
        base_value=one.base_value if one else None,
        current_period=one.current_period if one else None,
        current_year=one.current_year if one else None,
        current_value=one.current_value if one else None,
        target=one.target if one else None,
        target_period=year_label(one.target_year) if one and one.target is not None else None,
        target_year=one.target_year if one else None,
        direction=direction,
        sentence=sentence(result),
        open_sdg_id=unit.open_sdg_id,
        indicators=[m.slug for m in unit.members],
        automatic=True,
        components=jsonable([c.as_dict() for c in components]),
        assumptions=result.assumptions,
    )


def _no_score_reason(result: SdgIndicatorProgress) -> str:
    reasons = list(dict.fromkeys(c.reason for c in result.components if c.reason))
    if len(reasons) == 1:
        return reasons[0]
    return "no component has a score"


def sentence(result: SdgIndicatorProgress) -> str:
    """What the Open SDG measure says, in one or two sentences, assumptions included.

    The score's components are named when there are several ("the mean of ..."), so a
    reader can see where -3.78 comes from.
    """
    lead = result.words.capitalize()
    components = result.components
    if result.score is None:
        text = f"{lead}: {_no_score_reason(result)}." if components else f"{lead}."
    else:
        text = f"{lead}: score {result.score:+.2f} on the Open SDG scale from -5 to +5"
        scored = [c for c in components if c.score is not None]
        if len(components) == 1 and components[0].progress_value is not None:
            text += f" (progress value {components[0].progress_value:.3f})."
        elif len(components) > 1:
            parts = ", ".join(
                f"{c.tag.split(' / ', 1)[-1] if ' / ' in c.tag else c.tag} {c.score:+.2f}"
                for c in scored
            )
            grouped = (
                " (a group's components averaged first)"
                if any(c.group is not None for c in scored)
                else ""
            )
            left_out = len(components) - len(scored)
            text += f", the mean of {len(scored)} components' scores{grouped} ({parts})"
            text += f"; {left_out} without a score left out." if left_out else "."
        else:
            text += "."
    if result.assumptions:
        text += " Assumed: " + "; ".join(result.assumptions) + "."
    return text
