"""Loads: bring a file in, keep the original, check every row, apply all or nothing.

The path of one number: `load_file` archives the original file by content hash, reads it
(`readers`), maps its columns to the long format (`mapping`), checks every row
(`validate`), and writes the observations in one transaction (`write`), recording a
`Revision` for every value it changes and bumping each touched series' version.

Every load has a writer (`civicloop.core.access.writer_for`): a partner may write only the
indicators its organisation stewards and its own commitments' measures, and a row naming
any other is refused with the steward's name; such a load writes nothing, whatever
``on_problems`` says, since those rows are not the writer's to fix. What a load writes is
*pending* (the public keeps the last approved value) unless its source is trusted
(``Source.auto_approve``) or backbone staff chose to approve it as it loads (``approve``).

When a file has problems the default is to write nothing and report each one with its row
and column; ``on_problems="quarantine"`` applies the sound rows instead and keeps every
refused row, with its problems, in quarantine. Loading the same bytes again is a no-op. A
load can be rolled back as a whole (`rollback`), leaving revisions behind.

Long format, one row per observation (header names are case-insensitive):

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
unit                  optional; checked against the indicator's unit
====================  =========================================================

Numbers may be written as people write them (``41,5``, ``1.234,5``, ``1,234.5``): see
`civicloop.measure.numbers`. A source whose files use a decimal comma says so in its
settings (``{"decimal": ","}``), or a load says it (``decimal=","``).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction

from civicloop.core import access
from civicloop.measure import write
from civicloop.measure.mapping import Mapping, MappingError, apply
from civicloop.measure.models import Load, LoadStatus, QuarantinedRow, Source
from civicloop.measure.numbers import NumberSettingError, declared
from civicloop.measure.readers import RawTable, ReadError, read_table
from civicloop.measure.signals import announce
from civicloop.measure.validate import MAX_PROBLEMS, Catalogue, Problem, validate
from civicloop.results.models import Collaborative

Progress = Callable[[int, int], None]
__all__ = [
    "ApprovalRefused",
    "LoadError",
    "LoadReport",
    "Problem",
    "load_file",
    "rollback",
    "RollbackError",
]


class LoadError(Exception):
    """The file cannot be loaded at all (missing, unreadable, columns that do not fit)."""


class ApprovalRefused(LoadError):
    """Approving on load was asked by someone who may not approve what the load writes."""


class RollbackError(Exception):
    """A load cannot be rolled back; the message names what stands in the way."""


@dataclass
class LoadReport:
    load: Load | None
    status: str
    rows_total: int = 0
    rows_created: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    # Unusual values that were loaded all the same (a percent over 100): never blocking.
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    refused_rows: int = 0  # rows naming an indicator the writer may not write
    approved: bool = False  # what it wrote is approved (else pending)

    @property
    def ok(self) -> bool:
        return not self.problem_count


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive(path: Path, digest: str | None = None) -> Path:
    """Keep the original bytes before anything else happens; returns the path in the workspace."""
    digest = digest or sha256_of(path)
    suffix = path.suffix.lower() or ".dat"
    target = settings.WORKSPACE.archive_dir / digest[:2] / f"{digest}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)  # atomic: an interrupted copy never looks archived
    return target


def _archive_companions(path: Path, stored: Path) -> None:
    """A data package's resource files are archived beside its descriptor."""
    if path.suffix.lower() != ".json":
        return
    import json

    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    listed = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in listed if isinstance(listed, list) else []:
        rel = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(rel, str) and (path.parent / rel).is_file():
            target = stored.parent / rel
            if path.parent.resolve() in (path.parent / rel).resolve().parents:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path.parent / rel, target)


def _mapping(mapping: Mapping | dict | None, source: Source | None) -> Mapping:
    if isinstance(mapping, Mapping):
        return mapping
    if mapping is None and source is not None and source.mapping:
        mapping = source.mapping  # remembered from the last upload from this source
    try:
        return Mapping.from_json(mapping)
    except MappingError as exc:
        raise LoadError(f"mapping: {exc}") from None


def load_file(
    path: Path | str,
    collaborative: Collaborative,
    *,
    source: Source | None = None,
    user=None,
    mapping: Mapping | dict | None = None,
    on_problems: str = "reject",
    dry_run: bool = False,
    progress: Progress | None = None,
    original_name: str | None = None,
    decimal: str | None = None,
    writer: access.Writer | None = None,
    approve: bool = False,
) -> LoadReport:
    """Archive, validate every row, check the writer may write each, and apply in one
    transaction.

    ``on_problems``: ``"reject"`` writes nothing when any row has a problem;
    ``"quarantine"`` applies the sound rows and keeps the others in quarantine.
    ``decimal``: the file's decimal mark (``"."`` or ``","``); default the source's
    ``settings["decimal"]``, else read from the file's own numbers.
    ``writer``: who writes, for stewardship; by default `access.writer_for(user, ...)`.
    ``approve``: approve what the load writes as it loads (backbone staff only).
    """
    if on_problems not in ("reject", "quarantine"):
        raise ValueError("on_problems is 'reject' or 'quarantine'")
    writer = writer or access.writer_for(user, collaborative, source)
    if approve and not writer.backbone:
        raise ApprovalRefused(f"{writer.name} may not approve values as they load")
    approved = approve or (source is not None and source.auto_approve)
    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = now - clock
        clock = now

    digest = sha256_of(path)
    stored = archive(path, digest)
    _archive_companions(path, stored)
    the_mapping = _mapping(mapping, source)
    name = original_name or path.name
    if decimal is None and source is not None and isinstance(source.settings, dict):
        decimal = source.settings.get("decimal")
    try:
        decimal = declared(decimal)
    except NumberSettingError as exc:
        raise LoadError(f"{source or 'load'}: {exc}") from None
    try:
        raw = read_table(stored if path.suffix.lower() != ".json" else path, name)
        table = apply(raw.header, raw.columns, the_mapping, raw.lines)
    except (ReadError, MappingError) as exc:
        raise LoadError(str(exc)) from None
    if not len(table) and not raw.shape_problems:
        raise LoadError(f"{name}: no observations: the file has a header but no rows")
    lap("archive and read")
    catalogue = Catalogue(collaborative)
    checked = validate(
        table,
        catalogue,
        raw.shape_problems,
        decimal=decimal,
        semicolons=raw.delimiter == ";",
    )
    not_theirs = _not_the_writers(checked, catalogue, writer)
    report = LoadReport(
        None,
        "",
        rows_total=len(table),
        encoding=raw.encoding,
        notes=raw.notes,
        problems=checked.problems,
        problem_count=checked.problem_count,
        timings=timings,
        warnings=checked.warnings,
        warning_count=checked.warning_count,
        refused_rows=not_theirs,
        approved=approved,
    )
    lap("validate")
    if dry_run:
        report.status = "dry_run"
        return report
    common = dict(
        collaborative=collaborative,
        source=source,
        original_name=name,
        sha256=digest,
        archive_path=str(stored.relative_to(settings.WORKSPACE.path)),
        size=stored.stat().st_size,
        created_by=user,
        rows_total=len(table),
        problems=[p.as_dict() for p in checked.problems],
    )
    if not_theirs or (checked.problem_count and on_problems == "reject"):
        report.status = LoadStatus.REJECTED
        report.load = Load.objects.create(status=LoadStatus.REJECTED, **common)
        return report
    already = Load.objects.filter(
        collaborative=collaborative,
        sha256=digest,
        status__in=[LoadStatus.APPLIED, LoadStatus.PARTIAL],
    ).exists()
    if already:
        # The same bytes were applied before: loading them again changes nothing.
        report.status = LoadStatus.NO_CHANGE
        report.rows_unchanged = len(checked)
        report.load = Load.objects.create(
            status=LoadStatus.NO_CHANGE, rows_unchanged=len(checked), **common
        )
        return report
    status = LoadStatus.PARTIAL if checked.problem_count else LoadStatus.APPLIED

    def make_load(created: int, changed: int, unchanged: int) -> Load:
        return Load.objects.create(
            status=status,
            rows_created=created,
            rows_changed=changed,
            rows_unchanged=unchanged,
            **common,
        )

    def write_all() -> tuple[Load, int, int, int, int]:
        with transaction.atomic():
            load, created, changed, unchanged = write.apply(
                checked, make_load, user, progress, approved=approved
            )
            quarantined = _quarantine(load, raw, checked) if checked.problem_count else 0
            lap("write")
            if source is not None and not the_mapping.is_identity and mapping is not None:
                source.mapping = the_mapping.to_json()
                source.save(update_fields=["mapping"])
        return load, created, changed, unchanged, quarantined

    load, created, changed, unchanged, quarantined = _while_others_write(write_all)
    lap("commit")
    if created or changed:
        announce(collaborative, load)
    report.load, report.status = load, status
    report.rows_created, report.rows_changed, report.rows_unchanged = created, changed, unchanged
    report.rows_quarantined = quarantined
    return report


def _not_the_writers(checked, catalogue: Catalogue, writer: access.Writer) -> int:
    """Add a problem for every row naming an indicator `writer` may not write; their count.

    Appended to the load's problems (row by row, in the report and its CSV) and counted
    with them; the caller then writes nothing at all.
    """
    if writer.backbone or not len(checked):
        return 0
    import numpy as np

    named = {i.pk: i for i in catalogue.indicators.values()}
    present = [named[pk] for pk in np.unique(checked.indicator).tolist()]
    refused = access.refused_indicators(writer, present)
    if not refused:
        return 0
    bad = np.isin(checked.indicator, list(refused))
    lines, indicators = checked.line[bad].tolist(), checked.indicator[bad].tolist()
    room = max(0, MAX_PROBLEMS - len(checked.problems))
    checked.problems.extend(
        Problem(line, "indicator", refused[pk])
        for line, pk in list(zip(lines, indicators, strict=True))[:room]
    )
    checked.problems.sort(key=lambda p: p.row)
    checked.problem_count += len(lines)
    return len(lines)


WRITE_ATTEMPTS = 4
BUSY = ("database is locked", "database table is locked", "could not serialize", "deadlock")
CLASH = ("unique", "duplicate key")


def _while_others_write(write_all: Callable[[], tuple]) -> tuple:
    """Run the load's one transaction; when another load holds the database (SQLite's lock)
    or wrote the same new series or periods a moment before (a unique clash), wait and try
    again: the transaction rolled back whole, and the retry sees the other load's rows.
    If the database stays busy, say so in one line instead of a traceback."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return write_all()
        except (OperationalError, IntegrityError) as exc:
            text = str(exc).lower()
            busy = isinstance(exc, OperationalError) and any(b in text for b in BUSY)
            clash = isinstance(exc, IntegrityError) and any(c in text for c in CLASH)
            if not (busy or clash):
                raise
            if attempt == WRITE_ATTEMPTS:
                raise LoadError(
                    "another load was writing to the database at the same time, and still "
                    "was after several tries; nothing from this file was written. "
                    "Try again in a minute."
                ) from None
            time.sleep(RETRY_DELAY * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


RETRY_DELAY = 0.5  # seconds before the second try; doubles each time


def archived(collaborative: Collaborative, digest: str) -> Path | None:
    """The archived original with this content hash, if it was ever brought in."""
    folder = settings.WORKSPACE.archive_dir / digest[:2]
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        return None
    found = sorted(folder.glob(f"{digest}.*")) if folder.is_dir() else []
    return next((p for p in found if not p.name.endswith(".part")), None)


def header_of(path: Path) -> list[str]:
    """The column names of a file, for the column-mapping step."""
    try:
        return read_table(path).header
    except ReadError as exc:
        raise LoadError(str(exc)) from None


def _quarantine(load: Load, raw: RawTable, checked) -> int:
    by_line: dict[int, list[dict]] = {}
    for p in checked.problems:
        by_line.setdefault(p.row, []).append({"column": p.column, "message": p.message})
    rows = []
    index = {int(v): i for i, v in enumerate(raw.lines)} if raw.lines is not None else None
    for line in checked.bad_lines.tolist():
        i = index[line] if index is not None else line - 2
        values = {h: raw.columns[h][i].as_py() for h in raw.header}
        rows.append(
            QuarantinedRow(load=load, row=line, values=values, problems=by_line.get(line, []))
        )
    QuarantinedRow.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rollback(load: Load, user=None) -> dict:
    """Undo a whole load: new values removed, changed values restored, history kept.

    Refused when a later load has since changed any of the same observations (roll that
    one back first), so a rollback never silently discards someone else's data.
    """
    if load.status not in (LoadStatus.APPLIED, LoadStatus.PARTIAL):
        raise RollbackError(
            f"load #{load.pk} is {load.get_status_display().lower()}: nothing to undo"
        )
    try:
        with transaction.atomic():
            result = write.undo(load, user)
            load.status = LoadStatus.ROLLED_BACK
            load.save(update_fields=["status"])
    except write.Blocked as exc:
        raise RollbackError(str(exc)) from None
    announce(load.collaborative, load)
    return result


def problems_csv(load: Load) -> str:
    """The problems of a load as a CSV a partner can open next to their file."""
    import io

    from civicloop.core import spreadsheet

    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(["row", "column", "problem"])
    for p in load.problems:
        writer.writerow([p["row"], p["column"], p["message"]])
    return out.getvalue()
