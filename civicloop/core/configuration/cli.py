"""``civicloop collaborative new`` and ``civicloop config export | apply | schema``.

A city sets up its own collaborative from the command line: create it empty, give someone
the backbone admin role (``civicloop createuser``), then keep its whole definition in a
file that ``config apply`` makes true.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption

collaborative_app = typer.Typer(
    help=gettext_noop("Create a collaborative."), no_args_is_help=True, rich_markup_mode="rich"
)
config_app = typer.Typer(
    help=gettext_noop("A collaborative's whole definition as a YAML file: export, apply, schema."),
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@collaborative_app.command("new")
@help_text(
    gettext_noop("""Create an empty collaborative, ready for people (createuser) and a configuration.

    Example: [bold]civicloop collaborative new riverton --name "Riverton Cradle to Career"
    --city Riverton[/bold]
    """)
)
def new(
    slug: Annotated[
        str, typer.Argument(help=gettext_noop("Short name used in addresses, e.g. riverton."))
    ],
    name: Annotated[str, typer.Option(help=gettext_noop("Its full name."))],
    city: Annotated[str, typer.Option(help=gettext_noop("The city (or region) it works in."))],
    description: Annotated[
        str, typer.Option(help=gettext_noop("A sentence on what it is for."))
    ] = "",
) -> None:
    from civicloop.cli import CliError, console, setup

    setup()
    from django.core.exceptions import ValidationError

    from civicloop.results.models import Collaborative

    collab = Collaborative(slug=slug, name=name, city=city, description=description)
    try:
        collab.full_clean()
    except ValidationError as exc:
        raise CliError(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        ) from None
    collab.save()
    console.print(f"[green]Created[/green] collaborative {slug} ({name}, {city})")
    console.print(
        f"Next: civicloop createuser NAME --collaborative {slug} --role backbone_admin",
        soft_wrap=True,
    )


@config_app.command("export")
@help_text(
    gettext_noop("""Write the collaborative's whole definition (not its observations) as YAML.

    Secrets in a source's settings are left out, with a warning; name an environment
    variable instead (api_key_env, app_token_env, key_env).

    Example: [bold]civicloop config export -c riverton riverton.yaml[/bold]
    """)
)
def export(
    file: Annotated[
        Path | None,
        typer.Argument(help=gettext_noop("Where to write the YAML (default: print it).")),
    ] = None,
    collaborative: CollaborativeOption = None,
) -> None:
    from civicloop.cli import collaborative_named, console, err, setup

    setup()
    from civicloop.core.configuration import dump_yaml, export_configuration

    collab = collaborative_named(collaborative)
    warnings: list[str] = []
    text = dump_yaml(export_configuration(collab, warnings))
    for warning in warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    if file is None:
        typer.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    console.print(f"Wrote {collab.slug}'s configuration to {file}")


@config_app.command("apply")
@help_text(
    gettext_noop("""Create or update a collaborative from its configuration file, all or nothing.

    Prints each change; a second apply of the same file prints "no changes". Problems are
    named by their path in the file, e.g. results[2].indicators[0].targets[1].period.

    Example: [bold]civicloop config apply riverton.yaml --dry-run[/bold]
    """)
)
def apply(
    file: Annotated[Path, typer.Argument(help=gettext_noop("The YAML configuration file."))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=gettext_noop("Say what would change; change nothing."))
    ] = False,
    slug: Annotated[
        str | None, typer.Option(help=gettext_noop("Apply it under this slug instead (a copy)."))
    ] = None,
) -> None:
    import yaml

    from civicloop.cli import CliError, console, err, setup

    setup()
    from civicloop.core.configuration import ConfigurationError, apply_configuration

    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(f"no file {file}") from None
    except yaml.YAMLError as exc:
        raise CliError(f"{file} is not valid YAML: {exc}") from None
    try:
        applied = apply_configuration(data, slug=slug, dry_run=dry_run)
    except ConfigurationError as exc:
        for problem in exc.problems:
            err.print(f"{file}: {problem}", highlight=False, soft_wrap=True, markup=False)
        raise CliError(f"{len(exc.problems)} problem(s); nothing was changed") from None
    verb = "would " if dry_run else ""
    for change in applied.changes:
        console.print(f"{verb}{change}", highlight=False, soft_wrap=True, markup=False)
    for note in applied.notes:
        console.print(note, style="dim", highlight=False, soft_wrap=True, markup=False)
    slug_done = applied.collaborative.slug
    if not applied.changes:
        console.print(f"no changes: {slug_done} already matches {file}")
    elif dry_run:
        console.print(f"dry run: {len(applied.changes)} change(s) to {slug_done}, none made")
    else:
        console.print(f"[green]{len(applied.changes)} change(s)[/green] made to {slug_done}")


@config_app.command("schema")
@help_text(
    gettext_noop("""Print the JSON Schema of the configuration file, for editors' completion and checks.

    Example: [bold]civicloop config schema > civicloop-config.schema.json[/bold]
    """)
)
def schema(
    file: Annotated[
        Path | None, typer.Argument(help=gettext_noop("Where to write it (default: print it)."))
    ] = None,
) -> None:
    from civicloop.cli import setup

    setup(must_exist=False)
    from civicloop.core.configuration.schema import configuration_schema

    text = json.dumps(configuration_schema(), indent=2, ensure_ascii=False) + "\n"
    if file is None:
        typer.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.add_typer(collaborative_app, name="collaborative")
    app.add_typer(config_app, name="config")
