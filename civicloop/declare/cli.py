"""``civicloop declare build | report | alerts | list | draft | check``: publishing from the terminal.

``civicloop.cli`` is imported inside functions only: it imports this module while it is
being imported.
"""

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


def register(app: typer.Typer) -> None:
    declare = typer.Typer(
        help=gettext_noop(
            "Declare: the public site, the PDF report, open data, declarations and alerts."
        ),
        no_args_is_help=True,
    )
    declare.command()(build)
    declare.command()(report)
    declare.command()(alerts)
    declare.command(name="list")(list_declarations)
    declare.command()(draft)
    declare.command()(check)
    declare.command(name="demo-network")(demo_network)
    app.add_typer(declare, name="declare")


def _collaborative(slug: str | None):
    from civicloop.cli import collaborative_named, setup

    setup()
    return collaborative_named(slug)


@help_text(
    gettext_noop("""Write the public site as static files: pages, charts, open data, feeds.

    Network, collaborative, result and indicator pages with their charts (drawn as SVG: no
    JavaScript, no CDN), the declarations, the decision log, methodology, and CSV / JSON /
    Frictionless data packages per collaborative and per indicator. Only public
    collaboratives and their declared indicators.

    Examples: [bold]civicloop declare build public/[/bold] ·
    [bold]civicloop declare build site/ -c riverton --base-url https://progress.riverton.org/[/bold]
    """)
)
def build(
    out: Annotated[Path, typer.Argument(help=gettext_noop("Folder to write the site into."))],
    collaborative: Annotated[
        list[str] | None,
        typer.Option(
            "--collaborative",
            "-c",
            help=gettext_noop("Only this collaborative (repeatable); default: all public."),
        ),
    ] = None,
    base_url: Annotated[
        str,
        typer.Option(
            help=gettext_noop("The address the site will be served at (for the feed and embeds).")
        ),
    ] = "",
    analyse: Annotated[
        bool,
        typer.Option(
            "--analyse/--no-analyse", help=gettext_noop("Bring verdicts up to date first.")
        ),
    ] = True,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.declare.site import BuildError
    from civicloop.declare.site import build as build_site
    from civicloop.results.models import Collaborative

    chosen = None
    if collaborative:
        chosen = list(Collaborative.objects.filter(slug__in=collaborative))
        missing = set(collaborative) - {c.slug for c in chosen}
        if missing:
            raise CliError(_("no collaborative %(slugs)s") % {"slugs": ", ".join(sorted(missing))})
    try:
        with console.status(_("Building the public site…")) as status:
            done = build_site(
                out, chosen, base_url=base_url, analyse=analyse, progress=status.update
            )
    except BuildError as exc:
        raise CliError(str(exc)) from None
    console.print(
        _(
            "[green]Built[/green] %(pages)s pages and %(files)s data files (%(size)s MB) for "
            "%(collaboratives)s in %(seconds)s s (%(rate)s pages/s)"
        )
        % {
            "pages": f"{done.pages:,}",
            "files": f"{done.files:,}",
            "size": f"{done.bytes / 1e6:.1f}",
            "collaboratives": ", ".join(done.collaboratives) or _("no collaborative"),
            "seconds": f"{done.seconds:.1f}",
            "rate": f"{done.pages_per_second:,.0f}",
        }
    )
    console.print(
        _("Largest page: %(page)s (%(size)s KB). Open %(index)s")
        % {
            "page": done.largest_page[0],
            "size": f"{done.largest_page[1] / 1024:.0f}",
            "index": done.out / "index.html",
        }
    )


@help_text(
    gettext_noop("""Write a PDF progress report: each result, each indicator's chart and verdicts.

    Example: [bold]civicloop declare report -c riverton -o riverton.pdf[/bold]
    """)
)
def report(
    collaborative: CollaborativeOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=gettext_noop("PDF file (default <slug>-report.pdf).")),
    ] = None,
    everything: Annotated[
        bool,
        typer.Option(
            "--everything",
            help=gettext_noop("Include what is not declared (for the table, not the public)."),
        ),
    ] = False,
) -> None:
    from civicloop.cli import CliError

    collab = _collaborative(collaborative)
    if not collab.is_public and not everything:
        raise CliError(
            f"{collab.slug} is not public: nothing is declared; use --everything for the table's edition"
        )
    from civicloop.declare.report import write_report

    with console.status(_("Writing the report…")):
        path = write_report(
            collab, output or Path(f"{collab.slug}-report.pdf"), everything=everything
        )
    console.print(
        _("[green]Wrote[/green] %(file)s (%(size)s KB)")
        % {"file": path, "size": f"{path.stat().st_size / 1024:.0f}"}
    )


@help_text(
    gettext_noop("""Check for changes and send each subscriber's alerts, once.

    A change of an indicator's trend verdict, of a strategy's evidence (its adjusted
    p-value or interval crossing the threshold), or a commitment falling overdue. Email
    goes by SMTP when CIVICLOOP_SMTP_URL is set (else into the workspace's outbox/);
    webhooks are signed (X-Civicloop-Signature: sha256=...). Run it after loads, or from
    cron: a second run sends nothing new.

    Example: [bold]CIVICLOOP_SMTP_URL=smtp://mail.example.org:25 civicloop declare alerts[/bold]
    """)
)
def alerts(
    collaborative: CollaborativeOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=gettext_noop("Notice changes and create alerts; send nothing.")
        ),
    ] = False,
) -> None:
    collab = _collaborative(collaborative)
    from civicloop.declare.alerts import check

    done = check(collab, send=not dry_run)
    for event in done.events:
        console.print(
            "  " + _("changed: %(subject)s") % {"subject": event.subject}, highlight=False
        )
    for line in done.sent:
        console.print("  [green]" + _("sent") + f"[/green] {line}", highlight=False)
    for line in done.failed:
        console.print(
            "  [red]"
            + _("failed")
            + "[/red] "
            + _("%(line)s (retried next time)") % {"line": line},
            highlight=False,
        )
    counts = {
        "changes": len(done.events),
        "alerts": len(done.alerts),
        "sent": len(done.sent),
        "failed": len(done.failed),
    }
    console.print(
        ", ".join(
            [
                ngettext("%(changes)d change", "%(changes)d changes", counts["changes"]) % counts,
                ngettext("%(alerts)d new alert", "%(alerts)d new alerts", counts["alerts"])
                % counts,
                _("%(sent)d sent") % counts,
                _("%(failed)d failed") % counts,
            ]
        )
    )


@help_text(
    gettext_noop("""List the declarations: status, what the evidence says, and the statement.

    Example: [bold]civicloop declare list -c riverton[/bold]
    """)
)
def list_declarations(collaborative: CollaborativeOption = None) -> None:
    collab = _collaborative(collaborative)
    from civicloop.declare.models import Declaration

    table = Table(
        title=_("Declarations: %(collaborative)s") % {"collaborative": collab.name},
        title_justify="left",
    )
    for col in ("#", _("Status"), _("Indicator"), _("Area"), _("Evidence says"), _("Statement")):
        table.add_column(col)
    for d in Declaration.objects.filter(collaborative=collab).select_related("indicator", "area"):
        table.add_row(
            str(d.pk),
            str(d.get_status_display()),
            d.indicator.name,
            d.area.name,
            d.evidence.get("trend", {}).get("words", ""),
            d.text,
        )
    console.print(table)


@help_text(
    gettext_noop("""Draft a declaration from the evidence as it is now; print it.

    Example: [bold]civicloop declare draft third-grade-reading --area south --as dana[/bold]
    """)
)
def draft(
    indicator: Annotated[str, typer.Argument(help=gettext_noop("Indicator slug."))],
    area: Annotated[
        str | None,
        typer.Option("--area", "-a", help=gettext_noop("Area code (default: the city).")),
    ] = None,
    as_user: Annotated[
        str,
        typer.Option(
            "--as",
            help=gettext_noop("Username of the staff member drafting (backbone or analyst)."),
        ),
    ] = "",
    collaborative: CollaborativeOption = None,
) -> None:
    from civicloop.cli import CliError

    collab = _collaborative(collaborative)
    from django.core.exceptions import PermissionDenied

    from civicloop.core.models import User
    from civicloop.declare import workflow
    from civicloop.declare.drafting import NoEvidence
    from civicloop.results.models import Area, Indicator
    from civicloop.results.queries import top_area

    ind = Indicator.objects.filter(result__collaborative=collab, slug=indicator).first()
    if ind is None:
        raise CliError(
            _("no indicator %(indicator)r in %(collaborative)s")
            % {"indicator": indicator, "collaborative": collab.slug}
        )
    the_area = (
        Area.objects.filter(collaborative=collab, code=area).first() if area else top_area(collab)
    )
    if the_area is None:
        raise CliError(
            _("no area %(area)r in %(collaborative)s")
            % {"area": area, "collaborative": collab.slug}
        )
    user = User.objects.filter(username=as_user).first()
    if user is None:
        raise CliError(_("name the staff member drafting with --as USERNAME"))
    try:
        made = workflow.draft(ind, the_area, user)
    except PermissionDenied as exc:
        raise CliError(str(exc)) from None
    except NoEvidence as exc:
        raise CliError(str(exc)) from None
    console.print(_("[green]Drafted[/green] declaration #%(n)s:") % {"n": made.pk})
    console.print(made.text, highlight=False)


@help_text(
    gettext_noop("""Check a statement against the evidence, sentence by sentence: every number and every
    claim of direction or progress. Exits 1 when any claim is not supported.

    Example: [bold]civicloop declare check -c riverton -i rent-burden "Rent burden fell."[/bold]
    """)
)
def check(
    text: Annotated[str, typer.Argument(help=gettext_noop("The statement to check, in quotes."))],
    indicator: Annotated[
        str, typer.Option("--indicator", "-i", help=gettext_noop("Indicator slug."))
    ],
    area: Annotated[
        str | None,
        typer.Option("--area", "-a", help=gettext_noop("Area code (default: the city).")),
    ] = None,
    collaborative: CollaborativeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=gettext_noop("Print JSON."))] = False,
) -> None:
    import json

    from civicloop.cli import CliError

    collab = _collaborative(collaborative)
    from civicloop.declare.claims import check_sentences
    from civicloop.declare.drafting import NoEvidence, evidence_for
    from civicloop.results.models import Area, Indicator
    from civicloop.results.queries import top_area

    ind = Indicator.objects.filter(result__collaborative=collab, slug=indicator).first()
    if ind is None:
        raise CliError(
            _("no indicator %(indicator)r in %(collaborative)s")
            % {"indicator": indicator, "collaborative": collab.slug}
        )
    the_area = (
        Area.objects.filter(collaborative=collab, code=area).first() if area else top_area(collab)
    )
    if the_area is None:
        raise CliError(
            _("no area %(area)r in %(collaborative)s")
            % {"area": area, "collaborative": collab.slug}
        )
    try:
        evidence = evidence_for(ind, the_area)
    except NoEvidence as exc:
        raise CliError(str(exc)) from None
    results = check_sentences(text, evidence)
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for r in results:
            mark = "[green]supported[/green]" if r.supported else "[red]not supported[/red]"
            console.print(f"{mark}: {r.sentence}", highlight=False)
            for refusal in r.refusals:
                console.print(f"  - {refusal}", highlight=False)
    if not all(r.supported for r in results):
        raise typer.Exit(1)


@help_text(
    gettext_noop("""Add Brookhaven, a second synthetic city, to the demo network (for the network view).

    After this, commands that act on "the only collaborative" need -c riverton.

    Example: [bold]civicloop declare demo-network[/bold], then open /public/networks/demo-network/
    """)
)
def demo_network() -> None:
    from civicloop.cli import CliError, setup

    setup()
    from civicloop.declare import demo_network as second_city
    from civicloop.results.models import Network

    network = Network.objects.filter(slug="demo-network").first()
    if network is None:
        raise CliError(_("no demo network here: run 'civicloop demo' first"))
    with console.status(_("Adding Brookhaven…")):
        city = second_city.install(network)
    console.print(
        f"[green]Added[/green] {city.name} to {network.name}: see /public/networks/{network.slug}/ "
        "(commands that act on the only collaborative now need -c riverton)"
    )
