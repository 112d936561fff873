"""``civicloop measure calendar`` and ``civicloop measure remind``: the data calendar from the
terminal (`civicloop.measure.calendar_data`) and its reminders (`civicloop.measure.reminders`),
which the worker otherwise sends on its own.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption, JsonOption

console = Console()

measure_app = typer.Typer(
    help=gettext_noop(
        "Measure: the data calendar (who owes which numbers, by when) and its reminders."
    ),
    no_args_is_help=True,
)

OnOption = Annotated[
    str | None,
    typer.Option(
        "--on", help=gettext_noop("Read the calendar as on this day (YYYY-MM-DD); default today.")
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(measure_app, name="measure")


def _day(text: str | None) -> date | None:
    from civicloop.cli import CliError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from django.utils.translation import gettext as _

        raise CliError(_("--on %(text)r is not a date (YYYY-MM-DD)") % {"text": text}) from None


@measure_app.command()
@help_text(
    gettext_noop("""Each indicator's last period received, the next expected, its due date, its status
    (overdue, due, fresh, not expected) and who owes it; and the freshness score.

    Examples: [bold]civicloop measure calendar -c riverton[/bold] ·
    [bold]civicloop measure calendar --json[/bold]
    """)
)
def calendar(
    collaborative: CollaborativeOption = None,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    from civicloop.cli import collaborative_named, setup

    setup()
    from django.utils.translation import gettext as _

    from civicloop.measure import calendar_data, datacalendar

    collab = collaborative_named(collaborative)
    day = _day(on) or calendar_data.today()
    rows = calendar_data.calendar_rows(collab, on=day)
    fresh = datacalendar.freshness(r.entry for r in rows)
    if as_json:
        out = {
            "collaborative": collab.slug,
            "on": day.isoformat(),
            "freshness": fresh.score,
            "indicators_counted": fresh.counted,
            "up_to_date": fresh.up_to_date,
            "overdue": fresh.overdue,
            "never_received": fresh.never,
            "indicators": [r.as_json() for r in rows],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    table = Table(
        title=_("Data calendar of %(name)s on %(day)s") % {"name": collab.name, "day": day}
    )
    for name in (
        _("Indicator"),
        _("Owed by"),
        _("Last received"),
        _("Next expected"),
        _("Due"),
        _("Status"),
    ):
        table.add_column(name)
    for r in rows:
        e = r.entry
        status = r.status_words
        if e.status == datacalendar.OVERDUE:
            status += " " + _("(%(days)d days late)") % {"days": e.days_late}
        table.add_row(
            r.indicator.slug,
            ", ".join(o.name for o in r.owers) or _("the backbone"),
            e.last.label if e.last else _("nothing yet"),
            e.next.label if e.next else "—",
            e.due.isoformat() if e.due else "—",
            status,
        )
    console.print(table)
    if fresh.score is None:
        console.print(_("Freshness: no indicator expects data."))
    else:
        console.print(
            _("Freshness: %(percent)d%% (%(up)d of %(n)d up to date, %(late)d overdue)")
            % {
                "percent": fresh.percent,
                "up": fresh.up_to_date,
                "n": fresh.counted,
                "late": fresh.overdue,
            },
            highlight=False,
        )


@measure_app.command()
@help_text(
    gettext_noop("""Email the people who owe data that is due soon or overdue, each reminder once.

    The worker does this on its own every hour; this runs it now.

    Examples: [bold]civicloop measure remind --dry-run[/bold] ·
    [bold]civicloop measure remind -c riverton[/bold]
    """)
)
def remind(
    collaborative: Annotated[
        str | None,
        typer.Option(
            "--collaborative", "-c", help=gettext_noop("Slug of one collaborative (default: all).")
        ),
    ] = None,
    on: OnOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=gettext_noop("Say who would be reminded; record and send nothing.")
        ),
    ] = False,
) -> None:
    from civicloop.cli import CliError, collaborative_named, setup

    setup()
    from django.utils.translation import gettext as _

    from civicloop.measure import reminders
    from civicloop.results.models import Collaborative

    kinds = {"due": _("due"), "overdue": _("overdue")}
    day = _day(on)
    chosen = [collaborative_named(collaborative)] if collaborative else Collaborative.objects.all()
    failed = []
    for collab in chosen:
        report = reminders.remind(collab, on=day, dry_run=dry_run)
        verb = _("would remind") if dry_run else _("reminded")
        for item in report.new:
            console.print(
                f"{collab.slug}: {verb} {', '.join(item.recipients)}: "
                f"{item.row.indicator.slug} {item.row.entry.next.label} ({kinds[item.kind]})",
                highlight=False,
                markup=False,
            )
        for item in report.nobody:
            console.print(
                f"{collab.slug}: "
                + _("nobody to remind of %(indicator)s %(period)s (no one with an email address)")
                % {"indicator": item.row.indicator.slug, "period": item.row.entry.next.label},
                highlight=False,
                markup=False,
            )
        for line in report.sent:
            console.print(f"{collab.slug}: " + _("sent to %(line)s") % {"line": line}, markup=False)
        failed += [f"{collab.slug}: {line}" for line in report.failed]
        if not report.new and not report.sent:
            console.print(f"{collab.slug}: " + _("no new reminder"), highlight=False)
    if failed:
        raise CliError(_("some reminders were not sent: ") + "; ".join(failed))
