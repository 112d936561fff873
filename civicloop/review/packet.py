"""A review's packet: what the table needs at its meeting, from the data as of its date.

`build(collaborative, on)` returns plain JSON-ready dicts, so that the page, the PDF, the
command line, the API and a frozen snapshot all read the same thing:

- ``indicators``: every indicator's trend verdict (p-value adjusted across the
  collaborative's indicators), progress to its target, and for survey estimates whether
  the latest change is beyond the margins of error; ``changed`` marks a verdict that is
  not what it was at the last review;
- ``strategies``: each strategy under way on the date, its effect on each of its
  indicators (from `civicloop.review.asof`, i.e. the learn stage's estimates on the data
  as of the date) and the decision civicloop proposes (`civicloop.review.decisions`);
- ``equity``: gaps between groups that widened; ``overdue``: commitments still open past
  their due date; ``rounds``: prioritisation rounds open on the date; ``owed``: decisions
  the table owes (undecided strategies from the last review, prioritised strategies not
  started, rounds past their planned close, strategies nobody can measure).

"As of the date" is `civicloop.review.asof`'s: nothing from a period ending after it, no
revision made after it. `freeze(review)` keeps the packet on the review when the first
decision is signed; `for_review(review)` gives the frozen packet, or builds it.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation

from civicloop.learn import words
from civicloop.results.models import Collaborative, Indicator
from civicloop.results.queries import top_area
from civicloop.review import asof
from civicloop.review.decisions import RULES, RUNNING, About, day_text, label, propose
from civicloop.review.models import Decision, Review
from civicloop.table.models import (
    Commitment,
    Round,
    RoundStatus,
    Strategy,
    StrategyStatus,
)

# Progress statuses the packet calls "off track to the target".
OFF_TRACK = ("off_track", "at_risk")
# The badge (`.verdict.good/.bad/.warn`) of each proposal.
PROPOSAL_BADGE = {
    "scale": "good",
    "stay": "",
    "adapt": "warn",
    "change_course": "warn",
    "stop": "bad",
}


def build(collaborative: Collaborative, on: date) -> dict:
    """The packet of `collaborative` as of the day `on` (see the module docstring)."""
    area = top_area(collaborative)
    indicators = {i.slug: i for i in Indicator.objects.filter(result__collaborative=collaborative)}
    previous = (
        Review.objects.filter(collaborative=collaborative, held_on__lt=on)
        .order_by("-held_on")
        .first()
    )
    rows = indicator_rows(collaborative, on) if area else []
    before = _previous_states(collaborative, previous) if previous else {}
    for row in rows:
        was = before.get(row["slug"])
        row["previous"] = was
        row["changed"] = bool(was) and (
            was["verdict"] != row["verdict"]["status"]
            or was["progress"] != row["progress"]["status"]
        )
    strategies = _strategy_rows(collaborative, on, indicators)
    packet = {
        "collaborative": {
            "slug": collaborative.slug,
            "name": collaborative.name,
            "city": collaborative.city,
            "synthetic": collaborative.is_synthetic,
        },
        "as_of": on.isoformat(),
        "as_of_text": day_text(on),
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "area": area.name if area else "",
        "previous_review": (
            {
                "id": previous.pk,
                "held_on": previous.held_on.isoformat(),
                "text": day_text(previous.held_on),
            }
            if previous
            else None
        ),
        "indicators": rows,
        "moved": [r["slug"] for r in rows if r["changed"]],
        "off_track": [r["slug"] for r in rows if r["progress"]["status"] in OFF_TRACK],
        "strategies": strategies,
        "equity": _widening_gaps(collaborative, area, on, indicators) if area else [],
        "overdue": _overdue(collaborative, on),
        "rounds": _open_rounds(collaborative, on),
        "owed": _owed(collaborative, on, previous, strategies),
        "rules": [{"decision": d, "label": label(d), "text": t} for d, t in RULES],
        "result_conversations": _result_conversations(collaborative),
    }
    packet["counts"] = {
        "strategies": len(strategies),
        "proposals": _count_proposals(strategies),
        "moved": len(packet["moved"]),
        "off_track": len(packet["off_track"]),
        "equity": len(packet["equity"]),
        "overdue": len(packet["overdue"]),
        "rounds": len(packet["rounds"]),
        "owed": len(packet["owed"]),
    }
    return packet


def for_review(review: Review) -> dict:
    """The packet the table sees for `review`: frozen once a decision is signed, else built
    now from the data as of its date."""
    return review.snapshot or build(review.collaborative, review.held_on)


def freeze(review: Review, at: datetime | None = None) -> dict:
    """Keep the review's packet as it is now (once: a frozen packet is never rebuilt).

    at: when it was frozen, if not now (minutes of a past meeting recorded later)."""
    if review.snapshot:
        return review.snapshot
    # The record is kept in English (the words of the loop's choices are lazily translated;
    # a record must not change language with its reader), and as plain JSON.
    with translation.override("en"):
        built = json.loads(
            json.dumps(build(review.collaborative, review.held_on), cls=DjangoJSONEncoder)
        )
    review.snapshot = built
    review.frozen_at = at or timezone.now()
    review.save(update_fields=["snapshot", "frozen_at"])
    return review.snapshot


def strategy_entry(packet: dict, slug: str) -> dict | None:
    return next((s for s in packet["strategies"] if s["slug"] == slug), None)


def indicator(packet: dict, slug: str) -> dict | None:
    return next((r for r in packet["indicators"] if r["slug"] == slug), None)


# -- indicators -----------------------------------------------------------------------------


def indicator_rows(collaborative: Collaborative, on: date) -> list[dict]:
    """Each indicator's verdict, progress and latest value in the top area, as of `on`."""
    area = top_area(collaborative)
    curves = asof.headline_curves(collaborative, area, on)
    talks = _conversations(collaborative)
    out = []
    for ind, entry in asof.headline_entries(collaborative, area, on):
        units = words.Units.of(ind)
        verdict = entry.get("verdict") or {}
        progress = entry.get("progress") or {}
        latest = entry.get("latest") or {}
        margin = None
        note = words.latest_change_sentence(entry, units) if ind.is_survey else None
        if note:
            significant = bool((entry.get("latest_change") or {}).get("significant"))
            margin = {
                "significant": significant,
                "words": "beyond the margin of error"
                if significant
                else "within the margin of error",
                "badge": "" if significant else "warn",
                "sentence": note,
            }
        status = verdict.get("status", "not_enough_data")
        out.append(
            {
                "slug": ind.slug,
                "name": ind.name,
                "result": ind.result.title,
                "url": ind.get_absolute_url(),
                "direction": ind.direction,
                "is_survey": ind.is_survey,
                "latest": {
                    "label": latest.get("label"),
                    "value": latest.get("value"),
                    "text": ind.format_value(latest.get("value")),
                },
                "verdict": {
                    "status": status,
                    "words": verdict.get("words", "not enough data"),
                    "badge": words.badge(status),
                    "sentence": words.trend_sentence(entry, units),
                    "slope": verdict.get("slope"),
                    "p": verdict.get("p"),
                    "p_adjusted": verdict.get("p_adjusted"),
                    "family_size": entry.get("family_size", 0),
                },
                "progress": {
                    "status": progress.get("status", "not_available"),
                    "words": progress.get("words", "not available"),
                    "badge": words.badge(progress.get("status", "")),
                    "sentence": words.progress_sentence(entry, units),
                },
                "margin": margin,
                "curve": curves.get(ind.pk),
                "conversation": talks.get(("indicator", ind.pk)),
            }
        )
    return out


def _conversations(collaborative: Collaborative) -> dict[tuple[str, int], dict]:
    """{("indicator" | "result", pk): its Turn the Curve conversation as it stands}: the
    table's own working text (the packet is for the table, declared or not)."""
    from civicloop.review.models import CurveConversation

    found = CurveConversation.objects.filter(collaborative=collaborative).prefetch_related(
        "partners", "strategies", "commitments__organisation"
    )
    out = {}
    for c in found:
        key = ("indicator", c.indicator_id) if c.indicator_id else ("result", c.result_id)
        out[key] = c.working_copy()
    return out


def _result_conversations(collaborative: Collaborative) -> list[dict]:
    talks = _conversations(collaborative)
    return [
        {"slug": r.slug, "title": r.title, "conversation": talks[("result", r.pk)]}
        for r in collaborative.results.order_by("order", "title")
        if ("result", r.pk) in talks
    ]


def _previous_states(collaborative: Collaborative, previous: Review) -> dict[str, dict]:
    """{indicator slug: {"verdict", "progress", "words"}} at the previous review: from its
    frozen packet, else as of its date."""
    rows = (
        previous.snapshot["indicators"]
        if previous.snapshot
        else indicator_rows(collaborative, previous.held_on)
    )
    return {
        r["slug"]: {
            "verdict": r["verdict"]["status"],
            "verdict_words": r["verdict"]["words"],
            "progress": r["progress"]["status"],
            "progress_words": r["progress"]["words"],
        }
        for r in rows
    }


# -- strategies -----------------------------------------------------------------------------


def _strategy_rows(
    collaborative: Collaborative, on: date, indicators: dict[str, Indicator]
) -> list[dict]:
    strategies = list(
        Strategy.objects.filter(collaborative=collaborative)
        .select_related("start_period")
        .prefetch_related("owners", "areas", "indicators", "commitments__organisation")
        .order_by("priority", "name")
    )
    status = asof.statuses_as_of(strategies, on)
    running = [s for s in strategies if status[s.pk] in RUNNING]
    effects: dict[str, list[dict]] = {}
    for e in asof.strategy_effects(collaborative, on):
        effects.setdefault(e.strategy, []).append(e.as_dict())
    out = []
    for s in running:
        mine = effects.get(s.slug, [])
        about = {e["indicator"]: About.of(indicators[e["indicator"]]) for e in mine}
        proposal = propose(mine, s.expected_change, about)
        for e in mine:
            _describe_effect(e, about[e["indicator"]].units)
        out.append(
            {
                "slug": s.slug,
                "name": s.name,
                "url": reverse("strategy", args=[collaborative.slug, s.slug]),
                "status": status[s.pk],
                "status_label": StrategyStatus(status[s.pk]).label,
                "priority": s.priority,
                "hypothesis": s.hypothesis,
                "owners": [o.name for o in s.owners.all()],
                "areas": sorted(a.name for a in s.areas.all()),
                "indicators": [i.name for i in s.indicators.all()],
                "start": s.start_period.label if s.start_period else None,
                "expected_change": s.expected_change,
                "effects": mine,
                "proposal": {**proposal.as_dict(), "badge": PROPOSAL_BADGE[proposal.decision]},
                "commitments": [
                    {
                        "title": c.title,
                        "organisation": c.organisation.name,
                        "status": c.status,
                        "status_label": c.get_status_display(),
                        "due": c.due.isoformat() if c.due else None,
                        "overdue": c.is_overdue(on),
                    }
                    for c in s.commitments.all()
                ],
            }
        )
    return out


def _describe_effect(effect: dict, units: words.Units) -> None:
    """Add the texts a page shows for one effect (badge, numbers in the indicator's units)."""
    effect["badge"] = words.badge(effect["status"])
    est, low, high = effect.get("estimate"), effect.get("low"), effect.get("high")
    scale = max(abs(est or 0), ((high - low) / 2) if low is not None and high is not None else 0)
    d = units.decimals_for(scale)
    effect["estimate_text"] = units.change(est, d) if est is not None else "—"
    effect["interval_text"] = (
        units.interval(low, high, d) if low is not None and high is not None else "—"
    )
    effect["p_text"] = words.p_text(effect.get("p")) if effect.get("p") is not None else "—"
    effect["p_adjusted_text"] = (
        words.p_text(effect["p_adjusted"]) if effect.get("p_adjusted") is not None else "—"
    )
    did = effect.get("did") or {}
    engine = (did if effect.get("method") == "did" else effect.get("its")) or {}
    lo, hi = engine.get("unadjusted_low"), engine.get("unadjusted_high")
    adjusted = (effect.get("family_size") or 0) > 1 and engine.get("adjusted_level")
    effect["adjusted_level_text"] = words.level_text(engine["adjusted_level"]) if adjusted else ""
    effect["unadjusted_text"] = (
        units.interval(lo, hi, d) if adjusted and lo is not None and hi is not None else ""
    )
    effect["periods_since"] = did.get("n_post")
    effect["periods_to_tell"] = did.get("periods_to_tell")


def _count_proposals(strategies: list[dict]) -> list[dict]:
    counts: dict[str, int] = {}
    for s in strategies:
        counts[s["proposal"]["decision"]] = counts.get(s["proposal"]["decision"], 0) + 1
    order = ["scale", "stay", "adapt", "change_course", "stop"]
    return [{"decision": d, "label": label(d), "count": counts[d]} for d in order if d in counts]


# -- equity, commitments, rounds, what the table owes ----------------------------------------------


def _widening_gaps(collaborative, area, on: date, indicators: dict[str, Indicator]) -> list[dict]:
    out = []
    for g in asof.equity(collaborative, area, on):
        if g.status != "widening":
            continue
        ind = indicators[g.indicator]
        units = words.Units.of(ind)
        slope = ""
        if g.gap_slope is not None:
            slope = f"{units.change(g.gap_slope)} a year"
            if g.gap_slope_low is not None and g.gap_slope_high is not None:
                d = units.decimals_for(
                    max(abs(g.gap_slope), (g.gap_slope_high - g.gap_slope_low) / 2)
                )
                slope += f" (95% interval {units.interval(g.gap_slope_low, g.gap_slope_high, d)})"
        out.append(
            {
                "indicator": ind.slug,
                "name": ind.name,
                "url": ind.get_absolute_url(),
                "group": g.group,
                "reference": g.reference,
                "area": g.area,
                "gap_text": units.change(g.latest_difference).lstrip("+")
                if g.latest_difference is not None
                else "—",
                "slope_text": slope,
                "p_text": words.p_text(g.p),
            }
        )
    return out


def _overdue(collaborative, on: date) -> list[dict]:
    rows = (
        Commitment.objects.filter(collaborative=collaborative)
        .overdue(on)
        .select_related("organisation", "owner")
        .prefetch_related("strategies")
        .order_by("due")
    )
    return [
        {
            "title": c.title,
            "url": c.get_absolute_url(),
            "organisation": c.organisation.name,
            "owner": c.owner.name if c.owner else "",
            "due": c.due.isoformat(),
            "due_text": day_text(c.due),
            "days_overdue": (on - c.due).days,
            "status_label": c.get_status_display(),
            "strategies": [s.name for s in c.strategies.all()],
        }
        for c in rows
    ]


def _open_rounds(collaborative, on: date) -> list[dict]:
    after = asof.end_of(on)
    rows = (
        Round.objects.filter(collaborative=collaborative, opened_at__lt=after)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=after))
        .exclude(status=RoundStatus.CLOSED, closed_at__isnull=True)
        .annotate(ballot_count=Count("ballots"))
        .order_by("closes_on")
    )
    return [
        {
            "title": r.title,
            "url": r.get_absolute_url(),
            "closes_on": r.closes_on.isoformat() if r.closes_on else None,
            "closes_text": day_text(r.closes_on) if r.closes_on else "",
            "past_close": bool(r.closes_on and r.closes_on < on),
            "ballots": r.ballot_count,
        }
        for r in rows
    ]


def _owed(collaborative, on: date, previous: Review | None, strategies: list[dict]) -> list[dict]:
    """Decisions the table owes, each with what it is about and why it is owed."""
    owed: list[dict] = []
    if previous is not None:
        decided = set(
            Decision.objects.filter(review=previous).values_list("strategy__slug", flat=True)
        )
        proposals = {
            s["slug"]: s["proposal"]["label"]
            for s in (previous.snapshot or {}).get("strategies", [])
        }
        for s in strategies:
            if s["slug"] not in decided:
                was = proposals.get(s["slug"])
                owed.append(
                    {
                        "about": s["name"],
                        "url": s["url"],
                        "why": f"No decision was recorded at the review of {day_text(previous.held_on)}"
                        + (f" (civicloop proposed: {was.lower()})." if was else "."),
                    }
                )
    all_strategies = list(Strategy.objects.filter(collaborative=collaborative))
    status = asof.statuses_as_of(all_strategies, on)
    for s in sorted(all_strategies, key=lambda s: (s.priority or 999, s.name)):
        if status[s.pk] == StrategyStatus.PRIORITISED:
            rank = f"ranked #{s.priority}" if s.priority else "prioritised"
            owed.append(
                {
                    "about": s.name,
                    "url": reverse("strategy", args=[collaborative.slug, s.slug]),
                    "why": f"It is {rank} but has not started: decide where and from when it runs.",
                }
            )
    for s in strategies:
        if not s["effects"]:
            owed.append(
                {
                    "about": s["name"],
                    "url": s["url"],
                    "why": "Under way, but nobody can measure it: set its indicators, the areas "
                    "where it runs and its start period.",
                }
            )
    for r in _open_rounds(collaborative, on):
        if r["past_close"]:
            owed.append(
                {
                    "about": r["title"],
                    "url": r["url"],
                    "why": f"The round was to close on {r['closes_text']}: close it and record "
                    "the table's priorities.",
                }
            )
    return owed
