"""The table stage's part of the Riverton demo: whom partners serve, what they promised, how
their roles changed, and two prioritisation rounds (one closed, one open). Synthetic.

Called by `civicloop.demo.install` once the collaborative and its loads are in place. Due
dates are set relative to the day the demo is built, so some commitments are always
overdue and some always ahead. Scores come from a fixed seed.

The planted missing partner (``generator.MISSING_ORGANISATION``) gets a footprint that
matches the early-literacy result (young children in the South Ward), and health is one of
the sectors that result's indicators need: it must come out first in "who is missing".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from django.utils import timezone

from civicloop.core.models import User
from civicloop.results.models import Area, Collaborative, Indicator, Result
from civicloop.table import rounds
from civicloop.table.models import (
    Ballot,
    Commitment,
    CommitmentStatus,
    Contact,
    IndicatorSector,
    Organisation,
    OrganisationPopulation,
    PartnerRole,
    Population,
    Programme,
    ResultPopulation,
    RoleChange,
    Round,
    RoundMethod,
    Seat,
    SeatRole,
    Strategy,
    ZipArea,
)

SEED = 20261126

AGES = ["age-0-4", "age-5-9", "age-10-17", "age-18-24", "age-25-64", "age-65-plus"]
INCOMES = ["income-below-poverty", "income-100-199", "income-200-plus"]

# organisation: (age shares in AGES order, or None = served but shares unknown),
#               (income shares in INCOMES order), {groups it serves}
POPULATIONS = {
    "riverton-public-schools": (
        [0.05, 0.35, 0.60, 0, 0, 0],
        [0.45, 0.35, 0.20],
        {"students"},
    ),
    "riverton-community-development-fund": (
        [0, 0, 0, 0.10, 0.85, 0.05],
        [0.30, 0.50, 0.20],
        {"small-business-owners", "families-with-young-children"},
    ),
    "riverton-health-system": ([0.08, 0.07, 0.12, 0.10, 0.45, 0.18], [0.35, 0.35, 0.30], set()),
    "riverton-housing-authority": (
        [0.10, 0.10, 0.15, 0.08, 0.42, 0.15],
        [0.70, 0.30, 0],
        {"renter-households"},
    ),
    "riverton-workforce-board": ([0, 0, 0, 0.30, 0.70, 0], [0.40, 0.45, 0.15], {"job-seekers"}),
    "little-steps-child-care-alliance": (
        [0.80, 0.20, 0, 0, 0, 0],
        [0.50, 0.40, 0.10],
        {"families-with-young-children"},
    ),
    "riverton-early-learning-network": (
        [0.90, 0.10, 0, 0, 0, 0],
        [0.50, 0.35, 0.15],
        {"families-with-young-children"},
    ),
    "city-health-department": ("all", [0.50, 0.30, 0.20], set()),
    "city-office-of-economic-opportunity": ([0, 0, 0, 0.20, 0.80, 0], [0.60, 0.40, 0], set()),
    "riverton-public-library": ([0.15, 0.20, 0.20, 0.10, 0.25, 0.10], None, set()),
    "riverton-savings-bank": ([0, 0, 0, 0.10, 0.70, 0.20], [0, 0.40, 0.60], set()),
    "legal-aid-riverton": (
        [0, 0, 0, 0.10, 0.70, 0.20],
        [1, 0, 0],
        {"renter-households"},
    ),
    "family-success-centers": (
        [0.20, 0.20, 0.10, 0, 0.50, 0],
        [0.60, 0.40, 0],
        {"families-with-young-children"},
    ),
    "south-ward-residents-council": ([0, 0, 0, 0, None, None], [0.60, 0.30, 0.10], set()),
    "greater-mt-zion-church": ("all", None, set()),
    "riverton-state-university": ([0, 0, 0, 0.80, 0.20, 0], [0.20, 0.40, 0.40], {"students"}),
    "riverton-medical-partners": ([0, 0, 0, 0.10, 0.60, 0.30], [0, 0.30, 0.70], set()),
    "south-ward-family-health-center": (
        [0.25, 0.20, 0.15, 0, 0.30, 0.10],
        [0.65, 0.30, 0.05],
        {"families-with-young-children", "immigrant-families"},
    ),
    "west-ward-youth-league": ([0, 0.30, 0.70, 0, 0, 0], [0.60, 0.30, 0.10], set()),
    "northside-chamber-of-commerce": (
        [0, 0, 0, 0, 1, 0],
        [0, 0.30, 0.70],
        {"small-business-owners"},
    ),
    "riverton-food-bank": ("all", [0.80, 0.20, 0], set()),
    "head-start-of-riverton": ([1, 0, 0, 0, 0, 0], [1, 0, 0], {"families-with-young-children"}),
    "county-social-services": (
        [0.10, 0.10, 0.15, 0.10, 0.40, 0.15],
        [0.80, 0.20, 0],
        set(),
    ),
}

RESULT_POPULATIONS = {
    # "Children aged 0-9 and their families": the families, whatever the age of the client.
    "early-literacy": ["families-with-young-children"],
    "economic-security": ["age-18-24", "age-25-64", "income-below-poverty", "income-100-199"],
    "healthy-homes": ["renter-households", "income-below-poverty", "income-100-199"],
}

INDICATOR_SECTORS = {
    "third-grade-reading": ["education_k12", "early_childhood"],
    "kindergarten-readiness": ["early_childhood", "child_care", "health_system"],
    "chronic-absence": ["education_k12", "health_system", "housing"],
    "licensed-child-care-seats": ["child_care", "community_finance"],
    "library-story-time-visits": ["government"],
    "emergency-savings": ["community_finance", "workforce"],
    "unemployment-rate": ["workforce", "higher_education"],
    "child-poverty": ["human_services", "government"],
    "small-business-loans": ["community_finance"],
    "eviction-filings": ["housing", "human_services"],
    "asthma-ed-visits": ["health_system", "public_health", "housing"],
    "housing-cost-burden": ["housing", "community_finance"],
    "well-child-visits": ["health_system", "public_health"],
    "housing-complaint-days": ["housing", "government"],
}

CONTACTS = {
    "riverton-public-schools": [
        ("Dr. Alicia Moreno", "Superintendent"),
        ("James Park", "Director of Data and Accountability"),
    ],
    "riverton-community-development-fund": [("Marcus Bell", "President and CEO")],
    "riverton-health-system": [("Dr. Helen Osei", "Chief Community Health Officer")],
    "riverton-housing-authority": [("Renee Carter", "Executive Director")],
    "riverton-workforce-board": [("Luis Ferreira", "Director")],
    "little-steps-child-care-alliance": [("Sam Ortiz", "Network Director")],
    "riverton-early-learning-network": [("Grace Kim", "Coordinator")],
    "city-health-department": [("Dr. Omar Haddad", "Health Officer")],
    "city-office-of-economic-opportunity": [("Tanya Brooks", "Deputy Mayor")],
    "riverton-public-library": [("Eleanor Vance", "Head of Children's Services")],
    "riverton-community-foundation": [("Robert Chen", "Vice President, Programs")],
    "riverton-savings-bank": [("Patricia Lowe", "Head of Community Banking")],
    "legal-aid-riverton": [("Daniel Reyes", "Managing Attorney")],
    "family-success-centers": [("Aisha Grant", "Director")],
    "south-ward-residents-council": [("Mary Johnson", "President")],
    "greater-mt-zion-church": [("Rev. Calvin Hughes", "Pastor")],
    "riverton-state-university": [("Dr. Nina Patel", "Director, Urban Research Center")],
    "south-ward-family-health-center": [("Dr. Yolanda Pierce", "Medical Director")],
}

PROGRAMMES = {
    "riverton-public-schools": [("Attendance outreach", "Family outreach after absences.", 4000)],
    "riverton-community-development-fund": [
        ("Home child-care loans", "Loans to home child-care providers.", 140)
    ],
    "little-steps-child-care-alliance": [
        ("Home provider network", "Shared services for 60 home providers.", 900)
    ],
    "south-ward-family-health-center": [
        ("Well-child visits", "Paediatric primary care with developmental screening.", 3100),
        ("Reach Out and Read", "Books and reading advice at every well-child visit.", 2200),
    ],
    "riverton-housing-authority": [("Family self-sufficiency", "Savings and coaching.", 450)],
}

COMMITMENTS = [
    # org, title, results, strategies, owner, due (days from today), status, evidence
    (
        "riverton-public-schools",
        "Share chronic-absence data with the Housing Authority every month",
        ["early-literacy", "healthy-homes"],
        ["attendance-text-nudges"],
        "James Park",
        -30,
        CommitmentStatus.AT_RISK,
        "Data-sharing agreement drafted; the first monthly file has not been sent.",
    ),
    (
        "riverton-community-development-fund",
        "Set aside $2 million for loans to home child-care providers in the South Ward",
        ["early-literacy"],
        ["home-child-care-network"],
        "Marcus Bell",
        -400,
        CommitmentStatus.DONE,
        "Board resolution of the loan fund; 38 loans closed so far.",
    ),
    (
        "riverton-housing-authority",
        "Refer every family facing eviction to Legal Aid before its first hearing",
        ["healthy-homes"],
        ["eviction-diversion"],
        "Renee Carter",
        45,
        CommitmentStatus.ON_TRACK,
        "",
    ),
    (
        "riverton-health-system",
        "Screen every child seen for asthma for housing triggers and refer the family",
        ["healthy-homes"],
        ["asthma-home-visits"],
        "Dr. Helen Osei",
        -10,
        CommitmentStatus.NOT_STARTED,
        "",
    ),
    (
        "little-steps-child-care-alliance",
        "Open 120 new infant and toddler seats in the South Ward",
        ["early-literacy"],
        ["home-child-care-network"],
        "Sam Ortiz",
        120,
        CommitmentStatus.ON_TRACK,
        "64 seats opened so far.",
    ),
    (
        "riverton-savings-bank",
        "Offer no-fee savings accounts with an employer match at every Family Success Center",
        ["economic-security"],
        ["family-savings-accounts"],
        "Patricia Lowe",
        -75,
        CommitmentStatus.AT_RISK,
        "",
    ),
    (
        "riverton-workforce-board",
        "Publish job placements by neighbourhood every month",
        ["economic-security"],
        [],
        "Luis Ferreira",
        30,
        CommitmentStatus.ON_TRACK,
        "",
    ),
    (
        "riverton-public-library",
        "Bring story time to every home child-care provider once a month",
        ["early-literacy"],
        ["home-child-care-network"],
        "Eleanor Vance",
        90,
        CommitmentStatus.NOT_STARTED,
        "",
    ),
    (
        "city-health-department",
        "Share asthma emergency visits by neighbourhood with the table every month",
        ["healthy-homes"],
        ["asthma-home-visits"],
        "Dr. Omar Haddad",
        -120,
        CommitmentStatus.DONE,
        "Monthly file loaded since January.",
    ),
    (
        "riverton-community-foundation",
        "Fund the Community Development Fund's data-partner work for three years",
        ["economic-security"],
        ["main-street-lending"],
        "Robert Chen",
        -200,
        CommitmentStatus.DONE,
        "Three-year grant awarded.",
    ),
]

ROLE_CHANGES = [
    # org, from, to, since, why
    (
        "riverton-community-development-fund",
        None,
        "lender",
        date(2019, 9, 1),
        "Joined the table as the South Ward's community lender.",
    ),
    (
        "riverton-community-development-fund",
        "lender",
        "data-partner",
        date(2022, 3, 1),
        "Began sharing its loans by neighbourhood so the table can see where capital goes; "
        "it still lends, now to the table's strategies.",
    ),
    (
        "riverton-health-system",
        "service-provider",
        "housing-investor",
        date(2023, 1, 15),
        "Invests community-benefit dollars in repairing asthma triggers in rented homes.",
    ),
    (
        "riverton-public-schools",
        "service-provider",
        "convener",
        date(2019, 9, 1),
        "The superintendent chairs the early-literacy table.",
    ),
    (
        "riverton-public-schools",
        None,
        "data-partner",
        date(2021, 9, 1),
        "Shares attendance records with the Housing Authority and the health system.",
    ),
    (
        "riverton-housing-authority",
        "landlord",
        "health-partner",
        date(2024, 2, 1),
        "Trains its property managers to spot and fix asthma triggers.",
    ),
    (
        "riverton-savings-bank",
        None,
        "lender",
        date(2019, 9, 1),
        "Joined the economic-security table.",
    ),
]

# How good each strategy looks to the table (1-5 scale), per criterion, before noise.
STRATEGY_MERIT = {
    "home-child-care-network": [4.6, 3.8, 4.4, 4.0, 3.2, 4.2],
    "eviction-diversion": [4.0, 3.6, 4.3, 3.8, 3.4, 4.0],
    "asthma-home-visits": [3.4, 2.8, 3.8, 3.4, 2.6, 3.6],
    "family-savings-accounts": [3.0, 3.2, 3.0, 3.4, 3.0, 2.6],
    "main-street-lending": [2.6, 2.4, 2.8, 3.2, 2.8, 2.4],
    "attendance-text-nudges": [2.2, 4.0, 2.6, 4.6, 4.6, 2.0],
}
OPEN_ROUND_NOT_VOTED = {"little-steps-child-care-alliance", "riverton-public-schools"}


def install(collab: Collaborative) -> None:
    today = timezone.localdate()
    orgs = {o.slug: o for o in Organisation.objects.filter(collaborative=collab)}
    results = {r.slug: r for r in Result.objects.filter(collaborative=collab)}
    strategies = {s.slug: s for s in Strategy.objects.filter(collaborative=collab)}
    pops = {p.slug: p for p in Population.objects.all()}
    _footprints(orgs, pops)
    _needs(collab, results, pops)
    _zip_codes(collab)
    contacts = _contacts(orgs)
    _past_seat(orgs, results)
    _commitments(collab, orgs, results, strategies, contacts, today)
    _roles(orgs)
    _rounds(collab, orgs, strategies, today)


def _footprints(orgs: dict[str, Organisation], pops: dict[str, Population]) -> None:
    rows = []
    for slug, (ages, incomes, groups) in POPULATIONS.items():
        org = orgs[slug]
        if ages == "all":
            ages = [None] * len(AGES)
        for pop_slug, share in zip(AGES, ages or [], strict=False):
            if share != 0:
                rows.append(
                    OrganisationPopulation(organisation=org, population=pops[pop_slug], share=share)
                )
        for pop_slug, share in zip(INCOMES, incomes or [], strict=False):
            if share:
                rows.append(
                    OrganisationPopulation(organisation=org, population=pops[pop_slug], share=share)
                )
        for pop_slug in sorted(groups):  # groups are tags: no shares
            rows.append(OrganisationPopulation(organisation=org, population=pops[pop_slug]))
    OrganisationPopulation.objects.bulk_create(rows)
    Programme.objects.bulk_create(
        Programme(organisation=orgs[slug], name=name, description=text, families_reached=n)
        for slug, items in PROGRAMMES.items()
        for name, text, n in items
    )


def _needs(collab, results: dict[str, Result], pops: dict[str, Population]) -> None:
    ResultPopulation.objects.bulk_create(
        ResultPopulation(result=results[r], population=pops[p])
        for r, slugs in RESULT_POPULATIONS.items()
        for p in slugs
    )
    indicators = {i.slug: i for i in Indicator.objects.filter(result__collaborative=collab)}
    IndicatorSector.objects.bulk_create(
        IndicatorSector(indicator=indicators[slug], sector=sector)
        for slug, sectors in INDICATOR_SECTORS.items()
        if slug in indicators
        for sector in sectors
    )


def _zip_codes(collab) -> None:
    """A fictional ZIP crosswalk: one ZIP code per neighbourhood, 07101 to 07112."""
    from civicloop.demo import generator as g

    areas = {a.code: a for a in Area.objects.filter(collaborative=collab)}
    ZipArea.objects.bulk_create(
        ZipArea(collaborative=collab, zip_code=f"071{i + 1:02d}", area=areas[code])
        for i, (code, *_rest) in enumerate(g.NEIGHBOURHOODS)
    )


def _contacts(orgs) -> dict[str, Contact]:
    out = {}
    for slug, people in CONTACTS.items():
        for name, title in people:
            out[name] = Contact.objects.create(organisation=orgs[slug], name=name, title=title)
    return out


def _past_seat(orgs, results) -> None:
    """Riverton Medical Partners sat at the healthy-homes table for three years, then left."""
    Seat.objects.create(
        organisation=orgs["riverton-medical-partners"],
        result=results["healthy-homes"],
        role=SeatRole.MEMBER,
        joined=date(2019, 9, 1),
        left=date(2022, 6, 30),
    )


def _commitments(collab, orgs, results, strategies, contacts, today: date) -> None:
    for org, title, result_slugs, strategy_slugs, owner, due, status, evidence in COMMITMENTS:
        commitment = Commitment.objects.create(
            collaborative=collab,
            organisation=orgs[org],
            title=title,
            owner=contacts.get(owner),
            due=today + timedelta(days=due),
            status=status,
            evidence=evidence,
            declared=status == CommitmentStatus.DONE,
        )
        commitment.results.set([results[r] for r in result_slugs])
        commitment.strategies.set([strategies[s] for s in strategy_slugs])


def _roles(orgs) -> None:
    roles = {r.slug: r for r in PartnerRole.objects.all()}
    for org, before, after, since, why in ROLE_CHANGES:
        RoleChange.objects.create(
            organisation=orgs[org],
            from_role=roles[before] if before else None,
            to_role=roles[after],
            since=since,
            why=why,
        )


def _rounds(collab, orgs, strategies, today: date) -> None:
    rng = np.random.default_rng(SEED)
    chair = User.objects.filter(
        memberships__collaborative=collab, memberships__role="chair"
    ).first()
    order = list(STRATEGY_MERIT)
    closed = rounds.open_round(
        collab,
        chair,
        title="Priorities for the 2025-26 school year",
        question="Which strategies should the table put first?",
        strategies=[strategies[s] for s in order],
    )
    criteria = list(closed.criteria.all())
    for org in rounds.eligible(closed):
        scores = {}
        for s in order:
            merit = np.array(STRATEGY_MERIT[s])
            values = np.clip(np.rint(merit + rng.normal(0, 0.8, len(merit))), 1, 5).astype(int)
            for criterion, value in zip(criteria, values, strict=True):
                scores[(strategies[s].pk, criterion.pk)] = int(value)
        rounds.save_ballot(closed, org, chair, scores=scores)
    result = rounds.outcome(closed)
    rounds.close(
        closed,
        chair,
        decision=(
            "The table puts the home child-care network and eviction diversion first, keeps "
            "asthma home visits and family savings accounts, and stops expanding attendance "
            "text nudges until the evidence improves."
        ),
        ranks={line.strategy.pk: line.rank for line in result.lines},
        declared=True,
    )
    stamp = timezone.make_aware(datetime.combine(today - timedelta(days=240), datetime.min.time()))
    Round.objects.filter(pk=closed.pk).update(opened_at=stamp, closed_at=stamp + timedelta(days=21))
    Ballot.objects.filter(round=closed).update(submitted_at=stamp + timedelta(days=7))

    dots = rounds.open_round(
        collab,
        chair,
        title="Where should the next $1 million go?",
        question="Place your organisation's ten dots on the strategies to scale next year.",
        strategies=[strategies[s] for s in order],
        method=RoundMethod.DOTS,
        anonymous=True,
        closes_on=today + timedelta(days=14),
    )
    weights = np.array([6, 5, 3, 2, 1, 1], dtype=float)
    for org in rounds.eligible(dots):
        if org.slug in OPEN_ROUND_NOT_VOTED:
            continue
        placed = rng.multinomial(10, weights / weights.sum())
        rounds.save_ballot(
            dots,
            org,
            chair,
            dots={strategies[s].pk: int(n) for s, n in zip(order, placed, strict=True)},
        )
