"""Which civicloop series an Open SDG progress component is computed on.

A ``progress_calculation_options`` entry names its component by ``series``/``unit`` (a
civicloop indicator each, see `terms.applies`) and by ``disaggregation``: a list of
``{field, value}`` pairs that must be exactly the cells of one group. Open SDG computes a
component on the rows of the national (headline) area, so this returns a series of the
top area: the headline when the entry names no disaggregation.
"""

from __future__ import annotations

from typing import Any

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
    columns = group.dimension.name.split(DIMENSION_JOIN)
    values = group.name.split(GROUP_JOIN)
    if len(columns) != len(values):
        return {group.dimension.name: group.name}
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
