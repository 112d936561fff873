"""What an import or export did, for people (the CLI) and for tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from civicloop.measure.opensdg.repository import ImportProblem


@dataclass
class ImportReport:
    collaborative: str
    folder: str
    dry_run: bool = False
    applied: bool = False
    quarantine: bool = False
    created: dict[str, int] = field(default_factory=dict)
    indicators_updated: int = 0
    rows_created: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n


@dataclass
class ExportReport:
    folder: str
    indicators: int = 0
    data_files: int = 0
    rows: int = 0
    notes: list[str] = field(default_factory=list)


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
        if report.rows_quarantined:
            yield f"quarantined: {report.rows_quarantined} row(s) with problems, listed below"
    elif not report.problems:
        yield f"would create {created}; would update {report.indicators_updated} indicator(s)"
        yield f"would load {rows}"
    for note in report.notes:
        yield f"note: {note}"
    for problem in report.problems:
        yield f"problem: {problem}"
