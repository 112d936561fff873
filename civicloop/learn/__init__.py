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

from civicloop.learn.baseline import forecast_baseline, turn_the_curve
from civicloop.learn.batch import BatchError, BatchResult, SeriesBatch, row_dict
from civicloop.learn.direction import direction_verdict, parse_direction
from civicloop.learn.effects import difference_in_differences, interrupted_time_series
from civicloop.learn.equity import equity_gaps
from civicloop.learn.margins import (
    change_significance,
    moe_percent_change,
    moe_product,
    moe_proportion,
    moe_ratio,
    moe_sum,
    standard_error,
)
from civicloop.learn.multiple import benjamini_hochberg
from civicloop.learn.progress import civicloop_progress, open_sdg_indicator, open_sdg_progress

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
