"""Export a collaborative as an Open SDG data repository: ``data/indicator_*.csv`` and
``meta/*.md`` (sdg-build's default layout, whatever layout the import read).

What an import kept on its `Source` comes back: each data file's columns in their order,
each group's exact cells (so any number of disaggregation columns, ``Series``, ``Units``
and ``GeoCode`` return as they were), each period's label as published, and the merged
front matter with civicloop's fields written over their keys. Values are written exactly
and short (``12``, ``0.1``); a value published as ``1.0`` comes back as ``1``, the same
number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from civicloop.core import spreadsheet
from civicloop.core.translated import original
from civicloop.measure.models import Source
from civicloop.measure.opensdg.importer import DIMENSION_JOIN, GROUP_JOIN, SOURCE_KIND
from civicloop.measure.opensdg.report import ExportReport, format_number
from civicloop.measure.opensdg.repository import NOT_IMPORTED, SDG_ID, natural
from civicloop.measure.opensdg.terms import applies
from civicloop.results.models import (
    Area,
    Collaborative,
    Direction,
    Group,
    Indicator,
    Observation,
    Period,
    Result,
)

PROGRESS_KEYS = ("direction", "target", "target_year", "base_year", "limit")


def export_open_sdg(
    collaborative: Collaborative, folder: Path | str, *, declared_only: bool = False
) -> ExportReport:
    """Write ``data/`` and ``meta/`` for every indicator of the collaborative (only the
    declared ones with ``declared_only``)."""
    folder = Path(folder).expanduser().resolve()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "meta").mkdir(parents=True, exist_ok=True)
    report = ExportReport(str(folder))
    stored, top_code, cells = _stored(collaborative)
    top = _export_top_area(collaborative, top_code)
    for sdg_id, members in _by_open_sdg_id(collaborative, stored, declared_only).items():
        record = stored.get(sdg_id)
        columns, rows = _data_table(members, record, top, cells, report)
        dropped = [c for c in (record or {}).get("columns", []) if c in NOT_IMPORTED]
        if dropped:
            report.notes.append(f"{sdg_id}: column(s) {', '.join(dropped)} not exported")
        if rows or (record and record.get("columns")):
            _write_csv(folder / "data" / f"indicator_{sdg_id}.csv", columns, rows)
            report.data_files += 1
            report.rows += len(rows)
        meta, body = _front_matter(sdg_id, members, record, top, bool(rows))
        _write_meta(folder / "meta" / f"{sdg_id}.md", meta, body)
        report.indicators += 1
    return report


def _stored(
    collaborative: Collaborative,
) -> tuple[dict[str, Any], str | None, dict[int, dict[str, str]]]:
    """What earlier imports kept: Open SDG id → meta, body, columns, measures; the top
    area's code; each group's exact cells (group pk → column → cell)."""
    stored: dict[str, Any] = {}
    area = None
    cells: dict[int, dict[str, str]] = {}
    for source in Source.objects.filter(collaborative=collaborative, kind=SOURCE_KIND).order_by(
        "id"
    ):
        stored.update(source.settings.get("indicators") or {})
        area = source.settings.get("area") or area
        for pk, pairs in (source.settings.get("cells") or {}).items():
            cells[int(pk)] = {column: value for column, value in pairs}
    return stored, area, cells


def _export_top_area(collaborative: Collaborative, code: str | None) -> Area | None:
    areas = Area.objects.filter(collaborative=collaborative)
    return (areas.filter(code=code).first() if code else None) or areas.filter(
        parent=None
    ).order_by("id").first()


def _by_open_sdg_id(
    collaborative: Collaborative, stored: dict[str, Any], declared_only: bool
) -> dict[str, list[tuple[Indicator, dict[str, str]]]]:
    known = {
        slug: (sdg_id, selector)
        for sdg_id, record in stored.items()
        for slug, selector in (record.get("measures") or {}).items()
    }
    # The collaborative's population indicators: partners' performance measures are not
    # the place's indicators and stay out of its Open SDG site.
    indicators = (
        Indicator.objects.filter(result__collaborative=collaborative)
        .population()
        .select_related("result", "target_period", "baseline_period")
    )
    if declared_only:
        indicators = indicators.filter(is_public=True)
    indicators = list(indicators.order_by("result__order", "result_id", "order", "id"))
    assigned: dict[int, tuple[str, dict[str, str]]] = {}
    for indicator in indicators:
        if indicator.slug in known:
            assigned[indicator.pk] = known[indicator.slug]
        elif SDG_ID.match(indicator.slug):
            assigned[indicator.pk] = (indicator.slug, {})
    # Indicators born in civicloop get numbers: goal = the result's place, target 1.
    results = list(Result.objects.filter(collaborative=collaborative).values_list("pk", flat=True))
    used = {sdg_id for sdg_id, _s in assigned.values()}
    for indicator in indicators:
        if indicator.pk not in assigned:
            goal, k = results.index(indicator.result_id) + 1, 1
            while f"{goal}-1-{k}" in used:
                k += 1
            used.add(f"{goal}-1-{k}")
            assigned[indicator.pk] = (f"{goal}-1-{k}", {})
    out: dict[str, list[tuple[Indicator, dict[str, str]]]] = {}
    for indicator in indicators:
        sdg_id, selector = assigned[indicator.pk]
        out.setdefault(sdg_id, []).append((indicator, selector))
    return dict(sorted(out.items(), key=lambda pair: natural(pair[0])))


def _data_table(
    members: list[tuple[Indicator, dict[str, str]]],
    record: dict[str, Any] | None,
    top: Area | None,
    cells: dict[int, dict[str, str]],
    report: ExportReport,
) -> tuple[list[str], list[dict[str, str]]]:
    rows: list[tuple[tuple, dict[str, str]]] = []
    with_moe = 0
    top_pk = getattr(top, "pk", None)
    group_cells: dict[int, dict[str, str]] = {}
    for rank, (indicator, selector) in enumerate(members):
        observations = Observation.objects.filter(series__indicator=indicator).values_list(
            "series__area_id",
            "series__area__code",
            "series__group_id",
            "period__label",
            "period__start",
            "value",
            "margin_of_error",
        )
        fixed = {k: v for k, v in selector.items() if v}
        for area_id, code, group_id, label, start, value, moe in observations.iterator(2000):
            row = {"Year": label, **fixed}
            if area_id != top_pk:
                row["GeoCode"] = code
            if group_id:
                if group_id not in group_cells:
                    group_cells[group_id] = cells.get(group_id) or _split_group(
                        Group.objects.select_related("dimension").get(pk=group_id)
                    )
                row.update(group_cells[group_id])
            row["Value"] = format_number(value)
            with_moe += moe is not None
            key = (rank, area_id != top_pk, code, group_id or 0, start, label)
            rows.append((key, row))
    rows.sort(key=lambda pair: pair[0])
    if with_moe:
        report.notes.append(
            f"{members[0][0].slug}: {with_moe} margin(s) of error not exported "
            "(Open SDG data files have no column for them)"
        )
    return _columns(record, [r for _k, r in rows]), [r for _k, r in rows]


def _split_group(group: Group) -> dict[str, str]:
    """A compound group ("15-24 · Female" in "Age × Sex") back into its columns."""
    # The names as written (English), whatever language reads: they are Open SDG's keys.
    dimension, name = original(group.dimension, "name"), original(group, "name")
    columns = dimension.split(DIMENSION_JOIN)
    values = name.split(GROUP_JOIN)
    if len(columns) != len(values):
        return {dimension: name}
    return dict(zip(columns, values, strict=True))


def _columns(record: dict[str, Any] | None, rows: list[dict[str, str]]) -> list[str]:
    """The imported file's columns in their order (less those civicloop did not keep), then
    any new ones before Value."""
    kept = [c for c in (record or {}).get("columns", []) if c not in NOT_IMPORTED]
    columns = kept or ["Year", "Value"]
    if "Value" not in columns:
        columns.append("Value")
    seen = dict.fromkeys(k for row in rows for k in row)
    extra = [c for c in seen if c not in columns]
    at = columns.index("Value")
    return columns[:at] + extra + columns[at:]


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = spreadsheet.dict_writer(fh, columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_meta(path: Path, meta: dict[str, Any], body: str) -> None:
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
    path.write_text(f"---\n{front}---\n{body.strip()}\n" if body.strip() else f"---\n{front}---\n")


def _front_matter(
    sdg_id: str,
    members: list[tuple[Indicator, dict[str, str]]],
    record: dict[str, Any] | None,
    top: Area | None,
    has_data: bool,
) -> tuple[dict[str, Any], str]:
    """The imported front matter with civicloop's fields written over their keys, or, for an
    indicator born in civicloop, a complete one."""
    first = members[0][0]
    single = len(members) == 1
    if record and record.get("meta") is not None:
        meta = dict(record["meta"])
        body = first.definition if single else record.get("body", "")
        if single:
            derived = record.get("name") or meta.get("indicator_name") or meta.get("graph_title")
            unit = record.get("unit", meta.get("computation_units") or meta.get("unit") or "")
            units_column = bool(members[0][1].get("Units"))
            _write_name_and_unit(meta, str(derived or sdg_id), str(unit), first, units_column)
    else:
        meta = {
            "indicator_number": sdg_id.replace("-", "."),
            "indicator_name": first.name,
            "graph_title": first.name,
            "computation_units": first.unit,
            "reporting_status": "complete" if has_data else "notstarted",
            "data_non_statistical": False,
            "national_geographical_coverage": top.name if top else "",
            "target_id": ".".join(sdg_id.split("-")[:2]),
            "target": first.result.statement,
        }
        if first.slug != sdg_id:
            meta["civicloop_slug"] = first.slug
        body = first.definition
    entries = _progress_entries(members, record)
    if entries or "progress_calculation_options" in meta:
        meta["progress_calculation_options"] = entries
    return meta, body


def _write_name_and_unit(
    meta: dict[str, Any], derived: str, unit: str, indicator: Indicator, units_column: bool
) -> None:
    """Write a key only when civicloop's value differs from what the import derived (a
    translation key stays a key while the name it stood for is unchanged), so an unchanged
    indicator exports the keys it came with."""
    if indicator.name != derived:
        meta["indicator_name"] = indicator.name
    if units_column:  # the unit lives in the data file's Units column
        return
    key = "unit" if "unit" in meta and "computation_units" not in meta else "computation_units"
    if indicator.unit != unit[:60]:
        meta[key] = indicator.unit


def _progress_entries(
    members: list[tuple[Indicator, dict[str, str]]], record: dict[str, Any] | None
) -> list[dict[str, Any]]:
    originals = (record or {}).get("meta", {}).get("progress_calculation_options") or []
    entries: list[dict[str, Any]] = []
    for indicator, selector in members:
        kept = getattr(indicator, "progress_options", None)
        own = [dict(e) for e in (kept if kept else originals) if isinstance(e, dict)]
        own = [e for e in own if applies(e, selector)]
        headline = next((e for e in own if not e.get("disaggregation")), None)
        if headline is None and (record is None or indicator.target_value is not None):
            headline = {}
            if selector.get("Units"):
                headline["unit"] = selector["Units"]
            if selector.get("Series"):
                headline["series"] = selector["Series"]
            own.insert(0, headline)
        if headline is not None:
            _write_progress(headline, indicator, explicit=record is None)
        entries += [e for e in own if e not in entries]
    return entries


def _write_progress(entry: dict[str, Any], indicator: Indicator, *, explicit: bool) -> None:
    """civicloop's fields over the entry's keys. For an imported entry, a key it lacks is
    added only when the field says something Open SDG's default for that key would not;
    ``explicit`` (an indicator born in civicloop) writes every key that has a value."""
    values = {
        "direction": "positive" if indicator.direction == Direction.HIGHER else "negative",
        "target": _plain(indicator.target_value),
        "target_year": _year(indicator.target_period),
        "base_year": _year(indicator.baseline_period),
        "limit": _plain(indicator.limit),
    }
    for key in PROGRESS_KEYS:
        value = values[key]
        default = {"direction": "negative", "target_year": 2030 if "target" in entry else None}
        if key in entry or (value is not None and (explicit or value != default.get(key))):
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value


def _year(period: Period | None) -> int | None:
    return period.start.year if period is not None else None


def _plain(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
