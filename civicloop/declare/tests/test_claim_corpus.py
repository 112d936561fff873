"""A corpus of statements, true and false, generated from the demo's own evidence.

Each statement is labelled true or false by construction from the evidence it is checked
against: values and periods as the evidence has them (or not), directions and paraphrases
that the verdict supports (or contradicts), targets, progress words, counts, relative
changes, records. The checker must accept no false statement and refuse at most 5% of the
true ones.
"""

from __future__ import annotations

import pytest

from civicloop.declare.claims import check
from civicloop.declare.drafting import NoEvidence, compose, evidence_for, units_of
from civicloop.results.models import Area, Indicator

pytestmark = pytest.mark.django_db

UP_WORDS = ["rose", "went up", "climbed", "increased", "has been rising", "grew", "edged up"]
DOWN_WORDS = ["fell", "went down", "dropped", "decreased", "has been falling", "declined"]
BETTER = ["is improving", "has been heading the right way", "is turning the curve", "improved"]
WORSE = ["is worsening", "is heading the wrong way", "got worse", "has deteriorated"]
ON_TRACK = [
    "is on track to meet its target",
    "has its target within reach",
    "is close to the target",
]
NO_CLAIM = ["shows no clear trend", "has not clearly changed", "cannot be said to have improved"]


def _statements(ev: dict) -> list[tuple[str, bool]]:
    units = units_of(ev)
    name = ev["indicator"]["name"]
    trend, progress = ev["trend"], ev["progress"]
    status = trend["status"]
    slope = trend.get("slope") or 0.0
    first, latest = ev["first"], ev["latest"]
    out: list[tuple[str, bool]] = [(compose(ev), True)]
    value = units.value
    out.append((f"{name} was {value(latest['value'])} in {latest['label']}.", True))
    out.append((f"In {first['label']}, {name.lower()} was {value(first['value'])}.", True))
    if abs(latest["value"]) >= 10:
        rounded = f"{latest['value']:,.0f}"
        out.append((f"The latest figure, for {latest['label']}, was about {rounded}.", True))
    # A wrong value for the latest period; a value of another period said for it.
    wrong = latest["value"] * 1.17 + 1.3
    out.append((f"{name} was {value(wrong)} in {latest['label']}.", False))
    if abs(first["value"] - latest["value"]) > 10**-units.decimals:
        out.append((f"{name} was {value(first['value'])} in {latest['label']}.", False))
    out.append((f"{name} was {value(latest['value'])} in 1997.", False))
    significant = status in ("improving", "worsening")
    for verb in UP_WORDS[:4] + DOWN_WORDS[:4]:
        rising = verb in UP_WORDS
        true = significant and (slope > 0) == rising
        out.append((f"Since {first['label']}, {name.lower()} {verb}.", true))
    for phrase in BETTER:
        out.append((f"{name} {phrase}.", status == "improving"))
    for phrase in WORSE[:2]:
        out.append((f"{name} {phrase}.", status == "worsening"))
    for phrase in NO_CLAIM[:2]:
        out.append((f"{name} {phrase}.", True))
    if significant and abs(latest["value"] - first["value"]) > 0:
        diff = latest["value"] - first["value"]
        if (diff > 0) == (slope > 0):
            verb = "up" if diff > 0 else "down"
            amount = units.amount(units.number(abs(diff), units.decimals))
            out.append((f"It is {verb} {amount} since {first['label']}.", True))
            out.append(
                (f"It is {verb} {units.amount(units.number(abs(diff) * 2 + 1, 1))} since "
                 f"{first['label']}.", False)
            )  # fmt: skip
    target, label = progress.get("target"), progress.get("target_label")
    pstatus = progress.get("status")
    if target is not None and label:
        out.append((f"The target is {value(target)} by {label}.", True))
        out.append((f"Our target of {value(target + 5)} by {label} stands.", False))
        on = pstatus in ("on_track", "target_achieved")
        for phrase in ON_TRACK:
            out.append((f"{name} {phrase} of {value(target)} by {label}.", on))
        out.append((f"{name} has met the target.", pstatus == "target_achieved"))
        if pstatus in ("at_risk", "off_track"):
            words = pstatus.replace("_", " ")
            out.append((f"{name} is {words} against its target.", True))
            other = "off track" if pstatus == "at_risk" else "at risk"
            out.append((f"{name} is {other} against its target.", False))
        out.append(
            (f"{name} is heading the right way and our target of {value(target)} is within "
             "reach.", status == "improving" and on)
        )  # fmt: skip
    counts = ev.get("family_counts") or {}
    if counts.get("total"):
        k, n = counts.get("improving", 0), counts["total"]
        out.append((f"Here, {k} of {n} indicators improved.", True))
        out.append((f"Here, {k + 1} of {n} indicators improved.", False))
    out.append((f"{name} improved thanks to the home child care network.", False))
    series = ev.get("series") or {}
    if len(series) >= 3:
        higher = ev["indicator"]["direction"] == "higher"
        best = max(series.values()) if higher else min(series.values())
        is_best = abs(latest["value"] - best) < 1e-9
        out.append((f"{latest['label']} was the best year yet for {name.lower()}.", is_best))
    return out


def test_the_checker_accepts_no_false_statement_and_refuses_few_true_ones(riverton):
    corpus: list[tuple[str, bool, dict]] = []
    areas = list(Area.objects.filter(collaborative=riverton).order_by("level", "code"))[:6]
    for ind in Indicator.objects.filter(result__collaborative=riverton).population():
        for area in areas:
            try:
                ev = evidence_for(ind, area)
            except NoEvidence:
                continue
            corpus += [(text, truth, ev) for text, truth in _statements(ev)]
    assert len(corpus) >= 200
    false_accepted, true_refused = [], []
    for text, truth, ev in corpus:
        refusals = check(text, ev)
        if truth and refusals:
            true_refused.append((text, [str(r) for r in refusals]))
        if not truth and not refusals:
            false_accepted.append(text)
    n_true = sum(1 for _, t, _ in corpus if t)
    print(f"\ncorpus: {len(corpus)} statements, {n_true} true, {len(corpus) - n_true} false")
    print(f"false accepted: {len(false_accepted)}; true refused: {len(true_refused)}")
    assert len(true_refused) <= 0.05 * n_true, true_refused[:40]
    assert false_accepted == []


def test_the_issues_two_false_statements_are_refused(riverton):
    rent = Indicator.objects.get(result__collaborative=riverton, slug="housing-cost-burden")
    city = Area.objects.get(collaborative=riverton, code="riverton")
    ev = evidence_for(rent, city)
    assert ev["trend"]["status"] == "worsening"
    said = "Rent burden is heading the right way and our target of 45% is within reach."
    reasons = [str(r) for r in check(said, ev)]
    assert any("heading the right way" in r for r in reasons)
    assert any("within reach" in r for r in reasons)
    latest = ev["latest"]
    wrong = f"Rent burden was 40.0% in {latest['label']}."
    assert [r.claim.words for r in check(wrong, ev)] == ["40.0%"]
    right = f"Rent burden was {latest['value']:.1f}% in {latest['label']}."
    assert check(right, ev) == []
