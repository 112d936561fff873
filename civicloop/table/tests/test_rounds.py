"""Prioritisation rounds: open, vote once per seated organisation, rank, agree, close."""

from __future__ import annotations

import pytest

from civicloop.table import rounds
from civicloop.table.models import (
    Ballot,
    Criterion,
    Round,
    RoundMethod,
    RoundStatus,
    Strategy,
)
from civicloop.table.tests.helpers import login, org, result

pytestmark = pytest.mark.django_db


def closed_round() -> Round:
    return Round.objects.get(status=RoundStatus.CLOSED)


def dots_round() -> Round:
    return Round.objects.get(status=RoundStatus.OPEN, method=RoundMethod.DOTS)


def open_scored_round(bob, **kwargs) -> Round:
    strategies = list(Strategy.objects.filter(collaborative__slug="riverton").order_by("name")[:3])
    return rounds.open_round(
        strategies[0].collaborative,
        bob,
        title="Early-literacy priorities",
        result=result("early-literacy"),
        strategies=strategies,
        **kwargs,
    )


def scores_form(round_: Round, value=4) -> dict:
    return {
        f"score_{s.pk}_{c.pk}": str(value)
        for s in rounds.candidates(round_)
        for c in round_.criteria.all()
    }


def test_the_demo_closed_round_ranked_the_strategies_and_set_their_priority():
    result_ = rounds.outcome(closed_round())
    assert result_.ballots == 18 == len(result_.eligible)
    assert result_.lines[0].strategy.slug == "home-child-care-network"
    assert result_.agreement.w > 0.3 and result_.agreement.p_value < 0.001
    priorities = dict(Strategy.objects.values_list("slug", "priority"))
    assert priorities["home-child-care-network"] == 1
    assert sorted(priorities.values()) == [1, 2, 3, 4, 5, 6]


def test_the_default_criteria_are_weighted():
    names = list(closed_round().criteria.values_list("name", flat=True))
    assert names == [
        "Impact on the result",
        "Reach",
        "Equity",
        "Feasibility",
        "Cost",
        "Strength of evidence",
    ]


def test_bob_the_chair_opens_a_round_from_the_web(client, bob):
    login(client, bob)
    strategies = Strategy.objects.filter(slug__in=["eviction-diversion", "asthma-home-visits"])
    data = {
        "title": "Healthy homes: what first?",
        "result": result("healthy-homes").pk,
        "candidates": [s.pk for s in strategies],
        "method": "scores",
        "dots_per_voter": "10",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Impact",
        "criteria-0-weight": "2",
        "criteria-1-name": "Cost",
        "criteria-1-weight": "1",
    }
    response = client.post("/c/riverton/rounds/new/", data)
    assert response.status_code == 302
    made = Round.objects.get(title="Healthy homes: what first?")
    assert made.opened_by == bob and made.is_open
    assert [(c.name, c.weight) for c in made.criteria.all()] == [("Impact", 2.0), ("Cost", 1.0)]
    assert {o.slug for o in rounds.eligible(made)} >= {"riverton-health-system"}


def test_carol_cannot_open_or_close_a_round(client, carol):
    login(client, carol)
    assert client.get("/c/riverton/rounds/new/").status_code == 403
    response = client.post(f"/c/riverton/rounds/{dots_round().pk}/close/", {"decision": "x"})
    assert response.status_code == 403 and dots_round().is_open


def test_carol_scores_once_for_little_steps_and_may_change_her_ballot(client, bob, carol):
    round_ = open_scored_round(bob)
    login(client, carol)
    url = f"/c/riverton/rounds/{round_.pk}/ballot/"
    assert client.post(url, scores_form(round_, 4)).status_code == 302
    assert client.post(url, scores_form(round_, 2)).status_code == 302
    ballot = Ballot.objects.get(round=round_)
    assert ballot.organisation == org("little-steps-child-care-alliance")
    assert {s.value for s in ballot.scores.all()} == {2}
    assert Ballot.objects.filter(round=round_).count() == 1


def test_dave_cannot_vote_at_a_table_where_his_organisation_has_no_seat(client, bob, dave):
    round_ = open_scored_round(bob)  # the housing authority does not sit at early literacy
    login(client, dave)
    assert client.get(f"/c/riverton/rounds/{round_.pk}/ballot/").status_code == 403


def test_carol_cannot_vote_for_another_organisation(client, bob, carol):
    round_ = open_scored_round(bob)
    login(client, carol)
    data = scores_form(round_) | {"organisation": "riverton-public-schools"}
    assert client.post(f"/c/riverton/rounds/{round_.pk}/ballot/", data).status_code == 403
    assert not Ballot.objects.filter(round=round_).exists()


def test_a_ballot_must_score_every_strategy_on_every_criterion(bob):
    round_ = open_scored_round(bob)
    criterion = Criterion.objects.filter(round=round_).first()
    strategy = rounds.candidates(round_)[0]
    with pytest.raises(rounds.BallotError, match="score every candidate"):
        rounds.save_ballot(
            round_, org("riverton-public-schools"), bob, scores={(strategy.pk, criterion.pk): 5}
        )


def test_nobody_votes_once_the_round_is_closed(client, carol):
    round_ = closed_round()
    login(client, carol)
    assert client.get(f"/c/riverton/rounds/{round_.pk}/ballot/").status_code == 403
    with pytest.raises(rounds.BallotError, match="closed"):
        rounds.save_ballot(round_, org("little-steps-child-care-alliance"), carol, dots={})


def test_dots_cannot_exceed_the_allowance(carol):
    round_ = dots_round()
    first = rounds.candidates(round_)[0]
    with pytest.raises(rounds.BallotError, match="10 dots"):
        rounds.save_ballot(
            round_, org("little-steps-child-care-alliance"), carol, dots={first.pk: 11}
        )
    rounds.save_ballot(round_, org("little-steps-child-care-alliance"), carol, dots={first.pk: 10})
    assert rounds.outcome(round_).ballots == 17


def test_an_anonymous_round_does_not_say_who_voted_what(client, erin):
    page = login(client, erin).get(f"/c/riverton/rounds/{dots_round().pk}/").content.decode()
    assert "Partner A" in page and "An anonymous round" in page
    ballots = page[page.index("<h2>Ballots</h2>") :]
    assert "Riverton Housing Authority" not in ballots
    attributable = client.get(f"/c/riverton/rounds/{closed_round().pk}/").content.decode()
    assert "Riverton Housing Authority" in attributable[attributable.index("<h2>Ballots</h2>") :]


def test_the_round_page_shows_ranking_spread_and_agreement(client, erin):
    page = login(client, erin).get(f"/c/riverton/rounds/{closed_round().pk}/").content.decode()
    assert "Kendall's W" in page and "χ²" in page
    assert "Home child-care network" in page and "The table's decision" in page
    assert 'data-spec="spread-spec"' in page


def test_bob_closes_a_round_and_its_order_becomes_the_priority(client, bob):
    round_ = open_scored_round(bob)
    for org_slug, value in (
        ("riverton-public-schools", 5),
        ("little-steps-child-care-alliance", 3),
    ):
        rounds.save_ballot(
            round_,
            org(org_slug),
            bob,
            scores={
                (s.pk, c.pk): value if i == 0 else 2
                for i, s in enumerate(rounds.candidates(round_))
                for c in round_.criteria.all()
            },
        )
    first, second, third = rounds.candidates(round_)
    login(client, bob)
    response = client.post(
        f"/c/riverton/rounds/{round_.pk}/close/",
        {
            "decision": "Start with the first; the others wait a year.",
            f"rank_{first.pk}": "1",
            f"rank_{second.pk}": "3",
            f"rank_{third.pk}": "2",
            "declared": "1",
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert not round_.is_open and round_.declared and round_.closed_by == bob
    third.refresh_from_db()
    assert third.priority == 2 and third.priority_round == round_


def test_the_public_sees_a_declared_decision_but_no_ballots(client):
    page = client.get(f"/c/riverton/rounds/{closed_round().pk}/").content.decode()
    assert "The table's decision" in page and "Home child-care network" in page
    assert "<h2>Ballots</h2>" not in page and "Riverton Housing Authority" not in page
    assert client.get(f"/c/riverton/rounds/{dots_round().pk}/").status_code == 404


def test_in_an_anonymous_round_alice_cannot_open_another_organisations_ballot(client, alice):
    login(client, alice)
    url = f"/c/riverton/rounds/{dots_round().pk}/ballot/?for=riverton-housing-authority"
    assert client.get(url).status_code == 403


def test_in_an_attributable_round_alice_enters_a_paper_ballot(client, alice, bob):
    round_ = open_scored_round(bob)
    login(client, alice)
    url = f"/c/riverton/rounds/{round_.pk}/ballot/"
    data = scores_form(round_) | {"organisation": "riverton-public-library"}
    assert client.post(url, data).status_code == 302
    assert Ballot.objects.get(round=round_).submitted_by == alice
