"""``civicloop table ...``: import a registry of organisations, and ask who is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption

console = Console()
table_app = typer.Typer(
    help=gettext_noop("The table: partner organisations, who is missing, seats."),
    no_args_is_help=True,
)


def _collaborative(slug: str | None):
    from civicloop.cli import collaborative_named

    return collaborative_named(slug)


@table_app.command("import-registry")
@help_text(
    gettext_noop("""Import organisations from a registry file: archived, every row checked, all or none.

    The IRS Exempt Organizations Business Master File layout (EIN, NAME, STREET, CITY, STATE,
    ZIP, NTEE_CD, INCOME_AMT...) maps NTEE codes to sectors and ZIP codes to areas.

    Examples: [bold]civicloop table import-registry eo_nj.csv --zip-areas zips.csv[/bold] ·
    [bold]civicloop table import-registry partners.csv --dry-run[/bold]
    """)
)
def import_registry(
    file: Annotated[
        Path,
        typer.Argument(help=gettext_noop("Registry CSV: IRS EO BMF extract or civicloop layout.")),
    ],
    collaborative: CollaborativeOption = None,
    zip_areas: Annotated[
        Path | None,
        typer.Option(
            help=gettext_noop("First load a ZIP crosswalk CSV (zip, area, share) for this table.")
        ),
    ] = None,
    include_outside: Annotated[
        bool,
        typer.Option(
            help=gettext_noop("Also import organisations outside the collaborative's areas.")
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help=gettext_noop("Check every row; import nothing."))
    ] = False,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.table.registry import RegistryError, import_zip_areas
    from civicloop.table.registry import import_registry as run

    collab = _collaborative(collaborative)
    try:
        if zip_areas is not None:
            n = import_zip_areas(zip_areas, collab)
            console.print(
                _("ZIP crosswalk: %(n)s ZIP-area pairs from %(file)s")
                % {"n": f"{n:,}", "file": zip_areas.name}
            )
        report = run(file, collab, dry_run=dry_run, include_outside=include_outside)
    except RegistryError as exc:
        raise CliError(str(exc)) from None
    console.print(
        _(
            "%(file)s (%(layout)s layout): %(total)s rows — %(new)s new, %(updated)s updated, "
            "%(unchanged)s unchanged, %(outside)s outside %(city)s's areas"
        )
        % {
            "file": file.name,
            "layout": report.layout,
            "total": f"{report.rows_total:,}",
            "new": f"{report.rows_created:,}",
            "updated": f"{report.rows_updated:,}",
            "unchanged": f"{report.rows_unchanged:,}",
            "outside": f"{report.rows_outside:,}",
            "city": collab.city,
        }
    )
    if report.problems:
        n = len(report.problems)
        problems = Table(
            title=ngettext("%(n)s problem", "%(n)s problems", n) % {"n": f"{n:,}"},
            title_justify="left",
        )
        problems.add_column(_("Row"), justify="right")
        problems.add_column(_("Column"))
        problems.add_column(_("Problem"))
        for p in report.problems[:50]:
            problems.add_row(str(p.row), p.column, p.message)
        console.print(problems)
        if n > 50:
            console.print(_("... and %(n)s more") % {"n": f"{n - 50:,}"})
        raise CliError(_("nothing imported: fix the rows above and import the file again"))
    if dry_run:
        console.print("[dim]" + _("Dry run: nothing imported.") + "[/dim]")
    else:
        console.print(_("[green]Imported.[/green] The original file is archived in the workspace."))


@table_app.command("missing")
@help_text(
    gettext_noop("""Who is missing from a result's table: organisations without a seat, ranked, with why.

    Example: [bold]civicloop table missing early-literacy[/bold]
    """)
)
def missing_cmd(
    result: Annotated[str, typer.Argument(help=gettext_noop("Result slug, e.g. early-literacy."))],
    collaborative: CollaborativeOption = None,
    limit: Annotated[int, typer.Option(help=gettext_noop("How many suggestions."))] = 10,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.results.models import Result
    from civicloop.table.missing import focus_names, sector_coverage, who_is_missing

    collab = _collaborative(collaborative)
    found = Result.objects.filter(collaborative=collab, slug=result).first()
    if found is None:
        slugs = ", ".join(collab.results.values_list("slug", flat=True))
        raise CliError(
            _("no result %(result)r in %(collaborative)s (results: %(slugs)s)")
            % {"result": result, "collaborative": collab.slug, "slugs": slugs}
        )
    focus = ", ".join(focus_names(found)) or _("the whole city")
    gaps = [str(n.label) for n in sector_coverage(found) if not n.covered]
    out = Table(
        title=_("Who is missing from the %(result)s table (focus: %(focus)s)")
        % {"result": found.title, "focus": focus},
        title_justify="left",
        show_lines=True,
    )
    out.add_column("#", justify="right")
    out.add_column(_("Organisation"))
    out.add_column(_("Sector"))
    out.add_column(_("Score"), justify="right")
    out.add_column(_("Why"))
    for n, s in enumerate(who_is_missing(found, limit=limit), 1):
        out.add_row(
            str(n),
            s.organisation.name,
            str(s.organisation.get_sector_display()),
            f"{s.score:.2f}",
            "\n".join(f"• {r}" for r in s.reasons),
        )
    console.print(out)
    if gaps:
        console.print(
            _("Sectors its indicators need and nobody at the table brings: %(sectors)s")
            % {"sectors": ", ".join(gaps)}
        )


def register(app: typer.Typer) -> None:
    app.add_typer(table_app, name="table")
