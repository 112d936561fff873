"""Open SDG interchange: import an Open SDG data repository as a collaborative, export one.

An Open SDG repository has ``data/indicator_1-1-1.csv`` (``Year``, ``Value``, one column per
disaggregation; a row whose disaggregation cells are all empty is the headline) and
``meta/1-1-1.md`` (YAML front matter: ``indicator_name``, ``computation_units``,
``progress_calculation_options``...). How it maps onto civicloop:

====================================  ====================================================
Open SDG                              civicloop
====================================  ====================================================
indicator ``1-1-1``                   `Indicator` slug ``1-1-1`` (``civicloop_slug`` wins)
its target ``1.1``                    `Result` ``target-1-1``
``indicator_name`` / ``graph_title``  name
``computation_units`` / ``unit``      unit (and its kind: %, per N, number, $, else index)
Markdown body of the meta file        definition
``progress_calculation_options``      direction, target, target period, baseline, limit
                                      (from the headline entry; the whole list is kept in
                                      ``Indicator.progress_options``)
``national_geographical_coverage``    the name of the top area (headline rows)
``GeoCode`` column                    an area with that code, under the top area
one filled disaggregation column      dimension = column, group = cell
several filled (e.g. Sex and Age)     one compound dimension "Age × Sex", group
                                      "15-24 · Female": a cross-classification kept
                                      whole and labelled as such, never split or dropped
``Units`` / ``Series`` columns        one value: kept as is; several: one civicloop
                                      indicator per value (``1-1-1--percentage``), because
                                      a series mixing units is not one measure
other columns (``COMMENT_OBS``...)    kept in the archived load file, not imported
====================================  ====================================================

Import runs in one transaction: the collaborative, areas, results, dimensions, groups and
indicators it needs are created, and every data file goes through ``load_file`` (archived,
validated). If any row of any file has a problem, or on a dry run, everything is rolled back
and the report lists every problem with its file, row and column. Front matter civicloop
has no field for is kept on the import's `Source` (``settings["indicators"]``), so an
export gives back what was imported.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from civicloop.core import spreadsheet
from civicloop.measure.loads import LoadError, LoadReport, load_file
from civicloop.measure.models import Source
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
from civicloop.results.periods import PeriodError, parse_period

SOURCE_KIND = "open-sdg"
SELECTORS = ("Series", "Units")  # sdg-build's series_column and unit_column
NOT_DISAGGREGATIONS = {
    # sdg-build's default non-disaggregation columns and observation attributes
    "Year",
    "Value",
    "Units",
    "Series",
    "GeoCode",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "UNIT_MEASURE",
    "SERIES",
    "COMMENT_TS",
    "DATA_LAST_UPDATE",
    "COMMENT_OBS",
    "SOURCE_DETAIL",
}
NOT_IMPORTED = NOT_DISAGGREGATIONS - {"Year", "Value", "Units", "Series", "GeoCode"}
DIMENSION_JOIN, GROUP_JOIN = " × ", " · "
SDG_ID = re.compile(r"^\d+-[0-9a-z]+-[0-9a-z]+$")
PROGRESS_KEYS = ("direction", "target", "target_year", "base_year", "limit")
LONG_HEADER = ["indicator", "area", "dimension", "group", "period", "value"]


class OpenSdgError(Exception):
    """The folder is not an Open SDG repository; one line for the CLI."""


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" row {self.row}" if self.row else "")
        return f"{where}{', ' + self.column if self.column else ''}: {self.message}"


@dataclass
class SdgIndicator:
    """One Open SDG indicator as read from its data and meta files."""

    id: str
    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    data_file: str = ""
    meta_file: str = ""

    @property
    def disaggregations(self) -> list[str]:
        return [c for c in self.columns if c not in NOT_DISAGGREGATIONS]

    def column(self, row: list[str], name: str) -> str:
        i = self.columns.index(name) if name in self.columns else -1
        return row[i].strip() if 0 <= i < len(row) else ""


@dataclass
class Measure:
    """One civicloop indicator made from an Open SDG indicator (one per Series/Units)."""

    slug: str
    selector: dict[str, str]
    entries: list[dict[str, Any]]  # its progress_calculation_options

    @property
    def headline_entry(self) -> dict[str, Any] | None:
        return next((e for e in self.entries if not e.get("disaggregation")), None)


@dataclass
class ImportReport:
    collaborative: str
    folder: str
    dry_run: bool = False
    applied: bool = False
    created: dict[str, int] = field(default_factory=dict)
    indicators_updated: int = 0
    rows_created: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def add_load(self, report: LoadReport) -> None:
        self.rows_created += report.rows_created
        self.rows_changed += report.rows_changed
        self.rows_unchanged += report.rows_unchanged


@dataclass
class ExportReport:
    folder: str
    indicators: int = 0
    data_files: int = 0
    rows: int = 0
    notes: list[str] = field(default_factory=list)


class _Undo(Exception):
    """Raised inside the import's transaction to roll it back."""


# --- reading a repository ------------------------------------------------------------------


def read_repository(folder: Path) -> tuple[list[SdgIndicator], list[ImportProblem]]:
    """Every indicator in ``data/`` and ``meta/``, with the problems met reading them."""
    folder = Path(folder)
    data_dir, meta_dir = folder / "data", folder / "meta"
    if not (data_dir.is_dir() or meta_dir.is_dir()):
        raise OpenSdgError(f"{folder} has neither a data/ nor a meta/ folder")
    found: dict[str, SdgIndicator] = {}
    problems: list[ImportProblem] = []
    for path in sorted(data_dir.glob("*-*.csv")) if data_dir.is_dir() else []:
        item = found.setdefault(_id_of(path), SdgIndicator(_id_of(path)))
        item.data_file = f"data/{path.name}"
        item.columns, item.rows, found_problems = _read_data(path, item.data_file)
        problems += found_problems
    for path in sorted(meta_dir.glob("*-*.md")) if meta_dir.is_dir() else []:
        item = found.setdefault(_id_of(path), SdgIndicator(_id_of(path)))
        item.meta_file = f"meta/{path.name}"
        item.meta, item.body, found_problems = _read_meta(path, item.meta_file)
        problems += found_problems
    return sorted(found.values(), key=lambda i: _natural(i.id)), problems


def _id_of(path: Path) -> str:
    return path.stem.removeprefix("indicator_")


def _natural(text: str) -> list[tuple[int, str]]:
    return [(int(p), "") if p.isdigit() else (0, p) for p in re.split(r"[-.]", text)]


def _read_data(path: Path, name: str) -> tuple[list[str], list[list[str]], list[ImportProblem]]:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [], [], [ImportProblem(name, None, "", "the data file is empty")]
    header = [h.strip() for h in rows[0]]
    missing = [c for c in ("Year", "Value") if c not in header]
    problems = [ImportProblem(name, 1, c, f"no {c} column") for c in missing]
    return header, rows[1:], problems


def _read_meta(path: Path, name: str) -> tuple[dict[str, Any], str, list[ImportProblem]]:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, [ImportProblem(name, 1, "", "no YAML front matter (--- ... ---)")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return {}, "", [ImportProblem(name, 1, "", "the front matter has no closing ---")]
    try:
        meta = yaml.safe_load("".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 2 if mark is not None else None
        return {}, "", [ImportProblem(name, row, "", f"invalid YAML: {exc}".splitlines()[0])]
    if not isinstance(meta, dict):
        return {}, "", [ImportProblem(name, 2, "", "the front matter is not a mapping")]
    return meta, "".join(lines[end + 1 :]).strip(), []


# --- from Open SDG terms to civicloop terms ---------------------------------------------------


def measures_of(item: SdgIndicator) -> list[Measure]:
    """One measure per distinct (Series, Units) of the rows; one when there is only one."""
    selectors = [c for c in SELECTORS if c in item.columns]
    combos = list(
        dict.fromkeys(
            tuple(item.column(row, c) for c in selectors) for row in item.rows if any(row)
        )
    ) or [tuple("" for _ in selectors)]
    base = str(item.meta.get("civicloop_slug") or item.id)
    options = item.meta.get("progress_calculation_options") or []
    options = [e for e in options if isinstance(e, dict)] if isinstance(options, list) else []
    measures = []
    for combo in combos:
        selector = dict(zip(selectors, combo, strict=True))
        suffix = slugify("-".join(v for v in combo if v)) or "none"
        slug = base if len(combos) == 1 else f"{base}--{suffix}"
        measures.append(Measure(slug, selector, [e for e in options if _applies(e, selector)]))
    return measures


def _applies(entry: dict[str, Any], selector: dict[str, str]) -> bool:
    """A progress entry names the ``series``/``unit`` it is for; none means every one."""
    for column, key in (("Series", "series"), ("Units", "unit")):
        if entry.get(key) not in (None, "") and entry[key] != selector.get(column):
            return False
    return True


def unit_kind(unit: str) -> tuple[str, int | None]:
    """Guess the unit's kind from its words; unknown units become an index (no range check)."""
    text = unit.lower()
    if "%" in text or "percent" in text or "per cent" in text:
        return UnitKind.PERCENT, None
    if m := re.search(r"per\s+([\d,]+)", text):
        return UnitKind.RATE, int(m[1].replace(",", ""))
    if re.search(r"\b(number|count|persons|people)\b", text):
        return UnitKind.COUNT, None
    if re.search(r"[$€£]|\b(usd|eur|gbp|dollars?|euros?|pounds)\b", text):
        return UnitKind.CURRENCY, None
    return UnitKind.INDEX, None


def _frequency(item: SdgIndicator) -> str:
    for row in item.rows:
        year = item.column(row, "Year")
        if year:
            try:
                return parse_period(year).kind
            except PeriodError:
                return "year"  # load_file reports the bad label with its row
    return "year"


def _decimals(item: SdgIndicator) -> int:
    places = [
        len(v.split(".")[1]) for v in (item.column(r, "Value") for r in item.rows) if "." in v
    ]
    return min(max(places, default=1), 4)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# --- import ---------------------------------------------------------------------------------


def import_open_sdg(
    folder: Path | str,
    collaborative: str,
    *,
    name: str | None = None,
    city: str | None = None,
    user=None,
    dry_run: bool = False,
) -> ImportReport:
    """Import the repository into the collaborative ``collaborative`` (a slug; created if
    new). All or nothing: any problem, or ``dry_run``, rolls everything back."""
    folder = Path(folder).expanduser().resolve()
    report = ImportReport(collaborative, str(folder), dry_run=dry_run)
    items, report.problems = read_repository(folder)
    if report.problems:
        return report
    try:
        with transaction.atomic():
            _Importer(folder, items, report, user).run(collaborative, name, city)
            if report.problems or dry_run:
                raise _Undo
    except _Undo:
        return report
    report.applied = True
    return report


class _Importer:
    """The steps of one import, sharing the lookups they build (inside one transaction)."""

    def __init__(self, folder: Path, items: list[SdgIndicator], report: ImportReport, user):
        self.folder, self.items, self.report, self.user = folder, items, report, user
        self.dimensions: dict[tuple[str, ...], Dimension] = {}
        self.groups: dict[tuple[int, tuple[str, ...]], Group] = {}
        self.areas: dict[str, Area] = {}
        self.imported: list[Indicator] = []

    def run(self, slug: str, name: str | None, city: str | None) -> None:
        coverage = next(
            (
                str(i.meta["national_geographical_coverage"])
                for i in self.items
                if i.meta.get("national_geographical_coverage")
            ),
            None,
        )
        self.collab = self._collaborative(slug, name, city or coverage)
        self.top = self._top_area(coverage or self.collab.city)
        self.source, _ = Source.objects.get_or_create(
            collaborative=self.collab,
            name=f"Open SDG ({self.folder.name})",
            defaults={"kind": SOURCE_KIND},
        )
        stored: dict[str, Any] = {}
        for order, item in enumerate(self.items):
            measures = measures_of(item)
            for k, measure in enumerate(measures):
                self.imported.append(
                    self._indicator(item, measure, order * 10 + k, len(measures) > 1)
                )
            if item.rows:
                self._load(item, measures)
            self._note_coverage(item)
            stored[item.id] = {
                "meta": item.meta,
                "body": item.body,
                "columns": item.columns,
                "measures": {m.slug: m.selector for m in measures},
            }
        self.source.settings = {
            "path": str(self.folder),
            "area": self.top.code,
            "indicators": stored,
        }
        self.source.last_refreshed_at = timezone.now()
        self.source.save(update_fields=["settings", "last_refreshed_at"])
        self._baselines()

    # -- structure --

    def _collaborative(self, slug: str, name: str | None, city: str | None) -> Collaborative:
        collab = Collaborative.objects.filter(slug=slug).first()
        if collab is None:
            title = name or self.folder.name.replace("-", " ").title()
            collab = Collaborative.objects.create(slug=slug, name=title, city=city or title)
            self.report.count("collaborative")
        return collab

    def _top_area(self, coverage: str) -> Area:
        root = Area.objects.filter(collaborative=self.collab, parent=None).order_by("id").first()
        if root is None:
            root = Area.objects.create(
                collaborative=self.collab,
                name=coverage,
                code=slugify(coverage) or "all",
                level=AreaLevel.CITY,
            )
            self.report.count("areas")
        return root

    def _area(self, code: str) -> Area:
        if not code:
            return self.top
        if code not in self.areas:
            area = Area.objects.filter(collaborative=self.collab, code=code).first()
            if area is None:
                area = Area.objects.create(
                    collaborative=self.collab,
                    parent=self.top,
                    name=code,
                    code=code,
                    level=AreaLevel.CUSTOM,
                    custom_level="GeoCode",
                )
                self.report.count("areas")
            self.areas[code] = area
        return self.areas[code]

    def _result(self, item: SdgIndicator) -> Result:
        number = str(item.meta.get("indicator_number") or item.id.replace("-", "."))
        target = str(item.meta.get("target_id") or ".".join(number.split(".")[:2]))
        slug = f"target-{slugify(target.replace('.', '-'))}"
        result = Result.objects.filter(collaborative=self.collab, slug=slug).first()
        if result is None:
            statement = item.meta.get("target") or item.meta.get("target_name")
            result = Result.objects.create(
                collaborative=self.collab,
                slug=slug,
                title=f"Target {target}",
                statement=str(statement or f"SDG target {target}"),
                order=Result.objects.filter(collaborative=self.collab).count(),
            )
            self.report.count("results")
        return result

    def _indicator(
        self, item: SdgIndicator, measure: Measure, order: int, split: bool
    ) -> Indicator:
        meta = item.meta
        name = str(meta.get("indicator_name") or meta.get("graph_title") or item.id)
        if split:
            name = f"{name} ({', '.join(v for v in measure.selector.values() if v)})"
        unit = str(
            measure.selector.get("Units") or meta.get("computation_units") or meta.get("unit") or ""
        )
        kind, per = unit_kind(unit)
        if len(unit) > 60:
            self.report.notes.append(f"{measure.slug}: unit shortened to 60 characters")
        if unit and kind == UnitKind.INDEX:
            self.report.notes.append(
                f"{item.id}: unit {unit!r} not recognised; {measure.slug} is an index "
                "(no range checks on its values)"
            )
        frequency = _frequency(item)
        fields: dict[str, Any] = {
            "name": name[:200],
            "definition": item.body,
            "unit": unit[:60],
            "unit_kind": kind,
            "rate_per": per,
            "frequency": frequency,
            "decimals": _decimals(item),
            "source": f"Open SDG: {self.folder.name}"[:300],
            "order": order,
            **self._progress_fields(item, measure, frequency),
        }
        if _has_progress_options():
            fields["progress_options"] = measure.entries
        indicator = Indicator.objects.filter(
            result__collaborative=self.collab, slug=measure.slug
        ).first()
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

    def _progress_fields(self, item: SdgIndicator, measure: Measure, frequency: str) -> dict:
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
        target_year = entry.get("target_year", 2030 if "target" in entry else None)
        return {
            "direction": Direction.HIGHER if direction == "positive" else Direction.LOWER,
            "target_value": _number(entry.get("target")),
            "target_period": _period(target_year, frequency),
            "baseline_period": _period(entry.get("base_year"), frequency),
            "baseline_value": None,  # set from the data once it is loaded (_baselines)
            "limit": _number(entry.get("limit")),
        }

    def _dimension(self, columns: tuple[str, ...]) -> Dimension:
        if columns not in self.dimensions:
            name = DIMENSION_JOIN.join(columns)[:100]
            slug = "-x-".join(slugify(c) or "column" for c in columns)[:50]
            dimension = (
                Dimension.objects.filter(collaborative=self.collab, name__iexact=name).first()
                or Dimension.objects.filter(collaborative=self.collab, slug=slug).first()
            )
            if dimension is None:
                dimension = Dimension.objects.create(
                    collaborative=self.collab, name=name, slug=slug
                )
                self.report.count("dimensions")
            self.dimensions[columns] = dimension
        return self.dimensions[columns]

    def _group(self, dimension: Dimension, values: tuple[str, ...]) -> Group:
        key = (dimension.pk, values)
        if key not in self.groups:
            name = GROUP_JOIN.join(values)[:100]
            group = Group.objects.filter(dimension=dimension, name__iexact=name).first()
            if group is None:
                taken = set(
                    Group.objects.filter(dimension=dimension).values_list("slug", flat=True)
                )
                base = slugify(name)[:45] or "group"
                slug = base
                n = 1
                while slug in taken:
                    n += 1
                    slug = f"{base}-{n}"
                group = Group.objects.create(
                    dimension=dimension, name=name, slug=slug, order=len(taken)
                )
                self.report.count("groups")
            self.groups[key] = group
        return self.groups[key]

    # -- observations --

    def _load(self, item: SdgIndicator, measures: list[Measure]) -> None:
        """Write the file as civicloop's long format (plus every original cell) and load it.
        ``lines`` maps each long-file line back to the Open SDG file's line for problems."""
        by_selector = {tuple(m.selector.values()): m.slug for m in measures}
        selectors = [c for c in SELECTORS if c in item.columns]
        disaggregations = item.disaggregations
        long_rows: list[list[str]] = []
        lines: dict[int, tuple[int, tuple[str, ...]]] = {}
        empty = 0
        for offset, row in enumerate(item.rows):
            if not any(c.strip() for c in row):
                continue
            if not item.column(row, "Value"):
                empty += 1  # Open SDG leaves a cell empty where there is no observation
                continue
            filled = tuple(c for c in disaggregations if item.column(row, c))
            dimension = group = ""
            if filled:
                dim = self._dimension(filled)
                dimension = dim.slug
                group = self._group(dim, tuple(item.column(row, c) for c in filled)).slug
            slug = by_selector[tuple(item.column(row, c) for c in selectors)]
            area = self._area(item.column(row, "GeoCode")).code
            long_rows.append(
                [slug, area, dimension, group, item.column(row, "Year"), item.column(row, "Value")]
                + [row[i] if i < len(row) else "" for i in range(len(item.columns))]
            )
            lines[len(long_rows) + 1] = (offset + 2, filled)
        if empty:
            self.report.notes.append(f"{item.data_file}: {empty} row(s) with no Value skipped")
        dropped = [c for c in item.columns if c in NOT_IMPORTED]
        if dropped:
            self.report.notes.append(
                f"{item.data_file}: column(s) {', '.join(dropped)} kept in the archived file "
                "but not imported (civicloop has no field for them)"
            )
        if not long_rows:
            return
        header = LONG_HEADER + [f"open_sdg:{c}" for c in item.columns]
        with tempfile.TemporaryDirectory(prefix="civicloop-open-sdg-") as tmp:
            path = Path(tmp) / Path(item.data_file).name
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(long_rows)
            try:
                loaded = load_file(path, self.collab, source=self.source, user=self.user)
            except LoadError as exc:
                self.report.problems.append(ImportProblem(item.data_file, None, "", str(exc)))
                return
        self.report.add_load(loaded)
        for problem in loaded.problems:
            line, filled = lines.get(problem.row, (problem.row, ()))
            self.report.problems.append(
                ImportProblem(
                    item.data_file, line, _original_column(problem.column, filled), problem.message
                )
            )

    def _note_coverage(self, item: SdgIndicator) -> None:
        status = item.meta.get("reporting_status")
        non_statistical = item.meta.get("data_non_statistical") is True
        if not item.data_file and status == "complete" and not non_statistical:
            self.report.notes.append(
                f"{item.id}: reporting_status is complete but there is no data file"
            )
        if not item.meta_file:
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


def _original_column(column: str, filled: tuple[str, ...]) -> str:
    if column in ("dimension", "group"):
        return ", ".join(filled) or column
    return {"value": "Value", "period": "Year", "area": "GeoCode", "indicator": "Units"}.get(
        column, column
    )


def _period(year: Any, frequency: str) -> Period | None:
    if year in (None, ""):
        return None
    try:
        return Period.get(str(int(year)) if isinstance(year, int | float) else str(year), frequency)
    except PeriodError:
        return None


def _has_progress_options() -> bool:
    """``Indicator.progress_options`` (JSON) keeps the whole options list, when the model
    has it; without it, the list survives on the import's Source for export."""
    return any(f.name == "progress_options" for f in Indicator._meta.get_fields())


# --- export ---------------------------------------------------------------------------------


def export_open_sdg(
    collaborative: Collaborative, folder: Path | str, *, declared_only: bool = False
) -> ExportReport:
    """Write ``data/`` and ``meta/`` for every indicator of the collaborative (only the
    declared ones with ``declared_only``)."""
    folder = Path(folder).expanduser().resolve()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "meta").mkdir(parents=True, exist_ok=True)
    report = ExportReport(str(folder))
    stored, top_code = _stored(collaborative)
    top = _export_top_area(collaborative, top_code)
    for sdg_id, members in _by_open_sdg_id(collaborative, stored, declared_only).items():
        record = stored.get(sdg_id)
        columns, rows = _data_table(members, record, top, report)
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


def _stored(collaborative: Collaborative) -> tuple[dict[str, Any], str | None]:
    """What earlier imports kept: Open SDG id → meta, body, columns, measures."""
    stored: dict[str, Any] = {}
    area = None
    for source in Source.objects.filter(collaborative=collaborative, kind=SOURCE_KIND).order_by(
        "id"
    ):
        stored.update(source.settings.get("indicators") or {})
        area = source.settings.get("area") or area
    return stored, area


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
    return dict(sorted(out.items(), key=lambda pair: _natural(pair[0])))


def _data_table(
    members: list[tuple[Indicator, dict[str, str]]],
    record: dict[str, Any] | None,
    top: Area | None,
    report: ExportReport,
) -> tuple[list[str], list[dict[str, str]]]:
    rows: list[tuple[tuple, dict[str, str]]] = []
    with_moe = 0
    for rank, (indicator, selector) in enumerate(members):
        observations = Observation.objects.filter(series__indicator=indicator).select_related(
            "series__area", "series__group__dimension", "period"
        )
        for obs in observations:
            series = obs.series
            row = {"Year": obs.period.label, **{k: v for k, v in selector.items() if v}}
            if top is not None and series.area_id != top.pk:
                row["GeoCode"] = series.area.code
            if series.group_id:
                row.update(_split_group(series.group))
            row["Value"] = format_number(obs.value)
            with_moe += obs.margin_of_error is not None
            key = (
                rank,
                series.area_id != getattr(top, "pk", None),
                series.area.code,
                series.group_id is not None,
                series.group.dimension.name if series.group_id else "",
                series.group.order if series.group_id else 0,
                series.group.name if series.group_id else "",
                obs.period.start,
            )
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
    columns = group.dimension.name.split(DIMENSION_JOIN)
    values = group.name.split(GROUP_JOIN)
    if len(columns) != len(values):
        return {group.dimension.name: group.name}
    return dict(zip(columns, values, strict=True))


def _columns(record: dict[str, Any] | None, rows: list[dict[str, str]]) -> list[str]:
    """The imported file's columns in their order (less those civicloop did not keep), then
    any new ones before Value."""
    kept = [c for c in (record or {}).get("columns", []) if c not in NOT_IMPORTED]
    columns = kept or ["Year"]
    seen = dict.fromkeys(k for row in rows for k in row)
    extra = [c for c in seen if c not in columns and c != "Value"]
    columns = [c for c in columns if c != "Value"] + extra + ["Value"]
    return columns


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
            _write_name_and_unit(meta, sdg_id, first, bool(members[0][1].get("Units")))
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
    meta: dict[str, Any], sdg_id: str, indicator: Indicator, units_column: bool
) -> None:
    """Write a key only when it is there already or civicloop's value differs from what
    the import derived without it, so an unchanged indicator exports the keys it came with."""
    derived = meta.get("indicator_name") or meta.get("graph_title") or sdg_id
    if "indicator_name" in meta or indicator.name != derived:
        meta["indicator_name"] = indicator.name
    if units_column:  # the unit lives in the data file's Units column
        return
    key = "unit" if "unit" in meta and "computation_units" not in meta else "computation_units"
    if key in meta or indicator.unit != (meta.get("computation_units") or meta.get("unit") or ""):
        meta[key] = indicator.unit


def _progress_entries(
    members: list[tuple[Indicator, dict[str, str]]], record: dict[str, Any] | None
) -> list[dict[str, Any]]:
    originals = (record or {}).get("meta", {}).get("progress_calculation_options") or []
    entries: list[dict[str, Any]] = []
    for indicator, selector in members:
        kept = getattr(indicator, "progress_options", None)
        own = [dict(e) for e in (kept if kept else originals) if isinstance(e, dict)]
        own = [e for e in own if _applies(e, selector)]
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


def format_number(value: float) -> str:
    """Exact and short: 12 not 12.0, 0.1 not 0.1000000000000000055."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def summary_lines(report: ImportReport) -> Iterable[str]:
    """The validation report as lines for people."""
    created = ", ".join(f"{what}: {n}" for what, n in report.created.items()) or "nothing"
    rows = (
        f"observations: {report.rows_created} new, {report.rows_changed} changed, "
        f"{report.rows_unchanged} unchanged"
    )
    if report.applied:
        yield f"created {created}; indicators updated: {report.indicators_updated}"
        yield rows
    elif not report.problems:
        yield f"would create {created}; would update {report.indicators_updated} indicator(s)"
        yield f"would load {rows}"
    for note in report.notes:
        yield f"note: {note}"
    for problem in report.problems:
        yield f"problem: {problem}"
