"""The measure stage's commands: sources and their refreshes, the worker, Open SDG.

``civicloop/cli.py`` calls `register` once; each command is one function here. Django is
started inside each command (`setup`), so ``civicloop --help`` stays fast. ``civicloop.cli``
is imported inside functions only: it imports this module while it is being imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text

console = Console()

if TYPE_CHECKING:
    from civicloop.measure.models import Refresh, Source
    from civicloop.results.models import Collaborative


def register(app: typer.Typer) -> None:
    app.command()(sources)
    app.command()(refresh)
    app.command()(worker)
    importer = typer.Typer(
        help=gettext_noop("Bring a collaborative in from another format."), no_args_is_help=True
    )
    importer.command("open-sdg")(import_open_sdg)
    app.add_typer(importer, name="import")
    exporter = typer.Typer(
        help=gettext_noop("Write a collaborative out in another format."), no_args_is_help=True
    )
    exporter.command("open-sdg")(export_open_sdg)
    app.add_typer(exporter, name="export")


CollaborativeOption = Annotated[
    str | None,
    typer.Option("--collaborative", "-c", help=gettext_noop("Slug of the collaborative.")),
]


# --- sources and refreshes -------------------------------------------------------------------


@help_text(
    gettext_noop("""List the sources, their schedule, and what their last refresh changed.

    Example: [bold]civicloop sources --collaborative riverton[/bold]
    """)
)
def sources(collaborative: CollaborativeOption = None) -> None:
    setup()
    from civicloop.measure.models import Source

    found = Source.objects.select_related("collaborative").order_by("collaborative__slug", "name")
    if collaborative:
        found = found.filter(collaborative=_collaborative(collaborative))
    found = list(found)
    if not found:
        console.print(_("No sources yet."))
        return
    table = Table(
        _("source"),
        _("collaborative"),
        _("kind"),
        _("every"),
        _("last refreshed"),
        _("next"),
        _("last refresh"),
    )
    latest = {s.pk: s.refreshes.first() for s in found}
    for source in found:
        last = latest[source.pk]
        table.add_row(
            source.name,
            source.collaborative.slug,
            source.kind,
            _every(source.schedule_minutes),
            _when(source.last_refreshed_at),
            _when(source.next_refresh_at),
            _status(last),
        )
    console.print(table)
    for source in found:
        _print_changes(source, latest[source.pk])


@help_text(
    gettext_noop("""Fetch a connector source now, load what it gives, and show what changed.

    Nothing is loaded unless every page was fetched and every row is valid.

    Examples: [bold]civicloop refresh "City 311 requests" -c riverton[/bold] ·
    [bold]civicloop refresh --due[/bold]
    """)
)
def refresh(
    source: Annotated[
        str | None,
        typer.Argument(help=gettext_noop("Name (or id) of the source; omit with --due.")),
    ] = None,
    collaborative: CollaborativeOption = None,
    due: Annotated[
        bool,
        typer.Option("--due", help=gettext_noop("Refresh every source whose turn has come, now.")),
    ] = False,
) -> None:
    setup()
    from civicloop.measure.refresh import due_sources, refresh_source

    if due == bool(source):
        raise _error(_("name one source, or use --due"))
    chosen = list(due_sources()) if due else [_source(source, collaborative)]
    if due and not chosen:
        console.print(_("No source is due."))
    failed = []
    for item in chosen:
        done = refresh_source(item)
        _print_changes(item, done)
        if done.status == "failed":
            failed.append(f"{item.name}: {done.error}")
    if failed:
        raise _error(_("refresh failed: %(why)s") % {"why": "; ".join(failed)})


@help_text(
    gettext_noop("""Run background work: scheduled source refreshes, and every queued task.

    ``civicloop serve`` starts one too (unless told --no-worker).

    Examples: [bold]civicloop worker[/bold] · [bold]civicloop worker --once[/bold] (from cron)
    """)
)
def worker(
    interval: Annotated[
        float,
        typer.Option(help=gettext_noop("Seconds between looks at the queue when it is empty.")),
    ] = 1.0,
    tick: Annotated[
        float, typer.Option(help=gettext_noop("Seconds between looks for due sources."))
    ] = 30.0,
    once: Annotated[
        bool,
        typer.Option("--once", help=gettext_noop("Enqueue what is due, run the queue, and exit.")),
    ] = False,
) -> None:
    setup()
    from civicloop.measure.refresh import run_worker

    if not once:
        console.print(_("Worker running (Ctrl+C to stop)."))
    run_worker(interval=interval, tick=tick, once=once)


# --- Open SDG ------------------------------------------------------------------------------


@help_text(
    gettext_noop("""Import an Open SDG data repository as a collaborative, all or nothing.

    Indicators, disaggregations, observations, targets and progress settings come in
    together, or nothing does; the validation report lists every problem with its file,
    row and column. With --quarantine the sound rows come in and each refused row is kept
    with its problems (see civicloop loads), as civicloop load --quarantine does.

    Example: [bold]civicloop import open-sdg ./open-sdg-data -c newark-sdg --city Newark[/bold]
    """)
)
def import_open_sdg(
    directory: Annotated[
        Path, typer.Argument(help=gettext_noop("Open SDG repository (data/ and meta/)."))
    ],
    collaborative: Annotated[
        str | None,
        typer.Option(
            "--collaborative",
            "-c",
            help=gettext_noop(
                "Slug; created when it does not exist. Default: made from the folder's name."
            ),
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help=gettext_noop("Name of a new collaborative."))
    ] = None,
    city: Annotated[
        str | None, typer.Option(help=gettext_noop("City of a new collaborative."))
    ] = None,
    quarantine: Annotated[
        bool,
        typer.Option(
            "--quarantine",
            help=gettext_noop("Import the sound rows; keep the others, with their problems."),
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=gettext_noop("Validate and report; change nothing."))
    ] = False,
    approve: Annotated[
        bool,
        typer.Option(
            "--approve",
            help=gettext_noop(
                "Approve the imported values as they load (the repository is published, "
                "reviewed data); without it they wait for approval (civicloop approve)."
            ),
        ),
    ] = False,
) -> None:
    setup()
    from civicloop.measure.opensdg import (
        OpenSdgError,
        default_slug,
        import_open_sdg,
        summary_lines,
    )

    slug = collaborative or default_slug(directory)
    try:
        report = import_open_sdg(
            directory,
            slug,
            name=name,
            city=city,
            dry_run=dry_run,
            quarantine=quarantine,
            approve=approve,
        )
    except OpenSdgError as exc:
        raise _error(str(exc)) from None
    for line in summary_lines(report):
        console.print(line, highlight=False, markup=False)
    if report.problems and not report.applied:
        raise _error(f"nothing imported: {len(report.problems)} problem(s), listed above")
    if report.applied:
        console.print(f"[green]Imported[/green] {directory} into {slug}")
    else:
        console.print(_("Dry run: nothing was changed."))


@help_text(
    gettext_noop("""Write a collaborative's indicators as an Open SDG data repository.

    Example: [bold]civicloop export open-sdg ./open-sdg-data -c riverton[/bold]
    """)
)
def export_open_sdg(
    directory: Annotated[
        Path, typer.Argument(help=gettext_noop("Folder to write data/ and meta/ into."))
    ],
    collaborative: Annotated[
        str, typer.Option("--collaborative", "-c", help=gettext_noop("Slug."))
    ],
    declared_only: Annotated[
        bool, typer.Option("--declared-only", help=gettext_noop("Only indicators declared public."))
    ] = False,
) -> None:
    setup()
    from civicloop.measure.opensdg import export_open_sdg as export

    report = export(_collaborative(collaborative), directory, declared_only=declared_only)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    console.print(
        f"[green]Wrote[/green] {report.indicators} indicator(s), {report.data_files} data "
        f"file(s), {report.rows} row(s) to {report.folder}"
    )


# --- helpers -------------------------------------------------------------------------------


def setup() -> None:
    from civicloop.cli import setup as start

    start()


def _error(message: str) -> Exception:
    """The CLI's one-line error (``civicloop.cli.CliError``), imported when needed."""
    from civicloop.cli import CliError

    return CliError(message)


def _collaborative(slug: str) -> Collaborative:
    from civicloop.results.models import Collaborative

    found = Collaborative.objects.filter(slug=slug).first()
    if found is None:
        raise _error(_("no collaborative %(slug)r") % {"slug": slug})
    return found


def _source(name: str | None, collaborative: str | None) -> Source:
    from civicloop.measure.models import Source

    found = Source.objects.select_related("collaborative")
    if collaborative:
        found = found.filter(collaborative=_collaborative(collaborative))
    matches = list(found.filter(name=name)) or (
        list(found.filter(pk=int(name))) if name and name.isdigit() else []
    )
    if not matches:
        if collaborative:
            raise _error(
                _("no source %(name)r in %(collaborative)s")
                % {"name": name, "collaborative": collaborative}
            )
        raise _error(_("no source %(name)r") % {"name": name})
    if len(matches) > 1:
        raise _error(_("several sources are named %(name)r: add --collaborative") % {"name": name})
    return matches[0]


def _every(minutes: int | None) -> str:
    if not minutes:
        return _("by hand")
    if minutes % 1440 == 0:
        return f"{minutes // 1440} day{'s' if minutes > 1440 else ''}"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def _when(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _status(last: Refresh | None) -> str:
    if last is None:
        return _("never")
    return f"{last.status} {_when(last.finished_at or last.started_at)}"


def _print_changes(source: Source, last: Refresh | None) -> None:
    from civicloop.measure.refresh import describe_changes

    if last is None:
        return
    console.print(f"\n[bold]{source.name}[/bold] ({_status(last)})", highlight=False)
    if last.error:
        console.print(f"  error: {last.error}", highlight=False, markup=False)
    for line in describe_changes(last.changes):
        console.print(f"  {line}", highlight=False, markup=False)
