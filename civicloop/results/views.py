"""Pages for collaboratives, results and indicators. Access is decided in `core.access`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from civicloop.core import access, attention
from civicloop.core import cache as data_cache
from civicloop.learn import words
from civicloop.learn.evidence import headline_rows, indicator_evidence
from civicloop.learn.store import freshness
from civicloop.learn.store.curve import Row, curve_of, starts
from civicloop.measure import calendar_data
from civicloop.results import approval, maps
from civicloop.results.charts import BandPoint, Point, series_chart
from civicloop.results.models import (
    Approval,
    Area,
    Collaborative,
    Dimension,
    Observation,
    Revision,
    Series,
)
from civicloop.results.queries import top_area


def home(request):
    collaboratives = access.visible_collaboratives(request.user).select_related("network")
    networks: dict = {}
    for collab in collaboratives:
        networks.setdefault(collab.network, []).append(collab)
    return render(request, "results/home.html", {"networks": networks})


def _collaborative(request, slug: str) -> Collaborative:
    # One query: a collaborative that does not exist and one not shown are the same 404.
    collab = access.visible_collaboratives(request.user).filter(slug=slug).first()
    if collab is None:
        # 404 rather than 403: the public is not told what exists but is not declared.
        raise Http404("No such collaborative")
    return collab


def collaborative(request, slug: str):
    """The collaborative's home: for its members, what needs attention first; then results."""
    collab = _collaborative(request, slug)
    rights = access.rights(request.user, collab)
    sections = (
        attention.sections(collab, request.user, set(rights.roles)) if rights.is_member else []
    )
    # The approval section has counted what waits; the working-space list says it again.
    waiting = next((s.count for s in sections if s.key == "approval"), 0)
    return render(
        request,
        "results/collaborative.html",
        {
            "collaborative": collab,
            "results": _result_counts(request, collab, rights.is_member),
            "chairs": collab.chairs,
            "is_member": rights.is_member,
            "can_set_up": rights.can_set_up,
            "is_backbone": rights.is_backbone,
            "waiting": waiting,
            "attention": sections,
            # The data calendar's section (measure/_calendar_home.html).
            **calendar_data.home_context(request.user, collab),
        },
    )


def _results(request, collab: Collaborative, member: bool) -> list:
    """The collaborative's results, each with the indicators this person may see."""
    visible = access.visible_indicators(request.user, collab)
    results = collab.results.annotate(n=Count("indicators")).prefetch_related(
        Prefetch("indicators", queryset=visible.population(), to_attr="visible_indicators")
    )
    return [r for r in results if r.visible_indicators or member]


def _result_counts(request, collab: Collaborative, member: bool) -> list:
    """The collaborative's results, each with how many of its indicators this person may
    see (``n_visible``): the home counts them and lists none, so it reads no indicator."""
    visible = access.visible_indicators(request.user, collab, member=member).population()
    counts = dict(
        visible.order_by()
        .values_list("result_id")
        .annotate(n=Count("pk"))
        .values_list("result_id", "n")
    )
    results = list(collab.results.all())
    for r in results:
        r.n_visible = counts.get(r.pk, 0)
    return [r for r in results if r.n_visible or member]


def _on(review):
    return (review.held_on, review.pk)


def results_index(request, slug: str):
    """The results stage's own page: every result with its indicators, each linked."""
    collab = _collaborative(request, slug)
    member = access.is_member(request.user, collab)
    return render(
        request,
        "results/results.html",
        {"collaborative": collab, "results": _results(request, collab, member)},
    )


def result(request, slug: str, result_slug: str):
    collab = _collaborative(request, slug)
    res = get_object_or_404(collab.results, slug=result_slug)
    member = access.is_member(request.user, collab)
    visible = access.visible_indicators(request.user, collab, member=member).filter(result=res)
    if not member and not visible.exists():
        raise Http404("No such result")
    # Who reads the result was decided above; its rows (latest values, sparklines, trend
    # verdicts) follow from the data alone for the audience, so they are built once per
    # data version and shared by every reader of it.
    every = data_cache.cached(
        ("result-rows", res.pk, "members" if member else "public"),
        data_cache.version(collab.pk),
        lambda: headline_rows(
            collab, visible.select_related("performance_measure__commitment__organisation")
        ),
    )
    # Partners' performance measures under this result: read apart from its indicators.
    rows = [r for r in every if r["indicator"].commitment_measure is None]
    measure_rows = [r for r in every if r["indicator"].commitment_measure is not None]
    return render(
        request,
        "results/result.html",
        {
            "collaborative": collab,
            "result": res,
            "rows": rows,
            "measure_rows": measure_rows,
            "focus_areas": res.focus_areas.all(),
            "talk": _conversation(request.user, collab, res),
            "around": _around_result(request, collab, res, rows),
        },
    )


def _around_result(request, collab: Collaborative, res, rows: list) -> dict:
    """Where a result leads: its table, the strategies aimed at it, the review that looks at
    it, and its page on the public site. Two queries, for members only."""
    public = collab.is_public and any(r["indicator"].is_public for r in rows)
    around: dict = {"public_url": reverse("public_result", args=[collab.slug, res.slug])}
    if not public:
        around["public_url"] = None
    if not access.is_member(request.user, collab):
        return around
    from civicloop.review.models import Review
    from civicloop.table.models import Strategy

    around["strategies"] = list(
        Strategy.objects.filter(collaborative=collab, indicators__result=res)
        .distinct()
        .order_by(F("priority").asc(nulls_last=True), "name")
    )
    today = timezone.localdate()
    # The next review, else the last: one query over a table's few meetings a year.
    held = sorted(Review.objects.filter(collaborative=collab).only("pk", "held_on"), key=_on)
    ahead = [r for r in held if r.held_on >= today]
    around["review"] = ahead[0] if ahead else (held[-1] if held else None)
    around["review_upcoming"] = bool(around["review"] and around["review"].held_on >= today)
    around["member"] = True
    return around


def indicator(request, slug: str, indicator_slug: str):
    collab = _collaborative(request, slug)
    # Members work with current values, pending ones marked; anyone else reads the
    # approved copies only. Who sees the indicator, and as whom, is decided here on every
    # request; what follows from the data for that audience is cached on the
    # collaborative's data version (never stale: any change makes a new version).
    rights = access.rights(request.user, collab)  # one query for every question below
    member = rights.is_member
    ind = get_object_or_404(
        access.visible_indicators(request.user, collab, member=member)
        # The partner's commitment it may measure: the data calendar names who owes it.
        .select_related(
            "result",
            "baseline_period",
            "target_period",
            "performance_measure__commitment__organisation",
        )
        .prefetch_related("targets__period"),
        slug=indicator_slug,
    )
    ind.result.collaborative = collab  # the same row: not read again
    stamp = data_cache.version(collab.pk)
    choices = data_cache.cached(("indicator-choices", ind.pk), stamp, lambda: _choices(collab, ind))
    # Which stored analyses are fresh: the same for every indicator of the collaborative,
    # so read once per data version for all their pages, not once per page.
    fresh = data_cache.cached(("freshness", collab.pk), stamp, lambda: freshness.of(collab))
    area = next(
        (a for a in choices["areas"] if a.code == request.GET.get("area", "")),
        choices["default"],
    )
    by = request.GET.get("by", "")
    if by not in {d.slug for d in choices["dimensions"]} | {"areas"}:
        by = ""
    panel = data_cache.cached(
        ("indicator-panel", ind.pk, area.pk if area else None, by, member),
        stamp,
        lambda: _panel(ind, area, by, member, choices["dimensions"], fresh),
    )
    context = {
        "collaborative": collab,
        "indicator": ind,
        "areas": choices["areas"],
        "area": area,
        "dimensions": choices["dimensions"],
        "by": by,
        **panel,
        # The strategies aimed at it (one query; members only, as the strategies pages are).
        "strategies": list(ind.strategies.order_by(F("priority").asc(nulls_last=True), "name"))
        if member
        else [],
        "public_url": reverse("public_indicator", args=[collab.slug, ind.slug])
        if collab.is_public and ind.is_public
        else None,
        "talk": _conversation(request.user, collab, ind, member, rights),
        # "Last updated" and "next expected" (measure/_indicator_dates.html): the reader's
        # duty is part of it, so it is read per request, outside the data cache.
        **calendar_data.indicator_context(
            request.user, ind, member=member, collaborative=collab, duty=rights.duty
        ),
        "show_approval": member,
        "can_approve": member and rights.can_approve(ind),
    }
    template = "results/indicator.html"
    if request.headers.get("HX-Request"):
        template += "#panel"
        context["oob"] = True  # the panel brings the evidence for the new area along
    else:
        # The map is not part of the panel: choosing an area or a breakdown leaves it be.
        level = request.GET.get("level", "")
        context["map"], context["map_spec"] = data_cache.cached(
            ("indicator-map", ind.pk, level, member),
            stamp,
            lambda: _map(collab, ind, level, member, fresh),
        )
    return render(request, template, context)


def _map(collab: Collaborative, ind, level: str, member: bool, fresh=None):
    """The indicator's maps by area and their Vega-Lite spec (None when nothing is drawn)."""
    the_map = maps.indicator_map(
        ind,
        approved_only=not member,
        level=level,
        area_url=lambda a: reverse("area", args=[collab.slug, a.code]),
        freshness=fresh,
    )
    return the_map, maps.vega_spec(the_map) if the_map and the_map.drawn else None


def _choices(collab: Collaborative, ind) -> dict:
    """The areas and dimensions an indicator's page offers, and the area it opens on."""
    series_qs = Series.objects.filter(indicator=ind)
    areas = list(
        Area.objects.filter(pk__in=series_qs.values("area"))
        .defer("geometry")
        .order_by("level", "name")
    )
    dimensions = list(Dimension.objects.filter(groups__series__indicator=ind).distinct())
    top = top_area(collab)
    default = top if top in areas else (areas[0] if areas else None)
    return {"areas": areas, "dimensions": dimensions, "default": default}


def _panel(ind, area, by: str, member: bool, dimensions, fresh=None) -> dict:
    """The chart, the observations and the evidence of one area and breakdown, for members
    (current values, effects) or the public (approved copies): data only, no access."""
    series_qs = Series.objects.filter(indicator=ind).select_related("area", "group__dimension")
    if by == "areas":
        chosen = series_qs.filter(group__isnull=True).exclude(area=area).filter(area__parent=area)
        chosen = chosen | series_qs.filter(group__isnull=True, area=area)
    elif by:
        chosen = series_qs.filter(area=area, group__dimension__slug=by) | series_qs.filter(
            area=area, group__isnull=True
        )
    else:
        chosen = series_qs.filter(area=area, group__isnull=True)
    readable = Observation.objects.all() if member else Observation.objects.as_approved()
    observations = list(
        readable.filter(series__in=chosen)
        .select_related("period", "series__area", "series__group", "load")
        .defer("series__area__geometry")
        .prefetch_related(
            Prefetch("revisions", queryset=Revision.objects.select_related("changed_by", "load"))
        )
        .order_by("series__area__name", "series__group__order", "period__start")
    )
    for obs in observations:
        # The public reads the history of approved values only: a revision made after the
        # last approval is the pending value itself.
        revisions = list(obs.revisions.all())
        obs.shown_load = obs.load
        if not member:
            revisions = [
                r for r in revisions if obs.approved_at and r.changed_at <= obs.approved_at
            ]
            if obs.approval != Approval.APPROVED:
                # The current load brought the pending value: name the load of the approved
                # one, when its revision says which (else none).
                last = max(revisions, key=lambda r: r.changed_at, default=None)
                obs.shown_load = last.load if last and last.new_value == obs.value else None
        obs.shown_revisions = revisions
    points = []
    for obs in observations:
        label = _series_label(obs.series, by)
        moe = obs.margin_of_error
        points.append(
            Point(
                label,
                obs.period.label,
                obs.period.start.isoformat(),
                obs.value,
                obs.value - moe if moe is not None else None,
                obs.value + moe if moe is not None else None,
            )
        )
    # The band reads approved values only; the headline's are among those already read.
    headline = [
        Row.of(
            o.period.kind,
            o.period.label,
            o.period.start,
            o.period.end,
            o.approved_value,
            o.approved_margin_of_error,
        )
        for o in observations
        if area is not None
        and o.series.area_id == area.pk
        and o.series.group_id is None
        and o.approved_value is not None
    ]
    curve = curve_of(ind, area, headline, starts([ind]).get(ind.pk))
    spec = series_chart(
        points,
        forecast=[BandPoint(b.start, b.label, b.expected, b.lower, b.upper) for b in curve.band],
        forecast_label=forecast_label(curve),
        title=f"{ind.name}, {area.name if area else ''}",
        unit=ind.unit,
        target=(ind.target_period.start.isoformat(), ind.target_value)
        if ind.target_period and ind.target_value is not None and not by
        else None,
        baseline=(ind.baseline_period.start.isoformat(), ind.baseline_value)
        if ind.baseline_period and ind.baseline_value is not None and not by
        else None,
        legend_title=_legend_title(by, dimensions),
    )
    return {
        "spec": spec,
        "curve": curve,
        "observations": observations,
        "series_label": {o.pk: _series_label(o.series, by) for o in observations},
        "evidence": indicator_evidence(
            ind, area, show_effects=member, lines=chosen, by=by, freshness=fresh
        ),
    }


def _conversation(
    user, collab: Collaborative, subject, member: bool | None = None, rights=None
) -> dict | None:
    """The Turn the Curve conversation panel, for members (the public reads the declared
    copy on the public site). rights: the reader's, when the page has read them."""
    if not (access.is_member(user, collab) if member is None else member):
        return None
    from civicloop.review.conversation import panel

    return panel(user, collab, subject, rights)


def forecast_label(curve) -> str:
    """ "Baseline forecast, 95% band": how the band is named on every chart."""
    return _("Baseline forecast, {level} band").format(level=words.level_text(curve.level))


def _legend_title(by: str, dimensions) -> str | None:
    """The breakdown's name over its legend (the dimensions were read for the form)."""
    if by == "areas":
        return gettext("Area")
    return next((d.name for d in dimensions if d.slug == by), None)


def _series_label(series: Series, by: str) -> str:
    if by == "areas":
        return series.area.name
    return series.group.name if series.group_id else "All"


def area(request, slug: str, code: str):
    """One area: each indicator the visitor may see, with its latest value and trend there."""
    collab = _collaborative(request, slug)
    place = get_object_or_404(
        Area.objects.filter(collaborative=collab).select_related("parent").defer("geometry"),
        code=code,
    )
    member = access.is_member(request.user, collab)
    visible = list(
        access.visible_indicators(request.user, collab)
        .population()
        .select_related("result")
        .order_by("result__order", "order", "name")
    )
    readable = Observation.objects.all() if member else Observation.objects.as_approved()
    latest: dict[int, Observation] = {}
    for obs in (
        readable.filter(
            series__area=place, series__group__isnull=True, series__indicator__in=visible
        )
        .select_related("period", "series")
        .order_by("period__start")
    ):
        latest[obs.series.indicator_id] = obs
    from civicloop.learn import store, words

    family = store.current_family(collab, place, only=[i.pk for i in visible])
    rows = []
    for ind in visible:
        obs = latest.get(ind.pk)
        entry = family.get(ind.pk)
        verdict = (entry or {}).get("verdict") or {}
        rows.append(
            {
                "indicator": ind,
                "latest": obs,
                "latest_text": ind.format_value(obs.value) if obs else "",
                "pending": member and obs is not None and obs.approval != "approved",
                "verdict": words.short_verdict(entry) if entry else "",
                "badge": words.badge(verdict.get("status", "")),
                "sentence": words.trend_sentence(entry, words.Units.of(ind)) if entry else "",
            }
        )
    return render(
        request,
        "results/area.html",
        {
            "collaborative": collab,
            "area": place,
            "children": place.children.order_by("name").defer("geometry"),
            "rows": [r for r in rows if r["latest"] is not None],
            "without": [r["indicator"] for r in rows if r["latest"] is None],
            "show_approval": member,
        },
    )


def _approval_done(action: str, changed: int) -> str:
    """What an approval did, in a sentence the catalog can translate whole (the action's
    word and its plural agree in Spanish, which "%(action)s: %(n)s value(s)" cannot do)."""
    if action == "approve":
        text = ngettext("%(n)s value approved.", "%(n)s values approved.", changed)
    elif action == "return":
        text = ngettext(
            "%(n)s value returned to its steward.",
            "%(n)s values returned to their stewards.",
            changed,
        )
    else:
        text = ngettext(
            "%(n)s value no longer approved.", "%(n)s values no longer approved.", changed
        )
    return text % {"n": changed}


@login_required
def approvals(request, slug: str):
    """What waits for approval, and the approve / return / un-approve actions on it.

    Everyone at the table sees what waits; the actions offered and taken are those
    `access.can_approve` allows (the steward's members, backbone staff).
    """
    collab = _collaborative(request, slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("observation") if i.isdigit()]
        chosen = Observation.objects.filter(
            pk__in=ids, series__indicator__result__collaborative=collab
        )
        try:
            outcome = approval.act(
                request.POST.get("action", ""), chosen, request.user, request.POST.get("note", "")
            )
        except approval.ApprovalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _approval_done(outcome.action, outcome.changed))
        return redirect("approvals", collab.slug)
    waiting = (
        approval.waiting(collab)
        .select_related(
            "series__indicator", "series__area", "series__group", "period", "load", "created_by"
        )
        .order_by("series__indicator__name", "series__area__name", "period__start")
    )
    mine = set(access.approvable_indicators(request.user, collab).values_list("pk", flat=True))
    rows = list(waiting[:500])
    return render(
        request,
        "results/approvals.html",
        {
            "collaborative": collab,
            "rows": rows,
            "total": waiting.count(),
            "mine": mine,
            "can_act": any(o.series.indicator_id in mine for o in rows),
        },
    )
