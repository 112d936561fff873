"""``civicloop approve``: review values before the public sees them, from the terminal.

The same action as the approvals page and the API (`civicloop.results.approval.act`), so
the rights are the same: ``--as USER`` acts as that person; without it the operator acts
as backbone staff (whoever runs the server's commands already holds its database).
"""

from __future__ import annotations

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
    app.command()(approve)


@help_text(
    gettext_noop("""Approve, return or un-approve values; with --list, show what waits.

    Examples: [bold]civicloop approve --list[/bold] ·
    [bold]civicloop approve --load 12[/bold] ·
    [bold]civicloop approve --action return --indicator third-grade-reading --note "ward
    totals do not add up"[/bold]
    """)
)
def approve(
    collaborative: CollaborativeOption = None,
    action: Annotated[
        str,
        typer.Option(
            help=gettext_noop("approve, return (to the steward, with --note) or unapprove.")
        ),
    ] = "approve",
    load: Annotated[
        int | None, typer.Option(help=gettext_noop("Only the values of this load."))
    ] = None,
    indicator: Annotated[
        str | None, typer.Option(help=gettext_noop("Only this indicator's values."))
    ] = None,
    all_waiting: Annotated[
        bool, typer.Option("--all", help=gettext_noop("Every value waiting (pending or returned)."))
    ] = False,
    note: Annotated[
        str, typer.Option(help=gettext_noop("Why: the steward reads it on a return."))
    ] = "",
    user: Annotated[
        str | None,
        typer.Option("--as", "--user", help=gettext_noop("Act as this user, with their rights.")),
    ] = None,
    list_only: Annotated[
        bool,
        typer.Option("--list", help=gettext_noop("Show what waits for approval; change nothing.")),
    ] = False,
) -> None:
    from civicloop.cli import CliError, collaborative_named, setup

    setup()
    from civicloop.core import access
    from civicloop.core.models import User
    from civicloop.results import approval
    from civicloop.results.models import Approval, Observation

    collab = collaborative_named(collaborative)
    who = None
    if user:
        who = User.objects.filter(username=user).first()
        if who is None:
            raise CliError(_("no user %(user)r") % {"user": user})
    if list_only:
        _print_waiting(approval.waiting(collab, who))
        return
    if not (load or indicator or all_waiting):
        raise CliError(_("say which values: --load N, --indicator SLUG or --all"))
    qs = Observation.objects.filter(series__indicator__result__collaborative=collab)
    if action == "unapprove":
        qs = qs.exclude(approval=Approval.PENDING, approved_value__isnull=True)
    elif action == "approve" and not load:
        qs = qs.waiting()
    if load:
        qs = qs.filter(load_id=load)
    if indicator:
        qs = qs.filter(series__indicator__slug=indicator)
    acting = who if who is not None else access.OPERATOR
    try:
        outcome = approval.act(action, qs, acting, note)
    except approval.ApprovalError as exc:
        raise CliError(str(exc)) from None
    console.print(
        _("%(action)s: %(changed)s value(s) changed, %(skipped)s already so.")
        % {
            "action": outcome.action,
            "changed": f"{outcome.changed:,}",
            "skipped": f"{outcome.skipped:,}",
        }
    )


def _print_waiting(qs) -> None:
    rows = list(
        qs.select_related("series__indicator", "series__area", "series__group", "period").order_by(
            "series__indicator__slug", "series__area__code", "period__start"
        )[:200]
    )
    n = qs.count()
    title = ngettext("%(n)s value waiting for approval", "%(n)s values waiting for approval", n) % {
        "n": f"{n:,}"
    }
    table = Table(title=title, title_justify="left")
    for name in (
        _("Id"),
        _("Indicator"),
        _("Area"),
        _("Group"),
        _("Period"),
        _("Value"),
        _("Public now"),
        _("State"),
    ):
        table.add_column(name)
    for o in rows:
        table.add_row(
            str(o.pk),
            o.series.indicator.slug,
            o.series.area.code,
            o.series.group.slug if o.series.group_id else "",
            o.period.label,
            f"{o.value:g}",
            "—" if o.approved_value is None else f"{o.approved_value:g}",
            str(o.get_approval_display()),
        )
    console.print(table)
