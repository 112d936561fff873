"""``civicloop learn trends | progress | effects | equity | baseline``: what the data say, from
the terminal.

Each command brings the stored results up to date first (only series that a load changed
are recomputed), prints a Rich table, or with ``--json`` a JSON list for machines.
``civicloop.cli`` is imported inside functions only: it imports this module while it is
being imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from civicloop.cli_language import gettext_noop, help_text
from civicloop.cli_options import CollaborativeOption, JsonOption

console = Console()

AreaOption = Annotated[
    str | None,
    typer.Option("--area", "-a", help=gettext_noop("Area code (default: the whole city).")),
]


class ProgressMethod(StrEnum):
    civicloop = "civicloop"
    open_sdg = "open-sdg"


def register(app: typer.Typer) -> None:
    learn = typer.Typer(
        help=gettext_noop(
            "Learn: trends, progress to target and strategy effects, with their uncertainty."
        ),
        no_args_is_help=True,
    )
    learn.command()(trends)
    learn.command()(progress)
    learn.command()(effects)
    learn.command()(equity)
    learn.command()(baseline)
    learn.command()(analyse)
    app.add_typer(learn, name="learn")


def _start(collaborative: str | None, area: str | None = None):
    from civicloop.cli import CliError, collaborative_named, setup

    setup()
    from civicloop.results.models import Area

    collab = collaborative_named(collaborative)
    the_area = None
    if area:
        the_area = Area.objects.filter(collaborative=collab, code=area).first()
        if the_area is None:
            raise CliError(
                _("no area %(area)r in %(collaborative)s")
                % {"area": area, "collaborative": collab.slug}
            )
    return collab, the_area


@contextmanager
def _working(quiet: bool) -> Iterator[None]:
    """A spinner while the stored analyses are brought up to date (seconds after a load),
    shown at a terminal only, never into --json output."""
    from civicloop.core.progress import steps

    with steps(console, quiet=quiet) as shown, shown.step(_("Bringing the analyses up to date…")):
        yield


def _print_json(rows) -> None:
    print(json.dumps([r.as_dict() for r in rows], indent=2))


def _n(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}f}"


def _between(low: float | None, high: float | None, digits: int = 2) -> str:
    """An interval, "1.20 to 3.40" ("1.20 a 3.40"), or "—" when there is none."""
    if low is None:
        return "—"
    return _("%(low)s to %(high)s") % {"low": _n(low, digits), "high": _n(high, digits)}


def _p(p: float | None) -> str:
    if p is None:
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


_STYLE = {
    "improving": "green",
    "worsening": "red",
    "within_margin_of_error": "yellow",
    "borderline": "yellow",
    "target_achieved": "green",
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "too_noisy": "yellow",
    "substantial_progress": "green",
    "moderate_progress": "green",
    "limited_progress": "yellow",
    "deterioration": "red",
    "working": "green",
    "harmful": "red",
    "not_working": "yellow",
    "cannot_tell": "yellow",
    "closing": "green",
    "widening": "red",
    "better_than_baseline": "green",
    "worse_than_baseline": "red",
}


def _table(title: str, columns: tuple[tuple[str, str], ...]) -> Table:
    """A Rich table with a left-aligned title and (name, justify) columns."""
    table = Table(title=title, title_justify="left")
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    return table


def _styled(status: str, words: str) -> str:
    style = _STYLE.get(status)
    return f"[{style}]{words}[/{style}]" if style else words


@help_text(
    # xgettext:no-python-format
    gettext_noop("""Is each indicator improving? Slopes with their intervals and adjusted p-values.

    Sen's slope a year with its 95% interval, the Mann-Kendall p-value, and the p-value
    adjusted (Benjamini-Hochberg) across the collaborative's indicators in that area.

    Example: [bold]civicloop learn trends -c riverton --area south[/bold]
    """)
)
def trends(
    collaborative: CollaborativeOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
) -> None:
    collab, the_area = _start(collaborative, area)
    from civicloop.learn import store

    with _working(as_json):
        rows = store.analyse_trends(collab, the_area)
    if as_json:
        _print_json(rows)
        return
    table = _table(
        _("Trends: %(collaborative)s, %(area)s")
        % {"collaborative": collab.name, "area": rows[0].area if rows else ""},
        (
            (_("Indicator"), "left"),
            (_("Verdict"), "left"),
            (_("Slope a year"), "right"),
            (_("95%% interval") % {}, "right"),
            ("p", "right"),
            (_("adjusted p"), "right"),
            ("n", "right"),
            (_("Periods"), "left"),
        ),
    )
    for r in rows:
        table.add_row(
            r.name,
            _styled(r.status, r.words),
            _n(r.slope, 3),
            _between(r.slope_low, r.slope_high, 3),
            _p(r.p),
            _p(r.p_adjusted),
            str(r.n),
            f"{r.first_period}–{r.latest_period}" if r.first_period else "—",
        )
    console.print(table)
    console.print(
        "[dim]"
        + _(
            "Adjusted across %(n)d indicators; 'improving' or 'worsening' only when the "
            "adjusted p is below 0.05."
        )
        % {"n": rows[0].family_size if rows else 0}
        + "[/dim]"
    )


@help_text(
    gettext_noop("""Turn the curve: each indicator's baseline forecast band and whether its curve turns.

    A straight line is fitted to the approved values before the work aimed at the
    indicator began (set on the indicator, else on its result, else for the collaborative,
    else the earliest start of its strategies; the "Start from" column says which) and
    projected with its 95%
    prediction band; the latest value since is read against the band. Only a value
    outside the band in the good direction is "turning the curve" (a survey estimate only
    if its margin of error stays outside the band too).

    Example: [bold]civicloop learn baseline -c riverton --json[/bold]
    """)
)
def baseline(
    collaborative: CollaborativeOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
) -> None:
    collab, the_area = _start(collaborative, area)
    from civicloop.learn.store.curve import collaborative_curves
    from civicloop.results.models import Indicator
    from civicloop.results.queries import top_area

    place = the_area or top_area(collab)
    indicators = list(
        Indicator.objects.filter(result__collaborative=collab)
        .population()
        .select_related("result")
        .order_by("result__order", "order", "name")
    )
    curves = collaborative_curves(indicators, place)
    if as_json:
        print(
            json.dumps(
                [
                    {**c.as_dict(), "turning": c.turning, "since_source_text": c.since_source_text}
                    for c in curves
                ],
                indent=2,
            )
        )
        return
    table = _table(
        _("Turn the curve: {name}, {area}").format(
            name=collab.name, area=place.name if place else ""
        ),
        (
            (_("Indicator"), "left"),
            (_("Curve"), "left"),
            (_("Since"), "left"),
            (_("Start from"), "left"),
            (_("Fitted to"), "left"),
            (_("Latest"), "left"),
            (_("Value"), "right"),
            (_("Expected"), "right"),
            (_("95% band"), "right"),
        ),
    )
    for c in curves:
        fitted = f"{c.fit_from}–{c.fit_to} (n={c.n_fit})" if c.n_fit else f"n={c.n_fit}"
        table.add_row(
            c.name,
            _styled(c.status, c.short),
            c.since or "—",
            c.since_source_text or "—",
            fitted if c.since else "—",
            c.latest_label or "—",
            _n(c.latest_value),
            _n(c.latest_expected),
            _between(c.latest_lower, c.latest_upper),
        )
    console.print(table)
    console.print(
        "[dim]"
        + _(
            "Band: the 95% prediction band of a straight line fitted to the approved values "
            "before the work began; 'turning the curve' only when the latest value is outside "
            "it in the good direction."
        )
        + "[/dim]"
    )


@help_text(
    gettext_noop("""Progress of every indicator to its target, with the components used.

    Status, score and progress value, and what they rest on: base and current year and
    value, target, target year and direction. With open-sdg, one row per Open SDG
    indicator: one with several components (series, units or disaggregation
    combinations in its progress_calculation_options) scores the mean of their scores,
    each listed under it, and what the method assumed (a target year of 2030 where
    none is given) is said.

    Examples: [bold]civicloop learn progress[/bold] ·
    [bold]civicloop learn progress --method open-sdg --json[/bold]
    """)
)
def progress(
    collaborative: CollaborativeOption = None,
    method: Annotated[
        ProgressMethod,
        typer.Option(help=gettext_noop("civicloop (Sen's slope projected) or open-sdg.")),
    ] = ProgressMethod.civicloop,
    area: AreaOption = None,
    as_json: JsonOption = False,
) -> None:
    collab, the_area = _start(collaborative, area)
    from civicloop.learn import store

    with _working(as_json):
        rows = store.progress(collab, method=method.value, area=the_area)
    if as_json:
        _print_json(rows)
        return
    title = _("Progress to target (%(method)s): %(collaborative)s, %(area)s") % {
        "method": method.value,
        "collaborative": collab.name,
        "area": rows[0].area if rows else "",
    }
    numbers = [_("Score"), _("Progress value"), _("Base"), _("Current"), _("Target")]
    if method is ProgressMethod.civicloop:
        numbers = [_("Pace / needed"), _("Base"), _("Current"), _("Target"), _("Projected")]
    table = _table(
        title,
        (
            (_("Indicator"), "left"),
            (_("Status"), "left"),
            *((name, "right") for name in numbers),
            (_("Direction"), "left"),
        ),
    )
    for r in rows:
        base = f"{_n(r.base_value)} ({r.base_period})" if r.base_value is not None else "—"
        current = (
            f"{_n(r.current_value)} ({r.current_period})" if r.current_value is not None else "—"
        )
        target = "—" if r.target is None else _n(r.target)
        if r.target is not None and r.target_period:  # never "by None"
            target = _("%(target)s by %(period)s") % {"target": target, "period": r.target_period}
        if r.target is not None and any("assumes 2030" in a for a in r.assumptions):
            target += " " + _("(assumed)")
        if method is ProgressMethod.civicloop:
            projected = (
                f"{_n(r.projected)} ({_between(r.projected_low, r.projected_high)})"
                if r.projected is not None
                else "—"
            )
            table.add_row(
                r.name,
                _styled(r.status, r.words),
                _n(r.progress_value),
                base,
                current,
                target,
                projected,
                r.direction,
            )
        else:
            table.add_row(
                r.name,
                _styled(r.status, r.words),
                _n(r.score),
                _n(r.progress_value, 3),
                base,
                current,
                target,
                r.direction,
            )
            if len(r.components) > 1:
                for c in r.components:
                    table.add_row(*_component_cells(c))
    console.print(table)
    if method is ProgressMethod.open_sdg:
        assumed: dict[str, list[str]] = {}
        for r in rows:
            for assumption in r.assumptions:
                assumed.setdefault(assumption, []).append(r.name)
        for assumption, names in assumed.items():
            said = _("Assumed (%(assumption)s) for: %(names)s.") % {
                "assumption": assumption,
                "names": ", ".join(names),
            }
            console.print(f"[dim]{said}[/dim]")
        console.print(
            "[dim]"
            + _(
                "An indicator with several components scores the mean of their scores; "
                "its status is read from that mean."
            )
            + "[/dim]"
        )


def _component_cells(c: dict) -> tuple[str, ...]:
    """One Open SDG component as table cells, indented under its indicator."""
    selector = c["selector"]
    parts = [
        selector["series"],
        selector["unit"],
        *(d["value"] for d in selector["disaggregation"]),
    ]
    label = " / ".join(str(p) for p in parts if p) or _("headline")

    def at(value, label_, year) -> str:
        if value is None:
            return "—"
        return f"{_n(value)} ({label_ or (int(year) if year is not None else '')})"

    target = "—"
    if c["target"] is not None:
        target = _("%(target)s by %(period)s") % {
            "target": _n(c["target"]),
            "period": int(c["target_year"]),
        }
    words = c["words"] + (f" ({c['reason']})" if c["reason"] else "")
    return (
        f"  └ {label}",
        _styled(c["status"], words),
        _n(c["score"]),
        _n(c["progress_value"], 3),
        at(c["base_value"], c["base_period"], c["base_year"]),
        at(c["current_value"], c["current_period"], c["current_year"]),
        target,
        c["direction"],
    )


@help_text(
    gettext_noop("""Is each strategy making a difference? Effects with their intervals.

    Difference-in-differences of the strategy's areas against the other areas at the same
    level (or, without them, its areas' own earlier trend). The interval is adjusted
    (Bonferroni) across the collaborative's strategy effects, like the p-value, and the
    verdict is read from it: working, not working, or too early to tell (with about how
    many more periods would be needed).

    Example: [bold]civicloop learn effects -c riverton --json[/bold]
    """)
)
def effects(
    collaborative: CollaborativeOption = None,
    as_json: JsonOption = False,
) -> None:
    collab, _area = _start(collaborative)
    from civicloop.learn import store

    with _working(as_json):
        rows = store.strategy_effects(collab)
    if as_json:
        _print_json(rows)
        return
    table = _table(
        _("Strategy effects: %(collaborative)s") % {"collaborative": collab.name},
        (
            (_("Strategy"), "left"),
            (_("Indicator"), "left"),
            (_("Verdict"), "left"),
            (_("Effect"), "right"),
            (_("adjusted interval"), "right"),
            ("p", "right"),
            (_("adjusted p"), "right"),
            (_("Method"), "left"),
            (_("Since"), "left"),
        ),
    )
    for r in rows:
        table.add_row(
            r.strategy_name,
            r.indicator_name,
            _styled(r.status, r.words),
            _n(r.estimate),
            _between(r.low, r.high),
            _p(r.p),
            _p(r.p_adjusted),
            _("diff-in-diff") if r.method == "did" else _("interrupted time series"),
            r.start_period,
        )
    console.print(table)
    if not rows:
        console.print(_("No strategy has a start period and areas yet."))


@help_text(
    # xgettext:no-python-format
    gettext_noop("""Are the gaps between groups closing? Each group against the best-off group.

    For each indicator broken down by a dimension (race/ethnicity, income...): how far
    each group is from the best-off group in the latest period, and the gap's trend a
    year (Sen's slope of the gap, with its 95% interval and the Mann-Kendall p-value).

    Example: [bold]civicloop learn equity -c riverton --area south[/bold]
    """)
)
def equity(
    collaborative: CollaborativeOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
) -> None:
    collab, the_area = _start(collaborative, area)
    from civicloop.learn import store

    with _working(as_json):
        rows = store.equity(collab, the_area)
    if as_json:
        _print_json(rows)
        return
    table = _table(
        _("Equity gaps: %(collaborative)s, %(area)s")
        % {"collaborative": collab.name, "area": rows[0].area if rows else ""},
        (
            (_("Indicator"), "left"),
            (_("Group"), "left"),
            (_("Against"), "left"),
            (_("Gap now"), "right"),
            (_("Gap trend a year"), "right"),
            (_("95%% interval") % {}, "right"),
            ("p", "right"),
            (_("Says"), "left"),
        ),
    )
    for r in rows:
        if r.status == "reference":  # the best-off group has no gap of its own
            table.add_row(r.indicator, r.group, "—", "—", "—", "—", "—", r.words)
            continue
        table.add_row(
            r.indicator,
            r.group,
            r.reference,
            _n(r.latest_difference),
            _n(r.gap_slope, 3),
            _between(r.gap_slope_low, r.gap_slope_high, 3),
            _p(r.p),
            _styled(r.status, r.words),
        )
    console.print(table)
    if not rows:
        console.print(_("No indicator is broken down by group in this area."))


@help_text(
    gettext_noop("""Bring the stored results up to date: recompute what loads changed since.

    Example: [bold]civicloop learn analyse --force[/bold]
    """)
)
def analyse(
    collaborative: CollaborativeOption = None,
    force: Annotated[
        bool, typer.Option(help=gettext_noop("Recompute everything, changed or not."))
    ] = False,
) -> None:
    collab, _area = _start(collaborative)
    from civicloop.learn import store

    with _working(False):
        done = store.analyse(collab, force=force)
    console.print(
        _("Recomputed %(series)s series and %(effects)s strategy effects of %(collaborative)s.")
        % {
            "series": f"{len(done.series):,}",
            "effects": f"{len(done.effects):,}",
            "collaborative": collab.name,
        }
    )
