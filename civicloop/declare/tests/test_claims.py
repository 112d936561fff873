"""Which claims a statement makes, and which the frozen evidence does not support."""

from __future__ import annotations

import pytest

from civicloop.declare.claims import check, find_claims

NO_TREND = {
    "indicator": {"direction": "higher"},
    "trend": {"status": "no_clear_trend", "words": "no clear trend", "slope": 0.03},
    "progress": {"status": "off_track", "words": "off track"},
    # Every number a statement says is checked too (issue 13): the values it cites.
    "first": {"label": "2024", "value": 40.0},
    "latest": {"label": "2025", "value": 43.0},
    "latest_change": {
        "from_label": "2024",
        "to_label": "2025",
        "difference": 3.0,
        "significant": False,
    },
}
IMPROVING_UP = {
    "indicator": {"direction": "higher"},
    "trend": {"status": "improving", "words": "improving", "slope": 1.4},
    "progress": {"status": "at_risk", "words": "at risk"},
    "first": {"label": "2016-17", "value": 22.2},
    "latest": {"label": "2024-25", "value": 33.6},
}
IMPROVING_DOWN = {
    "indicator": {"direction": "lower"},
    "trend": {"status": "improving", "words": "improving", "slope": -0.36},
    "progress": {"status": "on_track", "words": "on track"},
}


def kinds(text: str) -> list[str]:
    return [c.kind for c in find_claims(text)]


def test_claims_of_change_improvement_and_progress_are_found():
    assert kinds("Reading rose, savings fell, absence improved and we are on track.") == [
        "up",
        "down",
        "better",
        "on_track",
    ]
    assert kinds("It is up from 40% and down by 2 points; the target was met the target.") == [
        "up",
        "down",
        "achieved",
    ]


def test_a_negated_claim_is_no_claim():
    assert kinds("Savings did not rise, and there is no clear rise.") == []
    assert kinds("This cannot be called an improvement; it isn't on track.") == []
    # A negation in the previous clause does not reach past the full stop.
    assert kinds("Not yet. Reading rose.") == ["up"]


def test_naming_a_direction_claims_nothing():
    assert kinds("Higher is better; in the fall of 2024 the survey was fielded.") == []


def test_a_rise_within_the_margin_of_error_is_refused_with_the_reason():
    refusals = check("Savings rose to 43% in 2025, up from 40%.", NO_TREND)
    assert [r.claim.words for r in refusals] == ["rose", "up from"]
    assert str(refusals[0]) == (
        '"rose" claims a change, but the evidence says no clear trend; the latest change, '
        "from 2024 to 2025, is within the margin of error."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Savings improved.",
        "Savings are getting better.",
        "Savings are on track for 2030.",
        "Savings increased by 3 points.",
        "The savings accounts are working.",
    ],
)
def test_no_progress_claim_passes_on_no_clear_trend(text):
    assert check(text, NO_TREND)


def test_what_the_evidence_supports_passes():
    assert check("Reading rose from 22% to 34% and is improving, but at risk.", IMPROVING_UP) == []
    # For a lower-is-better indicator, falling is the improvement.
    assert check("Unemployment fell, improved, and is on track.", IMPROVING_DOWN) == []


def test_a_change_against_the_trend_is_refused():
    [refusal] = check("Reading fell.", IMPROVING_UP)
    assert "the trend goes the other way" in refusal.reason


def test_on_track_needs_progress_on_track():
    [refusal] = check("Reading is on track.", IMPROVING_UP)
    assert refusal.reason == "claims progress to the target, but the evidence says at risk."


def test_a_significant_survey_change_supports_a_claim_of_it():
    evidence = {**NO_TREND, "latest_change": {**NO_TREND["latest_change"], "significant": True}}
    assert check("Savings rose in 2025 and improved.", evidence) == []
    assert check("Savings fell in 2025.", evidence)
