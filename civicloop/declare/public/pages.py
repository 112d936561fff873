"""The public site's pages, each a function of what the public may see.

The live app (`civicloop.declare.public_views`) and the static build (`civicloop.declare.site`)
call the same functions with a `Site` that says how to link, so the two cannot drift apart.
Each returns the page's bytes; nothing here reads the request.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from civicloop import __version__
from civicloop.declare import svgchart
from civicloop.declare.public.links import Site, path_of
from civicloop.declare.public.snapshot import Snapshot, public_collaboratives
from civicloop.results.charts import BandPoint, Point, sparkline
from civicloop.results.models import Indicator, Network, UnitKind

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str = HTML


def render(site: Site, template: str, context: dict[str, Any]) -> Page:
    context = {
        "site": site,
        "generated_at": timezone.now(),
        "civicloop_version": __version__,
        **context,
    }
    with translation.override(site.lang):
        return Page(render_to_string(template, context).encode("utf-8"))


# -- the pages -------------------------------------------------------------------------------


def home(site: Site, only: set[int] | None = None) -> Page:
    """Every public collaborative by network (a build of some of them lists only those)."""
    networks: dict = OrderedDict()
    for collab in public_collaboratives().order_by("network__name", "name"):
        if only is None or collab.pk in only:
            networks.setdefault(collab.network, []).append(collab)
    synthetic = any(c.is_synthetic for group in networks.values() for c in group)
    return render(
        site.at(""), "declare/public/home.html", {"networks": networks, "synthetic": synthetic}
    )


def network(site: Site, net: Network, only: set[int] | None = None) -> Page:
    from civicloop.declare.public.network import compare

    return _network_page(site, compare(net, only=only))


def network_result(site: Site, net: Network, slug: str, only: set[int] | None = None) -> Page:
    from civicloop.declare.public.network import compare

    comparison = compare(net, only=only)
    return _network_result_page(site, comparison, comparison.result(slug))


def network_pages(site: Site, net: Network, only: set[int] | None = None) -> list[tuple[str, Page]]:
    """A network's page and one page per result, from one comparison (for a build)."""
    from civicloop.declare.public.network import compare

    comparison = compare(net, only=only)
    pages = [(path_of(net), _network_page(site, comparison))]
    for across in comparison.results:
        path = path_of(net, f"results/{across.slug}/")
        pages.append((path, _network_result_page(site, comparison, across)))
    return pages


def _network_page(site: Site, comparison) -> Page:
    return render(
        site.at(path_of(comparison.network)),
        "declare/public/network.html",
        {
            "network": comparison.network,
            "comparison": comparison,
            "crumbs": [],
            "synthetic": any(c.collaborative.is_synthetic for c in comparison.cities),
        },
    )


def _network_result_page(site: Site, comparison, across) -> Page:
    return render(
        site.at(path_of(comparison.network, f"results/{across.slug}/")),
        "declare/public/network_result.html",
        {
            "comparison": comparison,
            "across": across,
            "synthetic": any(c.collaborative.is_synthetic for c in comparison.cities),
        },
    )


def collaborative(site: Site, snap: Snapshot) -> Page:
    results = [result_rows(snap, r) for r in snap.results]
    return render(
        site.at(path_of(snap.collaborative)),
        "declare/public/collaborative.html",
        {
            **_frame(snap, "results"),
            "results": results,
            "glance": verdict_counts([row for block in results for row in block["rows"]]),
            "latest": snap.declarations[:3],
        },
    )


def result(site: Site, snap: Snapshot, res) -> Page:
    ids = {i.pk for i in res.public_indicators}
    return render(
        site.at(path_of(res)),
        "declare/public/result.html",
        {
            **_frame(snap, "results"),
            "result": result_rows(snap, res),
            "declarations": [d for d in snap.declarations if d.indicator_id in ids],
            "focus_areas": list(res.focus_areas.all()),
            "conversation": declared_conversation(res),
        },
    )


def indicator(site: Site, snap: Snapshot, ind: Indicator) -> Page:
    here = site.at(path_of(ind))
    return render(
        here,
        "declare/public/indicator.html",
        {
            **_frame(snap, "results", [(ind.result, ind.result.title)]),
            "indicator": ind,
            "declarations": snap.declarations_about(ind),
            "evidence": snap.evidence(ind),
            "charts": charts_for(snap, ind),
            "map": _linked_map(here, map_for(snap, ind)),
            "area_top": next((a for a in snap.areas if snap.area and a.pk == snap.area.pk), None),
            "embed_snippet": embed_snippet(here, ind),
            "conversation": declared_conversation(ind),
        },
    )


def area(site: Site, snap: Snapshot, place) -> Page:
    """One area: each public indicator's latest approved headline value there and its
    trend in that area's own series (the working app's area page, as the public sees it)."""
    from civicloop.learn import store, words

    latest = snap.latest_at(place)
    shown = [i for i in snap.indicators if i.pk in latest]
    family = store.current_family(snap.collaborative, place, only=[i.pk for i in shown])
    rows = []
    for ind in shown:
        obs, entry = latest[ind.pk], family.get(ind.pk)
        verdict = (entry or {}).get("verdict") or {}
        rows.append(
            {
                "indicator": ind,
                "latest": obs,
                "latest_text": ind.format_value(obs.value),
                "verdict": words.short_verdict(entry) if entry else "",
                "badge": words.badge(verdict.get("status", "")),
                "sentence": words.trend_sentence(entry, words.Units.of(ind)) if entry else "",
            }
        )
    crumbs = []
    up = place.parent_area
    while up is not None:
        crumbs.insert(0, (up, up.name))
        up = up.parent_area
    return render(
        site.at(path_of(place)),
        "declare/public/area.html",
        {
            **_frame(snap, "results", crumbs),
            "area": place,
            "rows": rows,
            "without": [i for i in snap.indicators if i.pk not in latest],
        },
    )


def _linked_map(site: Site, drawn: dict[str, Any] | None) -> dict[str, Any] | None:
    """The indicator's maps with each area in their table linked to its public page (the
    drawing is shared by every language; the links are this page's)."""
    from dataclasses import replace

    if drawn is None:
        return None
    the_map = drawn["map"]
    slug = the_map.indicator.result.collaborative.slug
    areas = [replace(a, url=site.url(f"c/{slug}/areas/{a.code}/")) for a in the_map.areas]
    return {**drawn, "map": replace(the_map, areas=areas)}


def embed(site: Site, snap: Snapshot, ind: Indicator) -> Page:
    """A chart alone, for partners' own websites (the one public page that may be framed)."""
    here = site.at(path_of(ind, "embed/"))
    charts = charts_for(snap, ind)  # the page's, drawn once
    return render(
        here,
        "declare/public/embed.html",
        {**_frame(snap), "indicator": ind, "chart": charts[0] if charts else None},
    )


def chart_svg(snap: Snapshot, ind: Indicator) -> Page:
    """The headline chart as a standalone SVG file (for an ``<img>`` on another site)."""
    charts = charts_for(snap, ind, only_headline=True, heading=True)
    svg = charts[0]["svg"] if charts else svgchart.line_chart([], title=ind.name, value_text=str)
    return Page(str(svg).encode("utf-8"), "image/svg+xml")


def declarations(site: Site, snap: Snapshot) -> Page:
    return render(
        site.at(path_of(snap.collaborative, "declarations/")),
        "declare/public/declarations.html",
        {**_frame(snap, "declarations"), "declarations": snap.declarations},
    )


def declaration(site: Site, snap: Snapshot, decl) -> Page:
    return render(
        site.at(path_of(decl)),
        "declare/public/declaration.html",
        {
            **_frame(
                snap,
                "declarations",
                [(path_of(snap.collaborative, "declarations/"), _("Declarations"))],
            ),
            "declaration": decl,
            "evidence": decl.evidence,
        },
    )


def decisions(site: Site, snap: Snapshot) -> Page:
    return render(
        site.at(path_of(snap.collaborative, "decisions/")),
        "declare/public/decisions.html",
        {**_frame(snap, "decisions"), "decisions": snap.decisions},
    )


def methodology(site: Site, snap: Snapshot) -> Page:
    return render(
        site.at(path_of(snap.collaborative, "methodology/")),
        "declare/public/methodology.html",
        {
            **_frame(snap, "methodology"),
            "indicators": snap.indicators,
            # (indicator, when its work began or None): the baseline forecast's "before"
            "began": [(i, snap.starts.get(i.pk)) for i in snap.indicators],
        },
    )


def data(site: Site, snap: Snapshot) -> Page:
    from civicloop.declare.public.opendata import COLUMNS

    return render(
        site.at(path_of(snap.collaborative, "data/")),
        "declare/public/data.html",
        {**_frame(snap, "data"), "indicators": snap.indicators, "columns": COLUMNS},
    )


# -- what several pages share ------------------------------------------------------------------


def _frame(snap: Snapshot, section: str = "", crumbs=()) -> dict[str, Any]:
    """What every page of a collaborative's site needs: the nav's current section and the
    breadcrumbs below the collaborative, as (object or path, label)."""
    return {
        "collaborative": snap.collaborative,
        "snapshot": snap,
        "section": section,
        "crumbs": list(crumbs),
    }


def declared_conversation(subject) -> dict | None:
    """The Turn the Curve conversation a chair declared about a public indicator or result
    (callers pass only what the snapshot shows): the declared copy, never later edits."""
    from civicloop.review.conversation import public_copy

    return public_copy(subject)


def result_rows(snap: Snapshot, res) -> dict[str, Any]:
    rows = []
    for ind in res.public_indicators:
        history = snap.headlines.get(ind.pk, [])
        latest = history[-1] if history else None
        rows.append(
            {
                "indicator": ind,
                "latest": latest,
                "latest_text": ind.format_value(latest.value if latest else None),
                "target_text": ind.format_value(ind.target_value)
                if ind.target_value is not None
                else "",
                "sparkline": mark_safe(
                    sparkline(
                        [o.value for o in history],
                        label=_("%(indicator)s: recent trend") % {"indicator": ind.name},
                    )
                ),
                "verdict": snap.verdict(ind),
            }
        )
    return {"result": res, "rows": rows}


def verdict_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many of these indicators (rows of `result_rows`) go which way."""
    trends = [row["verdict"]["trend_status"] for row in rows]
    progress = [row["verdict"]["progress_status"] for row in rows]
    return {
        "indicators": len(rows),
        "improving": trends.count("improving"),
        "worsening": trends.count("worsening"),
        "unclear": len(rows) - trends.count("improving") - trends.count("worsening"),
        "on_track": progress.count("on_track") + progress.count("target_achieved"),
    }


def short_value(ind: Indicator):
    """Values on chart axes and in tables: the number with % or $, the unit said once nearby."""

    def text(value: float) -> str:
        number = f"{value:,.{ind.decimals}f}"
        if ind.unit_kind == UnitKind.PERCENT:
            return f"{number}%"
        if ind.unit_kind == UnitKind.CURRENCY:
            return f"${number}"
        return number

    return text


def charts_for(
    snap: Snapshot, ind: Indicator, *, only_headline: bool = False, heading: bool = False
) -> list[dict[str, Any]]:
    """The indicator's charts: the whole place with baseline and target, its areas, and
    each disaggregation; each with the rows of its data table. Drawn once per snapshot."""
    key = (ind.pk, only_headline, heading)
    if key not in snap.charts:
        snap.charts[key] = _draw_charts(snap, ind, snap.observations(ind), only_headline, heading)
    return snap.charts[key]


def _draw_charts(snap, ind, observations, only_headline: bool, heading: bool) -> list[dict]:
    area = snap.area
    if area is None:
        return []
    fmt = short_value(ind)
    unit = "" if ind.unit_kind in (UnitKind.PERCENT, UnitKind.CURRENCY) else f" ({ind.unit})"
    headline = [
        o for o in observations if o.series.area_id == area.pk and o.series.group_id is None
    ]
    groups: dict[str, list] = OrderedDict()
    children: list = []
    for o in observations:
        s = o.series
        if s.area_id == area.pk and s.group_id is not None:
            groups.setdefault(s.group.dimension.name, []).append(o)
        elif s.group_id is None and s.area.parent_id == area.pk:
            children.append(o)
    target = (
        svgchart.Mark(_("Target"), ind.target_period.start.isoformat(), ind.target_value)
        if ind.target_period and ind.target_value is not None
        else None
    )
    baseline = (
        svgchart.Mark(_("Baseline"), ind.baseline_period.start.isoformat(), ind.baseline_value)
        if ind.baseline_period and ind.baseline_value is not None
        else None
    )
    curve = snap.curve(ind)
    forecast = [BandPoint(b.start, b.label, b.expected, b.lower, b.upper) for b in curve.band]
    forecast_label = _("Baseline forecast, {level} band").format(level=curve.level_text)
    specs = [
        (
            "headline",
            f"{ind.name}{unit}, {area.name}",
            [(area.name, headline)],
            target,
            baseline,
        )
    ]
    if not only_headline:
        if children:
            by_area: dict[str, list] = OrderedDict([(area.name, headline)])
            for o in sorted(children, key=lambda o: o.series.area.name):
                by_area.setdefault(o.series.area.name, []).append(o)
            specs.append(
                (
                    "areas",
                    _("%(indicator)s, by area") % {"indicator": f"{ind.name}{unit}"},
                    list(by_area.items()),
                    None,
                    None,
                )
            )
        for dim, obs in groups.items():
            by_group: dict[str, list] = OrderedDict([(_("All"), headline)])
            for o in sorted(obs, key=lambda o: (o.series.group.order, o.series.group.name)):
                by_group.setdefault(o.series.group.name, []).append(o)
            specs.append(
                (
                    f"by-{o.series.group.dimension.slug}",
                    _("%(indicator)s, %(area)s, by %(dimension)s")
                    % {
                        "indicator": f"{ind.name}{unit}",
                        "area": area.name,
                        "dimension": dim.lower(),
                    },
                    list(by_group.items()),
                    None,
                    None,
                )
            )
    out = []
    for key, title, lines, tgt, base in specs:
        points = [_point(name, o) for name, obs in lines for o in obs]
        if not points:
            continue
        chart_id = f"{ind.slug}-{key}"

        def draw(chart_id, narrow=False, points=points, title=title, tgt=tgt, base=base):
            # Every chart has the headline line, so every chart gets its forecast band.
            size = {"width": 440, "height": 300} if narrow else {}
            return svgchart.line_chart(
                points,
                title=title,
                value_text=fmt,
                target=tgt,
                baseline=base,
                chart_id=chart_id,
                heading=heading,
                forecast=forecast,
                forecast_label=forecast_label,
                **size,
            )

        out.append(
            {
                "id": chart_id,
                "title": title,
                "svg": mark_safe(draw(chart_id)),
                # A narrower drawing for phones: an SVG scales, its text with it, so a wide
                # chart shrunk to a phone's width would be unreadable.
                "svg_narrow": None if heading else mark_safe(draw(f"{chart_id}-n", narrow=True)),
                "table": _wide_table(lines, fmt),
                "has_margins": any(p.low is not None for p in points),
                "target": tgt,
                "baseline": base,
                "target_text": fmt(tgt.value) if tgt else "",
                "baseline_text": fmt(base.value) if base else "",
                "curve": curve if key == "headline" else None,
                "forecast": bool(forecast),
                "forecast_level": curve.level_text,
            }
        )
    return out


def map_for(snap: Snapshot, ind: Indicator, width: int = 300) -> dict[str, Any] | None:
    """The indicator's two maps by area (latest value, trend verdict) as SVG, and the
    `civicloop.results.maps.IndicatorMap` behind them (for the table beside them), from
    the public's numbers: the approved values the snapshot reads. Drawn once per snapshot."""
    from civicloop.results.maps import AreaValue, indicator_map, svg_maps

    key = ("map", ind.pk, width)
    if key not in snap.charts:
        values = [
            AreaValue(o.series.area_id, o.period.label, o.period.start, o.period.end, o.value)
            for o in snap.observations(ind)
            if o.series.group_id is None
        ]
        the_map = indicator_map(ind, approved_only=True, values=values)
        drawn = None
        if the_map is not None:
            svgs = svg_maps(the_map, map_id=f"{ind.slug}-map", width=width) if the_map.drawn else {}
            drawn = {
                "map": the_map,
                "value_svg": mark_safe(svgs.get("value", "")),
                "verdict_svg": mark_safe(svgs.get("verdict", "")),
            }
        snap.charts[key] = drawn
    return snap.charts[key]


def _point(name: str, o) -> Point:
    moe = o.margin_of_error
    return Point(
        name,
        o.period.label,
        o.period.start.isoformat(),
        o.value,
        o.value - moe if moe is not None else None,
        o.value + moe if moe is not None else None,
    )


def _wide_table(lines: list[tuple[str, list]], fmt) -> dict[str, Any]:
    """Periods down, series across: the same numbers as the chart, readable without it."""
    periods: dict[str, Any] = {}
    cells: dict[tuple[str, str], str] = {}
    for name, obs in lines:
        for o in obs:
            periods.setdefault(o.period.label, o.period.start)
            text = fmt(o.value)
            if o.margin_of_error is not None:
                text += f" ± {fmt(o.margin_of_error).rstrip('%')}"
            cells[(name, o.period.label)] = text
    names = [name for name, _ in lines]
    order = sorted(periods, key=lambda label: periods[label])
    return {
        "columns": names,
        "rows": [(label, [cells.get((n, label), "—") for n in names]) for label in order],
    }


def embed_snippet(site: Site, ind: Indicator) -> str:
    """The HTML a partner pastes into its own page to show this indicator's chart."""
    src = site.absolute(path_of(ind, "embed/"))
    if site.static and not site.base_url:
        src = path_of(ind, "embed/index.html")  # relative to the site's root: say so nearby
    title = escape(f"{ind.name}: {ind.result.collaborative.name}", quote=True)
    return (
        f'<iframe src="{escape(src, quote=True)}" title="{title}" width="100%" height="470" '
        'style="border:0;max-width:760px" loading="lazy"></iframe>'
    )
