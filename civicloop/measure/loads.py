"""Loading observation files: archive, read, validate every row, apply all or nothing.

The path of one number: ``load_file`` archives the original file by content hash, reads it
(``read_rows``), checks every row against the collaborative's catalogue (``validate``), and
only when every row is sound writes the observations in one transaction (``apply``),
recording a `Revision` for every value it changes and bumping each touched series' version.

Long format, one row per observation. Columns (header names are case-insensitive):

====================  =========================================================
indicator             indicator slug (required)
area                  area code or name (required)
period                2023, 2023-24, 2023-Q2, 2023-05, 2023-W14, 2023-05-14 (required)
value                 number (required)
dimension, group      disaggregation (both or neither; neither = headline)
margin_of_error       optional; needs confidence_level (0.90 or 90)
confidence_level
numerator             optional
denominator           optional
status                provisional or final (default final)
====================  =========================================================
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import math
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F

from civicloop.measure.models import Load, LoadStatus, Source
from civicloop.results.models import (
    Area,
    Collaborative,
    Group,
    Indicator,
    Observation,
    ObservationStatus,
    Period,
    Revision,
    Series,
    UnitKind,
)
from civicloop.results.periods import PeriodError, parse_period

REQUIRED = ("indicator", "area", "period", "value")
OPTIONAL = (
    "dimension",
    "group",
    "margin_of_error",
    "confidence_level",
    "numerator",
    "denominator",
    "status",
)
Progress = Callable[[int, int], None]


class LoadError(Exception):
    """The file cannot be read at all (missing, not a table, no usable header)."""


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based line number in the file, header = 1
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class CleanRow:
    row: int
    indicator: Indicator
    area: Area
    group: Group | None
    period_label: str
    period_kind: str
    value: float
    margin_of_error: float | None
    confidence_level: float | None
    numerator: float | None
    denominator: float | None
    status: str


@dataclass
class LoadReport:
    load: Load | None
    status: str
    rows_total: int = 0
    rows_created: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    encoding: str = "utf-8"
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive(path: Path, digest: str) -> Path:
    """Keep the original bytes before anything else happens; returns the path in the workspace."""
    suffix = "".join(path.suffixes[-1:]) or ".dat"
    target = settings.WORKSPACE.archive_dir / digest[:2] / f"{digest}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)  # atomic: an interrupted copy never looks archived
    return target


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; Latin-1 as the reported fallback."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def read_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    text, encoding = decode(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError(f"{path.name}: the file is empty") from None
    header = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LoadError(
            f"{path.name}: missing column(s) {', '.join(missing)}; "
            f"found {', '.join(header) or 'none'}"
        )
    return header, list(reader), encoding


class Catalogue:
    """What a row may name, looked up once per load rather than once per row."""

    def __init__(self, collaborative: Collaborative):
        self.indicators = {
            i.slug.lower(): i
            for i in Indicator.objects.filter(result__collaborative=collaborative).select_related(
                "result"
            )
        }
        self.areas: dict[str, Area] = {}
        for area in Area.objects.filter(collaborative=collaborative):
            self.areas[area.code.lower()] = area
            self.areas.setdefault(area.name.lower(), area)
        self.groups: dict[tuple[str, str], Group] = {}
        self.dimensions: set[str] = set()
        for group in Group.objects.filter(dimension__collaborative=collaborative).select_related(
            "dimension"
        ):
            for dim in (group.dimension.slug.lower(), group.dimension.name.lower()):
                self.dimensions.add(dim)
                self.groups[(dim, group.slug.lower())] = group
                self.groups.setdefault((dim, group.name.lower()), group)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _number(raw: str) -> float | None:
    text = raw.strip().replace(",", "")
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def validate(
    header: list[str], rows: list[list[str]], catalogue: Catalogue
) -> tuple[list[CleanRow], list[Problem]]:
    """Check every row; return the clean rows and every problem with its row and column."""
    col = {name: i for i, name in enumerate(header)}
    problems: list[Problem] = []
    clean: list[CleanRow] = []
    seen: dict[tuple, int] = {}

    def cell(values: list[str], name: str) -> str:
        i = col.get(name)
        return values[i].strip() if i is not None and i < len(values) else ""

    for offset, values in enumerate(rows):
        line = offset + 2
        if not any(v.strip() for v in values):
            continue
        row_problems: list[Problem] = []

        def problem(column: str, message: str, _line: int = line, _acc=row_problems) -> None:
            _acc.append(Problem(_line, column, message))

        slug = cell(values, "indicator")
        indicator = catalogue.indicators.get(slug.lower())
        if indicator is None:
            problem(
                "indicator",
                f"unknown indicator {slug!r}" + _did_you_mean(slug, catalogue.indicators),
            )
        area_raw = cell(values, "area")
        area = catalogue.areas.get(area_raw.lower())
        if area is None:
            problem("area", f"unknown area {area_raw!r}" + _did_you_mean(area_raw, catalogue.areas))
        dim_raw, group_raw = cell(values, "dimension"), cell(values, "group")
        group = None
        if dim_raw or group_raw:
            if not (dim_raw and group_raw):
                problem("group" if dim_raw else "dimension", "dimension and group go together")
            elif dim_raw.lower() not in catalogue.dimensions:
                problem(
                    "dimension",
                    f"unknown dimension {dim_raw!r}" + _did_you_mean(dim_raw, catalogue.dimensions),
                )
            else:
                group = catalogue.groups.get((dim_raw.lower(), group_raw.lower()))
                if group is None:
                    names = [g for d, g in catalogue.groups if d == dim_raw.lower()]
                    problem(
                        "group",
                        f"unknown group {group_raw!r} in {dim_raw}"
                        + _did_you_mean(group_raw, names),
                    )
        period_raw = cell(values, "period")
        spec = None
        try:
            spec = parse_period(period_raw, indicator.frequency if indicator else None)
        except PeriodError as exc:
            problem("period", str(exc))
        if spec and indicator and spec.kind != indicator.frequency:
            problem(
                "period",
                f"{period_raw!r} is a {spec.kind.replace('_', ' ')} but {indicator.slug} is "
                f"measured by {indicator.frequency.replace('_', ' ')}",
            )
        numbers: dict[str, float | None] = {}
        for name in ("value", "margin_of_error", "confidence_level", "numerator", "denominator"):
            try:
                numbers[name] = _number(cell(values, name))
            except ValueError:
                problem(name, f"{cell(values, name)!r} is not a number")
                numbers[name] = None
        value = numbers["value"]
        if value is None and "value" not in {p.column for p in row_problems}:
            problem("value", "value is empty")
        if value is not None and indicator is not None:
            if indicator.unit_kind == UnitKind.PERCENT and not 0 <= value <= 100:
                problem("value", f"{value:g} is outside 0-100 for a percent")
            if indicator.unit_kind in (UnitKind.COUNT, UnitKind.RATE) and value < 0:
                problem("value", f"{value:g} is negative for a {indicator.unit_kind}")
        moe, level = numbers["margin_of_error"], numbers["confidence_level"]
        if moe is not None and moe < 0:
            problem("margin_of_error", "a margin of error cannot be negative")
        if moe is not None and level is None:
            problem("confidence_level", "a margin of error needs its confidence level (e.g. 0.90)")
        if level is not None:
            level = level / 100 if level > 1 else level
            if not 0.5 <= level < 1:
                problem(
                    "confidence_level",
                    f"{cell(values, 'confidence_level')!r} is not a confidence level",
                )
        status = cell(values, "status").lower() or ObservationStatus.FINAL
        if status not in ObservationStatus.values:
            problem("status", f"status {status!r} is neither provisional nor final")
        if not row_problems and indicator and area and spec:
            key = (indicator.pk, area.pk, group.pk if group else None, spec.label)
            if key in seen:
                problem(
                    "period", f"duplicate of row {seen[key]} (same indicator, area, group, period)"
                )
            else:
                seen[key] = line
        if row_problems:
            problems.extend(row_problems)
            continue
        clean.append(
            CleanRow(
                line,
                indicator,
                area,
                group,
                spec.label,
                spec.kind,
                value,
                moe,
                level,
                numbers["numerator"],
                numbers["denominator"],
                status,
            )
        )
    return clean, problems


def apply(
    clean: list[CleanRow], load: Load, user=None, progress: Progress | None = None
) -> tuple[int, int, int]:
    """Write clean rows (inside the caller's transaction). Returns created, changed, unchanged."""
    periods: dict[tuple[str, str], Period] = {}
    for row in clean:
        key = (row.period_kind, row.period_label)
        if key not in periods:
            periods[key] = Period.get(row.period_label, row.period_kind)

    indicator_ids = {r.indicator.pk for r in clean}
    series_by_key = {
        (s.indicator_id, s.area_id, s.group_id): s
        for s in Series.objects.filter(indicator_id__in=indicator_ids)
    }
    wanted = {(r.indicator.pk, r.area.pk, r.group.pk if r.group else None) for r in clean}
    new_series = [
        Series(indicator_id=i, area_id=a, group_id=g) for (i, a, g) in wanted - series_by_key.keys()
    ]
    Series.objects.bulk_create(new_series)
    if new_series:
        series_by_key = {
            (s.indicator_id, s.area_id, s.group_id): s
            for s in Series.objects.filter(indicator_id__in=indicator_ids)
        }
    series_ids = {series_by_key[k].pk for k in wanted}
    existing = {
        (o.series_id, o.period_id): o
        for o in Observation.objects.filter(
            series_id__in=series_ids, period_id__in=[p.pk for p in periods.values()]
        )
    }
    creates: list[Observation] = []
    updates: list[Observation] = []
    revisions: list[Revision] = []
    touched: set[int] = set()
    unchanged = 0
    for n, row in enumerate(clean, 1):
        series = series_by_key[(row.indicator.pk, row.area.pk, row.group.pk if row.group else None)]
        period = periods[(row.period_kind, row.period_label)]
        current = existing.get((series.pk, period.pk))
        if current is None:
            creates.append(
                Observation(
                    series_id=series.pk,
                    period=period,
                    value=row.value,
                    margin_of_error=row.margin_of_error,
                    confidence_level=row.confidence_level,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    status=row.status,
                    load=load,
                    created_by=user,
                )
            )
            touched.add(series.pk)
        elif (
            current.value != row.value
            or current.margin_of_error != row.margin_of_error
            or current.status != row.status
            or current.numerator != row.numerator
            or current.denominator != row.denominator
            or current.confidence_level != row.confidence_level
        ):
            revisions.append(
                Revision(
                    observation=current,
                    old_value=current.value,
                    new_value=row.value,
                    old_margin_of_error=current.margin_of_error,
                    new_margin_of_error=row.margin_of_error,
                    old_status=current.status,
                    new_status=row.status,
                    load=load,
                    changed_by=user,
                    reason=f"load #{load.pk}: {load.original_name}, row {row.row}",
                )
            )
            current.value, current.margin_of_error = row.value, row.margin_of_error
            current.confidence_level, current.status = row.confidence_level, row.status
            current.numerator, current.denominator = row.numerator, row.denominator
            current.load = load
            updates.append(current)
            touched.add(series.pk)
        else:
            unchanged += 1
        if progress and n % 5000 == 0:
            progress(n, len(clean))
    Observation.objects.bulk_create(creates, batch_size=5000)
    Observation.objects.bulk_update(
        updates,
        [
            "value",
            "margin_of_error",
            "confidence_level",
            "status",
            "numerator",
            "denominator",
            "load",
        ],
        batch_size=2000,
    )
    Revision.objects.bulk_create(revisions, batch_size=5000)
    Series.objects.filter(pk__in=touched).update(version=F("version") + 1)
    if progress:
        progress(len(clean), len(clean))
    return len(creates), len(updates), unchanged


def load_file(
    path: Path | str,
    collaborative: Collaborative,
    *,
    source: Source | None = None,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Archive, validate every row, and apply all rows in one transaction, or none."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    digest = sha256_of(path)
    stored = archive(path, digest)
    header, rows, encoding = read_rows(stored)
    clean, problems = validate(header, rows, Catalogue(collaborative))
    report = LoadReport(None, "", rows_total=len(clean) + len({p.row for p in problems}))
    report.encoding, report.problems = encoding, problems
    already = Load.objects.filter(
        collaborative=collaborative, sha256=digest, status=LoadStatus.APPLIED
    ).first()
    if dry_run:
        report.status = "dry_run"
        return report
    common = dict(
        collaborative=collaborative,
        source=source,
        original_name=path.name,
        sha256=digest,
        archive_path=str(stored.relative_to(settings.WORKSPACE.path)),
        size=stored.stat().st_size,
        created_by=user,
        rows_total=report.rows_total,
    )
    if problems:
        report.status = LoadStatus.REJECTED
        report.load = Load.objects.create(
            status=LoadStatus.REJECTED, problems=[p.as_dict() for p in problems[:1000]], **common
        )
        return report
    if already is not None:
        # The same bytes were applied before: loading them again changes nothing.
        report.status = LoadStatus.NO_CHANGE
        report.rows_unchanged = len(clean)
        report.load = Load.objects.create(
            status=LoadStatus.NO_CHANGE, rows_unchanged=len(clean), **common
        )
        return report
    with transaction.atomic():
        load = Load.objects.create(status=LoadStatus.APPLIED, **common)
        created, changed, unchanged = apply(clean, load, user, progress)
        load.rows_created, load.rows_changed, load.rows_unchanged = created, changed, unchanged
        load.save(update_fields=["rows_created", "rows_changed", "rows_unchanged"])
    report.load, report.status = load, LoadStatus.APPLIED
    report.rows_created, report.rows_changed, report.rows_unchanged = created, changed, unchanged
    return report
