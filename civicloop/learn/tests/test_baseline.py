"""Turn the curve: forecast baselines against statsmodels, and the verdicts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from civicloop.learn.baseline import forecast_baseline, turn_the_curve
from civicloop.learn.batch import BatchError, SeriesBatch

YEARS = np.arange(2004.0, 2024.0)
N_FIT = 14  # fitted on 2004..2017, forecast 2018..2023
SINCE = 2018.0


@pytest.fixture(scope="module")
def walks() -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.cumsum(rng.normal(0.5, 1.0, size=(25, YEARS.size)), axis=1) + 10


def test_linear_matches_statsmodels_ols_prediction_intervals(walks):
    base = forecast_baseline(SeriesBatch(walks, YEARS), SINCE, method="linear", level=0.9)
    future = sm.add_constant(YEARS[N_FIT:], has_constant="add")
    for i, y in enumerate(walks):
        fit = sm.OLS(y[:N_FIT], sm.add_constant(YEARS[:N_FIT])).fit()
        frame = fit.get_prediction(future).summary_frame(alpha=0.1)
        np.testing.assert_allclose(base.expected[i, N_FIT:], frame["mean"], rtol=1e-9)
        np.testing.assert_allclose(base.lower[i, N_FIT:], frame["obs_ci_lower"], rtol=1e-9)
        np.testing.assert_allclose(base.upper[i, N_FIT:], frame["obs_ci_upper"], rtol=1e-9)
        assert np.isnan(base.expected[i, :N_FIT]).all()


def test_holt_damped_reproduces_statsmodels_ets_and_fits_at_least_as_well(walks):
    base = forecast_baseline(SeriesBatch(walks, YEARS), SINCE, method="holt_damped")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, y in enumerate(walks):
            model = ETSModel(pd.Series(y[:N_FIT]), error="add", trend="add", damped_trend=True)
            theirs = model.fit(disp=False)
            ours = model.smooth(base.params[i])  # alpha, beta, phi, initial level, trend
            # Our least-squares fit is never worse than statsmodels' own optimiser.
            assert ours.sse <= theirs.sse * (1 + 1e-6)
            frame = ours.get_prediction(start=N_FIT, end=YEARS.size - 1).summary_frame(alpha=0.05)
            np.testing.assert_allclose(base.expected[i, N_FIT:], frame["mean"], rtol=1e-8)
            np.testing.assert_allclose(base.lower[i, N_FIT:], frame["pi_lower"], rtol=1e-8)
            np.testing.assert_allclose(base.upper[i, N_FIT:], frame["pi_upper"], rtol=1e-8)
            assert base.mse[i] == pytest.approx(ours.mse, rel=1e-10)


def test_holt_needs_equally_spaced_periods():
    batch = SeriesBatch(
        [np.arange(8.0)], np.array([2010, 2011, 2012, 2014, 2015, 2016, 2017, 2018.0])
    )
    with pytest.raises(BatchError, match="equally spaced"):
        forecast_baseline(batch, 2016, method="holt_damped")


def test_turn_the_curve_reads_the_band_with_the_direction():
    trend = 20 + 0.5 * (YEARS - 2004) + np.tile([0.3, -0.2, 0.1, -0.3], 5)
    fell = np.where(YEARS >= SINCE, trend - 2.0 * (YEARS - 2017), trend)
    batch = SeriesBatch([fell, fell, trend], YEARS, keys=["absence", "jobs", "steady"])
    r = turn_the_curve(batch, SINCE, ["lower", "higher", "higher"])
    assert r.position.tolist() == ["below", "below", "within"]
    assert r.status.tolist() == ["better_than_baseline", "worse_than_baseline", "within_baseline"]
    assert r.words[0] == "below the baseline: better than expected"
    assert r.n_below[0] == r.n_below[1] > 0
    r = turn_the_curve(batch, SINCE, "lower", method="holt_damped")
    assert r.status[0] == "better_than_baseline"


def test_turn_the_curve_without_enough_history_or_without_new_data():
    batch = SeriesBatch(
        [[1.0, 2.0, 3.0, 4.0, np.nan], [1.0, np.nan, np.nan, 9.0, 10.0]], np.arange(2019.0, 2024.0)
    )
    r = turn_the_curve(batch, 2023, "higher")
    assert r.status.tolist() == ["no_data_since", "not_enough_data"]
