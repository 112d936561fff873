"""Import a read Open SDG repository into a collaborative, through the loads' bulk writer.

The structure (collaborative, areas, results, indicators, dimensions, groups) is made with
the ORM, a few hundred objects at most; the observations, which may be millions, are
checked here row by row in plain Python and written by `civicloop.measure.write.apply`,
the same writer `civicloop load` uses (one `Load` per data file, its original archived).

Identity of an observation: indicator (from ``Series`` × ``Units``), area (``GeoCode``),
group (the exact cells of every filled disaggregation column) and period (the ``Year``
label as published). Two rows with the same identity and value are one observation (the
repeat is noted); with different values they are a problem. Nothing else is refused: a
value is a problem only when it is not a number or passes a limit the publisher declared.

All or nothing by default; ``quarantine=True`` writes the sound rows and keeps every
refused row, with its problems, as `QuarantinedRow` of its file's load.
"""

from __future__ import annotations

import operator
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from civicloop.core.translated import original
from civicloop.measure import write
from civicloop.measure.loads import archive, sha256_of
from civicloop.measure.models import Load, LoadStatus, QuarantinedRow, Source
from civicloop.measure.opensdg.inputs import read
from civicloop.measure.opensdg.report import ImportReport
from civicloop.measure.opensdg.repository import (
    GEOCODE,
    NO_VALUE,
    NOT_DISAGGREGATIONS,
    NOT_IMPORTED,
    SELECTORS,
    ImportProblem,
    Repository,
    SdgIndicator,
)
from civicloop.measure.opensdg.terms import (
    Measure,
    bounds,
    decimals,
    measures_of,
    name_of,
    number,
    text_of,
    unit_kind,
)
from civicloop.measure.signals import announce
from civicloop.measure.validate import Validated
from civicloop.results.models import (
    Area,
    AreaLevel,
    Collaborative,
    Dimension,
    Direction,
    Group,
    Indicator,
    Observation,
    Period,
    Result,
    UnitKind,
)
from civicloop.results.periods import PeriodError, PeriodSpec, guess_kind, read_as

SOURCE_KIND = "open-sdg"
DIMENSION_JOIN, GROUP_JOIN = " × ", " · "
NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


class _Undo(Exception):
    """Raised inside the import's transaction to roll it back."""


def default_slug(folder: Path | str) -> str:
    """The collaborative a repository goes into when none is named: its folder's name."""
    return slugify(Path(folder).expanduser().resolve().name)[:50] or "open-sdg"


def import_open_sdg(
    folder: Path | str,
    collaborative: str | None = None,
    *,
    name: str | None = None,
    city: str | None = None,
    user=None,
    dry_run: bool = False,
    quarantine: bool = False,
    approve: bool = False,
) -> ImportReport:
    """Import the repository into the collaborative ``collaborative`` (a slug, created if
    new; by default made from the folder's name). All or nothing unless ``quarantine``:
    any problem, or ``dry_run``, rolls everything back. What is written waits for approval
    (as every load does) unless ``approve``: the operator has reviewed the repository (a
    statistics office's published figures) and approves it as it loads."""
    folder = Path(folder).expanduser().resolve()
    slug = collaborative or default_slug(folder)
    report = ImportReport(slug, str(folder), dry_run=dry_run, quarantine=quarantine)
    clock = time.perf_counter()
    repo = read(folder)
    report.timings["read"] = time.perf_counter() - clock
    report.problems, report.notes = list(repo.problems), list(repo.notes)
    if report.problems and not quarantine:
        return report
    try:
        with transaction.atomic():
            _Importer(repo, report, user, approve=approve).run(slug, name, city)
            if dry_run or (report.problems and not quarantine):
                raise _Undo
    except _Undo:
        return report
    report.applied = True
    return report


@dataclass
class _FileRows:
    """One data file checked: its sound rows as the writer wants them, its refused rows."""

    item: SdgIndicator
    rows: Validated
    bad: dict[int, list[dict[str, str]]] = field(default_factory=dict)  # line → problems
    total: int = 0
    cells: dict[int, list[str]] = field(default_factory=dict)  # line → the refused row


class _Importer:
    """The steps of one import, sharing the lookups they build (inside one transaction)."""

    def __init__(self, repo: Repository, report: ImportReport, user, approve: bool = False):
        self.repo, self.report, self.user = repo, report, user
        self.approve = approve
        self.folder = repo.folder
        self.items = repo.sorted()
        self.imported: list[Indicator] = []
        self.cells: dict[str, list[list[str]]] = {}  # group pk → its columns and cells

    def run(self, slug: str, name: str | None, city: str | None) -> None:
        clock = time.perf_counter()
        coverage = next(
            (
                text_of(i.meta["national_geographical_coverage"], self.repo)
                for i in self.items
                if i.meta.get("national_geographical_coverage")
            ),
            None,
        )
        self.collab = self._collaborative(slug, name, city or coverage)
        self.top = self._top_area(coverage or self.collab.city)
        self.source, _ = Source.objects.get_or_create(
            collaborative=self.collab,
            name=f"Open SDG ({self.folder.name})"[:200],
            defaults={"kind": SOURCE_KIND},
        )
        self._lookups()
        stored: dict[str, Any] = {}
        files: list[_FileRows] = []
        for order, item in enumerate(self.items):
            measures = measures_of(item)
            hint = guess_kind(_years(item)) if item.rows else None
            indicators = [
                self._indicator(item, m, order * 10 + k, len(measures) > 1, hint)
                for k, m in enumerate(measures)
            ]
            self.imported += indicators
            if item.rows and "Year" in item.columns and "Value" in item.columns:
                files.append(self._check(item, measures, indicators, hint))
            item.release()
            self._note_coverage(item)
            stored[item.id] = {
                "meta": item.meta,
                "body": item.body,
                "columns": item.columns,
                "measures": {m.slug: m.selector for m in measures},
                "meta_files": item.meta_files,
                "name": name_of(item, self.repo),
                "unit": indicators[0].unit if len(indicators) == 1 else "",
            }
        self.report.timings["check"] = time.perf_counter() - clock
        clock = time.perf_counter()
        if self.report.problems and not self.report.quarantine:
            return
        changed = None
        for checked in files:
            changed = self._write(checked) or changed
        if changed is not None:
            announce(self.collab, changed)
        kept = dict(self.source.settings.get("cells") or {}) if self.source.settings else {}
        self.source.settings = {
            "path": str(self.folder),
            "area": self.top.code,
            "indicators": stored,
            "cells": {**kept, **self.cells},
        }
        self.source.last_refreshed_at = timezone.now()
        self.source.save(update_fields=["settings", "last_refreshed_at"])
        self._baselines()
        self.report.timings["write"] = time.perf_counter() - clock

    # -- structure --

    def _collaborative(self, slug: str, name: str | None, city: str | None) -> Collaborative:
        collab = Collaborative.objects.filter(slug=slug).first()
        if collab is None:
            title = (name or self.folder.name.replace("-", " ").replace("_", " ").title())[:200]
            collab = Collaborative.objects.create(slug=slug, name=title, city=(city or title)[:200])
            self.report.count("collaborative")
        return collab

    def _top_area(self, coverage: str) -> Area:
        root = Area.objects.filter(collaborative=self.collab, parent=None).order_by("id").first()
        if root is None:
            root = Area.objects.create(
                collaborative=self.collab,
                name=coverage[:200],
                code=slugify(coverage)[:64] or "all",
                level=AreaLevel.CITY,
            )
            self.report.count("areas")
        return root

    def _lookups(self) -> None:
        """What exists already, read once: areas by code, dimensions by name, groups by
        their exact cells (kept by earlier imports) or name."""
        self.areas = {a.code: a.pk for a in Area.objects.filter(collaborative=self.collab)}
        self.results = {r.slug: r for r in Result.objects.filter(collaborative=self.collab)}
        self.indicators = {
            i.slug: i for i in Indicator.objects.filter(result__collaborative=self.collab)
        }
        # Keyed by the names as written (English): they are the source's columns.
        self.dimensions = {
            original(d, "name"): d for d in Dimension.objects.filter(collaborative=self.collab)
        }
        self.dimension_slugs = {d.slug for d in self.dimensions.values()}
        self.groups: dict[tuple[str, tuple[str, ...]], int] = {}
        self.group_slugs: dict[int, set[str]] = {}
        for group in Group.objects.filter(dimension__collaborative=self.collab).select_related(
            "dimension"
        ):
            self.group_slugs.setdefault(group.dimension_id, set()).add(group.slug)
            values = tuple(original(group, "name").split(GROUP_JOIN))
            self.groups.setdefault((original(group.dimension, "name"), values), group.pk)
        kept = {}
        for source in Source.objects.filter(collaborative=self.collab, kind=SOURCE_KIND):
            kept.update((source.settings or {}).get("cells") or {})
        for pk, cells in kept.items():
            columns = tuple(c for c, _v in cells)
            self.groups[(DIMENSION_JOIN.join(columns), tuple(v for _c, v in cells))] = int(pk)
        existing = set(
            Group.objects.filter(pk__in=[int(p) for p in kept]).values_list("pk", flat=True)
        )
        self.cells = {pk: cells for pk, cells in kept.items() if int(pk) in existing}
        self.groups = {k: v for k, v in self.groups.items() if v in existing or str(v) not in kept}

    def _areas(self, codes: set[str]) -> None:
        """Areas for the GeoCodes not known yet, named and shaped by their boundaries."""
        boundaries = self.repo.boundaries
        new = [c for c in sorted(codes) if c not in self.areas and len(c) <= 64]
        Area.objects.bulk_create(
            [
                Area(
                    collaborative=self.collab,
                    parent=self.top,
                    name=(boundaries[c].name if c in boundaries else c)[:200],
                    code=c,
                    level=AreaLevel.CUSTOM,
                    custom_level="GeoCode",
                    geometry=boundaries[c].geometry if c in boundaries else None,
                )
                for c in new
            ]
        )
        self.report.count("areas", len(new))
        if new:
            self.areas.update(
                Area.objects.filter(collaborative=self.collab, code__in=new).values_list(
                    "code", "pk"
                )
            )
        bare = Area.objects.filter(
            collaborative=self.collab, code__in=[c for c in codes if c in boundaries], geometry=None
        )
        for area in bare:
            area.geometry = boundaries[area.code].geometry
            area.save(update_fields=["geometry"])

    def _result(self, item: SdgIndicator) -> Result:
        number_ = str(item.meta.get("indicator_number") or item.id.replace("-", "."))
        target = str(item.meta.get("target_id") or ".".join(number_.split(".")[:2]))
        slug = f"target-{slugify(target.replace('.', '-'))}"[:50]
        result = self.results.get(slug)
        if result is None:
            statement = item.meta.get("target") or item.meta.get("target_name")
            statement = text_of(statement, self.repo) if statement else ""
            result = Result.objects.create(
                collaborative=self.collab,
                slug=slug,
                title=f"Target {target}"[:200],
                statement=statement or f"SDG target {target}",
                order=len(self.results),
            )
            self.results[slug] = result
            self.report.count("results")
        return result

    def _indicator(
        self, item: SdgIndicator, measure: Measure, order: int, split: bool, hint: str | None
    ) -> Indicator:
        meta = item.meta
        name = name_of(item, self.repo)
        if split:
            name = f"{name} ({', '.join(v for v in measure.selector.values() if v.strip())})"
        units = meta.get("computation_units") or meta.get("unit") or ""
        unit = str(measure.selector.get("Units") or text_of(units, self.repo))
        kind, per = unit_kind(unit)
        if len(unit) > 60:
            self.report.notes.append(f"{measure.slug}: unit shortened to 60 characters")
        if unit and kind == UnitKind.INDEX:
            self.report.notes.append(
                f"{item.id}: unit {unit!r} not recognised; {measure.slug} is an index"
            )
        frequency = hint or "year"
        low, high = bounds(meta, measure)
        fields: dict[str, Any] = {
            "name": name[:200],
            "definition": item.body,
            "unit": unit[:60],
            "unit_kind": kind,
            "rate_per": per,
            "frequency": frequency,
            "decimals": decimals([item.column(r, "Value") for r in item.rows[:5000]]),
            "source": f"Open SDG: {self.folder.name}"[:300],
            "order": order,
            "lower_bound": low,
            "upper_bound": high,
            "progress_options": measure.entries,
            **self._progress_fields(measure, frequency),
        }
        indicator = self.indicators.get(measure.slug)
        if indicator is None:
            indicator = Indicator.objects.create(
                result=self._result(item), slug=measure.slug, **fields
            )
            self.report.count("indicators")
        else:
            for key, value in fields.items():
                setattr(indicator, key, value)
            indicator.save()
            self.report.indicators_updated += 1
        return indicator

    def _progress_fields(self, measure: Measure, frequency: str) -> dict:
        entry = measure.headline_entry or {}
        direction = (entry or (measure.entries[0] if measure.entries else {})).get("direction")
        if not measure.entries:
            self.report.notes.append(
                f"{measure.slug}: no progress_calculation_options, so no direction; "
                "assumed higher is better (check it)"
            )
            direction = "positive"
        elif direction not in ("positive", "negative"):
            # sdg-build reads anything but "positive" as lower-is-better; so do we, aloud.
            self.report.notes.append(
                f"{measure.slug}: progress direction {direction!r} read as negative "
                "(lower is better), as Open SDG does"
            )
        # Open SDG assumes 2030 for a target with no year; civicloop's own progress measure
        # does not assume: the target period stays empty ("not available"), and the Open
        # SDG method says where it assumes 2030.
        target_year = entry.get("target_year")
        if "target" in entry and target_year is None:
            self.report.notes.append(
                f"{measure.slug}: a target with no target_year; Open SDG's progress assumes "
                "2030, civicloop's own progress measure reports it as not available"
            )
        return {
            "direction": Direction.HIGHER if direction == "positive" else Direction.LOWER,
            "target_value": number(entry.get("target")),
            "target_period": _period(target_year, frequency),
            "baseline_period": _period(entry.get("base_year"), frequency),
            "baseline_value": None,  # set from the data once it is loaded (_baselines)
            "limit": number(entry.get("limit")),
        }

    def _group(self, columns: tuple[str, ...], values: tuple[str, ...]) -> int:
        """The group of these exact cells, made (with its dimension) when new."""
        dim_name = DIMENSION_JOIN.join(columns)
        key = (dim_name, values)
        if key in self.groups:
            return self.groups[key]
        dimension = self.dimensions.get(dim_name[:100])
        if dimension is None:
            slug = _unique_slug(
                "-x-".join(slugify(c) or "column" for c in columns)[:50], self.dimension_slugs
            )
            dimension = Dimension.objects.create(
                collaborative=self.collab, name=dim_name[:100], slug=slug
            )
            self.dimensions[dimension.name] = dimension
            self.report.count("dimensions")
        taken = self.group_slugs.setdefault(dimension.pk, set())
        name = GROUP_JOIN.join(values)
        group = Group.objects.create(
            dimension=dimension,
            name=name[:100],
            slug=_unique_slug(slugify(name)[:45] or "group", taken),
            order=len(taken) - 1,
        )
        self.report.count("groups")
        self.groups[key] = group.pk
        self.cells[str(group.pk)] = [[c, v] for c, v in zip(columns, values, strict=True)]
        return group.pk

    # -- observations --

    def _check(
        self, item: SdgIndicator, measures: list[Measure], indicators: list[Indicator], hint
    ) -> _FileRows:
        """Every row of the data file checked; the sound ones as arrays for the writer."""
        columns = item.columns
        width = len(columns)
        year_at, value_at = columns.index("Year"), columns.index("Value")
        selectors = [columns.index(c) for c in SELECTORS if c in columns]
        geo_at = columns.index(GEOCODE) if GEOCODE in columns else None
        dis_at = [i for i, c in enumerate(columns) if c and c not in NOT_DISAGGREGATIONS]
        dis_names = [columns[i] for i in dis_at]
        pick_selector = _picker(selectors)
        pick_groups = _picker(dis_at)
        by_selector = {
            tuple(m.selector.values()): ind for m, ind in zip(measures, indicators, strict=True)
        }
        limits = {ind.pk: (ind.lower_bound, ind.upper_bound) for ind in indicators}
        codes = {
            row[geo_at].strip() for row in item.rows if geo_at is not None and geo_at < len(row)
        }
        self._areas({c for c in codes if c})

        group_of: dict[Any, int] = {}
        spec_of: dict[str, int | str] = {}
        specs: list[PeriodSpec] = []
        seen: dict[tuple[int, int, int, int], tuple[int, float]] = {}
        out_line, out_ind, out_area, out_group, out_period, out_value = [], [], [], [], [], []
        bad: dict[int, list[dict[str, str]]] = {}
        empty = repeats = total = 0
        name = item.data_file

        def refuse(line: int, column: str, message: str) -> None:
            bad.setdefault(line, []).append({"column": column, "message": message})
            self.report.problems.append(ImportProblem(name, line, column, message))

        for offset, row in enumerate(item.rows):
            line = offset + 2
            if len(row) != width:
                if not any(c.strip() for c in row):
                    continue
                if len(row) > width and any(c.strip() for c in row[width:]):
                    refuse(line, "(row)", f"{len(row)} cells, but the header has {width} columns")
                    total += 1
                    continue
                row = (row + [""] * width)[:width]
            text = row[value_at].strip()
            if text in NO_VALUE:
                empty += any(c.strip() for c in row)
                continue
            total += 1
            if not NUMBER.match(text):
                refuse(line, "Value", f"{text!r} is not a number")
                continue
            value = float(text)
            indicator = by_selector[pick_selector(row)]
            key = pick_groups(row)
            group = group_of.get(key)
            if group is None:
                cells = [
                    (c, row[i]) for c, i in zip(dis_names, dis_at, strict=True) if row[i].strip()
                ]
                group = (
                    self._group(tuple(c for c, _ in cells), tuple(v for _, v in cells))
                    if cells
                    else -1
                )
                group_of[key] = group
            code = row[geo_at].strip() if geo_at is not None else ""
            area = self.areas.get(code) if code else self.top.pk
            if area is None:
                refuse(line, GEOCODE, f"GeoCode {code!r} is longer than 64 characters")
                continue
            label = row[year_at].strip()
            at = spec_of.get(label)
            if at is None:
                try:
                    spec = read_as(label, hint)
                    if len(spec.label) > 64:
                        raise PeriodError(f"{label[:70]!r}... is longer than 64 characters")
                    at = len(specs)
                    specs.append(spec)
                except PeriodError as exc:
                    at = str(exc)
                spec_of[label] = at
            if isinstance(at, str):
                refuse(line, "Year", at)
                continue
            low, high = limits[indicator.pk]
            if (low is not None and value < low) or (high is not None and value > high):
                refuse(line, "Value", _outside(text, low, high))
                continue
            identity = (indicator.pk, area, group, at)
            first = seen.get(identity)
            if first is not None:
                if first[1] == value:
                    repeats += 1
                    continue
                refuse(
                    line,
                    "Value",
                    f"row {first[0]} has the same Year, Series, Units, GeoCode and "
                    f"disaggregation with another value ({format_plain(first[1])})",
                )
                continue
            seen[identity] = (line, value)
            out_line.append(line)
            out_ind.append(indicator.pk)
            out_area.append(area)
            out_group.append(group)
            out_period.append(at)
            out_value.append(value)
        self._notes(item, empty, repeats)
        n = len(out_line)
        nan = np.full(n, np.nan)
        rows = Validated(
            line=np.array(out_line, dtype=np.int64),
            indicator=np.array(out_ind, dtype=np.int64),
            area=np.array(out_area, dtype=np.int64),
            group=np.array(out_group, dtype=np.int64),
            period=np.array(out_period, dtype=np.int64),
            periods=specs,
            value=np.array(out_value, dtype=np.float64),
            margin_of_error=nan,
            confidence_level=nan,
            numerator=nan,
            denominator=nan,
            status=np.zeros(n, dtype=np.int64),
        )
        self._frequency(indicators, rows)
        cells = {line: item.rows[line - 2] for line in bad}
        return _FileRows(item, rows, bad, total, cells)

    def _frequency(self, indicators: list[Indicator], rows: Validated) -> None:
        """An indicator's frequency is the kind most of its periods are."""
        for indicator in indicators:
            kinds = Counter(
                rows.periods[i].kind for i in rows.period[rows.indicator == indicator.pk].tolist()
            )
            if kinds and kinds.most_common(1)[0][0] != indicator.frequency:
                indicator.frequency = kinds.most_common(1)[0][0]
                indicator.save(update_fields=["frequency"])

    def _notes(self, item: SdgIndicator, empty: int, repeats: int) -> None:
        if empty:
            self.report.notes.append(f"{item.data_file}: {empty} row(s) with no Value skipped")
        if repeats:
            self.report.notes.append(
                f"{item.data_file}: {repeats} row(s) repeat an earlier row exactly (same "
                "identity, same value); each is kept once"
            )
        dropped = [c for c in item.columns if c in NOT_IMPORTED]
        if dropped:
            self.report.notes.append(
                f"{item.data_file}: column(s) {', '.join(dropped)} kept in the archived file "
                "but not imported (civicloop has no field for them)"
            )
        blank = [i + 1 for i, c in enumerate(item.columns) if not c]
        if blank and any(i - 1 < len(r) and r[i - 1].strip() for r in item.rows for i in blank):
            self.report.notes.append(
                f"{item.data_file}: column(s) {blank} have no name; their cells are not imported"
            )

    def _write(self, checked: _FileRows) -> Load | None:
        """One load per data file, through the loads' bulk writer; returns it when it
        created or changed observations."""
        item, rows = checked.item, checked.rows
        path = item.data_path
        digest = sha256_of(path)
        stored = archive(path, digest)
        problems = [
            {"row": line, **p} for line, found in sorted(checked.bad.items()) for p in found
        ]
        common = dict(
            collaborative=self.collab,
            source=self.source,
            original_name=item.data_file,
            sha256=digest,
            archive_path=str(stored.relative_to(_workspace())),
            size=stored.stat().st_size,
            created_by=self.user,
            rows_total=checked.total,
            problems=problems,
        )
        already = Load.objects.filter(
            collaborative=self.collab,
            source=self.source,
            sha256=digest,
            original_name=item.data_file,
            status__in=[LoadStatus.APPLIED, LoadStatus.PARTIAL],
        ).exists()
        if already:
            Load.objects.create(status=LoadStatus.NO_CHANGE, rows_unchanged=len(rows), **common)
            self.report.rows_unchanged += len(rows)
            return None
        status = LoadStatus.PARTIAL if checked.bad else LoadStatus.APPLIED

        def make_load(created: int, changed: int, unchanged: int) -> Load:
            return Load.objects.create(
                status=status,
                rows_created=created,
                rows_changed=changed,
                rows_unchanged=unchanged,
                **common,
            )

        load, created, changed, unchanged = write.apply(
            rows, make_load, self.user, approved=self.approve
        )
        if checked.bad:
            QuarantinedRow.objects.bulk_create(
                [
                    QuarantinedRow(
                        load=load,
                        row=line,
                        values=dict(zip(item.columns, checked.cells[line], strict=False)),
                        problems=found,
                    )
                    for line, found in sorted(checked.bad.items())
                ],
                batch_size=2000,
            )
            self.report.rows_quarantined += len(checked.bad)
        self.report.rows_created += created
        self.report.rows_changed += changed
        self.report.rows_unchanged += unchanged
        return load if created or changed else None

    def _note_coverage(self, item: SdgIndicator) -> None:
        status = item.meta.get("reporting_status")
        non_statistical = item.meta.get("data_non_statistical") is True
        if not item.data_file and status == "complete" and not non_statistical:
            self.report.notes.append(
                f"{item.id}: reporting_status is complete but there is no data file"
            )
        if not item.meta_files:
            self.report.notes.append(f"{item.id}: no meta file; name and unit are defaults")
        if item.data_file and non_statistical:
            self.report.notes.append(f"{item.id}: data_non_statistical, yet it has a data file")

    def _baselines(self) -> None:
        """The baseline value is the headline's value in the base year, when there is one."""
        for indicator in self.imported:
            if indicator.baseline_period is None:
                continue
            obs = Observation.objects.filter(
                series__indicator=indicator,
                series__area=self.top,
                series__group=None,
                period=indicator.baseline_period,
            ).first()
            indicator.baseline_value = obs.value if obs else None
            indicator.save(update_fields=["baseline_value"])


def _years(item: SdgIndicator) -> set[str]:
    """The distinct Year labels of a data file."""
    if "Year" not in item.columns:
        return set()
    at = item.columns.index("Year")
    return {row[at].strip() for row in item.rows if at < len(row)}


def _picker(at: list[int]):
    """A fast function from a row to the tuple of its cells at ``at``."""
    if not at:
        return lambda row: ()
    if len(at) == 1:
        i = at[0]
        return lambda row: (row[i],)
    return operator.itemgetter(*at)


def _unique_slug(slug: str, taken: set[str]) -> str:
    out, n = slug, 1
    while out in taken:
        n += 1
        out = f"{slug[: 50 - len(str(n)) - 1]}-{n}"
    taken.add(out)
    return out


def _outside(text: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return (
            f"{text} is outside the indicator's limits {format_plain(low)} to {format_plain(high)}"
        )
    if low is not None:
        return f"{text} is below the indicator's lower limit {format_plain(low)}"
    return f"{text} is above the indicator's upper limit {format_plain(high)}"


def format_plain(value: float | None) -> str:
    return "" if value is None else (f"{value:g}")


def _period(year: Any, frequency: str) -> Period | None:
    if year in (None, ""):
        return None
    try:
        return Period.get(str(int(year)) if isinstance(year, int | float) else str(year), frequency)
    except (PeriodError, ValueError):
        return None


def _workspace() -> Path:
    from django.conf import settings

    return settings.WORKSPACE.path
