"""Puts the demo collaborative into the current workspace's database.

The observations go through `civicloop.measure.loads.load_file`, exactly as a partner's
file would: generated CSV → archived → validated → loaded, then a correction file that
leaves revisions behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from civicloop.core.models import Membership, Role, User
from civicloop.demo import generator as g
from civicloop.demo.boundaries import boundaries
from civicloop.measure.loads import LoadReport, load_file
from civicloop.measure.models import Source
from civicloop.measure.records import compute_indicators, register_table
from civicloop.results.models import (
    Area,
    Collaborative,
    Dimension,
    Group,
    Indicator,
    Network,
    Period,
    Result,
)
from civicloop.table.models import Organisation, OrganisationArea, Seat, Strategy, StrategyStatus

SLUG = "riverton"
DEMO_PASSWORD = "riverton-demo"
DEMO_USERS = [
    # username, display name, role, organisation slug
    ("backbone", "Dana Backbone (backbone staff)", Role.BACKBONE_ADMIN, None),
    ("chair", "Dr. Alicia Moreno (superintendent, chair)", Role.CHAIR, "riverton-public-schools"),
    (
        "partner",
        "Sam Ortiz (Little Steps Child Care Alliance)",
        Role.PARTNER_MEMBER,
        "little-steps-child-care-alliance",
    ),
    ("analyst", "Priya Shah (analyst)", Role.ANALYST, None),
]


@dataclass
class DemoResult:
    collaborative: Collaborative
    loads: list[LoadReport]


def install(progress=None) -> DemoResult:
    """Remove any earlier demo collaborative and build it again from the generator."""
    data = g.generate()
    with transaction.atomic():
        remove(SLUG)
        collab = _structure()
    source = Source.objects.create(
        collaborative=collab,
        name="Riverton demo partners",
        kind="file",
        organisation=Organisation.objects.get(collaborative=collab, slug="riverton-public-schools"),
    )
    folder = settings.WORKSPACE.path / "demo-sources"
    first = g.write_csv(data.rows, folder / "riverton-observations.csv")
    second = g.write_csv(data.corrections, folder / "riverton-reading-restatement.csv")
    user = User.objects.get(username="backbone")
    loads = [
        load_file(first, collab, source=source, user=user, progress=progress),
        load_file(second, collab, source=source, user=User.objects.get(username="chair")),
    ]
    records = g.write_records_csv(g.housing_complaints(), folder / "riverton-311-requests.csv")
    register_table(records, collab, "housing-complaints")
    loads += [c.report for c in compute_indicators(collab, user=user) if c.report]
    for report in loads:
        if report.problems:
            raise RuntimeError(f"demo data failed validation: {report.problems[:3]}")
    _approve_all(collab, user)
    _baselines(collab)
    _stage_data(collab)
    # Commitments come with the table's stage data; their measures' numbers load after.
    loads.append(_performance_measures(collab, source, folder, user))
    if loads[-1].problems:
        raise RuntimeError(f"demo measures failed validation: {loads[-1].problems[:3]}")
    _approve_all(collab, user)
    return DemoResult(collab, loads)


def _approve_all(collab: Collaborative, backbone: User) -> None:
    """The backbone reviews and approves what the demo's partners loaded, so the demo's
    public pages show its numbers (a real collaborative approves as values arrive)."""
    from civicloop.results import approval

    approval.act("approve", approval.waiting(collab), backbone, note="demo data, reviewed")


def _performance_measures(collab: Collaborative, source, folder, user) -> LoadReport:
    """Partners' performance measures, added as a partner adds them, and their data."""
    from civicloop.table.models import Commitment
    from civicloop.table.views.commitments import add_measure

    slugs = {}
    for spec in g.PERFORMANCE_MEASURES:
        commitment = Commitment.objects.get(
            collaborative=collab, title__startswith=spec["commitment"]
        )
        measure = add_measure(
            commitment,
            {
                "result": commitment.results.order_by("order").first(),
                **{
                    k: spec[k]
                    for k in ("kind", "name", "unit", "unit_kind", "direction", "frequency")
                },
            },
        )
        slugs[spec["name"]] = measure.indicator.slug
    path = g.write_csv(
        g.performance_measure_rows(slugs), folder / "riverton-performance-measures.csv"
    )
    return load_file(path, collab, source=source, user=user)


def _stage_data(collab: Collaborative) -> None:
    """Each later stage adds its own demo data from ``civicloop.<stage>.demo_data.install``."""
    import importlib

    for stage in ("table", "learn", "review", "declare"):
        try:
            module = importlib.import_module(f"civicloop.{stage}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"civicloop.{stage}.demo_data":
                raise
            continue
        module.install(collab)


def remove(slug: str) -> None:
    """Delete a collaborative and everything in it.

    Observations protect their series, areas and loads from accidental deletion, so the
    demo is taken apart from the numbers up rather than by one cascading delete.
    """
    from django.db.models.deletion import ProtectedError

    from civicloop.results.models import Observation, Revision, Series

    collab = Collaborative.objects.filter(slug=slug).first()
    if collab is None:
        return
    series = Series.objects.filter(indicator__result__collaborative=collab)
    observations = Observation.objects.filter(series__in=series)
    Revision.objects.filter(observation__in=observations).delete()
    observations.delete()
    series.delete()
    areas = Area.objects.filter(collaborative=collab)
    while areas.exists():  # leaves first: a parent area is protected by its children
        areas.filter(children__isnull=True).delete()
    # Whatever else protects its targets (role changes, strategies' periods...) goes with
    # the collaborative; retry after removing the protecting rows a stage reports.
    for _ in range(10):
        try:
            with transaction.atomic():
                collab.delete()
            return
        except ProtectedError as exc:
            for obj in exc.protected_objects:
                obj.delete()
    collab.delete()  # still protected after ten rounds: let the error say by what


def _structure() -> Collaborative:
    network, _ = Network.objects.update_or_create(
        slug="demo-network",
        defaults={
            "name": "Demo Funders' Network",
            "description": "A funder's network of city collaboratives (synthetic demo).",
        },
    )
    collab = Collaborative.objects.create(
        network=network,
        slug=SLUG,
        name="Riverton Cradle to Career",
        city="Riverton",
        description=(
            "A cross-sector collaborative of schools, lenders, hospitals, housing and community "
            "groups working so that every child and family in Riverton thrives. Synthetic demo data."
        ),
        is_public=True,
        is_synthetic=True,
        # Every indicator's baseline forecast is fitted to the years before this, so each
        # has a band where its data reach back far enough, strategy or not.
        work_began=Period.get("2020", "year"),
    )
    shapes = boundaries()
    city = Area.objects.create(
        collaborative=collab,
        name="Riverton",
        code="riverton",
        level="city",
        geometry=shapes["riverton"],
    )
    wards = {
        code: Area.objects.create(
            collaborative=collab,
            name=name,
            code=code,
            level="district",
            parent=city,
            geometry=shapes[code],
        )
        for code, name in g.WARDS.items()
    }
    for code, name, ward, _w in g.NEIGHBOURHOODS:
        Area.objects.create(
            collaborative=collab,
            name=name,
            code=code,
            level="neighbourhood",
            parent=wards[ward],
            geometry=shapes[code],
        )
    race = Dimension.objects.create(
        collaborative=collab, name="Race/ethnicity", slug="race-ethnicity"
    )
    for order, (slug, name) in enumerate(g.RACE_GROUPS):
        Group.objects.create(dimension=race, slug=slug, name=name, order=order)
    results = {}
    for order, spec in enumerate(g.RESULTS):
        res = Result.objects.create(
            collaborative=collab,
            slug=spec["slug"],
            title=spec["title"],
            statement=spec["statement"],
            population=spec["population"],
            order=order,
        )
        focus = Area.objects.filter(collaborative=collab).filter(
            code__in=spec["focus"]
        ) | Area.objects.filter(collaborative=collab, parent__code__in=spec["focus"])
        res.focus_areas.set(focus)
        results[spec["slug"]] = res
    for order, spec in enumerate(g.INDICATORS):
        Indicator.objects.create(
            result=results[spec.result],
            slug=spec.slug,
            name=spec.name,
            definition=spec.definition,
            unit=spec.unit,
            unit_kind=spec.unit_kind,
            rate_per=spec.rate_per,
            direction=spec.direction,
            frequency=spec.frequency,
            source=spec.source,
            is_survey=spec.survey,
            decimals=spec.decimals,
            is_public=spec.public,
            order=order,
            target_value=spec.target,
            target_period=Period.get(
                spec.target_period, spec.frequency if spec.frequency != "month" else "year"
            )
            if spec.target_period
            else None,
        )
    for spec in g.COMPUTED_INDICATORS:
        Indicator.objects.create(
            result=results[spec["result"]],
            slug=spec["slug"],
            name=spec["name"],
            definition=spec["definition"],
            unit=spec["unit"],
            unit_kind=spec["unit_kind"],
            direction=spec["direction"],
            frequency=spec["frequency"],
            source=spec["source"],
            decimals=1,
            is_public=True,
            order=len(g.INDICATORS),
            target_value=spec["target"],
            target_period=Period.get(spec["target_period"], "year"),
            computation=spec["computation"],
            work_began=Period.get(spec["work_began"], "year") if spec.get("work_began") else None,
        )
    targets_as_rows(collab)
    orgs = {}
    areas = {a.code: a for a in Area.objects.filter(collaborative=collab)}
    for slug, name, sector, families, footprint, seats in g.ORGANISATIONS:
        org = Organisation.objects.create(
            collaborative=collab,
            slug=slug,
            name=name,
            sector=sector,
            families_reached=families or None,
            description=f"{name} (synthetic demo organisation).",
        )
        orgs[slug] = org
        for code, share in footprint.items():
            OrganisationArea.objects.create(organisation=org, area=areas[code], client_share=share)
        for result_slug, role in seats:
            Seat.objects.create(
                organisation=org, result=results[result_slug], role=role, joined=date(2019, 9, 1)
            )
    for slug, org_slug in g.STEWARDS.items():
        Indicator.objects.get(result__collaborative=collab, slug=slug).stewards.add(orgs[org_slug])
    start = Period.get("2020-21", "school_year")
    for slug, name, kind, hypothesis, indicator, ward, _effect, owners in g.STRATEGIES:
        ind = Indicator.objects.get(result__collaborative=collab, slug=indicator)
        strategy = Strategy.objects.create(
            collaborative=collab,
            slug=slug,
            name=name,
            kind=kind,
            hypothesis=hypothesis,
            start_period=start if ind.frequency == "school_year" else Period.get("2020", "year"),
            status=StrategyStatus.ACTIVE,
            expected_change=g.EXPECTED_CHANGE[slug],
        )
        strategy.owners.set([orgs[o] for o in owners])
        strategy.indicators.set([ind])
        strategy.areas.set(Area.objects.filter(collaborative=collab, parent__code=ward))
    for username, display, role, org_slug in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.display_name = display
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.create(
            user=user,
            collaborative=collab,
            role=role,
            organisation=orgs.get(org_slug) if org_slug else None,
        )
    from civicloop.demo import spanish

    spanish.translate(collab)  # the demo reads in Spanish too, content included
    return collab


def _baselines(collab: Collaborative) -> None:
    """Each indicator's baseline is its first citywide headline value."""
    for ind in Indicator.objects.filter(result__collaborative=collab):
        first = ind.series.filter(area__code="riverton", group__isnull=True).first()
        obs = (
            first.observations.select_related("period").order_by("period__start").first()
            if first
            else None
        )
        if obs is not None:
            ind.baseline_period, ind.baseline_value = obs.period, obs.value
            ind.save(update_fields=["baseline_period", "baseline_value"])


def source_files() -> list[Path]:
    folder = settings.WORKSPACE.path / "demo-sources"
    return sorted(folder.glob("*.csv"))


def targets_as_rows(collab) -> None:
    """The demo's indicators each have one (final) target: give it its ``Target`` row."""
    from civicloop.results.models import Target

    Target.objects.bulk_create(
        Target(indicator=i, period=i.target_period, value=i.target_value)
        for i in Indicator.objects.filter(result__collaborative=collab)
        .exclude(target_value=None)
        .exclude(target_period=None)
    )
