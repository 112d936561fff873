"""Learn: the analysis engine.

Pure NumPy/SciPy: importing this package never imports Django, so the statistics can
be read, tested and benchmarked on their own. The Django side (storing results,
commands, pages) lives in `civicloop.learn.store` and friends and imports from here,
never the other way round.

Every computation takes a `SeriesBatch` (many series as one series x periods array, NaN
for gaps, times in years) and returns a dataclass of arrays, one element per series;
``result.row(i)`` gives one series as a plain dict for JSON. One module per question a
table asks at a review:

- `batch`: the input shape, its checks (errors name the series) and the result base;
- `trend`: Mann-Kendall (original, Hamed-Rao, Yue-Wang, seasonal) and Sen's slope;
- `direction`: improving / worsening / no clear trend / not enough data, in words;
- `progress`: progress to target (civicloop's Sen projection; the Open SDG measure);
- `margins`: survey margins of error (ACS formulas) and significant change;
- `baseline`: turn the curve (linear and Holt damped forecast baselines);
- `effects`: strategy effects (interrupted time series, difference-in-differences);
- `multiple`: Benjamini-Hochberg adjustment across a review;
- `equity`: gaps to the best-off group and whether they are closing.

The entry points named like their modules stay in them (``civicloop.learn.trend.trend``,
``civicloop.learn.progress.progress``), so that ``civicloop.learn.trend`` is always the
module; everything else is re-exported here.
"""

# Re-exports are imported on first use (PEP 562): SciPy takes about half a second to import,
# and every `civicloop` command imports this package to register `civicloop learn`.
_EXPORTS = {
    "forecast_baseline": "baseline",
    "turn_the_curve": "baseline",
    "BatchError": "batch",
    "BatchResult": "batch",
    "SeriesBatch": "batch",
    "row_dict": "batch",
    "direction_verdict": "direction",
    "parse_direction": "direction",
    "difference_in_differences": "effects",
    "interrupted_time_series": "effects",
    "equity_gaps": "equity",
    "change_significance": "margins",
    "moe_percent_change": "margins",
    "moe_product": "margins",
    "moe_proportion": "margins",
    "moe_ratio": "margins",
    "moe_sum": "margins",
    "standard_error": "margins",
    "benjamini_hochberg": "multiple",
    "civicloop_progress": "progress",
    "open_sdg_indicator": "progress",
    "open_sdg_progress": "progress",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'civicloop.learn' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"civicloop.learn.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BatchError",
    "BatchResult",
    "SeriesBatch",
    "benjamini_hochberg",
    "change_significance",
    "civicloop_progress",
    "difference_in_differences",
    "direction_verdict",
    "equity_gaps",
    "forecast_baseline",
    "interrupted_time_series",
    "moe_percent_change",
    "moe_product",
    "moe_proportion",
    "moe_ratio",
    "moe_sum",
    "open_sdg_indicator",
    "open_sdg_progress",
    "parse_direction",
    "row_dict",
    "standard_error",
    "turn_the_curve",
]
