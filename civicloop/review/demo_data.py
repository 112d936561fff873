"""The review stage's part of the Riverton demo: the strategies' expected changes and
history, one past review with the decisions the table signed, and the review it meets for
today. Synthetic.

Called by `civicloop.demo.install` after the table's demo data. The past review is dated
15 October 2024, so its packet is built from the data as of then (school years to
2023-24, calendar years to 2023): there the attendance nudges even look harmful, and the
table, reading the small size of the rise, adapted them rather than stopping them — the
packet of today shows what came of it.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from civicloop.core.models import Membership, Role
from civicloop.results.models import Collaborative
from civicloop.review.decisions import record_decision
from civicloop.review.models import Review, StrategyChange
from civicloop.table.models import Strategy, StrategyStatus

PAST_REVIEW = date(2024, 10, 15)

# How much each strategy's hypothesis says it should move its indicator, in the
# indicator's units (the generator's hypotheses say it in words).
EXPECTED_CHANGE = {
    "home-child-care-network": 5.0,  # "kindergarten readiness there rises 5 points"
    "attendance-text-nudges": -4.0,  # "chronic absence in the West Ward falls 4 points"
}

# The table's decisions at the past review: (decision, rationale, published). Main Street
# lending was left for the next meeting, so today's packet says the table owes it one.
DECISIONS = {
    "home-child-care-network": (
        "scale",
        "Readiness in the four South Ward neighbourhoods is six points above the comparison "
        "areas, more than the five we hoped for. The fund doubles the loan pool and the "
        "alliance recruits providers in the West Ward next.",
        True,
    ),
    "attendance-text-nudges": (
        "adapt",
        "Chronic absence rose a little where the texts went out. The rise is under a point "
        "and the texts cost little, so rather than stop we change them: teachers send them, "
        "in the family's language, with an offer of help. We look again next year.",
        True,
    ),
    "eviction-diversion": (
        "stay",
        "Counsel reached most tenants only from 2023; the comparison shows no effect yet. "
        "We keep the programme a year and add the court's hearing data.",
        False,
    ),
    "asthma-home-visits": (
        "change_course",
        "Visits reached too few homes to move emergency visits. The health system moves the "
        "money to repairing triggers in the worst rented buildings, with the housing "
        "authority.",
        False,
    ),
    "family-savings-accounts": (
        "stay",
        "The survey's margins of error are wide and the accounts opened only in 2022; we "
        "wait for the next survey before deciding.",
        False,
    ),
}

# The strategies' start, after the fact: proposed at the first table, active from the
# start of their period. Recorded as history (the strategies were created active).
STARTED = datetime(2020, 9, 1, 12, 0)


def install(collab: Collaborative) -> None:
    strategies = {s.slug: s for s in Strategy.objects.filter(collaborative=collab)}
    for slug, change in EXPECTED_CHANGE.items():
        if slug in strategies and strategies[slug].expected_change is None:
            strategies[slug].expected_change = change
            strategies[slug].save(update_fields=["expected_change"])
    chair = (
        Membership.objects.filter(collaborative=collab, role=Role.CHAIR)
        .select_related("user")
        .first()
    )
    StrategyChange.objects.bulk_create(
        StrategyChange(
            strategy=s,
            from_status=StrategyStatus.PROPOSED,
            to_status=StrategyStatus.ACTIVE,
            why=f"Started from {s.start_period.label} in "
            + ", ".join(a.name for a in s.areas.order_by("name"))
            + ".",
            changed_by=chair.user if chair else None,
            changed_at=timezone.make_aware(STARTED),
        )
        for s in strategies.values()
        if s.status == StrategyStatus.ACTIVE and s.start_period is not None
    )
    past = Review.objects.create(
        collaborative=collab,
        held_on=PAST_REVIEW,
        title="Fall 2024 learning review",
        notes="Second year of data since the strategies started.",
        created_by=chair.user if chair else None,
    )
    if chair is not None:
        signed_at = timezone.make_aware(datetime.combine(PAST_REVIEW, time(18, 30)))
        for slug, (decision, rationale, published) in DECISIONS.items():
            if slug in strategies:
                record_decision(
                    past,
                    strategies[slug],
                    decision,
                    rationale,
                    chair.user,
                    published=published,
                    at=signed_at,
                )
    Review.objects.create(
        collaborative=collab,
        held_on=timezone.localdate(),
        title="Learning review",
        notes="The table's meeting today: decide on each strategy.",
        created_by=chair.user if chair else None,
    )
