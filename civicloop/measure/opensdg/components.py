"""Which civicloop series an Open SDG progress component is computed on.

A ``progress_calculation_options`` entry names its component by ``series``/``unit`` (a
civicloop indicator each, see `terms.applies`) and by ``disaggregation``: a list of
``{field, value}`` pairs that must be exactly the cells of one group. Open SDG computes a
component on the rows of the national (headline) area, so this returns a series of the
top area: the headline when the entry names no disaggregation.
"""

from __future__ import annotations

from typing import Any

from civicloop.core.translated import original
from civicloop.measure.models import Source
from civicloop.measure.opensdg.importer import DIMENSION_JOIN, GROUP_JOIN, SOURCE_KIND
from civicloop.measure.opensdg.terms import applies
from civicloop.results.models import Area, Group, Indicator, Series


def group_cells(group: Group, kept: dict[str, Any] | None = None) -> dict[str, str]:
    """A group's columns and cells: as an Open SDG import kept them (``kept`` is the
    source's ``settings["cells"]``), else read from its dimension's and its own name."""
    pairs = (kept or {}).get(str(group.pk))
    if pairs:
        return {column: value for column, value in pairs}
    # The names as written (English), whatever language reads: they are Open SDG's keys.
    dimension, name = original(group.dimension, "name"), original(group, "name")
    columns = dimension.split(DIMENSION_JOIN)
    values = name.split(GROUP_JOIN)
    if len(columns) != len(values):
        return {dimension: name}
    return dict(zip(columns, values, strict=True))


def series_for(indicator: Indicator, entry: dict[str, Any]) -> Series | None:
    """The series of ``indicator`` a progress entry is computed on, or None when the
    entry is not for this indicator or names a combination with no data."""
    collaborative = indicator.result.collaborative
    sources = Source.objects.filter(collaborative=collaborative, kind=SOURCE_KIND).order_by("id")
    kept: dict[str, Any] = {}
    top_code = None
    for source in sources:
        settings = source.settings or {}
        kept.update(settings.get("cells") or {})
        top_code = settings.get("area") or top_code
        for record in (settings.get("indicators") or {}).values():
            selector = (record.get("measures") or {}).get(indicator.slug)
            if selector is not None and not applies(entry, selector):
                return None
    areas = Area.objects.filter(collaborative=collaborative)
    top = (areas.filter(code=top_code).first() if top_code else None) or areas.filter(
        parent=None
    ).order_by("id").first()
    wanted = {
        str(pair.get("field")): str(pair.get("value"))
        for pair in entry.get("disaggregation") or []
        if isinstance(pair, dict)
    }
    candidates = Series.objects.filter(indicator=indicator, area=top).select_related(
        "group__dimension"
    )
    for series in candidates:
        cells = group_cells(series.group, kept) if series.group_id else {}
        if cells == wanted:
            return series
    return None


def members(collaborative) -> dict[str, list[tuple[Indicator, dict[str, str]]]]:
    """Each imported Open SDG indicator id → the civicloop indicators it became (one per
    Series × Units), with their selectors, in import order."""
    out: dict[str, list[tuple[Indicator, dict[str, str]]]] = {}
    by_slug = {
        i.slug: i
        for i in Indicator.objects.filter(result__collaborative=collaborative).select_related(
            "result__collaborative"
        )
    }
    sources = Source.objects.filter(collaborative=collaborative, kind=SOURCE_KIND).order_by("id")
    for source in sources:
        for sdg_id, record in ((source.settings or {}).get("indicators") or {}).items():
            # In import order, which is the indicators' creation order: PostgreSQL's jsonb
            # keeps a JSON object's keys in its own order, not the order they were written.
            found = sorted(
                (
                    (by_slug[slug], selector)
                    for slug, selector in (record.get("measures") or {}).items()
                    if slug in by_slug
                ),
                key=lambda pair: pair[0].pk,
            )
            if found:
                out[sdg_id] = found
    return out


def components_of(collaborative) -> dict[str, list[tuple[dict[str, Any], Series | None]]]:
    """Each imported Open SDG indicator id → each entry of its whole
    ``progress_calculation_options`` with the series it is computed on (None: no data for
    that component). Open SDG scores the indicator as the mean of its components' scores."""
    out: dict[str, list[tuple[dict[str, Any], Series | None]]] = {}
    for sdg_id, found in members(collaborative).items():
        entries: list[dict[str, Any]] = []
        for indicator, _selector in found:
            entries += [e for e in indicator.progress_options or [] if e not in entries]
        components = []
        for entry in entries:
            series = None
            for indicator, selector in found:
                if applies(entry, selector):
                    series = series_for(indicator, entry)
                    if series is not None:
                        break
            components.append((entry, series))
        out[sdg_id] = components
    return out
