"""A second, smaller demo city, so that the network view has cities to put side by side.

Brookhaven (fictional, synthetic data from a fixed seed) joins Riverton in the demo
network. It measures four of Riverton's indicators and runs three strategies of the same
kinds as three of Riverton's, with effects planted so the network view has something to
say: its child-care loans do nothing (Riverton's home child-care network works), its
attendance mentors work (Riverton's text nudges do not), and its right to counsel lowers
eviction filings. Its table published a decision on each, and it declared each of its four
indicators.

Not part of the default demo (the commands that act on "the only collaborative" would then
need ``-c``): ``civicloop declare demo-network`` adds it to the demo's workspace, and the
tests and the benchmark install it where they need a network. Its data go through `civicloop.measure.loads.load_file` like any partner's file; its
decisions through `civicloop.review.decisions.record_decision`; its declarations through
`civicloop.declare.workflow`.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time

import numpy as np
from django.conf import settings
from django.utils import timezone

from civicloop.core.models import Membership, Role, User
from civicloop.measure.loads import load_file
from civicloop.results.models import Area, Collaborative, Indicator, Network, Period, Result, Series

SLUG = "brookhaven"
SEED = 20261126
SCHOOL_YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2012, 2025)]
YEARS = [str(y) for y in range(2012, 2026)]
START = 8  # the strategies start in the ninth period: 2020-21, 2020

DISTRICTS = {"east": "East Side", "west-end": "West End", "harbor": "Harbor District"}
NEIGHBOURHOODS = [
    ("bh-ashford", "Ashford", "east"),
    ("bh-birch", "Birch Park", "east"),
    ("bh-canal", "Canal Street", "west-end"),
    ("bh-dover", "Dover Heights", "west-end"),
    ("bh-elm", "Elm Grove", "harbor"),
    ("bh-foundry", "Foundry Row", "harbor"),
]
RESULTS = [
    (
        "early-literacy",
        "Early literacy",
        "Every Brookhaven child reads at grade level by 4th grade.",
    ),
    ("healthy-homes", "Stable homes", "Every Brookhaven family has a safe, stable place to live."),
]
INDICATORS = [
    # result, slug, name, unit, kind, direction, frequency, level, trend, noise, target, source
    ("early-literacy", "third-grade-reading", "Third-grade reading proficiency",
     "% of 3rd graders", "percent", "higher", "school_year", 35.0, 0.9, 0.8, 50.0,
     "Brookhaven Unified School District"),
    ("early-literacy", "kindergarten-readiness", "Kindergarten readiness",
     "% of kindergartners", "percent", "higher", "school_year", 47.0, 0.5, 0.8, 60.0,
     "Brookhaven Unified School District"),
    ("early-literacy", "chronic-absence", "Chronic absence in K-3",
     "% of K-3 students", "percent", "lower", "school_year", 21.0, 0.1, 0.5, 12.0,
     "Brookhaven Unified School District"),
    ("healthy-homes", "eviction-filings", "Eviction filings",
     "per 1,000 renter households", "rate", "lower", "year", 52.0, -0.6, 1.2, 35.0,
     "Brookhaven County court"),
]  # fmt: skip
STRATEGIES = [
    # slug, name, kind, indicator, district, effect a year after the start, decision, rationale
    ("family-child-care-loans", "Family child-care micro-loans", "child-care-supply",
     "kindergarten-readiness", "east", 0.0, "change_course",
     "Five years of loans have not moved readiness in the East Side. We move the money to "
     "Riverton's model: a network of home providers with shared coaching."),
    ("attendance-mentors", "Attendance mentors", "attendance",
     "chronic-absence", "west-end", -1.2, "scale",
     "Chronic absence fell where mentors worked, against the rest of the city. We take the "
     "mentors to every elementary school."),
    ("right-to-counsel", "Right to counsel", "housing-stability",
     "eviction-filings", "harbor", -3.0, "stay",
     "Filings are falling faster in the Harbor District than elsewhere. We keep counsel and "
     "look again when the next court year is in."),
]  # fmt: skip
CHAIR = ("brookhaven-chair", "Marcus Bell (county executive, chair)")
STAFF = ("brookhaven-staff", "Lena Ortiz (backbone staff)")


def install(network: Network | None) -> Collaborative:
    """(Re)build Brookhaven in `network`; returns it."""
    _remove()
    collab = Collaborative.objects.create(
        network=network,
        slug=SLUG,
        name="Brookhaven Thrives",
        city="Brookhaven",
        description=(
            "A partnership of Brookhaven's schools, county, court and housing groups for "
            "children's learning and stable homes. Synthetic demo data."
        ),
        is_public=True,
        is_synthetic=True,
    )
    city = Area.objects.create(collaborative=collab, name="Brookhaven", code=SLUG, level="city")
    districts = {
        code: Area.objects.create(
            collaborative=collab, name=name, code=code, level="district", parent=city
        )
        for code, name in DISTRICTS.items()
    }
    for code, name, district in NEIGHBOURHOODS:
        Area.objects.create(
            collaborative=collab,
            name=name,
            code=code,
            level="neighbourhood",
            parent=districts[district],
        )
    results = {
        slug: Result.objects.create(
            collaborative=collab, slug=slug, title=title, statement=statement, order=i
        )
        for i, (slug, title, statement) in enumerate(RESULTS)
    }
    for order, (res, slug, name, unit, kind, direction, freq, *_rest, target, source) in enumerate(
        INDICATORS
    ):
        Indicator.objects.create(
            result=results[res],
            slug=slug,
            name=name,
            unit=unit,
            unit_kind=kind,
            direction=direction,
            frequency=freq,
            source=source,
            order=order,
            is_public=False,  # public once declared
            target_value=target,
            target_period=Period.get("2029-30" if freq == "school_year" else "2030", freq),
            rate_per=1000 if kind == "rate" else None,
        )
    from civicloop.demo.install import targets_as_rows

    targets_as_rows(collab)
    people = _people(collab)
    report = load_file(_write_data(), collab, user=people["staff"], approve=True)
    if not report.ok:
        raise RuntimeError(f"Brookhaven's demo data failed validation: {report.problems[:3]}")
    _baselines(collab)
    _strategies_and_decisions(collab, people)
    _declarations(collab, people)
    return collab


def _remove() -> None:
    """An earlier Brookhaven, observations first (their areas are protected)."""
    from civicloop.measure.models import Load

    old = Collaborative.objects.filter(slug=SLUG).first()
    if old is None:
        return
    Series.objects.filter(indicator__result__collaborative=old).delete()
    Load.objects.filter(collaborative=old).delete()
    Area.objects.filter(collaborative=old, level="neighbourhood").delete()
    Area.objects.filter(collaborative=old, level="district").delete()
    old.delete()


def _people(collab: Collaborative) -> dict[str, User]:
    from civicloop.demo.install import DEMO_PASSWORD

    people = {}
    for key, (username, display), role in (
        ("chair", CHAIR, Role.CHAIR),
        ("staff", STAFF, Role.BACKBONE_ADMIN),
    ):
        user, _ = User.objects.get_or_create(username=username)
        user.display_name = display
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.create(user=user, collaborative=collab, role=role)
        people[key] = user
    # The demo's analyst also reads Brookhaven: the network view for someone in both cities.
    analyst = User.objects.filter(username="analyst").first()
    if analyst is not None:
        Membership.objects.create(user=analyst, collaborative=collab, role=Role.ANALYST)
    return people


def _write_data():
    rng = np.random.default_rng(SEED)
    effects = {s[3]: (s[4], s[5]) for s in STRATEGIES}
    rows = []
    for _res, slug, _name, _unit, _kind, _dir, freq, level, trend, noise, *_rest in INDICATORS:
        periods = SCHOOL_YEARS if freq == "school_year" else YEARS
        t = np.arange(len(periods), dtype=float)
        offsets = rng.normal(0, 3.0, len(NEIGHBOURHOODS))
        hood = (
            level
            + trend * t
            + offsets[:, None]
            + rng.normal(0, noise, (len(NEIGHBOURHOODS), len(t)))
        )
        district, effect = effects.get(slug, (None, 0.0))
        since = np.clip(t - START + 1, 0, None)
        for j, (_code, _name2, d) in enumerate(NEIGHBOURHOODS):
            if d == district:
                hood[j] += effect * since
        hood = np.round(hood, 1)
        for j, (code, _n, _d) in enumerate(NEIGHBOURHOODS):
            rows += [(slug, code, p, v) for p, v in zip(periods, hood[j], strict=True)]
        for d in DISTRICTS:
            mask = [n[2] == d for n in NEIGHBOURHOODS]
            rows += [
                (slug, d, p, round(v, 1)) for p, v in zip(periods, hood[mask].mean(0), strict=True)
            ]
        rows += [(slug, SLUG, p, round(v, 1)) for p, v in zip(periods, hood.mean(0), strict=True)]
    path = settings.WORKSPACE.path / "demo-sources" / "brookhaven-observations.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["indicator", "area", "period", "value"])
        out.writerows(rows)
    return path


def _baselines(collab: Collaborative) -> None:
    for ind in Indicator.objects.filter(result__collaborative=collab):
        first = (
            ind.series.filter(area__code=SLUG, group__isnull=True)
            .first()
            .observations.select_related("period")
            .order_by("period__start")
            .first()
        )
        ind.baseline_period, ind.baseline_value = first.period, first.value
        ind.save(update_fields=["baseline_period", "baseline_value"])


def _strategies_and_decisions(collab: Collaborative, people: dict[str, User]) -> None:
    from civicloop.review.decisions import record_decision
    from civicloop.review.models import Review
    from civicloop.table.models import Strategy, StrategyStatus

    review = Review.objects.create(
        collaborative=collab,
        held_on=date(2025, 10, 15),
        title="Fall 2025 learning review",
        created_by=people["chair"],
    )
    signed = timezone.make_aware(datetime.combine(review.held_on, time(17, 0)))
    made = []
    for slug, name, kind, ind_slug, district, _effect, decision, rationale in STRATEGIES:
        ind = Indicator.objects.get(result__collaborative=collab, slug=ind_slug)
        start = "2020-21" if ind.frequency == "school_year" else "2020"
        strategy = Strategy.objects.create(
            collaborative=collab,
            slug=slug,
            name=name,
            kind=kind,
            hypothesis=f"{name} moves {ind.name.lower()} in the {DISTRICTS[district]}.",
            start_period=Period.get(start, ind.frequency),
            status=StrategyStatus.ACTIVE,
        )
        strategy.indicators.set([ind])
        strategy.areas.set(Area.objects.filter(collaborative=collab, parent__code=district))
        made.append((strategy, decision, rationale))
    # All strategies first: the review's packet is frozen with its first decision.
    for strategy, decision, rationale in made:
        record_decision(
            review, strategy, decision, rationale, people["chair"], published=True, at=signed
        )


def _declarations(collab: Collaborative, people: dict[str, User]) -> None:
    from civicloop.declare import workflow

    city = Area.objects.get(collaborative=collab, code=SLUG)
    for ind in Indicator.objects.filter(result__collaborative=collab):
        d = workflow.draft(ind, city, people["staff"])
        workflow.approve(d, people["chair"])
        workflow.publish(d, people["staff"])
