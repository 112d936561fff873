"""Properties of the batch trend that must hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from civicloop.learn.batch import SeriesBatch
from civicloop.learn.trend import trend

cells = st.one_of(st.just(np.nan), st.integers(-20, 20).map(lambda v: v / 2))
batches = st.integers(1, 6).flatmap(
    lambda n: arrays(np.float64, st.tuples(st.integers(1, 5), st.just(n + 3)), elements=cells)
)


@settings(max_examples=60, deadline=None)
@given(batches)
def test_each_series_is_analysed_as_if_alone(values):
    times = 2000.0 + np.arange(values.shape[1])
    together = trend(SeriesBatch(values, times))
    for i in range(values.shape[0]):
        alone = trend(SeriesBatch(values[i : i + 1], times))
        for field in ("s", "var_s", "p", "slope", "slope_low", "slope_high", "intercept"):
            np.testing.assert_array_equal(getattr(together, field)[i], getattr(alone, field)[0])


@settings(max_examples=60, deadline=None)
@given(batches)
def test_flipping_the_sign_flips_s_and_the_slope_interval(values):
    times = 2000.0 + np.arange(values.shape[1])
    up = trend(SeriesBatch(values, times))
    down = trend(SeriesBatch(-values, times))
    np.testing.assert_array_equal(down.s, -up.s)
    np.testing.assert_array_equal(down.var_s, up.var_s)
    np.testing.assert_allclose(down.slope, -up.slope, atol=1e-12)
    np.testing.assert_allclose(down.slope_low, -up.slope_high, atol=1e-12)
    ok = ~np.isnan(up.slope)
    assert np.all(up.slope_low[ok] <= up.slope[ok] + 1e-12)
    assert np.all(up.slope[ok] <= up.slope_high[ok] + 1e-12)
