"""Which claims a declaration makes, and whether its evidence supports them. No Django here.

A declaration is checked against the evidence it was drafted from (a plain dict, frozen when
the draft was made: see `civicloop.declare.drafting`), sentence by sentence. It guards what
a city says in public, so it is strict: what it cannot verify, it refuses, with the reason.

**Every claim about direction or progress**, paraphrases included, is read on lemmas
(`simplemma`, a dictionary lemmatiser for English and Spanish that needs no trained model:
"climbed", "climbing", "climbs" all read as *climb*), matched against phrase patterns of
lemmas, and checked against the verdict, the progress status and the margin of error:

- a change ("rose", "went up", "dropped", "a fifth fewer") needs a significant trend in that
  direction, or for a survey a latest change larger than its margins of error;
- improvement ("improved", "heading the right way", "turning the curve", "best year yet")
  needs the verdict "improving" (or a significant latest change the right way); "worse"
  needs "worsening"; "held steady" needs no clear trend;
- "on track", "within reach", "close to the target" need progress "on track" or "target
  achieved"; "met the target" needs "target achieved"; a status said in words ("at risk",
  "off track") must be the evidence's;
- that a strategy "works" or a change is "thanks to" it is never supported here: whether a
  strategy made the difference is the review's question.

A claim preceded closely by a negation ("has not risen", "no clear rise") is not a claim.

**Every number** is checked: a number next to a period ("59.3% in 2025") must be the value
for that period; "target of 45%" or "45% by 2030" must be the target; "up 3 points" must be a
change the evidence shows; "N of M indicators improved" must be the place's counts; a
period must be one the evidence has; any other number must be one of the evidence's own
numbers. A number said with fewer decimals is fine when it is the evidence's number rounded
("59%" for 59.3); a different number is not.

>>> evidence = {"trend": {"status": "no_clear_trend", "words": "no clear trend"},
...             "progress": {"status": "off_track", "words": "off track"}}
>>> [str(r) for r in check("Savings rose and are on track.", evidence)]  # doctest: +NORMALIZE_WHITESPACE
['"rose" claims a change, but the evidence says no clear trend.',
 '"on track" claims progress to the target, but the evidence says off track.']
>>> check("Savings did not rise: the change is within the margin of error.", evidence)
[]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import simplemma

__all__ = ["Claim", "Refusal", "SentenceCheck", "check", "check_sentences", "find_claims"]

UP, DOWN, BETTER, WORSE, STEADY = "up", "down", "better", "worse", "steady"
ON_TRACK, ACHIEVED, EFFECT, STATUS, BEST = "on_track", "achieved", "effect", "status", "best"
NUMBER, NEUTRAL = "number", "neutral"

# Phrases as lemmas (simplemma's English lemmas; irregular past forms it leaves alone are
# listed as written). Longer phrases are matched first. "fall" alone is a season ("in the
# fall of 2024"); only its verb forms claim a fall.
_PATTERNS: dict[str, str] = {
    UP: """rise rose risen climb gain jump soar surge double triple increase grow grew
        grown go_up went_up gone_up move_up edge_up tick_up inch_up shot_up higher_than
        up_from up_by upward upwards more_than_double higher more_than_ever""",
    DOWN: """fell fallen falls falling decline decrease drop shrink shrank shrunk plunge
        plummet halve go_down went_down gone_down move_down edge_down tick_down slip slide
        lower_than down_from down_by downward downwards reduce reduction cut_by fewer
        lower""",
    BETTER: """improve improvement better make_progress progress_toward progress_towards
        head_the_right_way heading_the_right_way right_direction right_way turn_the_curve
        turning_the_curve turned_the_curve bend_the_curve gain_ground""",
    WORSE: """worsen worse deteriorate wrong_direction wrong_way lose_ground lost_ground
        fall_behind fell_behind""",
    STEADY: """hold_steady held_steady steady flat unchanged stable level_off levelled_off
        leveled_off""",
    ON_TRACK: """on_track on_pace on_course within_reach in_reach in_sight close_to_target
        close_to_the_target close_to_our_target close_to_its_target will_reach will_meet
        set_to_reach set_to_meet ahead_of_schedule""",
    ACHIEVED: """achieve_the_target achieved_the_target met_the_target reach_the_target
        reached_the_target hit_the_target met_its_target reached_its_target met_our_target
        reached_our_target exceeded_the_target surpass_the_target beat_the_target
        target_met target_reached target_achieved""",
    EFFECT: """work effective pay_off paid_off make_a_difference made_a_difference thanks_to
        because_of due_to""",
    BEST: """best_year best_ever record_high record_low all-time_high all-time_low
        highest_ever lowest_ever""",
    STATUS: "at_risk off_track",
    NEUTRAL: """higher_is_better lower_is_better better_when margin_of_error margins_of_error
        not_evidence_of_a_change no_change_can_be_claimed""",
}
_PHRASES: dict[tuple[str, ...], str] = {}
for _kind, _text in _PATTERNS.items():
    for _phrase in _text.split():
        _PHRASES[tuple(_phrase.split("_"))] = _kind
_LONGEST = max(len(p) for p in _PHRASES)
_STATUS_OF = {("at", "risk"): "at_risk", ("off", "track"): "off_track"}

NEGATION_REACH = 4
_NEGATIONS = {
    "not", "no", "never", "nor", "neither", "without", "cannot", "isn't", "wasn't", "hasn't",
    "haven't", "didn't", "doesn't", "aren't", "weren't", "can't", "won't", "nothing",
}  # fmt: skip

_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|[.;:!?,()]")
_CLAUSE_END = {".", ";", ":", "!", "?"}
_PERIOD = re.compile(
    r"(?<![\d.])((?:19|20)\d{2}(?:\s?[-/]\s?(?:Q[1-4]|W\d{2}|\d{2,4}))?\*?)(?!\d|\.\d|%)"
)
_NUMBER = re.compile(r"(?<![\w.])([-+−–]?)(\$?)(\d[\d,]*(?:\.\d+)?)(\s?%| percent| per ?cent)?")
_FRACTIONS = {
    "half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "a quarter": 0.25, "one quarter": 0.25,
    "a fifth": 0.2, "one fifth": 0.2, "a tenth": 0.1, "one tenth": 0.1, "two thirds": 2 / 3,
    "three quarters": 0.75,
}  # fmt: skip
_COUNTS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


@dataclass(frozen=True)
class Claim:
    kind: str  # up | down | better | worse | steady | on_track | achieved | effect | status...
    words: str  # as written in the text, lower-case


@dataclass(frozen=True)
class Refusal:
    claim: Claim
    reason: str

    def __str__(self) -> str:
        return f'"{self.claim.words}" {self.reason}'


@dataclass
class SentenceCheck:
    sentence: str
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return not self.refusals

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "supported": self.supported,
            "reasons": [str(r) for r in self.refusals],
        }


# -- direction and progress -----------------------------------------------------------------


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Tokens as written (lower-case) and their lemmas."""
    raw = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    lemmas = [t if not t[0].isalpha() else simplemma.lemmatize(t, lang="en").lower() for t in raw]
    return raw, lemmas


def find_claims(text: str) -> list[Claim]:
    """Every claim of change, improvement or progress in `text`, in order, negations left out."""
    raw, lemmas = _tokens(text)
    claims: list[Claim] = []
    i = 0
    while i < len(raw):
        for size in range(_LONGEST, 0, -1):
            for seq in (tuple(lemmas[i : i + size]), tuple(raw[i : i + size])):
                kind = _PHRASES.get(seq) if len(seq) == size else None
                if kind is not None:
                    break
            if kind is not None:
                words = " ".join(raw[i : i + size])
                if kind != NEUTRAL and not _negated(raw, i):
                    claims.append(Claim(kind, words))
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


def _unsupported(claim: Claim, evidence: dict[str, Any]) -> str | None:
    trend = evidence.get("trend") or {}
    progress = evidence.get("progress") or {}
    status = trend.get("status", "not_enough_data")
    said = _said(trend, "no trend")
    change = _change(evidence)
    if claim.kind in (UP, DOWN):
        sign = 1 if claim.kind == UP else -1
        if status in ("improving", "worsening"):
            if (trend.get("slope") or 0) * sign > 0:
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
    if claim.kind == STEADY:
        if status in ("no_clear_trend", "within_margin_of_error"):
            return None
        return f"claims no change, but the evidence says {said}."
    if claim.kind == BEST:
        return _best(claim, evidence)
    if claim.kind == ON_TRACK:
        if progress.get("status") in ("on_track", "target_achieved"):
            return None
        return (
            "claims progress to the target, but the evidence says "
            f"{_said(progress, 'no target to be on track to')}."
        )
    if claim.kind == STATUS:
        wanted = _STATUS_OF.get(tuple(claim.words.split()))
        if progress.get("status") == wanted:
            return None
        return f"says the progress status, but the evidence says {_said(progress, 'none')}."
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


def _best(claim: Claim, evidence: dict[str, Any]) -> str | None:
    series = _series(evidence)
    latest = (evidence.get("latest") or {}).get("value")
    if not series or latest is None:
        return "claims a record, but the evidence holds no series to compare with."
    higher = (evidence.get("indicator") or {}).get("direction", "higher") == "higher"
    wants_high = "high" in claim.words or ("best" in claim.words and higher)
    if "low" in claim.words or ("best" in claim.words and not higher):
        wants_high = False
    extreme = max(series.values()) if wants_high else min(series.values())
    if math.isclose(latest, extreme):
        return None
    return (
        f"claims a record, but the latest value is not the {'highest' if wants_high else 'lowest'}"
        " in the evidence."
    )


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


# -- numbers ----------------------------------------------------------------------------------


def _series(evidence: dict[str, Any]) -> dict[str, float]:
    out = {str(k): float(v) for k, v in (evidence.get("series") or {}).items() if v is not None}
    for end in ("first", "latest"):
        point = evidence.get(end) or {}
        if point.get("label") is not None and point.get("value") is not None:
            out.setdefault(str(point["label"]), float(point["value"]))
    return out


def _numbers_in(value: Any) -> list[float]:
    """Every number in the evidence, at any depth."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)] if math.isfinite(value) else []
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers_in(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in _numbers_in(v)]
    return []


def _rounds_to(said: float, decimals: int, value: float) -> bool:
    """`said`, written with `decimals` decimals, is `value` rounded (fewer decimals fine)."""
    return abs(said - value) <= 0.5 * 10 ** (-decimals) + 1e-9 * max(1.0, abs(value))


def _labels(evidence: dict[str, Any]) -> set[str]:
    labels = set(_series(evidence))
    progress = evidence.get("progress") or {}
    for key in ("target_label", "baseline_label"):
        if progress.get(key):
            labels.add(str(progress[key]))
    change = evidence.get("latest_change") or {}
    for key in ("from_label", "to_label"):
        if change.get(key):
            labels.add(str(change[key]))
    return {_plain_label(x) for x in labels}


def _plain_label(label: str) -> str:
    return re.sub(r"\s+", "", label).rstrip("*")


def _known(evidence: dict[str, Any]) -> list[float]:
    """The numbers a sentence may say: every number in the evidence, the change from the
    first to the latest value (absolute, and relative in percent), and the confidence
    levels of the intervals shown (95%, 90%)."""
    known = _numbers_in(evidence)
    first = (evidence.get("first") or {}).get("value")
    latest = (evidence.get("latest") or {}).get("value")
    if first is not None and latest is not None:
        known += [latest - first]
        if first:
            known += [100 * (latest - first) / abs(first)]
    known += [100 * x for x in _numbers_in(evidence.get("latest_change") or {}) if 0 < x < 1]
    known += [95.0, 90.0]
    return known + [abs(x) for x in known]


def _number_refusals(sentence: str, evidence: dict[str, Any]) -> list[Refusal]:
    text = sentence.replace("\u2212", "-")
    # Names are not claims: "Renters paying over 30% of income", "3rd grade", "K-3".
    text = _without_names(text, evidence)
    refusals: list[Refusal] = []
    series = {_plain_label(k): v for k, v in _series(evidence).items()}
    labels = _labels(evidence)
    progress = evidence.get("progress") or {}
    target = progress.get("target")
    target_label = _plain_label(str(progress.get("target_label") or ""))
    spans: list[tuple[int, int]] = []

    for m in _PERIOD.finditer(text):
        label = _plain_label(m.group(1))
        spans.append(m.span(1))
        if label not in labels:
            refusals.append(
                Refusal(Claim(NUMBER, m.group(1)), "names a period the evidence has no data for.")
            )

    refusals += _count_refusals(text, evidence)
    for m in _COUNT_PHRASE.finditer(text):
        spans.append(m.span())

    known = _known(evidence)
    for m in _NUMBER.finditer(text):
        if any(a <= m.start(3) < b for a, b in spans):
            continue
        digits = m.group(3).replace(",", "")
        said = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        if m.group(1) in ("-", "−", "–"):
            said = -said
        written = m.group(0).strip()
        after = text[m.end() : m.end() + 40].lower()
        before = text[max(0, m.start() - 40) : m.start()].lower()
        claim = Claim(NUMBER, written)
        # A value said for a period must be the value of that period.
        at = re.match(r"\s*(?:[a-z%$ ]{0,12}?)\b(in|for|by|as of)\s+((?:19|20)\d{2}\S*)", after)
        if at:
            label = _plain_label(at.group(2).rstrip(".,;:)"))
            if at.group(1) == "by" and label == target_label and target is not None:
                if not _rounds_to(abs(said), decimals, abs(float(target))):
                    refusals.append(Refusal(claim, f"is not the target ({_fmt(target)})."))
                continue
            if label in series:
                if not _rounds_to(said, decimals, series[label]):
                    refusals.append(
                        Refusal(claim, f"is not the value for {label} ({_fmt(series[label])}).")
                    )
                continue
        if _CHANGE_BY.search(before) and not re.match(r"\s*\S*\s*(a|per) year", after):
            changes = _changes(evidence)
            if not any(_rounds_to(abs(said), decimals, abs(c)) for c in changes):
                refusals.append(Refusal(claim, "is not a change the evidence shows."))
            continue
        if re.search(r"target(?: of| is| was| at)?\s*$", before) and target is not None:
            if not _rounds_to(abs(said), decimals, abs(float(target))):
                refusals.append(Refusal(claim, f"is not the target ({_fmt(target)})."))
            continue
        if not any(_rounds_to(said, decimals, v) for v in known):
            refusals.append(Refusal(claim, "is not a number the evidence shows."))
    refusals += _fraction_refusals(text, evidence)
    return refusals


def _without_names(text: str, evidence: dict[str, Any]) -> str:
    """The sentence without the indicator's name, its unit's words and the area's name:
    "over 30% of income", "per 1,000 renter households", "K-3" are not claims."""
    indicator = evidence.get("indicator") or {}
    unit = str(indicator.get("unit") or "")
    for name in (indicator.get("name"), (evidence.get("area") or {}).get("name"), unit):
        if name and len(name) > 1:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


_COUNT_PHRASE = re.compile(
    r"\b(\w+) (?:out )?of (?:the |its |our )?(\w+) indicators? (?:\w+ ){0,2}?(\w+)", re.I
)
_CHANGE_BY = re.compile(
    r"\b(?:up|down|rose|risen|fell|fallen|climbed|dropped|increased|decreased|grew|declined)"
    r"(?: by)?\s*$",
    re.I,
)


def _count_refusals(text: str, evidence: dict[str, Any]) -> list[Refusal]:
    counts = evidence.get("family_counts") or {}
    out = []
    for m in _COUNT_PHRASE.finditer(text):
        k, n = _count(m.group(1)), _count(m.group(2))
        if k is None or n is None:
            continue
        claim = Claim(NUMBER, m.group(0).lower())
        verb = simplemma.lemmatize(m.group(3).lower(), lang="en")
        kind = {"improve": "improving", "worsen": "worsening", "better": "improving"}.get(verb)
        if not counts:
            out.append(Refusal(claim, "counts indicators, but the evidence holds no counts."))
        elif n != counts.get("total"):
            out.append(
                Refusal(claim, f"counts {n} indicators; the evidence has {counts.get('total')}.")
            )
        elif kind and k != counts.get(kind):
            out.append(Refusal(claim, f"says {k} {kind}; the evidence has {counts.get(kind)}."))
    return out


def _changes(evidence: dict[str, Any]) -> list[float]:
    """The changes a statement may say "up N" of: first to latest (and in percent), and a
    survey's latest change."""
    out = []
    first = (evidence.get("first") or {}).get("value")
    latest = (evidence.get("latest") or {}).get("value")
    if first is not None and latest is not None:
        out.append(latest - first)
        if first:
            out.append(100 * (latest - first) / abs(first))
    change = evidence.get("latest_change") or {}
    if change.get("difference") is not None:
        out.append(float(change["difference"]))
    return out


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _COUNTS.get(word)


def _fraction_refusals(text: str, evidence: dict[str, Any]) -> list[Refusal]:
    first = (evidence.get("first") or {}).get("value")
    latest = (evidence.get("latest") or {}).get("value")
    out = []
    for phrase, share in _FRACTIONS.items():
        for m in re.finditer(
            rf"\b{phrase}\s+(more|fewer|less|higher|lower|greater|smaller)\b", text, re.I
        ):
            claim = Claim(NUMBER, m.group(0).lower())
            if first in (None, 0) or latest is None:
                out.append(Refusal(claim, "claims a relative change the evidence cannot show."))
                continue
            relative = (latest - first) / abs(first)
            sign = 1 if m.group(1).lower() in ("more", "higher", "greater") else -1
            if relative * sign <= 0 or abs(abs(relative) - share) > 0.025:
                out.append(
                    Refusal(
                        claim, f"is not the change from first to latest ({100 * relative:+.1f}%)."
                    )
                )
    return out


def _fmt(x: float) -> str:
    return f"{float(x):g}"


# -- the check ------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def check_sentences(text: str, evidence: dict[str, Any]) -> list[SentenceCheck]:
    """Each sentence of `text` with what `evidence` does not support in it (nothing: supported)."""
    out = []
    for sentence in sentences(text):
        result = SentenceCheck(sentence)
        for claim in find_claims(_COUNT_PHRASE.sub(" ", sentence)):
            reason = _unsupported(claim, evidence)
            if reason:
                result.refusals.append(Refusal(claim, reason))
        result.refusals += _number_refusals(sentence, evidence)
        out.append(result)
    return out


def check(text: str, evidence: dict[str, Any]) -> list[Refusal]:
    """The claims in `text` that `evidence` does not support, each with the reason."""
    return [r for s in check_sentences(text, evidence) for r in s.refusals]
