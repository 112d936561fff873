"""``civicloop review ...``: the packet for a meeting, the table's decisions, the decision log."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption, JsonOption

console = Console()
err = Console(stderr=True)
review_app = typer.Typer(
    help=gettext_noop(
        "Learning reviews: the packet for a meeting, decisions signed by a chair, the log."
    ),
    no_args_is_help=True,
)


def _collaborative(slug: str | None):
    from civicloop.cli import collaborative_named

    return collaborative_named(slug)


def _day(text: str | None) -> date:
    from django.utils import timezone

    from civicloop.cli import CliError

    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(_("--date %(text)r: use YYYY-MM-DD") % {"text": text}) from None


@review_app.command("packet")
@help_text(
    gettext_noop("""The packet for a review: each strategy's evidence and proposed decision, and what
    moved, what is off track, widening gaps, overdue commitments, open rounds.

    The data are as of the date: nothing from periods ending after it, no revision made
    after it. A review scheduled on that day shows its frozen packet once decided.

    Examples: [bold]civicloop review packet[/bold] ·
    [bold]civicloop review packet --date 2024-10-15 --pdf fall-2024.pdf[/bold]
    """)
)
def packet_cmd(
    on: Annotated[
        str | None,
        typer.Option(
            "--date", help=gettext_noop("The meeting's day, YYYY-MM-DD (default: today).")
        ),
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option(help=gettext_noop("Also write the packet as a PDF here."))
    ] = None,
    collaborative: CollaborativeOption = None,
    as_json: JsonOption = False,
) -> None:
    from civicloop.cli import setup

    setup()
    from civicloop.core.progress import steps
    from civicloop.review import packet as packets
    from civicloop.review.models import Review

    collab = _collaborative(collaborative)
    day = _day(on)
    review = Review.objects.filter(collaborative=collab, held_on=day).first()
    # Building the packet reads every indicator's analyses and every strategy's effects,
    # and the PDF is drawn page by page: tens of seconds on a large collaborative.
    with steps(console, quiet=as_json) as progress:
        with progress.step(_("Building the packet…")):
            packet = packets.for_review(review) if review else packets.build(collab, day)
        data = None
        if pdf is not None:
            with progress.step(_("Drawing the PDF…")):
                data = _packet_pdf(collab, day, review, packet)
    if as_json:
        # Labels are lazy translations (Django's JSON encoder reads them in the active language).
        typer.echo(json.dumps(packet, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder))
    else:
        _print_packet(packet, review)
    if pdf is not None:
        pdf.write_bytes(data)
        (err if as_json else console).print(
            _("[green]Wrote[/green] %(file)s (%(size)s KB)")
            % {"file": pdf, "size": f"{len(data) // 1024:,}"}
        )


def _packet_pdf(collab, day: date, review, packet: dict) -> bytes:
    from civicloop.review.models import DecisionChoice, Review
    from civicloop.review.pdf import packet_pdf

    shown = review or Review(collaborative=collab, held_on=day)
    decided = {d.strategy.slug: d for d in review.decisions.all()} if review else {}
    return packet_pdf(
        {
            "collaborative": collab,
            "review": shown,
            "packet": packet,
            "indicators": {r["slug"]: r for r in packet["indicators"]},
            "decisions": decided,
            "can_sign": False,
            "choices": DecisionChoice.choices,
        }
    )


def _print_packet(packet: dict, review) -> None:
    what = str(review) if review else _("Packet")
    frozen = (
        " " + _("(frozen when the first decision was signed)") if review and review.snapshot else ""
    )
    said = _("%(what)s — %(collaborative)s, data as of %(as_of)s") % {
        "what": f"[bold]{what}[/bold]",
        "collaborative": packet["collaborative"]["name"],
        "as_of": packet["as_of_text"],
    }
    console.print(said + frozen, highlight=False)
    out = Table(title=_("Strategies: proposed decisions"), title_justify="left")
    out.add_column(_("Strategy"))
    out.add_column(_("Proposed"))
    out.add_column(_("Evidence (effect, interval at 95%, adjusted p)"))
    for s in packet["strategies"]:
        p = s["proposal"]
        lead = p["label"] + ("\n" + _("too early to tell") if p["too_early"] else "")
        evidence = "\n".join(
            f"{e['indicator_name']}: {e['estimate_text']} ({e['interval_text']}), "
            f"{e['p_adjusted_text']}, {e['words']}"
            for e in s["effects"]
        )
        out.add_row(s["name"], lead, f"{p['headline']}\n{evidence}".strip())
    console.print(out)
    rows = {r["slug"]: r for r in packet["indicators"]}
    sections = [
        (_("Moved since the last review"), [rows[s]["name"] for s in packet["moved"]]),
        (
            _("Off track or at risk"),
            [f"{rows[s]['name']} ({rows[s]['progress']['words']})" for s in packet["off_track"]],
        ),
        (
            _("Equity gaps widening"),
            [
                _("%(name)s: %(group)s vs %(reference)s")
                % {"name": g["name"], "group": g["group"], "reference": g["reference"]}
                for g in packet["equity"]
            ],
        ),
        (
            _("Overdue commitments"),
            [
                f"{c['title']} ({c['organisation']}, {_days(c['days_overdue'])})"
                for c in packet["overdue"]
            ],
        ),
        (_("Open rounds"), [r["title"] for r in packet["rounds"]]),
        (_("Also owed"), [f"{o['about']}: {o['why']}" for o in packet["owed"]]),
    ]
    for title, items in sections:
        console.print(
            f"[bold]{title}:[/bold] " + ("; ".join(items) if items else _("none")),
            highlight=False,
        )


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


@review_app.command("decide")
@help_text(
    gettext_noop("""Record the table's decision on a strategy at a review, signed by a chair.

    The evidence is copied from the review's packet (frozen with its first decision); scale,
    stop and adapt change the strategy's status, with the rationale in its history.

    Example: [bold]civicloop review decide home-child-care-network scale --rationale "Readiness
    rose 7 points against comparison areas" --chair chair[/bold]
    """)
)
def decide(
    strategy: Annotated[
        str, typer.Argument(help=gettext_noop("Strategy slug, e.g. home-child-care-network."))
    ],
    decision: Annotated[
        str, typer.Argument(help=gettext_noop("stay, adapt, change_course, stop or scale."))
    ],
    rationale: Annotated[str, typer.Option(help=gettext_noop("Why the table decided this."))],
    chair: Annotated[str, typer.Option(help=gettext_noop("Username of the chair who signs it."))],
    on: Annotated[
        str | None,
        typer.Option(
            "--date", help=gettext_noop("The review's day (default: today; created if missing).")
        ),
    ] = None,
    publish: Annotated[
        bool, typer.Option(help=gettext_noop("Publish it in the public decision log."))
    ] = False,
    collaborative: CollaborativeOption = None,
) -> None:
    from civicloop.cli import CliError, setup

    setup()
    from django.core.exceptions import PermissionDenied

    from civicloop.core.models import User
    from civicloop.review import decisions as rules
    from civicloop.review.models import Review
    from civicloop.table.models import Strategy

    collab = _collaborative(collaborative)
    target = Strategy.objects.filter(collaborative=collab, slug=strategy).first()
    if target is None:
        slugs = ", ".join(
            Strategy.objects.filter(collaborative=collab).values_list("slug", flat=True)
        )
        raise CliError(
            _("no strategy %(strategy)r in %(collaborative)s (strategies: %(slugs)s)")
            % {"strategy": strategy, "collaborative": collab.slug, "slugs": slugs}
        )
    signer = User.objects.filter(username=chair).first()
    if signer is None:
        raise CliError(_("no user %(user)r") % {"user": chair})
    if not rules.can_sign(signer, collab):
        raise CliError(
            _("%(user)s is not a chair of %(collaborative)s: only a chair signs a decision")
            % {"user": chair, "collaborative": collab.slug}
        )
    day = _day(on)
    review, _created = Review.objects.get_or_create(
        collaborative=collab, held_on=day, defaults={"created_by": signer}
    )
    try:
        made = rules.record_decision(review, target, decision, rationale, signer, published=publish)
    except (rules.ReviewError, PermissionDenied) as exc:
        raise CliError(str(exc)) from None
    followed = (
        _("as proposed")
        if made.followed_proposal
        else _("proposed: %(proposed)s") % {"proposed": made.get_proposed_display()}
    )
    console.print(
        _(
            "[green]Recorded[/green] %(decision)s for %(strategy)s at the review of %(day)s "
            "(%(followed)s), signed by %(signer)s. Strategy status: %(status)s."
        )
        % {
            "decision": made.get_decision_display(),
            "strategy": target.name,
            "day": day.isoformat(),
            "followed": followed,
            "signer": made.signed_as,
            "status": target.get_status_display(),
        },
        highlight=False,
    )


@review_app.command("log")
@help_text(
    gettext_noop("""The decision log, newest review first.

    Example: [bold]civicloop review log --decision scale[/bold]
    """)
)
def log(
    strategy: Annotated[str, typer.Option(help=gettext_noop("Only this strategy (slug)."))] = "",
    decision: Annotated[
        str, typer.Option(help=gettext_noop("Only this decision, e.g. scale."))
    ] = "",
    search: Annotated[
        str, typer.Option(help=gettext_noop("Words in the rationale, strategy or chair."))
    ] = "",
    collaborative: CollaborativeOption = None,
) -> None:
    from civicloop.cli import setup

    setup()
    from civicloop.review import decisions as rules

    collab = _collaborative(collaborative)
    found = list(rules.search(collab, q=search, strategy=strategy, decision=decision))
    out = Table(
        title=ngettext("%(n)d decision", "%(n)d decisions", len(found)) % {"n": len(found)},
        title_justify="left",
    )
    for name in (_("Review"), _("Strategy"), _("Decision"), _("Proposed"), _("Rationale")):
        out.add_column(name)
    out.add_column(_("Signed by"))
    for d in found:
        out.add_row(
            d.review.held_on.isoformat(),
            d.strategy.name,
            str(d.get_decision_display()) + (" " + _("(published)") if d.published else ""),
            str(d.get_proposed_display()),
            d.rationale,
            d.signed_as,
        )
    console.print(out)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
