"""The command line: ``civicloop ...``. One entry point; each stage adds its own commands.

Errors are one clear line on stderr and a non-zero exit code; set ``CIVICLOOP_DEBUG=1`` to
see the traceback behind an unexpected one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from civicloop import __version__
from civicloop.cli_language import TranslatedGroup, gettext_noop, help_text

console = Console()
err = Console(stderr=True)

app = typer.Typer(
    name="civicloop",
    cls=TranslatedGroup,
    help=gettext_noop(
        "Run a collaborative's loop: results, the table, measure, learn, review, declare."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class CliError(Exception):
    """Shown to the user as one line: 'error: <message>'."""


def _(message: str) -> str:
    """`message` in the command's language (``CIVICLOOP_LANGUAGE``), once Django is set up;
    before that (no workspace yet) in English, the only language known without settings."""
    from django.conf import settings

    if not settings.configured:
        return message
    from django.utils.translation import gettext

    return gettext(message)


def setup(workspace: Path | None = None, *, must_exist: bool = True) -> None:
    """Point settings at the workspace and start Django (once per process)."""
    if workspace is not None:
        os.environ["CIVICLOOP_WORKSPACE"] = str(Path(workspace).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.core.settings")
    from civicloop.core.workspace import current

    ws = current()
    if must_exist and not ws.exists() and not os.environ.get("CIVICLOOP_DATABASE_URL"):
        raise CliError(
            _("no workspace at %(path)s: run 'civicloop init %(path)s' first") % {"path": ws.path}
        )
    import django

    django.setup()
    # What the command says to people (verdict sentences, the review packet's PDF) is in
    # CIVICLOOP_LANGUAGE (en or es; default English); files and JSON are the same in both.
    from django.utils import translation

    translation.activate(os.environ.get("CIVICLOOP_LANGUAGE") or "en")


def collaborative_named(slug: str | None):
    """The collaborative a command acts on: the one named, else the only one there is."""
    from civicloop.results.models import Collaborative

    if slug:
        found = Collaborative.objects.filter(slug=slug).first()
        if found is None:
            raise CliError(_("no collaborative %(slug)r") % {"slug": slug})
        return found
    found = list(Collaborative.objects.all()[:2])
    if len(found) != 1:
        raise CliError(_("several collaboratives (or none): name one with --collaborative"))
    return found[0]


def migrate_database(quiet: bool = True) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


def version_callback(value: bool) -> None:
    if value:
        console.print(f"civicloop {__version__}")
        raise typer.Exit()


@app.callback()
@help_text(
    gettext_noop("""civicloop runs the loop: results first → the table → build, measure, learn, declare.

    The workspace is the folder named by CIVICLOOP_WORKSPACE (default ./civicloop-workspace);
    CIVICLOOP_DATABASE_URL=postgres://... selects PostgreSQL instead of the embedded SQLite.
    """)
)
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help=gettext_noop("Show the version."),
        ),
    ] = False,
) -> None:
    pass


@app.command()
@help_text(
    gettext_noop("""Create a workspace (settings file, secret key, database) and migrate it.

    Example: [bold]civicloop init ./riverton[/bold]
    """)
)
def init(
    directory: Annotated[
        Path | None, typer.Argument(help=gettext_noop("Workspace folder to create."))
    ] = None,
    name: Annotated[
        str | None, typer.Option(help=gettext_noop("A name for the workspace."))
    ] = None,
) -> None:
    from civicloop.core.workspace import Workspace, current

    ws = Workspace(directory.expanduser().resolve()) if directory else current()
    created = ws.init(name)
    setup(ws.path)
    migrate_database()
    what = _("Created workspace") if created else _("Updated workspace")
    console.print(f"[green]{what}[/green] {ws.path}")
    console.print(
        _("Use it with: %(command)s") % {"command": f"export CIVICLOOP_WORKSPACE={ws.path}"}
    )


@app.command()
@help_text(
    gettext_noop("""Apply database migrations to the current workspace's database.

    Example: [bold]CIVICLOOP_WORKSPACE=./riverton civicloop migrate[/bold]
    """)
)
def migrate() -> None:
    setup()
    migrate_database(quiet=False)


@app.command()
@help_text(
    gettext_noop("""Create a person who signs in, optionally with a role on a collaborative.

    Example: [bold]civicloop createuser sam --collaborative riverton --role partner_member
    --organisation little-steps-child-care-alliance[/bold]
    """)
)
def createuser(
    username: Annotated[str, typer.Argument(help=gettext_noop("Login name."))],
    collaborative: Annotated[
        str | None,
        typer.Option(help=gettext_noop("Slug of the collaborative the role applies to.")),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(help=gettext_noop("backbone_admin, chair, partner_member or analyst.")),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(help=gettext_noop("Organisation slug (required for partner_member).")),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help=gettext_noop("Password; asked for when omitted."), envvar="CIVICLOOP_PASSWORD"
        ),
    ] = None,
    superuser: Annotated[bool, typer.Option(help=gettext_noop("Platform administrator."))] = False,
) -> None:
    setup()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from civicloop.core.models import Membership, Role, User
    from civicloop.results.models import Collaborative
    from civicloop.table.models import Organisation

    if role and role not in Role.values:
        raise CliError(
            _("unknown role %(role)r: use one of %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if role and not collaborative:
        raise CliError(_("--role needs --collaborative"))
    if User.objects.filter(username=username).exists():
        raise CliError(_("user %(user)r already exists") % {"user": username})
    collab = org = None
    if collaborative:
        collab = Collaborative.objects.filter(slug=collaborative).first()
        if collab is None:
            raise CliError(_("no collaborative %(slug)r") % {"slug": collaborative})
    if role == Role.PARTNER_MEMBER and not organisation:
        raise CliError(_("a partner_member needs --organisation"))
    if organisation:
        org = Organisation.objects.filter(collaborative=collab, slug=organisation).first()
        if org is None:
            raise CliError(
                _("no organisation %(organisation)r in %(collaborative)s")
                % {"organisation": organisation, "collaborative": collaborative}
            )
    if password is None:
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    user = User(username=username, is_superuser=superuser, is_staff=superuser)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise CliError(" ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    if role:
        Membership.objects.create(user=user, collaborative=collab, role=role, organisation=org)
    console.print(
        _("[green]Created[/green] %(user)s") % {"user": username}
        + (
            " "
            + _("(%(role)s on %(collaborative)s)") % {"role": role, "collaborative": collaborative}
            if role
            else ""
        )
    )


@app.command()
@help_text(
    gettext_noop("""Serve the web application with gunicorn (static files by whitenoise).

    The background worker that refreshes scheduled sources runs alongside unless
    --no-worker is given (then run it yourself with: civicloop worker).

    Example: [bold]civicloop serve --port 8080[/bold]
    """)
)
def serve(
    host: Annotated[str, typer.Option(help=gettext_noop("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=gettext_noop("Port to listen on."))] = 8000,
    workers: Annotated[int, typer.Option(help=gettext_noop("Worker processes."))] = 2,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help=gettext_noop("Also run the background task worker (refreshes)."),
        ),
    ] = True,
) -> None:
    setup()
    migrate_database()
    handle = _background_worker() if worker else None
    try:
        run_server(host, port, workers)
    finally:
        if handle is not None:
            handle.stop()


def _background_worker():
    try:
        from civicloop.measure.refresh import start_background_worker
    except ModuleNotFoundError:
        return None
    return start_background_worker()


def run_server(host: str, port: int, workers: int = 2) -> None:
    from civicloop.core.server import serve as gunicorn_serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        os.environ.setdefault("CIVICLOOP_ALLOWED_HOSTS", f"{host},localhost,127.0.0.1")
    console.print(
        _("Serving on %(address)s (Ctrl+C to stop)")
        % {"address": f"[bold]http://{host}:{port}/[/bold]"}
    )
    gunicorn_serve(host, port, workers)


@app.command()
@help_text(
    gettext_noop("""Build the demo collaborative and run the whole loop on it, then serve the web app.

    The demo's data are synthetic, generated with a fixed seed. Running it again rebuilds
    the demo collaborative from scratch.

    Examples: [bold]civicloop demo[/bold] · [bold]civicloop demo --no-serve[/bold]
    """)
)
def demo(
    serve_: Annotated[
        bool, typer.Option("--serve/--no-serve", help=gettext_noop("Serve the web app when done."))
    ] = True,
    port: Annotated[int, typer.Option(help=gettext_noop("Port for the web app."))] = 8000,
    host: Annotated[str, typer.Option(help=gettext_noop("Address for the web app."))] = "127.0.0.1",
    workspace: Annotated[
        Path | None,
        typer.Option(
            help=gettext_noop(
                "Demo workspace (default: CIVICLOOP_WORKSPACE, else ./civicloop-demo)."
            )
        ),
    ] = None,
) -> None:
    from civicloop.core.workspace import Workspace

    path = workspace or Path(os.environ.get("CIVICLOOP_WORKSPACE") or "civicloop-demo")
    ws = Workspace(path.expanduser().resolve())
    ws.init("Riverton demo")
    setup(ws.path)
    from civicloop.demo.run import run_demo

    run_demo(console)
    from civicloop.demo.install import DEMO_PASSWORD, DEMO_USERS

    names = [f"[bold]{username}[/bold]" for username, *_ in DEMO_USERS]
    where = f"http://{host}:{port}/accounts/login/"
    if not serve_:
        where += f" (after: CIVICLOOP_WORKSPACE={ws.path} civicloop serve)"
    console.print(
        f"\nSign in at {where} as {', '.join(names[:-1])} or {names[-1]}, "
        f"password [bold]{DEMO_PASSWORD}[/bold]",
        soft_wrap=True,
    )
    if serve_:
        run_server(host, port)


def _register_stage_commands() -> None:
    """Each stage owns its commands; they are added here, in one place."""
    import importlib

    for module in (
        "civicloop.core.configuration.cli",
        "civicloop.measure.load_cli",
        "civicloop.measure.cli",
        "civicloop.measure.calendar_cli",
        "civicloop.results.cli",
        "civicloop.core.cli",
        "civicloop.learn.cli",
        "civicloop.table.cli",
        "civicloop.review.cli",
        "civicloop.declare.cli",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)


_register_stage_commands()


def main() -> None:
    try:
        code = app(standalone_mode=False)
        # Without standalone mode, click returns a command's exit code instead of exiting.
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print(_("aborted"))
        sys.exit(1)
    except CliError as exc:
        err.print(f"[red]{_('error:')}[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence is one clear line
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click's usage errors
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("CIVICLOOP_DEBUG") == "1":
            raise
        name = type(exc).__name__
        err.print(f"[red]{_('error:')}[/red] {name}: {exc}", highlight=False, soft_wrap=True)
        err.print(_("(set CIVICLOOP_DEBUG=1 to see the traceback)"), style="dim")
        sys.exit(1)


if __name__ == "__main__":
    # Run as `python -m civicloop.cli`, this file is loaded twice (as __main__ and as
    # civicloop.cli); use the second copy so exceptions and commands are one set.
    from civicloop.cli import main as _main

    _main()
