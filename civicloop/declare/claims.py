"""Which claims a declaration makes, and whether its evidence supports them. No Django here.

A declaration is checked against the evidence it was drafted from (a plain dict, frozen when
the draft was made: see `civicloop.declare.drafting`). The check is deliberately simple and
strict, because it guards what a city says in public:

- a change ("rose", "fell", "increased", "up from"...) needs a significant trend in that
  direction, or for a survey a latest change larger than its margins of error;
- improvement ("improved", "better", "made progress"...) needs the trend verdict
  "improving" (or a significant latest change the right way); "worse" needs "worsening";
- "on track" needs progress to target "on track" or "target achieved"; "met the target"
  needs "target achieved";
- that a strategy "works" or the change is "thanks to" it is never supported here: a
  declaration's evidence is about the indicator, and whether a strategy made the
  difference is the review's question (its decision log is published separately).

A claim word preceded closely by a negation ("has not risen", "no clear rise", "cannot be
called progress") is not a claim. Whatever is refused comes back with the reason, in words
an editor can act on.

>>> evidence = {"trend": {"status": "no_clear_trend", "words": "no clear trend"},
...             "progress": {"status": "off_track", "words": "off track"}}
>>> [str(r) for r in check("Savings rose to 43% and are on track.", evidence)]  # doctest: +NORMALIZE_WHITESPACE
['"rose" claims a change, but the evidence says no clear trend.',
 '"on track" claims progress to the target, but the evidence says off track.']
>>> check("Savings did not rise: the change is within the margin of error.", evidence)
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Claim", "Refusal", "check", "find_claims"]

UP, DOWN, BETTER, WORSE, ON_TRACK, ACHIEVED, EFFECT = (
    "up",
    "down",
    "better",
    "worse",
    "on_track",
    "achieved",
    "effect",
)

# Phrases (lower-case token sequences) and the kind of claim each makes. Longer phrases are
# matched first ("higher is better" before "better"). "fall" alone is left out: "in the
# fall of 2024" claims nothing; "fell" and "falls" do.
_PHRASES: dict[str, str] = {}
for kind, phrases in {
    UP: """rose risen rise rises rising increase increased increases increasing grew grown
        grow grows growing climbed climbing climb climbs gained gain gains jumped jump jumps
        soared surged doubled tripled higher_than up_from up_by went_up gone_up going_up
        upward upwards""",
    DOWN: """fell fallen falls falling decline declined declines declining decrease
        decreased decreases decreasing dropped drop drops dropping shrank shrunk shrinking
        plunged plummeted halved lower_than down_from down_by went_down gone_down going_down
        downward downwards reduced reduction cut_by""",
    BETTER: """improved improve improves improving improvement improvements better
        made_progress making_progress progressed progressing succeeded turned_the_curve""",
    WORSE: "worse worsened worsening deteriorated deteriorating",
    ON_TRACK: """on_track on_pace on_course will_reach will_meet set_to_reach set_to_meet
        ahead_of_schedule""",
    ACHIEVED: """achieved met_the_target reached_the_target hit_the_target met_its_target
        reached_its_target target_met target_reached""",
    EFFECT: """working works worked effective paying_off paid_off made_a_difference
        making_a_difference makes_a_difference thanks_to because_of""",
}.items():
    for phrase in phrases.split():
        _PHRASES[phrase.replace("_", " ")] = kind
# Phrases that contain a claim word but claim nothing ("higher is better" names a direction).
NEUTRAL = "neutral"
for phrase in ("higher is better", "lower is better", "better when"):
    _PHRASES[phrase] = NEUTRAL
_LONGEST = max(len(p.split()) for p in _PHRASES)

# A negation this many tokens before a claim word (in the same clause) cancels the claim.
NEGATION_REACH = 4
_NEGATIONS = {
    "not",
    "no",
    "never",
    "nor",
    "neither",
    "without",
    "cannot",
    "isn't",
    "wasn't",
    "hasn't",
    "haven't",
    "didn't",
    "doesn't",
    "aren't",
    "weren't",
    "can't",
    "won't",
}
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[.;:!?]")
_CLAUSE_END = {".", ";", ":", "!", "?"}


@dataclass(frozen=True)
class Claim:
    kind: str  # up | down | better | worse | on_track | achieved | effect
    words: str  # as written in the text, lower-case


@dataclass(frozen=True)
class Refusal:
    claim: Claim
    reason: str

    def __str__(self) -> str:
        return f'"{self.claim.words}" {self.reason}'


def find_claims(text: str) -> list[Claim]:
    """Every claim of change, improvement or progress in `text`, in order, negations left out."""
    tokens = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    claims: list[Claim] = []
    i = 0
    while i < len(tokens):
        for size in range(_LONGEST, 0, -1):
            phrase = " ".join(tokens[i : i + size])
            kind = _PHRASES.get(phrase)
            if kind is not None:
                if kind != NEUTRAL and not _negated(tokens, i):
                    claims.append(Claim(kind, phrase))
                i += size
                break
        else:
            i += 1
    return claims


def _negated(tokens: list[str], at: int) -> bool:
    for tok in reversed(tokens[max(0, at - NEGATION_REACH) : at]):
        if tok in _CLAUSE_END:
            return False
        if tok in _NEGATIONS or tok.endswith("n't"):
            return True
    return False


def check(text: str, evidence: dict[str, Any]) -> list[Refusal]:
    """The claims in `text` that `evidence` does not support, each with the reason."""
    refusals = []
    for claim in find_claims(text):
        reason = _unsupported(claim, evidence)
        if reason:
            refusals.append(Refusal(claim, reason))
    return refusals


def _unsupported(claim: Claim, evidence: dict[str, Any]) -> str | None:
    trend = evidence.get("trend") or {}
    progress = evidence.get("progress") or {}
    status = trend.get("status", "not_enough_data")
    said = _said(trend, "no trend")
    change = _change(evidence)
    if claim.kind in (UP, DOWN):
        sign = 1 if claim.kind == UP else -1
        if status in ("improving", "worsening"):
            slope = trend.get("slope") or 0
            if slope * sign > 0:
                return None
            return (
                f"claims a {'rise' if sign > 0 else 'fall'}, but the evidence says the trend "
                f"goes the other way ({said})."
            )
        if change is not None and change * sign > 0:
            return None
        return f"claims a change, but the evidence says {said}{_margin_note(evidence)}."
    if claim.kind in (BETTER, WORSE):
        wanted = "improving" if claim.kind == BETTER else "worsening"
        if status == wanted:
            return None
        if change is not None and _good(evidence, change) == (claim.kind == BETTER):
            return None
        what = "improvement" if claim.kind == BETTER else "a worsening"
        return f"claims {what}, but the evidence says {said}{_margin_note(evidence)}."
    if claim.kind == ON_TRACK:
        if progress.get("status") in ("on_track", "target_achieved"):
            return None
        return (
            "claims progress to the target, but the evidence says "
            f"{_said(progress, 'no target to be on track to')}."
        )
    if claim.kind == EFFECT:
        return (
            "claims a strategy made the difference, but this evidence is about the indicator "
            "alone; whether a strategy works is for the table's published decisions."
        )
    if claim.kind == ACHIEVED:
        if progress.get("status") == "target_achieved":
            return None
        return (
            "claims the target is met, but the evidence says "
            f"{_said(progress, 'there is no target')}."
        )
    return None


def _said(part: dict[str, Any], default: str) -> str:
    return str(part.get("words") or default)


def _change(evidence: dict[str, Any]) -> float | None:
    """A survey's latest change, when it is larger than its margins of error allow by chance."""
    latest = evidence.get("latest_change") or {}
    if latest.get("significant") and latest.get("difference"):
        return float(latest["difference"])
    return None


def _good(evidence: dict[str, Any], change: float) -> bool:
    direction = (evidence.get("indicator") or {}).get("direction", "higher")
    return change > 0 if direction == "higher" else change < 0


def _margin_note(evidence: dict[str, Any]) -> str:
    latest = evidence.get("latest_change") or {}
    if latest and not latest.get("significant"):
        return (
            f"; the latest change, from {latest.get('from_label')} to {latest.get('to_label')}, "
            "is within the margin of error"
        )
    return ""
