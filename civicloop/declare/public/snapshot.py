"""What the public may see of one collaborative, read once and shared by all its pages.

Only a public collaborative has a public site, and on it only its public (declared)
indicators, its published declarations, the decisions its table chose to publish, and the
evidence about the strategies those decisions concern. A static build reads each of these
once per collaborative (observations in a few flat queries); a live page reads what it
shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import Http404

from civicloop.core import access
from civicloop.declare.models import Declaration
from civicloop.learn import words
from civicloop.learn.evidence import effect_evidence, evidence_from_entry
from civicloop.results.models import (
    APPROVED_FIELDS,
    Area,
    Collaborative,
    Group,
    Indicator,
    Observation,
    Period,
    Series,
)
from civicloop.results.queries import Reading, top_area


def public_collaboratives():
    return Collaborative.objects.filter(is_public=True).select_related("network")


def published_decisions(collaborative: Collaborative) -> list:
    """The decisions the table chose to publish (`civicloop.review`), newest first."""
    from civicloop.review.models import Decision

    return list(
        Decision.objects.filter(published=True, review__collaborative=collaborative)
        .select_related("strategy", "signed_by", "review")
        .order_by("-decided_at", "-pk")
    )


class Snapshot:
    """One public collaborative as the public sees it.

    member: a signed-in person to read it as instead (the network view for a funder): then
    everything that person may see, strategies' evidence included. everything: all of it,
    declared or not (an internal report run from the command line).
    """

    def __init__(self, collaborative: Collaborative, member=None, everything: bool = False):
        if member is None and not everything and not collaborative.is_public:
            raise Http404("No such collaborative")
        self.collaborative = collaborative
        self.member = member
        self.everything = everything
        self.area: Area | None = top_area(collaborative)
        self.charts: dict[tuple, list] = {}  # drawn once per build: page, embed and report
        self.curves: dict[int, Any] = {}

    @classmethod
    def of(cls, slug: str) -> Snapshot:
        collab = public_collaboratives().filter(slug=slug).first()
        if collab is None:
            raise Http404("No such collaborative")
        return cls(collab)

    @cached_property
    def indicators(self) -> list[Indicator]:
        if self.everything:
            qs = Indicator.objects.filter(result__collaborative=self.collaborative)
        elif self.member is not None:
            qs = access.visible_indicators(self.member, self.collaborative)
        else:
            qs = Indicator.objects.filter(result__collaborative=self.collaborative, is_public=True)
        # A partner's performance measures are read on its commitment, not counted among
        # the city's indicators (see `IndicatorQuerySet.population`).
        return list(
            qs.population()
            .select_related("result__collaborative", "baseline_period", "target_period")
            .order_by("result__order", "order", "name")
        )

    def indicator(self, slug: str) -> Indicator:
        for ind in self.indicators:
            if ind.slug == slug:
                return ind
        raise Http404("No such indicator")

    @cached_property
    def results(self) -> list:
        """Results with at least one public indicator, each with `.public_indicators`."""
        by_result: dict[int, list[Indicator]] = defaultdict(list)
        for ind in self.indicators:
            by_result[ind.result_id].append(ind)
        out = []
        for res in self.collaborative.results.order_by("order", "title"):
            if by_result.get(res.pk):
                res.public_indicators = by_result[res.pk]
                res.collaborative = self.collaborative
                out.append(res)
        return out

    def result(self, slug: str):
        for res in self.results:
            if res.slug == slug:
                return res
        raise Http404("No such result")

    @cached_property
    def areas(self) -> list[Area]:
        """Every area of the collaborative (each has a public page listing the public
        indicators' values there), without its boundary."""
        out = list(
            Area.objects.filter(collaborative=self.collaborative)
            .defer("geometry")
            .order_by("level", "name")
        )
        by_pk = {a.pk: a for a in out}
        for a in out:
            a.collaborative = self.collaborative
            a.parent_area = by_pk.get(a.parent_id)
            a.child_areas = sorted((c for c in out if c.parent_id == a.pk), key=lambda c: c.name)
        return out

    def area_page(self, code: str) -> Area:
        for a in self.areas:
            if a.code == code:
                return a
        raise Http404("No such area")

    def latest_at(self, place: Area) -> dict[int, Any]:
        """{indicator id: its latest approved headline value at `place`} for the public
        indicators (``.period``, ``.value``, ``.margin_of_error``): from the observations a
        build has read already, else in one query of the approved copies."""
        preloaded = getattr(self, "_preloaded", None)
        latest: dict[int, Any] = {}
        if preloaded is not None:
            for ind in self.indicators:
                for r in preloaded.get(ind.pk, []):
                    if r.series.area_id == place.pk and r.series.group_id is None:
                        if ind.pk not in latest or r.period.start >= latest[ind.pk].period.start:
                            latest[ind.pk] = r
            return latest
        rows = (
            Observation.objects.as_approved()
            .filter(
                series__area=place,
                series__group__isnull=True,
                series__indicator__in=[i.pk for i in self.indicators],
            )
            .select_related("period", "series")
            .order_by("period__start")
        )
        for o in rows:
            latest[o.series.indicator_id] = o
        return latest

    @cached_property
    def declarations(self) -> list[Declaration]:
        public = {i.pk for i in self.indicators}
        rows = (
            Declaration.objects.published()
            .filter(collaborative=self.collaborative)
            .select_related("indicator__result", "area", "approved_by", "published_by")
        )
        out = []
        for d in rows:
            if d.indicator_id in public:  # an indicator made private again hides its words
                d.collaborative = self.collaborative
                out.append(d)
        return out

    def declarations_about(self, indicator: Indicator) -> list[Declaration]:
        return [d for d in self.declarations if d.indicator_id == indicator.pk]

    def declaration(self, pk: int) -> Declaration:
        for d in self.declarations:
            if d.pk == pk:
                return d
        raise Http404("No such declaration")

    @cached_property
    def decisions(self) -> list:
        return published_decisions(self.collaborative)

    @cached_property
    def family(self) -> dict[int, dict]:
        """{indicator id: learn's analysis entry} for the headlines of the whole place."""
        if self.area is None:
            return {}
        from civicloop.learn import store

        return store.current_family(self.collaborative, self.area)

    @cached_property
    def family_shown(self) -> int:
        """How many of the indicators judged together for the place (those with enough data
        for a verdict) this reader is shown: the rest are named as such on the page."""
        return sum(
            1
            for ind in self.indicators
            if ((self.family.get(ind.pk) or {}).get("verdict") or {}).get("status")
            not in (None, "not_enough_data")
        )

    @cached_property
    def headlines(self) -> dict[int, list[Reading]]:
        """Each public indicator's headline observations for the whole place, oldest first."""
        from civicloop.results.queries import headline_history

        return headline_history(self.indicators, self.area)

    @cached_property
    def declared_effects(self) -> dict[int, list]:
        """{indicator id: [learn Effect]} for the strategies the table published a decision
        on (for a member: every strategy), as learn says now (`store.current_effects`)."""
        from civicloop.learn import store
        from civicloop.table.models import Strategy

        strategies = Strategy.objects.filter(collaborative=self.collaborative)
        if self.member is None and not self.everything:
            strategies = strategies.filter(pk__in={d.strategy_id for d in self.decisions})
        allowed = set(strategies.values_list("slug", flat=True))
        targeted = set(strategies.values_list("indicators", flat=True))
        out: dict[int, list] = {}
        for ind in self.indicators:
            if ind.pk in targeted:
                effects = [e for e in store.current_effects(ind) if e.strategy in allowed]
                if effects:
                    out[ind.pk] = effects
        return out

    def evidence(self, indicator: Indicator) -> dict[str, Any] | None:
        """The evidence cards of an indicator page, in the shape `learn/evidence.html` reads
        (see `civicloop.learn.evidence.indicator_evidence`), from the shared family."""
        entry = self.family.get(indicator.pk)
        if entry is None:
            return None
        units = words.Units.of(indicator)
        unshown = int(entry.get("family_size") or 0) - self.family_shown
        if unshown > 0:
            entry = {**entry, "family_unshown": unshown}
        out = evidence_from_entry(entry, indicator, self.area)
        out.pop("version")  # the public pages show no analysis bookkeeping
        out["effects"] += [
            effect_evidence(e, units) for e in self.declared_effects.get(indicator.pk, [])
        ]
        return out

    @cached_property
    def starts(self) -> dict:
        """{indicator id: when the work aimed at it began}, for Turn the Curve."""
        from civicloop.learn.store.curve import starts

        return starts(self.indicators)

    def curve(self, indicator: Indicator):
        """The indicator's baseline forecast band and verdict (`civicloop.learn.store.curve`),
        from the approved headline values this reader sees; computed once per snapshot."""
        from civicloop.learn.store.curve import curve_of

        if indicator.pk not in self.curves:
            headline = [
                o
                for o in self.observations(indicator)
                if self.area is not None
                and o.series.area_id == self.area.pk
                and o.series.group_id is None
            ]
            self.curves[indicator.pk] = curve_of(
                indicator, self.area, headline, self.starts.get(indicator.pk)
            )
        return self.curves[indicator.pk]

    def verdict(self, indicator: Indicator) -> dict[str, str]:
        """Short words for a table cell: the trend and progress badges."""
        entry = self.family.get(indicator.pk) or {}
        verdict, prog = entry.get("verdict") or {}, entry.get("progress") or {}
        return {
            "trend_status": verdict.get("status", ""),
            "trend": words.say(verdict.get("words", "not analysed")),
            "trend_badge": words.badge(verdict.get("status", "")),
            "progress_status": prog.get("status", ""),
            "progress": words.say(prog.get("words", "no target")),
            "progress_badge": words.badge(prog.get("status", "")),
        }

    # -- observations ------------------------------------------------------------------------

    def preload_observations(self) -> None:
        """Read every public observation at once (a static build shows them all)."""
        self._preloaded = self._read(self.indicators)

    def observations(self, indicator: Indicator) -> list[Reading]:
        """Every observation of a public indicator: all areas and groups, oldest first."""
        preloaded = getattr(self, "_preloaded", None)
        if preloaded is not None:
            return preloaded.get(indicator.pk, [])
        return self._read([indicator]).get(indicator.pk, [])

    def _read(self, indicators: list[Indicator]) -> dict[int, list[Reading]]:
        """Observations as plain `Reading`s, in a few flat queries: a build reads a few
        hundred thousand, and model instances with their related objects cost ten times more."""
        areas = {a.pk: a for a in Area.objects.filter(collaborative=self.collaborative)}
        groups = {
            g.pk: g
            for g in Group.objects.filter(
                dimension__collaborative=self.collaborative
            ).select_related("dimension")
        }
        series = {
            pk: SeriesKey(ind, areas[area], groups.get(group) if group else None)
            for pk, ind, area, group in Series.objects.filter(indicator__in=indicators).values_list(
                "pk", "indicator_id", "area_id", "group_id"
            )
        }
        # The approved copy of each value: the public never reads a pending number.
        rows = (
            Observation.objects.approved()
            .filter(series__in=list(series))
            .values_list("series_id", "period_id", *APPROVED_FIELDS.values())
        )
        periods = Period.objects.in_bulk()  # a few hundred rows, shared by every series
        out: dict[int, list[Reading]] = defaultdict(list)
        for sid, period, *numbers in rows.iterator(chunk_size=20_000):
            key = series[sid]
            out[key.indicator_id].append(Reading(key, periods[period], *numbers))
        for readings in out.values():
            readings.sort(key=Reading.order)
        return out


@dataclass(slots=True)
class SeriesKey:
    """What a reading needs of its series (the names `Observation.series` has)."""

    indicator_id: int
    area: Area
    group: Group | None

    @property
    def area_id(self) -> int:
        return self.area.pk

    @property
    def group_id(self) -> int | None:
        return self.group.pk if self.group else None
