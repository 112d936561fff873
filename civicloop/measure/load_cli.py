"""``civicloop load``, ``civicloop loads`` and ``civicloop rollback``: files in, from the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption

console = Console()


def _collaborative(slug: str | None):
    from civicloop.cli import collaborative_named

    return collaborative_named(slug)


@help_text(
    gettext_noop("""Load observations from a file: archived, every row validated, all or nothing.

    Examples: [bold]civicloop load partners.csv --source "School district"[/bold] ·
    [bold]civicloop load wide.xlsx --mapping '{"columns": {"Ward": "area"}, "constants":
    {"indicator": "chronic-absence"}, "wide": "periods"}' --dry-run[/bold]
    """)
)
def load(
    file: Annotated[
        Path, typer.Argument(help=gettext_noop("CSV, TSV, Excel (.xlsx) or datapackage.json."))
    ],
    collaborative: CollaborativeOption = None,
    source: Annotated[
        str | None, typer.Option(help=gettext_noop("Source name; its mapping is remembered."))
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            help=gettext_noop("Column mapping: a JSON file or inline JSON (see measure.mapping).")
        ),
    ] = None,
    quarantine: Annotated[
        bool,
        typer.Option(help=gettext_noop("Load the sound rows and keep the others in quarantine.")),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help=gettext_noop("Check every row; write nothing."))
    ] = False,
    errors: Annotated[
        Path | None, typer.Option(help=gettext_noop("Write the problems to this CSV file."))
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--as",
            "--user",
            help=gettext_noop(
                "Load as this user, with their rights: a partner writes only the indicators "
                "its organisation stewards. Without it you load as the operator (backbone staff)."
            ),
        ),
    ] = None,
    approve: Annotated[
        bool,
        typer.Option(
            help=gettext_noop(
                "Approve what the load writes as it loads (backbone staff only); without it "
                "new and revised values wait for approval (civicloop approve)."
            )
        ),
    ] = False,
    decimal: Annotated[
        str | None,
        typer.Option(
            help=gettext_noop(
                "The file's decimal mark, '.' or ',' (default: the source's setting, else "
                "read from the file's numbers)."
            )
        ),
    ] = None,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.core import access
    from civicloop.core.models import User
    from civicloop.measure.loads import LoadError, load_file
    from civicloop.measure.models import Source

    collab = _collaborative(collaborative)
    the_source = None
    if source:
        the_source, _created = Source.objects.get_or_create(collaborative=collab, name=source)
    the_mapping = None
    if mapping:
        text = Path(mapping).read_text() if Path(mapping).is_file() else mapping
        try:
            the_mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(
                _("--mapping is neither a file nor JSON: %(error)s") % {"error": exc}
            ) from None
    who = User.objects.filter(username=user).first() if user else None
    if user and who is None:
        raise CliError(_("no user %(user)r") % {"user": user})
    with Progress(
        TextColumn("[bold]Loading {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(file.name, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            if not console.is_terminal:  # logs and scripts get a plain line per step
                print(
                    _("written %(done)s of %(total)s rows") % {"done": done, "total": total},
                    flush=True,
                )

        try:
            report = load_file(
                file,
                collab,
                source=the_source,
                user=who,
                mapping=the_mapping,
                on_problems="quarantine" if quarantine else "reject",
                dry_run=dry_run,
                progress=progress,
                decimal=decimal,
                writer=None if who else access.OPERATOR,
                approve=approve,
            )
        except LoadError as exc:
            raise CliError(str(exc)) from None
    print_report(report)
    if errors and report.problems:
        _write_problems(report.problems, errors)
        console.print(_("Problems written to %(path)s") % {"path": errors})
    if report.problem_count and not quarantine:
        raise typer.Exit(2)


def print_report(report) -> None:
    for note in report.notes:
        console.print("[yellow]" + _("note:") + f"[/yellow] {note}")
    if report.problems:
        table = Table(
            title=_("%(n)s problem(s)") % {"n": f"{report.problem_count:,}"}, title_justify="left"
        )
        table.add_column(_("Row"), justify="right")
        table.add_column(_("Column"))
        table.add_column(_("Problem"))
        for p in report.problems[:50]:
            table.add_row(str(p.row), p.column, p.message)
        console.print(table)
        if report.problem_count > 50:
            console.print(
                _("… and %(n)s more (use --errors FILE for all)")
                % {"n": f"{report.problem_count - 50:,}"}
            )
    warnings = report.warnings
    if warnings:
        table = Table(
            title=_("%(n)s unusual value(s), loaded all the same: check them")
            % {"n": f"{report.warning_count:,}"},
            title_justify="left",
        )
        table.add_column(_("Row"), justify="right")
        table.add_column(_("Column"))
        table.add_column(_("Warning"))
        for p in warnings[:20]:
            table.add_row(str(p.row), p.column, p.message)
        console.print(table)
        if report.warning_count > 20:
            console.print(_("… and %(n)s more") % {"n": f"{report.warning_count - 20:,}"})
    verdict = {
        "applied": "[green]" + _("Loaded") + "[/green]",
        "partial": "[yellow]" + _("Loaded the sound rows") + "[/yellow]",
        "no_change": "[green]" + _("Already loaded: no change") + "[/green]",
        "rejected": "[red]" + _("Nothing written") + "[/red]",
        "dry_run": "[cyan]" + _("Dry run: nothing written") + "[/cyan]",
    }[str(report.status)]
    load_id = " " + _("(load #%(id)s)") % {"id": report.load.pk} if report.load else ""
    counts = _("%(total)s rows; %(new)s new, %(revised)s revised, %(unchanged)s unchanged") % {
        "total": f"{report.rows_total:,}",
        "new": f"{report.rows_created:,}",
        "revised": f"{report.rows_changed:,}",
        "unchanged": f"{report.rows_unchanged:,}",
    }
    if report.rows_quarantined:
        counts += ", " + _("%(n)s in quarantine") % {"n": f"{report.rows_quarantined:,}"}
    console.print(f"{verdict}{load_id}: {counts}")
    if report.load and report.status in ("applied", "partial"):
        if report.approved:
            console.print(_("Approved as loaded: the public sees these values."))
        elif report.rows_created or report.rows_changed:
            console.print(
                _("New and revised values wait for approval:")
                + f" [bold]civicloop approve --load {report.load.pk}[/bold]"
            )


def _write_problems(problems, path: Path) -> None:
    from civicloop.core import spreadsheet

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = spreadsheet.writer(fh)
        writer.writerow(["row", "column", "problem"])
        for p in problems:
            writer.writerow([p.row, p.column, p.message])


@help_text(
    gettext_noop("""List loads, newest first: file, status and what each changed.

    Example: [bold]civicloop loads -c riverton[/bold]
    """)
)
def loads(
    collaborative: CollaborativeOption = None,
    limit: Annotated[int, typer.Option(help=gettext_noop("How many, newest first."))] = 20,
) -> None:
    from civicloop.cli import setup

    setup()
    from civicloop.measure.models import Load

    collab = _collaborative(collaborative)
    table = Table(
        title=_("Loads into %(collaborative)s") % {"collaborative": collab.name},
        title_justify="left",
    )
    for col in ("#", _("When"), _("File"), _("Status"), _("Rows"), _("New"), _("Revised"), _("By")):
        table.add_column(col)
    for item in Load.objects.filter(collaborative=collab).select_related("created_by")[:limit]:
        table.add_row(
            str(item.pk),
            f"{item.created_at:%Y-%m-%d %H:%M}",
            item.original_name,
            item.status,
            f"{item.rows_total:,}",
            f"{item.rows_created:,}",
            f"{item.rows_changed:,}",
            str(item.created_by or "—"),
        )
    console.print(table)


@help_text(
    gettext_noop("""Undo a whole load: its new values removed, the values it changed restored.

    Example: [bold]civicloop rollback 42[/bold]
    """)
)
def rollback(
    load_id: Annotated[
        int, typer.Argument(help=gettext_noop("The load's number (see civicloop loads)."))
    ],
    user: Annotated[
        str | None, typer.Option(help=gettext_noop("Record the rollback as this user."))
    ] = None,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.core.models import User
    from civicloop.measure.loads import RollbackError
    from civicloop.measure.loads import rollback as undo
    from civicloop.measure.models import Load

    target = Load.objects.filter(pk=load_id).first()
    if target is None:
        raise CliError(_("no load #%(id)s") % {"id": load_id})
    try:
        result = undo(target, User.objects.filter(username=user).first() if user else None)
    except RollbackError as exc:
        raise CliError(str(exc)) from None
    console.print(
        "[green]"
        + _("Rolled back")
        + "[/green] "
        + _("load #%(id)s: %(removed)s new values removed, %(restored)s restored")
        % {
            "id": load_id,
            "removed": f"{result['removed']:,}",
            "restored": f"{result['restored']:,}",
        }
    )


records_app = typer.Typer(
    help=gettext_noop("Raw record tables that indicators are computed from."), no_args_is_help=True
)


@records_app.command("load")
@help_text(
    gettext_noop("""Archive and register a table of raw records (311 requests, attendance, permits…).

    Example: [bold]civicloop records load requests-2025.parquet --name housing-complaints[/bold]
    """)
)
def records_load(
    file: Annotated[
        Path, typer.Argument(help=gettext_noop("A CSV or Parquet file of raw records."))
    ],
    name: Annotated[str, typer.Option(help=gettext_noop("The table name computations use."))],
    collaborative: Annotated[str | None, typer.Option("--collaborative", "-c")] = None,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.measure.loads import LoadError
    from civicloop.measure.records import register_table

    try:
        table = register_table(file, _collaborative(collaborative), name)
    except LoadError as exc:
        raise CliError(str(exc)) from None
    console.print(
        f"[green]Registered[/green] {table.name}: {table.rows:,} records, columns "
        + ", ".join(table.columns)
    )


@records_app.command("list")
@help_text(
    gettext_noop("""List the registered raw record tables.

    Example: [bold]civicloop records list[/bold]
    """)
)
def records_list(
    collaborative: Annotated[str | None, typer.Option("--collaborative", "-c")] = None,
) -> None:
    from civicloop.cli import setup

    setup()
    from civicloop.measure.models import RecordTable

    table = Table(title="Raw record tables", title_justify="left")
    for col in ("Name", "Records", "File", "Columns"):
        table.add_column(col)
    for item in RecordTable.objects.filter(collaborative=_collaborative(collaborative)):
        table.add_row(item.name, f"{item.rows:,}", item.original_name, ", ".join(item.columns))
    console.print(table)


@help_text(
    gettext_noop("""Compute indicators from raw records and load the results like any file.

    Examples: [bold]civicloop compute[/bold] · [bold]civicloop compute housing-complaint-days
    --engine spark[/bold]
    """)
)
def compute(
    indicators: Annotated[
        list[str] | None,
        typer.Argument(help=gettext_noop("Indicator slugs (default: all computed).")),
    ] = None,
    engine: Annotated[
        str, typer.Option(help=gettext_noop("duckdb (embedded), postgres or spark."))
    ] = "duckdb",
    collaborative: Annotated[str | None, typer.Option("--collaborative", "-c")] = None,
    dry_run: Annotated[
        bool, typer.Option(help=gettext_noop("Compute and check; write nothing."))
    ] = False,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.measure.records import ComputeError, compute_indicators

    with console.status(f"Computing on {engine}…"):
        try:
            done = compute_indicators(
                _collaborative(collaborative),
                only=indicators or None,
                engine=engine,
                dry_run=dry_run,
            )
        except ComputeError as exc:
            raise CliError(str(exc)) from None
    if not done:
        console.print("No indicator here is computed from raw records.")
    for item in done:
        console.print(
            f"[bold]{item.indicator.slug}[/bold] on {engine}: {item.rows:,} observations"
            + (
                f" ({item.skipped_missing:,} cells with no area or group left out)"
                if item.skipped_missing
                else ""
            )
        )
        if item.report is None:
            console.print("  the computation matched no records: nothing to load")
            continue
        print_report(item.report)
        if item.report.problem_count:
            raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("load")(load)
    app.command("loads")(loads)
    app.command("rollback")(rollback)
    app.command("compute")(compute)
    app.add_typer(records_app, name="records")
