"""The review stage of ``civicloop demo``: today's packet, and what it proposes."""

from __future__ import annotations

from django.utils import timezone
from rich.console import Console

from civicloop.results.models import Collaborative
from civicloop.review import packet as packets
from civicloop.review.models import Review


def run(collaborative: Collaborative, console: Console) -> dict:
    """Build the packet of the review the table meets for today; print its proposals.

    Returns {"proposals": {strategy slug: proposed decision}, "review": review id or None}.
    """
    today = timezone.localdate()
    review = Review.objects.filter(collaborative=collaborative, held_on=today).first()
    packet = packets.for_review(review) if review else packets.build(collaborative, today)
    counts = packet["counts"]
    console.print(
        f"  review: packet as of {packet['as_of_text']} — {counts['strategies']} strategies, "
        f"{counts['moved']} verdicts changed since the last review, {counts['off_track']} "
        f"indicators off track, {_n(counts['equity'], 'equity gap')} widening, "
        f"{_n(counts['overdue'], 'commitment')} overdue. Proposed decisions:",
        highlight=False,
    )
    width = max((len(s["name"]) for s in packet["strategies"]), default=0)
    leads = {
        s["slug"]: s["proposal"]["label"]
        + (" (too early to tell)" if s["proposal"]["too_early"] else "")
        for s in packet["strategies"]
    }
    lead_width = max(map(len, leads.values()), default=0)
    for s in packet["strategies"]:
        numbers = "; ".join(
            f"{e['estimate_text']} ({e['interval_text']}), adjusted {e['p_adjusted_text']}"
            for e in s["effects"]
        )
        lead = f"{leads[s['slug']]:<{lead_width}}"
        console.print(f"    {s['name']:<{width}}  [bold]{lead}[/bold]  {numbers}", highlight=False)
    if review is not None:
        console.print(f"    packet: /c/{collaborative.slug}/reviews/{review.pk}/", highlight=False)
    return {
        "proposals": {s["slug"]: s["proposal"]["decision"] for s in packet["strategies"]},
        "review": review.pk if review else None,
    }


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
