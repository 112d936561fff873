"""Generates the demo collaborative of Riverton, a fictional city. Synthetic data only.

Everything is drawn from one fixed seed, so every run gives the same numbers.

Planted signals (what later stages must find, and what the tests check):

1. **An effective strategy.** "Home child-care network" runs in the four South Ward
   neighbourhoods from school year 2020-21. Kindergarten readiness there gains
   ``EFFECTIVE_GAIN_PER_YEAR`` points a year on top of the citywide trend, so its
   difference-in-differences against the other eight neighbourhoods is clearly positive.
2. **An ineffective strategy.** "Attendance text nudges" runs in the four West Ward
   neighbourhoods from 2020-21 and has no effect at all on chronic absence: the treated
   neighbourhoods follow the same path as the comparison ones.
3. **A rise within the margin of error.** "Families able to cover a $400 emergency" is a
   resident survey (margins of error at 90% confidence). Citywide it is flat with noise,
   and its last estimate is 3.0 points above the one before, well inside the margins:
   nothing may call that progress.
4. **Computed from raw records.** "Days to resolve housing code complaints" is not a
   file of numbers: it is computed (median days, by month and neighbourhood) from
   ``housing_complaints()``, 311-style raw records, by `civicloop.measure.compute` on DuckDB.
5. **A missing partner.** "South Ward Family Health Center" serves most of its clients in
   the South Ward, the focus of the early-literacy and health results, but has no seat at
   any table; no other health organisation sits at the early-literacy table.

The other four strategies have no effect built in.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20261125
EFFECTIVE_GAIN_PER_YEAR = 2.5
YEARS = list(range(2016, 2026))  # calendar years 2016..2025
SCHOOL_YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2016, 2025)]  # 2016-17..2024-25
MONTHS = [f"{y}-{m:02d}" for y in range(2018, 2026) for m in range(1, 13)][: 12 * 7 + 9]
STRATEGY_START_INDEX = SCHOOL_YEARS.index("2020-21")

WARDS = {
    "north": "North Ward",
    "south": "South Ward",
    "west": "West Ward",
}
NEIGHBOURHOODS = [
    # code, name, ward, population weight
    ("n-harbor", "Harbor Point", "north", 1.1),
    ("n-millrace", "Millrace", "north", 0.9),
    ("n-cedar", "Cedar Hill", "north", 1.0),
    ("n-lakeview", "Lakeview", "north", 0.8),
    ("s-clinton", "Clinton Park", "south", 1.2),
    ("s-ironbound", "Ironbound", "south", 1.0),
    ("s-fairmount", "Fairmount", "south", 0.9),
    ("s-weequahic", "Weequahic Hills", "south", 1.1),
    ("w-vailsburg", "Vailsburg", "west", 1.0),
    ("w-roseville", "Roseville", "west", 0.9),
    ("w-orchard", "Orchard Street", "west", 0.8),
    ("w-brookdale", "Brookdale", "west", 1.0),
]
RACE_GROUPS = [
    ("black", "Black"),
    ("hispanic", "Hispanic or Latino"),
    ("white", "White"),
    ("asian", "Asian"),
    ("other", "Multiracial or other"),
]


@dataclass(frozen=True)
class IndicatorSpec:
    result: str
    slug: str
    name: str
    definition: str
    unit: str
    unit_kind: str
    direction: str  # higher | lower
    frequency: str  # year | school_year | month
    level: float  # citywide level at the start
    trend: float  # change per year, citywide
    noise: float
    spread: float  # how far neighbourhoods differ
    race_gap: tuple[float, ...]  # offset per RACE_GROUPS entry
    target: float | None
    target_period: str | None
    source: str
    decimals: int = 1
    survey: bool = False
    public: bool = True
    rate_per: int | None = None
    seasonal: float = 0.0


RESULTS = [
    {
        "slug": "early-literacy",
        "title": "Early literacy",
        "statement": "Every child in the South Ward reads at grade level by the end of 3rd grade.",
        "population": "Children aged 0-9 and their families",
        "focus": ["south"],
    },
    {
        "slug": "economic-security",
        "title": "Family economic security",
        "statement": "Every family in Riverton can meet its basic needs and build savings.",
        "population": "Working-age adults and their households",
        "focus": ["south", "west"],
    },
    {
        "slug": "healthy-homes",
        "title": "Healthy, stable homes",
        "statement": "Every child in Riverton grows up in a safe, healthy and stable home.",
        "population": "Renter households with children",
        "focus": ["south"],
    },
]

INDICATORS = [
    IndicatorSpec(
        "early-literacy",
        "third-grade-reading",
        "Third-grade reading proficiency",
        "Share of 3rd graders scoring proficient or above on the state reading test.",
        "% of 3rd graders",
        "percent",
        "higher",
        "school_year",
        31,
        1.4,
        1.6,
        7,
        (-6, -4, 7, 6, 0),
        50,
        "2029-30",
        "Riverton Public Schools",
    ),
    IndicatorSpec(
        "early-literacy",
        "kindergarten-readiness",
        "Kindergarten readiness",
        "Share of entering kindergartners meeting all readiness benchmarks.",
        "% of kindergartners",
        "percent",
        "higher",
        "school_year",
        44,
        0.3,
        1.2,
        6,
        (-5, -3, 6, 5, 0),
        60,
        "2029-30",
        "Riverton Public Schools",
    ),
    IndicatorSpec(
        "early-literacy",
        "chronic-absence",
        "Chronic absence in K-3",
        "Share of K-3 students missing 10% or more of school days.",
        "% of K-3 students",
        "percent",
        "lower",
        "school_year",
        24,
        -0.2,
        1.0,
        5,
        (5, 3, -5, -6, 0),
        12,
        "2029-30",
        "Riverton Public Schools",
    ),
    IndicatorSpec(
        "early-literacy",
        "licensed-child-care-seats",
        "Licensed child-care seats per 100 children under 5",
        "Licensed infant, toddler and preschool seats per 100 children under five.",
        "seats per 100 children",
        "rate",
        "higher",
        "year",
        38,
        0.8,
        1.5,
        8,
        (0, 0, 0, 0, 0),
        55,
        "2030",
        "State child-care licensing registry",
        rate_per=100,
    ),
    IndicatorSpec(
        "early-literacy",
        "library-story-time-visits",
        "Library story-time visits",
        "Children's visits to library story time, per month.",
        "visits",
        "count",
        "higher",
        "month",
        160,
        5,
        8,
        0,
        (0, 0, 0, 0, 0),
        None,
        None,
        "Riverton Public Library",
        decimals=0,
        public=False,
        seasonal=0.25,
    ),
    IndicatorSpec(
        "economic-security",
        "emergency-savings",
        "Families able to cover a $400 emergency",
        "Share of surveyed households who could cover an unexpected $400 expense from savings.",
        "% of households",
        "percent",
        "higher",
        "year",
        41,
        0.0,
        1.1,
        4,
        (-6, -5, 8, 5, 0),
        55,
        "2030",
        "Riverton Resident Survey (90% margins of error)",
        survey=True,
    ),
    IndicatorSpec(
        "economic-security",
        "unemployment-rate",
        "Unemployment rate",
        "Unemployed residents as a share of the labour force (monthly, not seasonally adjusted).",
        "% of labour force",
        "percent",
        "lower",
        "month",
        8.5,
        -0.35,
        0.25,
        1.5,
        (0, 0, 0, 0, 0),
        5,
        "2030",
        "State labour market information",
        seasonal=0.08,
    ),
    IndicatorSpec(
        "economic-security",
        "child-poverty",
        "Children in poverty",
        "Share of children under 18 in households below the federal poverty line.",
        "% of children",
        "percent",
        "lower",
        "year",
        29,
        -0.5,
        1.0,
        6,
        (8, 6, -10, -7, 0),
        20,
        "2030",
        "American Community Survey",
    ),
    IndicatorSpec(
        "economic-security",
        "small-business-loans",
        "Small-business loans to local owners",
        "Number of loans closed by community lenders to businesses owned by residents.",
        "loans",
        "count",
        "higher",
        "year",
        4,
        0.25,
        1.0,
        0.5,
        (0, 0, 0, 0, 0),
        90,
        "2030",
        "Riverton Community Development Fund",
        decimals=0,
        public=False,
    ),
    IndicatorSpec(
        "healthy-homes",
        "eviction-filings",
        "Eviction filings",
        "Residential eviction filings per 1,000 renter households, monthly.",
        "per 1,000 renter households",
        "rate",
        "lower",
        "month",
        4.2,
        -0.12,
        0.35,
        1.0,
        (0, 0, 0, 0, 0),
        2.5,
        "2030",
        "County landlord-tenant court",
        rate_per=1000,
        seasonal=0.1,
    ),
    IndicatorSpec(
        "healthy-homes",
        "asthma-ed-visits",
        "Childhood asthma emergency visits",
        "Emergency department visits for asthma per 10,000 children.",
        "per 10,000 children",
        "rate",
        "lower",
        "year",
        118,
        -2.0,
        6,
        25,
        (30, 12, -25, -20, 0),
        80,
        "2030",
        "Riverton Health System",
        rate_per=10000,
        decimals=0,
    ),
    IndicatorSpec(
        "healthy-homes",
        "housing-cost-burden",
        "Renters paying over 30% of income on rent",
        "Share of renter households spending more than 30% of income on housing.",
        "% of renter households",
        "percent",
        "lower",
        "year",
        52,
        0.4,
        1.0,
        5,
        (6, 5, -7, -4, 0),
        45,
        "2030",
        "American Community Survey",
    ),
    IndicatorSpec(
        "healthy-homes",
        "well-child-visits",
        "Children with a well-child visit",
        "Share of children under six with a well-child visit in the past year.",
        "% of children under 6",
        "percent",
        "higher",
        "year",
        71,
        0.6,
        1.0,
        5,
        (-4, -3, 4, 3, 0),
        85,
        "2030",
        "Medicaid managed-care plans",
    ),
]

STRATEGIES = [
    # slug, name, kind, hypothesis, indicator, ward, effect per year after start, owners
    (
        "home-child-care-network",
        "Home child-care network",
        "child-care-supply",
        "If the community development fund finances home child-care providers in the South Ward, "
        "kindergarten readiness there rises 5 points by 2023-24.",
        "kindergarten-readiness",
        "south",
        EFFECTIVE_GAIN_PER_YEAR,
        ["riverton-community-development-fund", "little-steps-child-care-alliance"],
    ),
    (
        "attendance-text-nudges",
        "Attendance text nudges",
        "attendance",
        "If schools text families after each absence, chronic absence in the West Ward falls 4 points.",
        "chronic-absence",
        "west",
        0.0,
        ["riverton-public-schools"],
    ),
    (
        "family-savings-accounts",
        "Family savings accounts",
        "savings",
        "If employers match family savings, more households in the South and West Wards can cover "
        "an emergency.",
        "emergency-savings",
        "south",
        0.0,
        ["riverton-savings-bank", "riverton-workforce-board"],
    ),
    (
        "eviction-diversion",
        "Eviction diversion",
        "housing-stability",
        "If tenants get counsel before their first hearing, eviction filings fall in the South Ward.",
        "eviction-filings",
        "south",
        0.0,
        ["riverton-housing-authority", "legal-aid-riverton"],
    ),
    (
        "asthma-home-visits",
        "Asthma home visits",
        "healthy-homes",
        "If community health workers remediate triggers at home, asthma ED visits fall in the North Ward.",
        "asthma-ed-visits",
        "north",
        0.0,
        ["riverton-health-system"],
    ),
    (
        "main-street-lending",
        "Main Street lending",
        "small-business",
        "If the fund lends to resident-owned businesses on West Ward corridors, more of them open.",
        "small-business-loans",
        "west",
        0.0,
        ["riverton-community-development-fund"],
    ),
]

# indicator → the organisation that owns its numbers (its steward) and alone writes them
# besides the backbone; indicators from public statistics (the ACS, the 311 computation)
# have none: the backbone loads those.
STEWARDS = {
    "third-grade-reading": "riverton-public-schools",
    "kindergarten-readiness": "riverton-public-schools",
    "chronic-absence": "riverton-public-schools",
    "licensed-child-care-seats": "little-steps-child-care-alliance",
    "library-story-time-visits": "riverton-public-library",
    "emergency-savings": "city-office-of-economic-opportunity",
    "unemployment-rate": "riverton-workforce-board",
    "small-business-loans": "riverton-community-development-fund",
    "eviction-filings": "legal-aid-riverton",
    "asthma-ed-visits": "riverton-health-system",
    "well-child-visits": "city-health-department",
}

ORGANISATIONS = [
    # slug, name, sector, families reached, {ward or neighbourhood: share}, seats [(result, role)]
    (
        "riverton-public-schools",
        "Riverton Public Schools",
        "education_k12",
        21000,
        {"north": 0.32, "south": 0.38, "west": 0.30},
        [("early-literacy", "chair"), ("healthy-homes", "data_partner")],
    ),
    (
        "riverton-community-development-fund",
        "Riverton Community Development Fund",
        "community_finance",
        2400,
        {"south": 0.55, "west": 0.35, "north": 0.10},
        [("economic-security", "chair"), ("early-literacy", "funder")],
    ),
    (
        "riverton-health-system",
        "Riverton Health System",
        "health_system",
        30000,
        {"north": 0.40, "south": 0.30, "west": 0.30},
        [("healthy-homes", "chair")],
    ),
    (
        "riverton-housing-authority",
        "Riverton Housing Authority",
        "housing",
        6200,
        {"south": 0.50, "west": 0.30, "north": 0.20},
        [("healthy-homes", "co_chair"), ("economic-security", "member")],
    ),
    (
        "riverton-workforce-board",
        "Riverton Workforce Board",
        "workforce",
        5200,
        {"south": 0.35, "west": 0.40, "north": 0.25},
        [("economic-security", "member")],
    ),
    (
        "little-steps-child-care-alliance",
        "Little Steps Child Care Alliance",
        "child_care",
        1800,
        {"south": 0.60, "west": 0.25, "north": 0.15},
        [("early-literacy", "member")],
    ),
    (
        "riverton-early-learning-network",
        "Riverton Early Learning Network",
        "early_childhood",
        2600,
        {"south": 0.45, "north": 0.30, "west": 0.25},
        [("early-literacy", "member")],
    ),
    (
        "city-health-department",
        "Riverton Department of Health",
        "public_health",
        15000,
        {"north": 0.33, "south": 0.34, "west": 0.33},
        [("healthy-homes", "data_partner")],
    ),
    (
        "city-office-of-economic-opportunity",
        "Office of Economic Opportunity",
        "government",
        4000,
        {"north": 0.30, "south": 0.40, "west": 0.30},
        [("economic-security", "data_partner")],
    ),
    (
        "riverton-public-library",
        "Riverton Public Library",
        "government",
        9000,
        {"north": 0.35, "south": 0.35, "west": 0.30},
        [("early-literacy", "member")],
    ),
    (
        "riverton-community-foundation",
        "Riverton Community Foundation",
        "philanthropy",
        0,
        {"north": 0.34, "south": 0.33, "west": 0.33},
        [
            ("early-literacy", "funder"),
            ("economic-security", "funder"),
            ("healthy-homes", "funder"),
        ],
    ),
    (
        "riverton-savings-bank",
        "Riverton Savings Bank",
        "community_finance",
        3500,
        {"north": 0.50, "west": 0.30, "south": 0.20},
        [("economic-security", "member")],
    ),
    (
        "legal-aid-riverton",
        "Legal Aid Riverton",
        "human_services",
        1300,
        {"south": 0.50, "west": 0.35, "north": 0.15},
        [("healthy-homes", "member")],
    ),
    (
        "family-success-centers",
        "Family Success Centers",
        "human_services",
        2900,
        {"south": 0.45, "west": 0.40, "north": 0.15},
        [("economic-security", "community_voice")],
    ),
    (
        "south-ward-residents-council",
        "South Ward Residents' Council",
        "residents",
        600,
        {"south": 1.0},
        [("early-literacy", "community_voice"), ("healthy-homes", "community_voice")],
    ),
    (
        "greater-mt-zion-church",
        "Greater Mt. Zion Church",
        "faith_community",
        700,
        {"s-clinton": 0.6, "s-ironbound": 0.4},
        [("early-literacy", "community_voice")],
    ),
    (
        "riverton-state-university",
        "Riverton State University",
        "higher_education",
        8000,
        {"north": 0.55, "west": 0.30, "south": 0.15},
        [("economic-security", "data_partner")],
    ),
    (
        "riverton-medical-partners",
        "Riverton Medical Partners",
        "health_system",
        11000,
        {"north": 0.70, "west": 0.20, "south": 0.10},
        [],
    ),
    (
        "south-ward-family-health-center",
        "South Ward Family Health Center",
        "health_system",
        7400,
        {
            "s-clinton": 0.22,
            "s-ironbound": 0.18,
            "s-fairmount": 0.14,
            "s-weequahic": 0.16,
            "w-vailsburg": 0.06,
            "n-harbor": 0.04,
            "north": 0.04,
            "west": 0.16,
        },
        [],
    ),
    ("west-ward-youth-league", "West Ward Youth League", "faith_community", 500, {"west": 1.0}, []),
    (
        "northside-chamber-of-commerce",
        "Northside Chamber of Commerce",
        "workforce",
        300,
        {"north": 1.0},
        [],
    ),
    (
        "riverton-food-bank",
        "Riverton Food Bank",
        "human_services",
        9500,
        {"north": 0.30, "south": 0.40, "west": 0.30},
        [],
    ),
    (
        "head-start-of-riverton",
        "Head Start of Riverton",
        "early_childhood",
        900,
        {"west": 0.60, "north": 0.40},
        [],
    ),
    (
        "county-social-services",
        "County Department of Social Services",
        "government",
        12000,
        {"north": 0.30, "south": 0.40, "west": 0.30},
        [("economic-security", "member")],
    ),
]
MISSING_ORGANISATION = "south-ward-family-health-center"
# How much each strategy's hypothesis says its indicator should move (in the indicator's
# units, signed: a fall in chronic absence is negative).
EXPECTED_CHANGE = {
    "home-child-care-network": 5.0,
    "attendance-text-nudges": -4.0,
    "family-savings-accounts": 5.0,
    "eviction-diversion": -1.0,
    "asthma-home-visits": -15.0,
    "main-street-lending": 3.0,
}

# Indicators computed from raw records rather than loaded as numbers.
COMPUTED_INDICATORS = [
    {
        "result": "healthy-homes",
        "slug": "housing-complaint-days",
        "name": "Days to resolve housing code complaints",
        "definition": "Median days from a tenant's housing code complaint (311) to its resolution.",
        "unit": "days",
        "unit_kind": "count",
        "direction": "lower",
        "frequency": "month",
        "target": 14,
        "target_period": "2030",
        "source": "Riverton 311 (raw records, computed by civicloop)",
        "computation": {
            "measure": "median",
            "table": "housing-complaints",
            "value": "days_to_close",
            "period": {"column": "opened", "grain": "month"},
            "area": "neighbourhood",
            "filters": [{"column": "category", "op": "==", "value": "housing code"}],
        },
        # The 311 records begin in 2022, after the collaborative's start (2020): the code
        # enforcement work this curve reads began in 2024, said on the indicator itself.
        "work_began": "2024",
    }
]


# Partners' performance measures (how much, how well, is anyone better off) of three
# commitments, citywide: what the commitments' pages and their results' pages show.
# The referral rate rises clearly (21 months: each month of 2025 against the same month of
# 2024); the loans and the families still housed show no clear trend; the providers'
# survival has too few years to say.
PERFORMANCE_MEASURES = [
    {
        "commitment": "Set aside $2 million for loans to home child-care providers",
        "kind": "how_much",
        "name": "Loans closed to home child-care providers",
        "unit": "loans",
        "unit_kind": "count",
        "direction": "higher",
        "frequency": "year",
        "values": {"2021": 5, "2022": 7, "2023": 9, "2024": 8, "2025": 9},
    },
    {
        "commitment": "Set aside $2 million for loans to home child-care providers",
        "kind": "better_off",
        "name": "Providers still open two years after their loan",
        "unit": "%",
        "unit_kind": "percent",
        "direction": "higher",
        "frequency": "year",
        "values": {"2023": 80.0, "2024": 83.3, "2025": 85.7},
    },
    {
        "commitment": "Refer every family facing eviction to Legal Aid before its first hearing",
        "kind": "how_well",
        "name": "Families facing eviction referred before their first hearing",
        "unit": "%",
        "unit_kind": "percent",
        "direction": "higher",
        "frequency": "month",
        "values": {
            f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}": v
            for m, v in enumerate(
                (
                    42,
                    48,
                    47,
                    53,
                    58,
                    56,
                    61,
                    66,
                    64,
                    69,
                    72,
                    75,
                    74,
                    78,
                    77,
                    80,
                    83,
                    82,
                    85,
                    87,
                    86,
                ),
                start=1,
            )
        },
    },
    {
        "commitment": "Refer every family facing eviction to Legal Aid before its first hearing",
        "kind": "better_off",
        "name": "Referred families still housed six months later",
        "unit": "%",
        "unit_kind": "percent",
        "direction": "higher",
        "frequency": "quarter",
        "values": {
            "2024-Q1": 78.0,
            "2024-Q2": 81.0,
            "2024-Q3": 77.0,
            "2024-Q4": 80.0,
            "2025-Q1": 79.0,
            "2025-Q2": 82.0,
        },
    },
    {
        "commitment": "Open 120 new infant and toddler seats in the South Ward",
        "kind": "how_much",
        "name": "Infant and toddler seats opened",
        "unit": "seats",
        "unit_kind": "count",
        "direction": "higher",
        "frequency": "quarter",
        "values": {
            "2024-Q1": 4,
            "2024-Q2": 7,
            "2024-Q3": 9,
            "2024-Q4": 11,
            "2025-Q1": 14,
            "2025-Q2": 19,
        },
    },
]


def performance_measure_rows(slugs: dict[str, str]) -> list[Row]:
    """The citywide rows of `PERFORMANCE_MEASURES`, by each measure's indicator slug
    (``slugs``: measure name -> slug, as the table gave them)."""
    return [
        Row(indicator=slugs[m["name"]], area="riverton", period=period, value=float(value))
        for m in PERFORMANCE_MEASURES
        for period, value in m["values"].items()
    ]


def housing_complaints() -> list[dict]:
    """311-style raw records: one row per request, housing code complaints among others."""
    import datetime as dt

    rng = np.random.default_rng(SEED + 311)
    records = []
    start = dt.date(2022, 1, 1)
    for m in range(12 * 3 + 9):  # 2022-01 .. 2025-09
        first = dt.date(start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1, 1)
        for code, _name, ward, weight in NEIGHBOURHOODS:
            n = rng.poisson(22 * weight)
            slower = 1.25 if ward == "south" else 1.0
            median = (24 - 0.12 * m) * slower  # resolution slowly gets faster
            days = rng.gamma(2.0, median / 1.68, n)
            category = rng.choice(["housing code", "noise", "street light"], n, p=[0.6, 0.25, 0.15])
            for k in range(n):
                records.append(
                    {
                        "request_id": f"R{len(records) + 1:07d}",
                        "opened": (first + dt.timedelta(days=int(rng.integers(0, 28)))).isoformat(),
                        "neighbourhood": code,
                        "category": str(category[k]),
                        "days_to_close": round(float(days[k]), 1),
                    }
                )
    return records


def write_records_csv(records: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


@dataclass
class Row:
    indicator: str
    area: str
    period: str
    value: float
    dimension: str = ""
    group: str = ""
    margin_of_error: float | None = None
    confidence_level: float | None = None
    status: str = "final"


@dataclass
class DemoData:
    rows: list[Row] = field(default_factory=list)
    corrections: list[Row] = field(default_factory=list)


def _periods(frequency: str) -> list[str]:
    return {"year": [str(y) for y in YEARS], "school_year": SCHOOL_YEARS, "month": MONTHS}[
        frequency
    ]


def _clip(spec: IndicatorSpec, values: np.ndarray) -> np.ndarray:
    if spec.unit_kind == "percent":
        return np.clip(values, 0.5, 99.5)
    return np.maximum(values, 0)


def generate() -> DemoData:
    """All observations of the demo, long format, deterministic."""
    rng = np.random.default_rng(SEED)
    weights = np.array([n[3] for n in NEIGHBOURHOODS])
    wards = np.array([n[2] for n in NEIGHBOURHOODS])
    strategies_by_indicator = {s[4]: s for s in STRATEGIES}
    data = DemoData()
    for spec in INDICATORS:
        periods = _periods(spec.frequency)
        n_t = len(periods)
        per_year = 12 if spec.frequency == "month" else 1
        t = np.arange(n_t) / per_year  # years since the first period
        offsets = rng.normal(0, spec.spread, len(NEIGHBOURHOODS))
        if spec.spread and spec.direction == "higher":
            offsets -= np.where(
                wards == "south", spec.spread * 0.8, 0
            )  # the South Ward starts behind
        elif spec.spread:
            offsets += np.where(wards == "south", spec.spread * 0.8, 0)
        season = (
            spec.seasonal * spec.level * np.sin(2 * np.pi * (np.arange(n_t) % 12) / 12)
            if per_year == 12
            else 0.0
        )
        base = spec.level + spec.trend * t + season
        hood = (
            base[None, :] + offsets[:, None] + rng.normal(0, spec.noise, (len(NEIGHBOURHOODS), n_t))
        )
        strategy = strategies_by_indicator.get(spec.slug)
        if strategy is not None and strategy[6] and spec.frequency == "school_year":
            treated = wards == strategy[5]
            since = np.clip(np.arange(n_t) - STRATEGY_START_INDEX + 1, 0, None)
            hood[treated] += strategy[6] * since[None, :]
        if spec.slug == "emergency-savings":
            hood = _flat_survey(hood, rng)
        hood = _clip(spec, hood)
        city = (hood * weights[:, None]).sum(0) / weights.sum()
        if spec.unit_kind == "count":
            city = hood.sum(0)
        ward_values = {}
        for ward in WARDS:
            mask = wards == ward
            if spec.unit_kind == "count":
                ward_values[ward] = hood[mask].sum(0)
            else:
                ward_values[ward] = (hood[mask] * weights[mask, None]).sum(0) / weights[mask].sum()
        if spec.slug == "emergency-savings":
            # Planted: the last citywide estimate sits exactly 3 points above the one before.
            city[-1] = city[-2] + 3.0

        def emit(
            area,
            level,
            values,
            dim="",
            group="",
            _spec=spec,
            _periods=periods,
            _monthly=per_year == 12,
        ):
            _emit(data, _spec, _periods, _monthly, area, level, values, dim, group)

        emit("riverton", "city", city)
        for ward, values in ward_values.items():
            emit(ward, "ward", values)
        for j, (code, *_rest) in enumerate(NEIGHBOURHOODS):
            emit(code, "neighbourhood", hood[j])
        if any(spec.race_gap):
            for (gslug, _gname), gap in zip(RACE_GROUPS, spec.race_gap, strict=True):
                gap_trend = -0.08 * gap * t  # gaps close slowly
                noise = rng.normal(0, spec.noise * 1.2, n_t)
                emit(
                    "riverton",
                    "city",
                    _clip(spec, city + gap + gap_trend + noise),
                    "race-ethnicity",
                    gslug,
                )
                for ward, values in ward_values.items():
                    noise = rng.normal(0, spec.noise * 1.5, n_t)
                    emit(
                        ward,
                        "ward",
                        _clip(spec, values + gap + gap_trend + noise),
                        "race-ethnicity",
                        gslug,
                    )
    data.corrections = _corrections(data.rows)
    return data


MOE_BY_LEVEL = {"city": 3.6, "ward": 6.2, "neighbourhood": 10.5}


def _emit(data, spec, periods, monthly, area, level, values, dim, group) -> None:
    n_t = len(periods)
    for i, period in enumerate(periods):
        row = Row(spec.slug, area, period, round(float(values[i]), spec.decimals), dim, group)
        if spec.survey:
            row.margin_of_error = MOE_BY_LEVEL[level] * (1.3 if group else 1.0)
            row.confidence_level = 0.90
        if monthly and i >= n_t - 2:
            row.status = "provisional"  # the latest two months are still being reported
        data.rows.append(row)


def _flat_survey(hood: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The survey indicator moves around its level with sampling noise only: no real trend."""
    return hood - hood.mean(axis=1, keepdims=True) + hood.mean() + rng.normal(0, 0.6, hood.shape)


def _corrections(rows: list[Row]) -> list[Row]:
    """A second file from the school district restating last year's reading results.

    It shows what a revision looks like: the earlier values stay visible with who
    changed them, when and why.
    """
    last = SCHOOL_YEARS[-1]
    out = []
    for row in rows:
        if row.indicator == "third-grade-reading" and row.period == last and not row.dimension:
            out.append(Row(**{**row.__dict__, "value": round(row.value + 0.4, 1)}))
    return out


COLUMNS = [
    "indicator",
    "area",
    "dimension",
    "group",
    "period",
    "value",
    "margin_of_error",
    "confidence_level",
    "status",
]


def write_csv(rows: list[Row], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(
                [
                    r.indicator,
                    r.area,
                    r.dimension,
                    r.group,
                    r.period,
                    r.value,
                    "" if r.margin_of_error is None else r.margin_of_error,
                    "" if r.confidence_level is None else r.confidence_level,
                    r.status,
                ]
            )
    return path
