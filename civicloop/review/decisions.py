"""What the packet proposes for each strategy, and how the table's decisions are recorded.

How civicloop proposes a decision (every packet shows these rules, from `RULES`):
each running strategy's effect on each of its indicators comes from the learn stage
(difference-in-differences against comparison areas). The collaborative's strategy
effects are judged together as one family (Bonferroni: a table that looks at many
strategies at once would otherwise see "effects" by chance), and each effect is shown with
its adjusted interval, the one its verdict is read from. An effect has three honest
answers: working, not working, too early to tell (`civicloop.learn.effects`). From them,
in this order:

1. **stop** — *not working: it moved the wrong way* on any of its indicators: the whole
   adjusted interval is on the bad side of zero.
2. **adapt** — it is *working* on some indicators and *not working* on others: keep what
   moves the first, change what should move the rest.
3. **scale** — it is *working* (the whole adjusted interval on the good side of zero) and
   the estimate is at least the change its hypothesis expects (`Strategy.expected_change`)
   on every indicator it works on.
4. **stay** — it is *working*, but smaller than expected, or no expected change is set.
5. **change course** — it is *not working* on every indicator: the evidence rules out an
   effect worth having (the adjusted interval's good end is below the strategy's smallest
   effect worth having).
6. **keep going and gather data (stay)** — anything else: too early to tell (the interval
   allows both an effect worth having and none), not enough data before the start, or
   comparison areas that were already drifting apart ("cannot tell"). The packet says how
   many more periods would likely be needed to tell, from the series' own noise.

The table is free to decide otherwise; it records its decision and rationale, and a chair
signs it. The evidence is copied into the decision as it stood on the review's date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from civicloop.core import access
from civicloop.core.models import Role
from civicloop.learn.effects import EFFECT_WORDS
from civicloop.learn.store.strategies import MIN_POST
from civicloop.learn.words import Units, effect_interval, p_text
from civicloop.review.models import Decision, DecisionChoice, Review, StrategyChange
from civicloop.table.models import Strategy, StrategyStatus

RULES: list[tuple[str, str]] = [
    (
        "stop",
        "Not working because it moved the wrong way on any indicator: the whole adjusted "
        "interval is on the bad side of zero.",
    ),
    (
        "adapt",
        "Working on some indicators and not working on others: keep what works, change the rest.",
    ),
    (
        "scale",
        "Working (adjusted interval entirely on the good side of zero) and the "
        "estimate is at least the change the hypothesis expects.",
    ),
    ("stay", "Working, but smaller than expected, or no expected change is set."),
    (
        "change_course",
        "Not working on every indicator: the evidence rules out an effect worth having (the "
        "adjusted interval's good end is below the smallest effect worth having).",
    ),
    (
        "stay",
        "Anything else: keep going and gather data. Too early to tell, not enough data "
        "before the start, or comparison areas already drifting apart; the packet says how "
        "many more periods would likely be needed.",
    ),
]

# What a recorded decision does to the strategy's status; stay and change course leave it
# (changing course is a new plan the table writes, not a status).
STATUS_AFTER = {
    DecisionChoice.SCALE: StrategyStatus.SCALED,
    DecisionChoice.STOP: StrategyStatus.STOPPED,
    DecisionChoice.ADAPT: StrategyStatus.ADAPTED,
}

# Strategies under way: the ones a review's packet weighs.
RUNNING = (StrategyStatus.ACTIVE, StrategyStatus.ADAPTED, StrategyStatus.SCALED)


class ReviewError(ValueError):
    """A request the rules refuse, said in one sentence for the person who made it."""


@dataclass(frozen=True)
class Proposal:
    """What civicloop proposes for one strategy, and why, with the numbers."""

    decision: str  # a DecisionChoice value
    rule: str  # harmful | mixed | large_enough | working | not_working | too_early | no_evidence
    headline: str
    reasons: list[str] = field(default_factory=list)
    too_early: bool = False

    @property
    def label(self) -> str:
        return label(self.decision)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


def day_text(d: date) -> str:
    """ "15 October 2024" (strftime's %-d is not portable)."""
    return f"{d.day} {d:%B %Y}"


def label(decision: str) -> str:
    return str(dict(DecisionChoice.choices).get(decision, decision))


@dataclass(frozen=True)
class About:
    """What the rules need to know of an indicator: how its numbers read, which way is
    better, and how often it is measured (to say "5 school years" rather than "5 periods")."""

    units: Units
    direction: str  # higher | lower
    frequency: str

    @classmethod
    def of(cls, indicator: Any) -> About:
        return cls(Units.of(indicator), indicator.direction, indicator.frequency)


def _period_count(n: int, frequency: str) -> str:
    """ "5 school years", "1 quarter": how many periods, named by the indicator's frequency."""
    nouns = {
        "year": ngettext("%(n)d year", "%(n)d years", n),
        "school_year": ngettext("%(n)d school year", "%(n)d school years", n),
        "month": ngettext("%(n)d month", "%(n)d months", n),
        "quarter": ngettext("%(n)d quarter", "%(n)d quarters", n),
        "week": ngettext("%(n)d week", "%(n)d weeks", n),
        "day": ngettext("%(n)d day", "%(n)d days", n),
    }
    return nouns.get(frequency, ngettext("%(n)d period", "%(n)d periods", n)) % {"n": n}


# The effect's verdict said in a sentence ("Verdict: working."), for the catalog.
VERDICT_WORDS = {
    "working": gettext_noop("working"),
    "not_working": gettext_noop("not working"),
    "harmful": gettext_noop("harmful"),
    "too_early_to_tell": gettext_noop("too early to tell"),
    "cannot_tell": gettext_noop("cannot tell"),
    "not_enough_data": gettext_noop("not enough data"),
}
LOOK_WORDS = {  # "Read on its own it would look working" / "... look not working: ..."
    "working": gettext_noop("working"),
    "harmful": gettext_noop("not working: moved the wrong way"),
}


def propose(
    effects: Sequence[dict], expected_change: float | None, about: dict[str, About]
) -> Proposal:
    """The proposed decision for one strategy from its effects (``Effect.as_dict()``).

    about: per indicator slug, how to read its numbers. See the module docstring for the
    rules; every reason carries the numbers it rests on.
    """
    if not effects:
        return Proposal(
            DecisionChoice.STAY.value,
            "no_evidence",
            _("Stay the course: civicloop cannot measure this strategy yet."),
            [
                _(
                    "It needs indicators, the areas where it runs and a start period before its "
                    "effect can be estimated against comparison areas."
                )
            ],
            too_early=True,
        )
    by_status: dict[str, list[dict]] = {}
    for e in effects:
        by_status.setdefault(e["status"], []).append(e)
    reasons = [evidence_sentence(e, about[e["indicator"]]) for e in effects]
    harmful, working = by_status.get("harmful", []), by_status.get("working", [])
    not_working = by_status.get("not_working", [])
    if harmful:
        return Proposal(
            DecisionChoice.STOP.value,
            "harmful",
            _(
                "Stop: not working — %(names)s moved the wrong way where the strategy runs, by "
                "more than chance explains."
            )
            % {"names": _names(harmful)},
            reasons,
        )
    if working and not_working:
        return Proposal(
            DecisionChoice.ADAPT.value,
            "mixed",
            _("Adapt: working on %(working)s but not on %(not_working)s.")
            % {"working": _names(working), "not_working": _names(not_working)},
            reasons,
        )
    if working:
        if expected_change is None:
            return Proposal(
                DecisionChoice.STAY.value,
                "working",
                _(
                    "Stay the course: working on %(names)s. No expected change is set, so "
                    "civicloop cannot tell whether it is large enough to scale."
                )
                % {"names": _names(working)},
                reasons,
            )
        short = [e for e in working if _good(e, about) < abs(expected_change)]
        e = (short or working)[0]
        a = about[e["indicator"]]
        compared = _(
            "%(change)s on %(indicator)s against the %(expected)s its hypothesis expects"
        ) % {
            "change": a.units.change(e["estimate"], _decimals(a.units, e)),
            "indicator": lower_first(e["indicator_name"]),
            "expected": _expected(expected_change, e, a),
        }
        if not short:
            return Proposal(
                DecisionChoice.SCALE.value,
                "large_enough",
                _("Scale: working, and as large as hoped: %(compared)s.") % {"compared": compared},
                reasons,
            )
        return Proposal(
            DecisionChoice.STAY.value,
            "working",
            _("Stay the course: working, but smaller than hoped: %(compared)s.")
            % {"compared": compared},
            reasons,
        )
    if not_working and len(not_working) == len(effects):
        e = not_working[0]
        return Proposal(
            DecisionChoice.CHANGE_COURSE.value,
            "not_working",
            _(
                "Change course: after %(periods)s since it started, the evidence rules out an "
                "effect worth having on %(names)s."
            )
            % {"periods": _periods_since(e, about[e["indicator"]]), "names": _names(not_working)},
            reasons,
        )
    return Proposal(
        DecisionChoice.STAY.value,
        "too_early",
        _("Keep going and gather data — too early to tell: %(why)s.")
        % {"why": _why_too_early(effects, about)},
        reasons,
        too_early=True,
    )


def evidence_sentence(effect: dict, about: About) -> str:
    """One effect with its numbers: "Kindergarten readiness: +7.1 points in its 4 areas
    against 8 comparison areas since 2020-21 (95% interval +3.3 to +10.9), p < 0.001;
    adjusted for 6 strategies, p = 0.002. Verdict: working." """
    units = about.units
    name = effect["indicator_name"]
    code = effect["status"]
    status = _(VERDICT_WORDS[code]) if code in VERDICT_WORDS else code.replace("_", " ")
    if effect.get("estimate") is None:
        why = (effect.get("did") or {}).get("why") or (effect.get("its") or {}).get("why")
        return f"{name}: {effect['words']}" + (f" ({why})." if why else ".")
    d = _decimals(units, effect)
    n_compared, n_treated = len(effect["comparison"]), len(effect.get("treated") or [])
    against = (
        ngettext("against %(n)d comparison area", "against %(n)d comparison areas", n_compared)
        % {"n": n_compared}
        if effect["method"] == "did"
        else _("against their own trend before the start")
    )
    where = (
        " " + ngettext("in its %(n)d area", "in its %(n)d areas", n_treated) % {"n": n_treated}
        if n_treated
        else ""
    )
    interval = interval_words(effect, units, d)
    adjusted = ""
    if effect.get("p_adjusted") is not None and (effect.get("family_size") or 0) > 1:
        adjusted = "; " + _("adjusted for %(n)s strategy effects, %(p)s") % {
            "n": effect["family_size"],
            "p": p_text(effect["p_adjusted"]),
        }
    text = _(
        "%(name)s: %(change)s%(where)s %(against)s since %(start)s%(interval)s, %(p)s"
        "%(adjusted)s. Verdict: %(status)s."
    ) % {
        "name": name,
        "change": units.change(effect["estimate"], d),
        "where": where,
        "against": against,
        "start": effect["start_period"],
        "interval": interval,
        "p": p_text(effect.get("p")),
        "adjusted": adjusted,
        "status": status,
    }
    engine = (effect.get("did") if effect["method"] == "did" else effect.get("its")) or {}
    if effect["status"] == "too_early_to_tell" and engine.get("engine_status") in (
        "working",
        "harmful",
    ):
        # Say it plainly: alone it looks like an effect; among all the strategies the table
        # reads together, an effect this size turns up by chance too often to act on.
        text += " " + _(
            "Read on its own it would look %(words)s; read together with the other strategies "
            "it could be chance."
        ) % {
            "words": _(
                LOOK_WORDS.get(engine["engine_status"], EFFECT_WORDS[engine["engine_status"]])
            )
        }
    return text


def interval_words(effect: dict, units: Units, d: int) -> str:
    engine = (effect.get("did") if effect["method"] == "did" else effect.get("its")) or {}
    return effect_interval(
        effect.get("low"), effect.get("high"), effect.get("family_size") or 0, engine, units, d
    )


def _decimals(units: Units, effect: dict) -> int:
    scale = abs(effect.get("estimate") or 0)
    if effect.get("low") is not None and effect.get("high") is not None:
        scale = max(scale, (effect["high"] - effect["low"]) / 2)
    return units.decimals_for(scale)


def _good(effect: dict, about: dict[str, About]) -> float:
    """The estimate in the good direction: positive means better."""
    estimate = effect["estimate"]
    return estimate if about[effect["indicator"]].direction == "higher" else -estimate


def _expected(expected: float, effect: dict, about: About) -> str:
    return expected_text(expected, about, _decimals(about.units, effect))


def expected_text(expected: float, about: About, decimals: int | None = None) -> str:
    """The expected change as a signed amount in the good direction: "+5.0 points" where
    higher is better, "-4.0 points" where lower is."""
    signed = abs(expected) if about.direction == "higher" else -abs(expected)
    return about.units.change(signed, decimals)


def lower_first(name: str) -> str:
    """ "Chronic absence in K-3" → "chronic absence in K-3"; acronyms stay as they are."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() else name[:1].lower() + name[1:]


def _names(effects: Sequence[dict]) -> str:
    names = [lower_first(e["indicator_name"]) for e in effects]
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _count(n: int, frequency: str) -> str:
    return _period_count(n, frequency)


def _periods_since(effect: dict, about: About) -> str:
    n = (effect.get("did") or {}).get("n_post") or (effect.get("its") or {}).get("n_post")
    if not n:
        return _("several periods")
    return _("%(periods)s of data") % {"periods": _count(n, about.frequency)}


def _why_too_early(effects: Sequence[dict], about: dict[str, About]) -> str:
    parts = []
    for e in effects:
        did = e.get("did") or {}
        name = lower_first(e["indicator_name"])
        if e["status"] == "too_early_to_tell":
            engine = (e.get("did") if e.get("method") == "did" else e.get("its")) or did
            n, more = engine.get("n_post"), engine.get("periods_to_tell")
            frequency = about[e["indicator"]].frequency
            since = (
                _("%(name)s has %(periods)s of data since the start")
                % {"name": name, "periods": _count(n, frequency)}
                if n
                else name
            )
            if more:
                parts.append(
                    _(
                        "%(since)s; about %(more)s more would likely be needed to tell, if the "
                        "effect holds at its current size"
                    )
                    % {"since": since, "more": _count(int(more), frequency)}
                )
            elif n is not None and n < MIN_POST:
                parts.append(_("%(name)s has too few periods since the start") % {"name": name})
            else:
                parts.append(
                    _(
                        "%(since)s; its interval allows both an effect worth having and none, "
                        "and more periods after the start alone are unlikely to settle it"
                    )
                    % {"since": since}
                )
        elif e["status"] == "cannot_tell":
            parts.append(
                _(
                    "the comparison areas for %(name)s were already moving differently before "
                    "the start"
                )
                % {"name": name}
            )
        elif e["status"] == "not_enough_data":
            parts.append(_("%(name)s has too little data before the start") % {"name": name})
        elif e["status"] == "not_working":
            parts.append(_("no effect worth having on %(name)s") % {"name": name})
    return "; ".join(parts) or _("the evidence is not yet clear")


# -- the decision log ---------------------------------------------------------------------


def search(collab, *, q: str = "", strategy: str = "", decision: str = ""):
    """The decision log, newest first: filter by strategy slug, decision, and words in the
    rationale, the strategy's name, the chair's name or the review's title."""
    found = Decision.objects.filter(review__collaborative=collab).select_related(
        "review", "strategy", "signed_by"
    )
    if strategy:
        found = found.filter(strategy__slug=strategy)
    if decision:
        found = found.filter(decision=decision)
    for word in q.split():
        found = found.filter(
            Q(rationale__icontains=word)
            | Q(strategy__name__icontains=word)
            | Q(signed_as__icontains=word)
            | Q(review__title__icontains=word)
        )
    return found.order_by("-review__held_on", "-decided_at", "-id")


# -- who may do what ------------------------------------------------------------------------


def can_change_status(user, collaborative) -> bool:
    """Chairs and backbone admins change a strategy's status (with a reason)."""
    return access.can_manage(user, collaborative)


def can_sign(user, collaborative) -> bool:
    """Only a chair of the collaborative signs the table's decisions."""
    return Role.CHAIR in access.roles(user, collaborative)


# -- recording ------------------------------------------------------------------------------


def change_status(
    strategy: Strategy,
    to: str,
    why: str,
    user,
    *,
    decision: Decision | None = None,
    at: datetime | None = None,
) -> StrategyChange | None:
    """Change a strategy's status and keep the change in its history; every status change
    goes through here. Returns None when the strategy already has that status.

    at: when it changed (default now); only for recording history after the fact.
    """
    if to not in StrategyStatus.values:
        raise ReviewError(f"unknown status {to!r}: use one of {', '.join(StrategyStatus.values)}")
    why = (why or "").strip()
    if not why:
        raise ReviewError("say why the status changes: the history keeps the reason")
    if strategy.status == to:
        return None
    with transaction.atomic():
        change = StrategyChange.objects.create(
            strategy=strategy,
            from_status=strategy.status,
            to_status=to,
            why=why,
            changed_by=user if getattr(user, "is_authenticated", False) else None,
            decision=decision,
            changed_at=at or timezone.now(),
        )
        strategy.status = to
        strategy.save(update_fields=["status"])
    return change


def record_decision(
    review: Review,
    strategy: Strategy,
    decision: str,
    rationale: str,
    chair,
    *,
    published: bool = False,
    at: datetime | None = None,
) -> Decision:
    """The table's decision on `strategy` at `review`, signed by `chair`.

    The strategy's evidence is copied from the review's packet (frozen with the first
    decision, so every decision of one meeting rests on the same numbers); scale, stop and
    adapt change the strategy's status through `change_status`. at: when it was signed
    (default now); only for recording a past meeting's minutes after the fact.
    """
    from civicloop.review.packet import freeze, strategy_entry

    collab = review.collaborative
    if not can_sign(chair, collab):
        raise PermissionDenied("Only a chair of the collaborative can sign a decision.")
    if decision not in DecisionChoice.values:
        raise ReviewError(
            f"unknown decision {decision!r}: use one of {', '.join(DecisionChoice.values)}"
        )
    rationale = (rationale or "").strip()
    if not rationale:
        raise ReviewError("give the table's rationale: the decision log keeps it")
    if strategy.collaborative_id != collab.pk:
        raise ReviewError(f"{strategy} is not a strategy of {collab}")
    with transaction.atomic():
        # Lock the review so two chairs signing at once freeze one packet, not two.
        review = Review.objects.select_for_update().get(pk=review.pk)
        if Decision.objects.filter(review=review, strategy=strategy).exists():
            raise ReviewError(f"the table already decided on {strategy} at this review")
        packet = freeze(review, at)
        entry = strategy_entry(packet, strategy.slug)
        if entry is None:
            raise ReviewError(
                f"{strategy} was not under way on {day_text(review.held_on)}, so this review "
                "has no evidence on it; change its status on its page instead"
            )
        made = Decision.objects.create(
            review=review,
            strategy=strategy,
            proposed=entry["proposal"]["decision"],
            decision=decision,
            rationale=rationale,
            evidence={
                "as_of": packet["as_of"],
                "as_of_text": packet["as_of_text"],
                "built_at": packet["built_at"],
                "review": review.pk,
                "strategy": entry,
            },
            signed_by=chair,
            signed_as=str(chair),
            decided_at=at or timezone.now(),
            published=published,
        )
        to = STATUS_AFTER.get(decision)
        if to is not None:
            change_status(
                strategy,
                to,
                f"{label(decision)} at the review of {day_text(review.held_on)}: {rationale}",
                chair,
                decision=made,
                at=made.decided_at,
            )
    return made
