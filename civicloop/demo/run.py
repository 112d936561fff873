"""`civicloop demo`: the whole loop on the demo collaborative, with a summary in the terminal."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


def run_demo(console: Console) -> dict:
    from django.core.management import call_command

    from civicloop.demo.install import install

    started = time.perf_counter()
    with console.status("Preparing the database…"):
        call_command("migrate", interactive=False, verbosity=0)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("Measure: loading the demo partners' files", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        demo = install(progress=progress)
    collab = demo.collaborative
    console.print(f"[bold]{collab.name}[/bold] — {collab.city} [dim](synthetic demo data)[/dim]")
    for report in demo.loads:
        console.print(
            f"  measure: {report.load.original_name}: {report.rows_total:,} rows validated, "
            f"{report.rows_created:,} new, {report.rows_changed:,} revised "
            f"(original archived as {report.load.sha256[:12]}…)"
        )
    stages = _later_stages(collab, console)
    _summary(collab, console, stages)
    console.print(f"[dim]Done in {time.perf_counter() - started:.1f} s.[/dim]")
    return {"collaborative": collab, "stages": stages}


def _later_stages(collab, console: Console) -> dict:
    """Run each later stage that exists; each returns a line per indicator, or None."""
    import importlib

    stages: dict = {}
    for name in ("learn", "table", "review", "declare"):
        try:
            mod = importlib.import_module(f"civicloop.{name}.demo_stage")
        except ModuleNotFoundError:
            continue
        stages[name] = mod.run(collab, console)
    return stages


def _summary(collab, console: Console, stages: dict) -> None:
    from civicloop.results.queries import summary_rows

    verdicts = (stages.get("learn") or {}).get("verdicts", {})
    for result in collab.results.all():
        table = Table(title=f"Result: {result.title}", title_justify="left", expand=False)
        table.add_column("Indicator")
        table.add_column("Latest (Riverton)", justify="right")
        table.add_column("Period")
        table.add_column("Target", justify="right")
        table.add_column("Trend" if verdicts else "Better when")
        for row in summary_rows(collab, result.indicators.population()):
            ind = row["indicator"]
            target = ind.target_text or "—"
            trend = verdicts.get(ind.pk) or ("higher" if ind.direction == "higher" else "lower")
            table.add_row(
                ind.name,
                row["latest_text"],
                row["latest"].period.label if row["latest"] else "—",
                target,
                trend,
            )
        console.print(table)
    for name, text in (
        (
            "learn",
            "trend verdicts, progress to target and strategy effects on every indicator page",
        ),
        ("table", "who is missing from the table, commitments, roles and prioritisation rounds"),
        ("review", "the review packet that proposes to stay or change course for each strategy"),
        ("declare", "the public site, PDF report, open data and alerts"),
    ):
        if name not in stages:
            console.print(f"[dim]later stage — {name}: {text} (not built yet)[/dim]")
