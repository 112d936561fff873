"""The learn stage of ``civicloop demo``: analyse the loaded data and say what it found.

`civicloop.demo.run` calls `run` after the demo's files are loaded; the short verdict per
indicator it returns fills the "Trend" column of the demo's summary.
"""

from __future__ import annotations

from rich.console import Console

from civicloop.learn import store, words
from civicloop.results.models import Collaborative, Indicator


def run(collaborative: Collaborative, console: Console) -> dict:
    """Analyse every series and strategy; print a few lines; return the verdicts.

    Returns {"verdicts": {indicator pk: short verdict}, "analysed": number of series
    analysed, "effects": [store.Effect, ...]}.
    """
    done = store.analyse(collaborative)
    indicators = {i.slug: i for i in Indicator.objects.filter(result__collaborative=collaborative)}
    trends = store.analyse_trends(collaborative)
    effects = store.strategy_effects(collaborative)
    improving = sum(t.status == "improving" for t in trends)
    worsening = sum(t.status == "worsening" for t in trends)
    console.print(
        f"  learn: {len(done.series):,} series analysed; citywide {improving} of {len(trends)} "
        f"indicators improving, {worsening} worsening, {len(trends) - improving - worsening} "
        "not clearly either (p-values adjusted across the indicators). Strategies:",
        highlight=False,
    )
    for e in effects:
        line = _effect(e, words.Units.of(indicators[e.indicator]))
        console.print(f"    {e.strategy_name} ({e.indicator_name}): {line}", highlight=False)
    return {
        "verdicts": {indicators[t.indicator].pk: _short(t) for t in trends},
        "analysed": len(done.series),
        "effects": effects,
    }


def _effect(e: store.Effect, units: words.Units) -> str:
    """ "working, +7.1 points against 8 comparison areas (adjusted 99.2% interval ...)"."""
    if e.estimate is None or e.low is None or e.high is None:
        return e.words
    d = units.decimals_for_estimate(e.estimate, e.low, e.high)
    against = (
        f"against {len(e.comparison)} comparison areas"
        if e.method == "did"
        else "against its areas' earlier trend"
    )
    engine = (e.did if e.method == "did" else e.its) or {}
    interval = words.effect_interval(e.low, e.high, e.family_size, engine, units, d)
    return (
        f"{e.words}, {units.change(e.estimate, d)} {against} since {e.start_period}"
        f"{interval}, adjusted {words.p_text(e.p_adjusted)}"
    )


def _short(t: store.TrendVerdict) -> str:
    """ "improving (+1.5/yr)", "no clear trend": fits a table cell."""
    if t.status in ("improving", "worsening") and t.slope is not None:
        return f"{t.words} ({t.slope:+.2g}/yr)"
    return t.words
