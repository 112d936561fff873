"""Prioritisation rounds: who votes, saving a ballot, the outcome, and closing with a decision.

The arithmetic (weighted scores, spread, Kendall's W) is in `civicloop.table.agreement`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from civicloop.core import access
from civicloop.table import agreement
from civicloop.table.models import (
    SCORE_MAX,
    SCORE_MIN,
    Ballot,
    Criterion,
    Dots,
    Organisation,
    Round,
    RoundCandidate,
    RoundMethod,
    RoundStatus,
    Score,
    Seat,
    Strategy,
    StrategyStatus,
)

DEFAULT_CRITERIA = [
    # name, help, weight (percent)
    ("Impact on the result", "How far it would move the result's indicators.", 30),
    ("Reach", "How many of the result's families it would reach.", 15),
    ("Equity", "How far it would close gaps between groups and neighbourhoods.", 20),
    ("Feasibility", "Whether the table can do it with what it has.", 15),
    ("Cost", "5 = cheap for what it does, 1 = expensive.", 10),
    ("Strength of evidence", "How well tested it is, here or elsewhere.", 10),
]


class BallotError(Exception):
    """A ballot that cannot be saved; the message says why, for the user."""


def eligible(round_: Round, on: date | None = None):
    """The organisations that vote: those seated at the round's result (or at any table)."""
    seats = Seat.active(on).filter(result__collaborative=round_.collaborative)
    if round_.result_id:
        seats = seats.filter(result=round_.result)
    return Organisation.objects.filter(pk__in=seats.values("organisation")).order_by("name")


def voting_for(user, round_: Round) -> list[Organisation]:
    """The seated organisations this person may vote for while the round is open: their own;
    backbone admins may also enter a ballot for any of them (from a meeting's paper votes),
    except in an anonymous round, where nobody sees another organisation's ballot."""
    if not round_.is_open or not user.is_authenticated:
        return []
    if round_.anonymous:
        mine = set(
            access.memberships(user)
            .filter(collaborative=round_.collaborative, organisation__isnull=False)
            .values_list("organisation", flat=True)
        )
        return [org for org in eligible(round_) if org.pk in mine]
    return [org for org in eligible(round_) if access.can_edit_organisation(user, org)]


def can_open_or_close(user, collaborative) -> bool:
    return access.can_manage(user, collaborative)


def open_round(
    collaborative,
    user,
    *,
    title: str,
    strategies: list[Strategy],
    method: str = RoundMethod.SCORES,
    result=None,
    question: str = "",
    anonymous: bool = False,
    dots_per_voter: int = 10,
    closes_on: date | None = None,
    criteria: list[tuple[str, str, float]] | None = None,
) -> Round:
    if len(strategies) < 2:
        raise BallotError("a round needs at least two candidate strategies")
    criteria = DEFAULT_CRITERIA if criteria is None else criteria
    if method == RoundMethod.SCORES and not criteria:
        raise BallotError("a scored round needs at least one criterion")
    with transaction.atomic():
        round_ = Round.objects.create(
            collaborative=collaborative,
            result=result,
            title=title,
            question=question,
            method=method,
            anonymous=anonymous,
            dots_per_voter=dots_per_voter,
            closes_on=closes_on,
            opened_by=user,
        )
        RoundCandidate.objects.bulk_create(
            RoundCandidate(round=round_, strategy=s, order=i) for i, s in enumerate(strategies)
        )
        if method == RoundMethod.SCORES:
            Criterion.objects.bulk_create(
                Criterion(round=round_, name=name, help=help_, weight=weight, order=i)
                for i, (name, help_, weight) in enumerate(criteria)
            )
    return round_


def candidates(round_: Round) -> list[Strategy]:
    return [e.strategy for e in round_.entries.select_related("strategy")]


def save_ballot(
    round_: Round,
    organisation: Organisation,
    user,
    *,
    scores: dict[tuple[int, int], int] | None = None,
    dots: dict[int, int] | None = None,
) -> Ballot:
    """Create or replace the organisation's ballot. Scores: (strategy pk, criterion pk) -> 1-5."""
    if not round_.is_open:
        raise BallotError("this round is closed")
    if not eligible(round_).filter(pk=organisation.pk).exists():
        raise BallotError(f"{organisation} has no seat at this round's table")
    strategy_ids = [s.pk for s in candidates(round_)]
    if round_.method == RoundMethod.SCORES:
        criterion_ids = list(round_.criteria.values_list("pk", flat=True))
        scores = scores or {}
        wanted = {(s, c) for s in strategy_ids for c in criterion_ids}
        if set(scores) != wanted:
            raise BallotError("score every candidate strategy on every criterion")
        if any(not SCORE_MIN <= v <= SCORE_MAX for v in scores.values()):
            raise BallotError(f"scores go from {SCORE_MIN} to {SCORE_MAX}")
    else:
        dots = {s: dots.get(s, 0) for s in strategy_ids} if dots else {}
        if any(v < 0 for v in dots.values()):
            raise BallotError("dots cannot be negative")
        if sum(dots.values()) > round_.dots_per_voter:
            raise BallotError(f"each organisation has {round_.dots_per_voter} dots to place")
        if not sum(dots.values()):
            raise BallotError("place at least one dot")
    with transaction.atomic():
        ballot, created = Ballot.objects.get_or_create(
            round=round_, organisation=organisation, defaults={"submitted_by": user}
        )
        if not created:
            ballot.submitted_by = user
            ballot.save()
        ballot.scores.all().delete()
        ballot.dots.all().delete()
        if round_.method == RoundMethod.SCORES:
            Score.objects.bulk_create(
                Score(ballot=ballot, strategy_id=s, criterion_id=c, value=v)
                for (s, c), v in scores.items()
            )
        else:
            Dots.objects.bulk_create(
                Dots(ballot=ballot, strategy_id=s, dots=v) for s, v in dots.items() if v
            )
    return ballot


@dataclass
class Line:
    """One candidate strategy's outcome."""

    strategy: Strategy
    total: float  # mean weighted score (scores) or total dots (dots)
    rank: int
    spread: agreement.Spread | None
    by_criterion: list[float] = field(default_factory=list)
    values: list[tuple[str, float]] = field(default_factory=list)  # (voter label, value)
    decided_rank: int | None = None


@dataclass
class Outcome:
    round: Round
    lines: list[Line]
    voters: list[str]
    eligible: list[Organisation]
    not_voted: list[Organisation]
    agreement: agreement.Agreement | None
    criteria: list[Criterion]

    @property
    def ballots(self) -> int:
        return len(self.voters)


def _voter_labels(round_: Round, ballots: list[Ballot]) -> list[str]:
    if not round_.anonymous:
        return [b.organisation.name for b in ballots]
    return [f"Partner {chr(65 + i) if i < 26 else i + 1}" for i in range(len(ballots))]


def _anonymous_order(round_: Round, ballots: list[Ballot]) -> list[Ballot]:
    """A fixed order that says nothing about who voted first."""
    return sorted(ballots, key=lambda b: hashlib.sha256(f"{round_.pk}:{b.pk}".encode()).hexdigest())


def outcome(round_: Round) -> Outcome:
    strategies = candidates(round_)
    criteria = list(round_.criteria.all())
    ballots = list(round_.ballots.select_related("organisation").order_by("organisation__name"))
    if round_.anonymous:
        ballots = _anonymous_order(round_, ballots)
    labels = _voter_labels(round_, ballots)
    s_index = {s.pk: j for j, s in enumerate(strategies)}
    m, n = len(ballots), len(strategies)
    by_criterion = np.zeros((n, len(criteria)))
    if round_.method == RoundMethod.SCORES:
        c_index = {c.pk: k for k, c in enumerate(criteria)}
        raw = np.full((m, n, len(criteria)), np.nan)
        b_index = {b.pk: i for i, b in enumerate(ballots)}
        for ballot_id, strategy_id, criterion_id, value in Score.objects.filter(
            ballot__round=round_
        ).values_list("ballot_id", "strategy_id", "criterion_id", "value"):
            if strategy_id in s_index and criterion_id in c_index:
                raw[b_index[ballot_id], s_index[strategy_id], c_index[criterion_id]] = value
        raw = np.nan_to_num(raw, nan=float(SCORE_MIN))
        matrix = agreement.weighted(raw, [c.weight for c in criteria]) if m else np.zeros((0, n))
        totals = matrix.mean(axis=0) if m else np.zeros(n)
        if m:
            by_criterion = raw.mean(axis=0)
    else:
        matrix = np.zeros((m, n))
        b_index = {b.pk: i for i, b in enumerate(ballots)}
        for ballot_id, strategy_id, count in Dots.objects.filter(ballot__round=round_).values_list(
            "ballot_id", "strategy_id", "dots"
        ):
            if strategy_id in s_index:
                matrix[b_index[ballot_id], s_index[strategy_id]] = count
        totals = matrix.sum(axis=0)
    ranks = agreement.ranking(totals) if n else np.array([], int)
    spreads = agreement.spread(matrix) if m else [None] * n
    decided = dict(round_.entries.values_list("strategy_id", "decided_rank"))
    lines = [
        Line(
            strategy=s,
            total=float(totals[j]),
            rank=int(ranks[j]),
            spread=spreads[j],
            by_criterion=[float(v) for v in by_criterion[j]],
            values=[(labels[i], float(matrix[i, j])) for i in range(m)],
            decided_rank=decided.get(s.pk),
        )
        for j, s in enumerate(strategies)
    ]
    lines.sort(key=lambda line: (line.rank, line.strategy.name))
    voters_ids = {b.organisation_id for b in ballots}
    everyone = list(eligible(round_))
    return Outcome(
        round=round_,
        lines=lines,
        voters=labels,
        eligible=everyone,
        not_voted=[o for o in everyone if o.pk not in voters_ids],
        agreement=agreement.kendall_w(matrix),
        criteria=criteria,
    )


def close(round_: Round, user, *, decision: str, ranks: dict[int, int], declared=False) -> None:
    """Close the round and make the chair's order the strategies' priority (1 = first)."""
    if not round_.is_open:
        raise BallotError("this round is already closed")
    if not decision.strip():
        raise BallotError("record the decision the table took")
    ids = {s.pk for s in candidates(round_)}
    if set(ranks) != ids or any(r < 1 for r in ranks.values()):
        raise BallotError("give every candidate strategy a priority of 1 or more")
    with transaction.atomic():
        for entry in round_.entries.all():
            entry.decided_rank = ranks[entry.strategy_id]
            entry.save(update_fields=["decided_rank"])
        for strategy in Strategy.objects.filter(pk__in=ids):
            strategy.priority = ranks[strategy.pk]
            strategy.priority_round = round_
            strategy.save(update_fields=["priority", "priority_round"])
            if strategy.status == StrategyStatus.PROPOSED:
                # Through the review stage's change_status, so the history says why.
                from civicloop.review.decisions import change_status

                change_status(
                    strategy,
                    StrategyStatus.PRIORITISED,
                    f"ranked {ranks[strategy.pk]} in the prioritisation round {round_}",
                    user,
                )
        round_.status = RoundStatus.CLOSED
        round_.closed_by = user
        round_.closed_at = timezone.now()
        round_.decision = decision.strip()
        round_.declared = declared
        round_.save()


def visible_rounds(user, collaborative):
    """Members see every round; the public only declared, closed ones of a public table."""
    qs = Round.objects.filter(collaborative=collaborative)
    if access.is_member(user, collaborative):
        return qs
    if collaborative.is_public:
        return qs.filter(Q(declared=True) & Q(status=RoundStatus.CLOSED))
    return qs.none()
