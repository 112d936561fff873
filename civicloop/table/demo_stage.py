"""The table stage of ``civicloop demo``: seats, who is missing, commitments and rounds."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def run(collab, console: Console) -> dict:
    from civicloop.table import missing, rounds
    from civicloop.table.models import Commitment, Round, RoundStatus, Seat

    seats = Seat.active().filter(result__collaborative=collab)
    orgs = seats.values("organisation").distinct().count()
    sectors = seats.values("organisation__sector").distinct().count()
    console.print(
        f"  table: {orgs} organisations in {sectors} sectors hold {seats.count()} seats at "
        f"{collab.results.count()} tables"
    )
    out = Table(title="Who is missing (top suggestion per table)", title_justify="left")
    out.add_column("Result")
    out.add_column("Suggested")
    out.add_column("Why")
    top: dict[str, str] = {}
    for result in collab.results.all():
        found = missing.who_is_missing(result, limit=1)
        if found:
            best = found[0]
            top[result.slug] = best.organisation.slug
            out.add_row(result.title, best.organisation.name, "; ".join(best.reasons[:4]))
    console.print(out)
    commitments = Commitment.objects.filter(collaborative=collab)
    overdue = list(commitments.overdue().select_related("organisation"))
    console.print(
        f"  commitments: {commitments.count()} made, {commitments.filter(status='done').count()} "
        f"done, {len(overdue)} overdue"
        + (f" ({', '.join(c.organisation.name for c in overdue)})" if overdue else "")
    )
    closed = Round.objects.filter(collaborative=collab, status=RoundStatus.CLOSED).first()
    if closed is not None:
        result = rounds.outcome(closed)
        first = result.lines[0].strategy.name if result.lines else "—"
        w = (
            f"Kendall's W = {result.agreement.w:.2f}, p = {result.agreement.p_value:.3g}"
            if (result.agreement)
            else "agreement not defined"
        )
        console.print(
            f"  priorities: “{closed.title}” closed with {result.ballots} ballots; first: {first} "
            f"({w})"
        )
    for open_round in Round.objects.filter(collaborative=collab, status=RoundStatus.OPEN):
        result = rounds.outcome(open_round)
        console.print(
            f"  open round: “{open_round.title}” — {result.ballots} of {len(result.eligible)} "
            "organisations have voted"
        )
    return {"missing": top, "overdue": len(overdue)}
