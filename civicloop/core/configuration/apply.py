"""Create or update a collaborative from its configuration file, in one transaction.

Apply is idempotent: a second apply of the same file changes nothing and says so. It
prints every change it makes (or, with ``dry_run``, would make), validates each row with
the model's own ``full_clean()``, and reports every problem with its path in the file
(``results[2].indicators[0].targets[1].period: ...``); one problem and nothing is written.

What the file lists is made to match it. What the file leaves out is not deleted: a
result, indicator, area, organisation, strategy, source or role missing from the file is
left as it is and reported, because it may hold observations or history. Lists that
belong to one thing (an indicator's targets and stewards, an organisation's footprint, a
result's seats and focus areas, a strategy's areas) are replaced by the file's list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from civicloop.core.configuration import shape
from civicloop.core.configuration.rows import RowWriter, Skip


class ConfigurationError(Exception):
    """The file has problems; ``problems`` names each with its path. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the configuration")
        self.problems = problems


@dataclass
class Applied:
    """What an apply changed (or would change), and notes on what it left alone."""

    changes: list[str]
    notes: list[str]
    collaborative: Any


def apply_configuration(data: Any, *, slug: str | None = None, dry_run: bool = False) -> Applied:
    """Apply ``data`` (the parsed file); ``slug`` applies it under another slug (a copy).

    Raises `ConfigurationError` with every problem, having written nothing."""
    # The plain fields are the English content (the Spanish has its own keys, ``title_es``).
    with translation.override(settings.LANGUAGE_CODE):
        return _apply_configuration(data, slug=slug, dry_run=dry_run)


def _apply_configuration(data: Any, *, slug: str | None = None, dry_run: bool = False) -> Applied:
    applier = _Applier()
    with transaction.atomic():
        applier.run(data, slug)
        if applier.problems:
            raise ConfigurationError(applier.problems)
        if dry_run:
            transaction.set_rollback(True)
    return Applied(applier.changes, applier.notes, applier.collab)


@dataclass
class _Applier(RowWriter):
    collab: Any = None
    areas: dict[str, Any] = field(default_factory=dict)
    organisations: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, Any] = field(default_factory=dict)

    # -- the sections, in the order their references need ---------------------------------

    def run(self, data: Any, slug: str | None) -> None:
        if not isinstance(data, dict):
            self.problems.append("(top): expected a mapping with a 'collaborative' section")
            return
        allowed = {"version", "collaborative", "areas", "dimensions", "organisations",
                   "results", "strategies", "sources", "memberships"}  # fmt: skip
        for key in data:
            if key not in allowed:
                self.problems.append(
                    f"{key}: unknown section (expected one of {', '.join(sorted(allowed))})"
                )
        if data.get("version", shape.FORMAT_VERSION) != shape.FORMAT_VERSION:
            self.problems.append(f"version: this civicloop reads version {shape.FORMAT_VERSION}")
            return
        try:
            self.collaborative(data.get("collaborative"), slug)
        except Skip:
            return
        areas = self.section_items(data, "areas")
        if areas is not None:
            self.area_order(areas)
        self.each(data, "dimensions", self.dimension)
        self.each(data, "organisations", self.organisation)
        self.each(data, "results", self.result)
        self.each(data, "strategies", self.strategy)
        self.each(data, "sources", self.source)
        self.each(data, "memberships", self.membership)

    def section_items(self, data: dict, section: str) -> list | None:
        """A section's items; None for a section absent from the file, which is left alone."""
        if section not in data:
            return None
        items = data[section] or []
        if not isinstance(items, list):
            self.problems.append(f"{section}: expected a list")
            return None
        return items

    def each(self, data: dict, section: str, handle) -> None:
        """Apply a section item by item; a broken item is reported and the rest goes on."""
        items = self.section_items(data, section)
        if items is None:
            return
        done = []
        for i, item in enumerate(items):
            try:
                done.append(handle(f"{section}[{i}]", item, i))
            except Skip:
                continue
        if section == "results":
            self.reorder("results", done, "title")
        self.left_as_is(section, items)

    def collaborative(self, item: Any, slug: str | None) -> None:
        path = "collaborative"
        item = self.mapping(path, item, shape.COLLABORATIVE[1] + ["network", "work_began"])
        if slug:
            item = {**item, "slug": slug}
        network = None
        if item.get("network") is not None:
            net = self.mapping(f"{path}.network", item["network"], shape.NETWORK[1])
            network = self.upsert(
                f"{path}.network", shape.NETWORK, {"slug": net.get("slug")}, net, "network"
            )
        self.collab = self.upsert(
            path,
            shape.COLLABORATIVE,
            {"slug": item.get("slug")},
            item,
            "collaborative",
            extra={"network": network, "work_began": self.work_began(path, item)},
        )

    def work_began(self, path: str, item: dict):
        """The period the work began (``work_began``; left out: not said)."""
        if item.get("work_began") is None:
            return None
        return self.period(f"{path}.work_began", item["work_began"])

    def area_order(self, items: list) -> None:
        """Areas in the file's order, except that a parent is applied before its children."""
        by_code: dict[str, tuple[int, dict]] = {}
        for i, item in enumerate(items):
            try:
                item = self.mapping(f"areas[{i}]", item, shape.AREA[1] + ["parent"])
            except Skip:
                continue
            by_code[str(item.get("code"))] = (i, item)
        existing = {a.code: a for a in self.collab.areas.all()}
        done: set[str] = set()

        def visit(code: str, trail: tuple[str, ...]) -> None:
            if code in done:
                return
            i, item = by_code[code]
            parent = item.get("parent")
            parent_obj = None
            if parent is not None:
                parent = str(parent)
                if parent in trail:
                    self.problems.append(f"areas[{i}].parent: {parent!r} is its own ancestor")
                    done.add(code)
                    return
                if parent in by_code:
                    visit(parent, (*trail, code))
                parent_obj = self.areas.get(parent) or existing.get(parent)
                if parent_obj is None:
                    self.problems.append(f"areas[{i}].parent: no area with code {parent!r}")
                    done.add(code)
                    return
            done.add(code)
            try:
                self.areas[code] = self.upsert(
                    f"areas[{i}]",
                    shape.AREA,
                    {"collaborative": self.collab, "code": code},
                    item,
                    "area",
                    extra={"parent": parent_obj},
                )
            except Skip:
                pass

        for code in by_code:
            visit(code, ())
        self.left_as_is("areas", items)

    def dimension(self, path: str, item: Any, i: int):
        item = self.mapping(path, item, shape.DIMENSION[1] + ["groups"])
        dim = self.upsert(
            path, shape.DIMENSION, {"collaborative": self.collab, "slug": item.get("slug")}, item,
            "dimension",
        )  # fmt: skip
        groups = []
        for j, group in enumerate(self.items(f"{path}.groups", item.get("groups"))):
            gpath = f"{path}.groups[{j}]"
            try:
                group = self.mapping(gpath, group, shape.GROUP[1])
                groups.append(self.upsert(
                    gpath, shape.GROUP, {"dimension": dim, "slug": group.get("slug")}, group,
                    f"group of {dim.slug}", created={"order": j},
                ))  # fmt: skip
            except Skip:
                continue
        self.reorder(f"groups of {dim.slug}", groups, "name")
        return dim

    def organisation(self, path: str, item: Any, i: int) -> None:
        from civicloop.table.models import Population

        keys = shape.ORGANISATION[1] + ["footprint", "populations", "programmes", "contacts"]
        item = self.mapping(path, item, keys)
        org = self.upsert(
            path, shape.ORGANISATION, {"collaborative": self.collab, "slug": item.get("slug")},
            item, "organisation",
        )  # fmt: skip
        self.organisations[org.slug] = org
        footprint = {}
        for j, entry in enumerate(self.items(f"{path}.footprint", item.get("footprint"))):
            fpath = f"{path}.footprint[{j}]"
            try:
                entry = self.mapping(fpath, entry, ["area"] + shape.FOOTPRINT[1])
                area = self.area(f"{fpath}.area", entry.get("area"))
                if area is None:
                    continue
                footprint[area.code] = self.build(
                    fpath, shape.FOOTPRINT, entry, extra={"organisation": org, "area": area},
                    exclude=["organisation", "area"],
                )  # fmt: skip
            except Skip:
                continue
        self.replace_rows(
            path + ".footprint",
            f"footprint of {org.slug}",
            {f.area.code: f for f in org.footprint.select_related("area")},
            footprint,
            make=lambda code, row: row,
            same=lambda old, row: old.client_share == row.client_share,
        )
        wanted = {}
        for j, entry in enumerate(self.items(f"{path}.populations", item.get("populations"))):
            ppath = f"{path}.populations[{j}]"
            try:
                entry = self.mapping(ppath, entry, ["population"] + shape.POPULATION_SERVED[1])
                pop = Population.objects.filter(slug=entry.get("population")).first()
                if pop is None:
                    slugs = ", ".join(Population.objects.values_list("slug", flat=True))
                    self.problems.append(
                        f"{ppath}.population: no population {entry.get('population')!r} "
                        f"(one of: {slugs})"
                    )
                    continue
                wanted[pop.slug] = self.build(
                    ppath, shape.POPULATION_SERVED, entry,
                    extra={"organisation": org, "population": pop},
                    exclude=["organisation", "population"],
                )  # fmt: skip
            except Skip:
                continue
        self.replace_rows(
            path + ".populations",
            f"populations served by {org.slug}",
            {p.population.slug: p for p in org.populations_served.select_related("population")},
            wanted,
            make=lambda slug, row: row,
            same=lambda old, row: old.share == row.share,
        )
        for key, spec, what in (
            ("programmes", shape.PROGRAMME, "programme"),
            ("contacts", shape.CONTACT, "contact"),
        ):
            for j, entry in enumerate(self.items(f"{path}.{key}", item.get(key))):
                epath = f"{path}.{key}[{j}]"
                try:
                    entry = self.mapping(epath, entry, spec[1])
                    self.upsert(
                        epath, spec, {"organisation": org, "name": entry.get("name")}, entry,
                        f"{what} of {org.slug}",
                    )  # fmt: skip
                except Skip:
                    continue

    def result(self, path: str, item: Any, i: int):
        from civicloop.table.models import Population, ResultPopulation

        keys = shape.RESULT[1] + [
            "work_began",
            "focus_areas",
            "populations",
            "seats",
            "indicators",
        ]
        item = self.mapping(path, item, keys)
        result = self.upsert(
            path, shape.RESULT, {"collaborative": self.collab, "slug": item.get("slug")}, item,
            "result", created={"order": i},
            extra={"work_began": self.work_began(path, item)},
        )  # fmt: skip
        areas = [self.area(f"{path}.focus_areas[{j}]", c) for j, c in
                 enumerate(self.items(f"{path}.focus_areas", item.get("focus_areas")))]  # fmt: skip
        self.set_m2m(f"result {result.slug}", "focus areas", result.focus_areas, areas, "code")
        wanted = {}
        for j, slug in enumerate(self.items(f"{path}.populations", item.get("populations"))):
            pop = Population.objects.filter(slug=slug).first()
            if pop is None:
                self.problems.append(f"{path}.populations[{j}]: no population {slug!r}")
            else:
                wanted[pop.slug] = pop
        self.replace_rows(
            path + ".populations",
            f"populations of result {result.slug}",
            {p.population.slug: p for p in result.target_populations.select_related("population")},
            wanted,
            make=lambda s, pop: ResultPopulation(result=result, population=pop),
            same=lambda row, pop: True,
        )
        seats = {}
        for j, entry in enumerate(self.items(f"{path}.seats", item.get("seats"))):
            spath = f"{path}.seats[{j}]"
            try:
                entry = self.mapping(spath, entry, ["organisation"] + shape.SEAT[1])
                org = self.organisation_named(f"{spath}.organisation", entry.get("organisation"))
                if org is None:
                    continue
                seat = self.build(
                    spath, shape.SEAT, entry, extra={"organisation": org, "result": result}
                )
            except Skip:
                continue
            seats[(org.slug, seat.role, seat.joined, seat.left)] = seat
        self.replace_rows(
            path + ".seats",
            f"seats at result {result.slug}",
            {
                (s.organisation.slug, s.role, s.joined, s.left): s
                for s in result.seats.select_related("organisation")
            },  # fmt: skip
            seats,
            make=lambda key, seat: seat,
            same=lambda row, seat: True,
        )
        indicators = []
        for j, ind in enumerate(self.items(f"{path}.indicators", item.get("indicators"))):
            try:
                indicators.append(self.indicator(f"{path}.indicators[{j}]", ind, j, result))
            except Skip:
                continue
        self.reorder(f"indicators of {result.slug}", indicators, "name")
        listed = {
            str(ind.get("slug")) for ind in item.get("indicators") or [] if isinstance(ind, dict)
        }
        for other in result.indicators.population().exclude(slug__in=listed):
            self.notes.append(f"left as is: indicator {other.slug} (not in the file)")
        return result

    def indicator(self, path: str, item: Any, order: int, result):
        from civicloop.results.models import Indicator
        from civicloop.table.models import IndicatorSector

        keys = shape.INDICATOR[1] + [
            "work_began",
            "stewards",
            "dimensions",
            "baseline",
            "targets",
            "sectors_needed",
        ]
        item = self.mapping(path, item, keys)
        baseline = item.get("baseline")
        baseline_period = baseline_value = None
        if baseline is not None:
            baseline = self.mapping(f"{path}.baseline", baseline, ["period", "value"])
            if baseline.get("period") is not None:
                baseline_period = self.period(f"{path}.baseline.period", baseline["period"])
            baseline_value = baseline.get("value")
        existing = Indicator.objects.filter(
            result__collaborative=self.collab, slug=item.get("slug")
        ).first()
        if existing is not None and existing.result_id != result.pk:
            # An indicator moves between results by being listed under its new one.
            lookup = {"pk": existing.pk}
        else:
            lookup = {"result": result, "slug": item.get("slug")}
        ind = self.upsert(
            path,
            shape.INDICATOR,
            lookup,
            item,
            "indicator",
            extra={
                "result": result,
                "baseline_period": baseline_period,
                "baseline_value": baseline_value,
                "work_began": self.work_began(path, item),
            },
            keys={"baseline_period": "baseline.period", "baseline_value": "baseline.value"},
            created={"order": order},
        )
        self.indicators[ind.slug] = ind
        stewards = [
            self.organisation_named(f"{path}.stewards[{j}]", s)
            for j, s in enumerate(self.items(f"{path}.stewards", item.get("stewards")))
        ]
        self.set_m2m(f"indicator {ind.slug}", "stewards", ind.stewards, stewards, "slug")
        dimensions = [
            self.dimension_named(f"{path}.dimensions[{j}]", s)
            for j, s in enumerate(self.items(f"{path}.dimensions", item.get("dimensions")))
        ]
        self.set_m2m(f"indicator {ind.slug}", "dimensions", ind.dimensions, dimensions, "slug")
        self.targets(path, item, ind)
        sectors = {}
        for j, entry in enumerate(self.items(f"{path}.sectors_needed", item.get("sectors_needed"))):
            epath = f"{path}.sectors_needed[{j}]"
            try:
                entry = self.mapping(epath, entry, shape.SECTOR_NEEDED[1])
                row = self.build(
                    epath,
                    shape.SECTOR_NEEDED,
                    entry,
                    extra={"indicator": ind},
                    exclude=["indicator"],
                )
            except Skip:
                continue
            sectors[row.sector] = row
        self.replace_rows(
            path + ".sectors_needed",
            f"sectors needed by {ind.slug}",
            {s.sector: s for s in IndicatorSector.objects.filter(indicator=ind)},
            sectors,
            make=lambda key, row: row,
            same=lambda old, row: old.why == row.why,
        )
        return ind

    def targets(self, path: str, item: dict, ind) -> None:
        wanted = []
        seen: dict[int, int] = {}
        failed = False
        for j, entry in enumerate(self.items(f"{path}.targets", item.get("targets"))):
            tpath = f"{path}.targets[{j}]"
            try:
                entry = self.mapping(tpath, entry, ["period"] + shape.TARGET[1])
                if entry.get("period") is None:
                    self.problems.append(f"{tpath}.period: a target needs the period it is due by")
                    raise Skip
                period = self.period(f"{tpath}.period", entry["period"])
                if period.pk in seen:
                    self.problems.append(
                        f"{tpath}.period: {period.label} has a target already (targets[{seen[period.pk]}])"
                    )
                    raise Skip
                seen[period.pk] = j
                target = self.build(tpath, shape.TARGET, entry, extra={"indicator": ind, "period": period},
                                    exclude=["indicator"])  # fmt: skip
            except Skip:
                failed = True
                continue
            wanted.append((period, target.value, target.note))
        if failed:
            return
        current = [(t.period, t.value, t.note) for t in ind.targets.select_related("period")]
        key = lambda rows: sorted((p.pk, float(v), n) for p, v, n in rows)  # noqa: E731
        if key(current) != key(wanted):
            ind.set_targets(wanted)
            shown = ", ".join(
                f"{v:g} by {p.label}" for p, v, _ in sorted(wanted, key=lambda t: t[0].start)
            )
            self.changes.append(f"set targets of indicator {ind.slug}: {shown or 'none'}")

    def strategy(self, path: str, item: Any, i: int) -> None:
        keys = shape.STRATEGY[1] + ["start_period", "owners", "indicators", "areas"]
        item = self.mapping(path, item, keys)
        start = None
        if item.get("start_period") is not None:
            start = self.period(f"{path}.start_period", item["start_period"])
        strategy = self.upsert(
            path, shape.STRATEGY, {"collaborative": self.collab, "slug": item.get("slug")}, item,
            "strategy", extra={"start_period": start}, keys={"start_period": "start_period"},
        )  # fmt: skip
        owners = [self.organisation_named(f"{path}.owners[{j}]", s)
                  for j, s in enumerate(self.items(f"{path}.owners", item.get("owners")))]  # fmt: skip
        self.set_m2m(f"strategy {strategy.slug}", "owners", strategy.owners, owners, "slug")
        inds = [self.indicator_named(f"{path}.indicators[{j}]", s)
                for j, s in enumerate(self.items(f"{path}.indicators", item.get("indicators")))]  # fmt: skip
        self.set_m2m(f"strategy {strategy.slug}", "indicators", strategy.indicators, inds, "slug")
        areas = [self.area(f"{path}.areas[{j}]", c)
                 for j, c in enumerate(self.items(f"{path}.areas", item.get("areas")))]  # fmt: skip
        self.set_m2m(f"strategy {strategy.slug}", "areas", strategy.areas, areas, "code")

    def source(self, path: str, item: Any, i: int) -> None:
        from civicloop.measure.models import Source

        item = self.mapping(path, item, shape.SOURCE[1] + ["organisation"])
        org = None
        if item.get("organisation") is not None:
            org = self.organisation_named(f"{path}.organisation", item["organisation"])
        settings = item.get("settings") or {}
        if not isinstance(settings, dict):
            self.problems.append(f"{path}.settings: expected a mapping")
            raise Skip
        current = Source.objects.filter(collaborative=self.collab, name=item.get("name")).first()
        if current is not None:
            # Secrets never come out in an export, so a file without one keeps the one stored.
            kept = {k: v for k, v in (current.settings or {}).items()
                    if shape.is_secret_setting(k) and k not in settings}  # fmt: skip
            settings = {**settings, **kept}
            # Likewise a URL exported with its query's key shown as ***.
            for key, value in settings.items():
                stored = current.settings.get(key)
                if (
                    isinstance(stored, str)
                    and value != stored
                    and value == shape.redact_url(stored)
                ):
                    settings[key] = stored
        for key, value in settings.items():
            if (
                shape.is_secret_setting(key)
                and value
                and (current is None or current.settings.get(key) != value)
            ):
                self.notes.append(
                    f"warning: {path}.settings.{key} holds a secret in plain text; "
                    f"prefer {key}_env naming an environment variable"
                )
        self.upsert(
            path, shape.SOURCE, {"collaborative": self.collab, "name": item.get("name")},
            {**item, "settings": settings}, "source", extra={"organisation": org},
        )  # fmt: skip

    def membership(self, path: str, item: Any, i: int) -> None:
        from django.contrib.auth import get_user_model

        item = self.mapping(path, item, ["username", "role", "organisation"])
        username = item.get("username")
        if not username:
            self.problems.append(f"{path}.username: a role needs the username it is given to")
            raise Skip
        if item.get("role") == "partner_member" and not item.get("organisation"):
            self.problems.append(
                f"{path}.organisation: a partner member speaks for an organisation; name its slug"
            )
            raise Skip
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
            self.validate(f"{path}.username", user, {"username": "username"}, exclude=["password"])
            user.save()
            self.changes.append(
                f"create user {username} (no password yet: they cannot sign in until one is set)"
            )
        org = None
        if item.get("organisation") is not None:
            org = self.organisation_named(f"{path}.organisation", item["organisation"])
        self.upsert(
            path, shape.MEMBERSHIP,
            {"user": user, "collaborative": self.collab, "role": item.get("role")},
            item, f"{item.get('role')} role for {username}", extra={"organisation": org},
        )  # fmt: skip

    # -- references from one section to another -------------------------------------------

    def period(self, path: str, value: Any):
        from civicloop.results.models import Period
        from civicloop.results.periods import PeriodError

        if isinstance(value, dict):
            self.mapping(path, value, ["label", "kind"])
            label, kind = str(value.get("label")), value.get("kind")
            found = Period.objects.filter(kind=kind, label=label).first()
            if found is not None:
                return found
        else:
            label, kind = str(value), None
        try:
            return Period.get(label, kind)
        except PeriodError as exc:
            self.problems.append(f"{path}: {exc}")
            raise Skip from None

    def area(self, path: str, code: Any):
        code = str(code)
        found = self.areas.get(code) or self.collab.areas.filter(code=code).first()
        if found is None:
            self.problems.append(f"{path}: no area with code {code!r}")
        return found

    def organisation_named(self, path: str, slug: Any):
        found = (
            self.organisations.get(str(slug)) or self.collab.organisations.filter(slug=slug).first()
        )
        if found is None:
            self.problems.append(f"{path}: no organisation {slug!r}")
        return found

    def dimension_named(self, path: str, slug: Any):
        found = self.collab.dimensions.filter(slug=slug).first()
        if found is None:
            self.problems.append(f"{path}: no dimension {slug!r}")
        return found

    def indicator_named(self, path: str, slug: Any):
        from civicloop.results.models import Indicator

        found = (
            self.indicators.get(str(slug))
            or Indicator.objects.filter(result__collaborative=self.collab, slug=slug).first()
        )
        if found is None:
            self.problems.append(f"{path}: no indicator {slug!r}")
        return found

    def left_as_is(self, section: str, items: list) -> None:
        """Things of this section in the database that the file does not list."""
        key, manager = {
            "areas": ("code", lambda: self.collab.areas.all()),
            "dimensions": ("slug", lambda: self.collab.dimensions.all()),
            "organisations": ("slug", lambda: self.collab.organisations.all()),
            "results": ("slug", lambda: self.collab.results.all()),
            "strategies": ("slug", lambda: self.collab.strategies.all()),
            "sources": ("name", lambda: self.collab.sources.all()),
            "memberships": (None, lambda: self.collab.memberships.select_related("user")),
        }[section]
        if key is None:
            listed = {(str(m.get("username")), m.get("role")) for m in items if isinstance(m, dict)}
            for m in manager():
                if (m.user.username, m.role) not in listed:
                    self.notes.append(
                        f"left as is: {m.role} role of {m.user.username} (not in the file)"
                    )
            return
        listed = {str(item.get(key)) for item in items if isinstance(item, dict)}
        for obj in manager():
            if getattr(obj, key) not in listed:
                self.notes.append(
                    f"left as is: {section[:-1]} {getattr(obj, key)} (not in the file)"
                )
