"""``civicloop audit``: the audit trail of a collaborative's definition, from the terminal.

The same entries as the audit page (`civicloop.core.audit.entries`).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption, JsonOption

console = Console()


def register(app: typer.Typer) -> None:
    app.command()(audit)


@help_text(
    gettext_noop("""Who changed what in the collaborative's definition, when, and each field old → new.

    Examples: [bold]civicloop audit --since 2026-01-01[/bold] ·
    [bold]civicloop audit --user dana --object indicator[/bold]
    """)
)
def audit(
    collaborative: CollaborativeOption = None,
    since: Annotated[
        str | None, typer.Option(help=gettext_noop("From this date (YYYY-MM-DD)."))
    ] = None,
    user: Annotated[
        str | None, typer.Option(help=gettext_noop("Only this person's changes (username)."))
    ] = None,
    object: Annotated[
        str | None,
        typer.Option(
            "--object",
            help=gettext_noop("indicator, indicator:12 (one object), or words of its name."),
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help=gettext_noop("Show at most this many entries."))] = 200,
    as_json: JsonOption = False,
) -> None:
    from civicloop.cli import CliError, collaborative_named, setup

    setup()
    from civicloop.core import audit as trail

    collab = collaborative_named(collaborative)
    start = trail._date(since) if since else None
    if since and start is None:
        raise CliError(_("--since %(since)r is not a date (YYYY-MM-DD)") % {"since": since})
    found = trail.entries(collab, trail.Filters(since=start, user=user or "", object=object or ""))
    rows = [trail.describe(e) for e in found[:limit]]
    if as_json:
        for r in rows:
            r["at"] = r["at"].isoformat()
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    n = found.count()
    title = ngettext("%(n)s change, newest first", "%(n)s changes, newest first", n) % {
        "n": f"{n:,}"
    }
    table = Table(title=title, title_justify="left")
    for name in (_("When"), _("Who"), _("What"), _("Change")):
        table.add_column(name)
    for r in rows:
        table.add_row(
            r["at"].strftime("%Y-%m-%d %H:%M"),
            r["who"],
            f"{r['what']} #{r['object_pk']} {r['object']} {r['action']}",
            "; ".join(f"{name}: {old} → {new}" for name, old, new in r["changes"]),
        )
    console.print(table)
