"""The proposal rules, on effects written by hand: every rule, and its numbers in words."""

from __future__ import annotations

from civicloop.learn.words import Units
from civicloop.review.decisions import About, propose

POINTS = About(Units("percent", "% of kindergartners", 1), "higher", "school_year")
ABSENCE = About(Units("percent", "% of students", 1), "lower", "school_year")


def effect(status, estimate=None, low=None, high=None, indicator="readiness", **extra):
    return {
        "indicator": indicator,
        "indicator_name": {
            "readiness": "Kindergarten readiness",
            "absence": "Chronic absence in K-3",
        }[indicator],
        "status": status,
        "words": status.replace("_", " "),
        "method": "did",
        "estimate": estimate,
        "low": low,
        "high": high,
        "p": 0.001,
        "p_adjusted": 0.004,
        "family_size": 6,
        "start_period": "2020-21",
        "treated": ["a", "b", "c", "d"],
        "comparison": ["e", "f", "g", "h"],
        "did": {"n_post": extra.get("n_post", 5), "decide_after": 4, "engine_status": status},
        "its": {},
    }


ABOUT = {"readiness": POINTS, "absence": ABSENCE}


def test_working_and_as_large_as_expected_is_scale():
    p = propose([effect("working", 7.1, 3.3, 10.9)], 5.0, ABOUT)
    assert p.decision == "scale"
    assert "+7.1 points" in p.headline and "+5.0 points" in p.headline
    assert "95% interval +3.3 to +10.9" in p.reasons[0]
    assert "adjusted for 6 strategy effects, p = 0.004" in p.reasons[0]


def test_working_but_smaller_than_expected_is_stay():
    p = propose([effect("working", 3.0, 1.0, 5.0)], 5.0, ABOUT)
    assert (p.decision, p.rule, p.too_early) == ("stay", "working", False)
    assert "smaller than hoped" in p.headline


def test_working_with_no_expected_change_is_stay():
    p = propose([effect("working", 7.1, 3.3, 10.9)], None, ABOUT)
    assert p.decision == "stay" and "No expected change is set" in p.headline


def test_lower_is_better_compares_the_fall():
    fall = effect("working", -4.5, -6.0, -3.0, indicator="absence")
    p = propose([fall], -4.0, ABOUT)
    assert p.decision == "scale"
    assert "-4.5 points on chronic absence in K-3 against the -4.0 points" in p.headline


def test_not_working_with_enough_data_is_change_course():
    p = propose([effect("not_working", 0.4, -0.1, 0.9, n_post=5)], 5.0, ABOUT)
    assert p.decision == "change_course"
    assert "after 5 school years of data" in p.headline


def test_a_chance_effect_says_so():
    # Issue 13: an effect that looks real alone but not after adjusting for the family is
    # inconclusive, "too early to tell", not "not working" (which proposed change course).
    chance = effect("too_early_to_tell", 0.6, -0.1, 1.3)
    chance["did"]["engine_status"] = "working"
    p = propose([chance], None, ABOUT)
    assert (p.decision, p.too_early) == ("stay", True)
    assert "could be chance" in p.reasons[0]


def test_harmful_is_stop():
    p = propose([effect("harmful", 0.8, 0.4, 1.1, indicator="absence")], -4.0, ABOUT)
    assert p.decision == "stop" and "wrong way" in p.headline


def test_working_on_one_and_not_on_another_is_adapt():
    both = [
        effect("working", 7.1, 3.3, 10.9),
        effect("not_working", 0.1, -0.4, 0.6, indicator="absence"),
    ]
    assert propose(both, 5.0, ABOUT).decision == "adapt"


def test_too_early_is_stay_and_says_too_early():
    # Issue 13: "too early to tell" says how many more periods would likely be needed,
    # from the series' own noise, instead of a fixed four years.
    early = effect("too_early_to_tell", 1.0, -2.0, 4.0, n_post=4)
    early["did"]["periods_to_tell"] = 3.0
    p = propose([early], 5.0, ABOUT)
    assert (p.decision, p.too_early) == ("stay", True)
    assert p.headline.startswith("Keep going and gather data")
    assert (
        "4 school years of data since the start; about 3 school years more would likely be "
        "needed to tell" in p.headline
    )
    few = propose([effect("too_early_to_tell", 1.0, -2.0, 4.0, n_post=2)], 5.0, ABOUT)
    assert "too few periods since the start" in few.headline


def test_cannot_tell_and_no_evidence_are_stay_too_early():
    assert propose([effect("cannot_tell", 1.0, 0.2, 1.8)], 5.0, ABOUT).too_early
    nothing = propose([], 5.0, ABOUT)
    assert (nothing.decision, nothing.rule, nothing.too_early) == ("stay", "no_evidence", True)


def test_a_proposal_reads_in_spanish_to_a_spanish_reader():
    from django.utils import translation

    with translation.override("es"):
        scale = propose([effect("working", 7.1, 3.3, 10.9)], 5.0, ABOUT)
        early = propose([effect("too_early_to_tell", 2.0, -1.0, 5.0, n_post=2)], 5.0, ABOUT)
        mixed = propose(
            [effect("working", 7.1, 3.3, 10.9), effect("not_working", 0.1, -0.5, 0.6, "absence")],
            5.0,
            ABOUT,
        )
    assert scale.headline.startswith("Ampliar: funciona, y tanto como se esperaba:")
    assert "Veredicto: funciona." in scale.reasons[0]
    assert "frente a 4 áreas de comparación" in scale.reasons[0]
    assert early.headline.startswith("Seguir y reunir datos")
    assert "tiene muy pocos períodos desde el inicio" in early.headline
    assert mixed.headline.startswith("Adaptar: funciona en")
    for text in (scale.headline, early.headline, mixed.headline, *scale.reasons):
        assert "Verdict" not in text and "against" not in text, text
