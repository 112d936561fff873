"""Our trend numbers against pymannkendall itself, on many random series.

Counts (runtime stays in seconds): 10,000 series for original_test (which includes
sens_slope); 2,000 for sens_slope on its own; 1,500 each for the Hamed-Rao and Yue-Wang
variants, plus 300 each with a chosen number of lags and 300 per time axis for the
default time detrending; 400 for the seasonal test (monthly and quarterly). The series
mix lengths 1..25, ties (values rounded to halves), constant series and gaps (NaN).
"""

from __future__ import annotations

import warnings

import numpy as np
import pymannkendall as mk
import pytest

from civicloop.learn.batch import SeriesBatch
from civicloop.learn.trend import trend

TOL = 1e-9


def random_series(n_series: int, max_len: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Series of random length (trailing NaN pad the batch), with ties, gaps, constants."""
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(0, 2, size=(n_series, max_len)) * 2) / 2
    values += rng.normal(0, 0.3, size=(n_series, 1)) * np.arange(max_len)  # some trends
    values[rng.random(values.shape) < 0.1] = np.nan  # gaps
    constant = rng.random(n_series) < 0.03
    values[constant] = np.where(np.isnan(values[constant]), np.nan, 7.5)
    lengths = rng.integers(1, max_len + 1, size=n_series)
    values[np.arange(max_len)[None, :] >= lengths[:, None]] = np.nan
    return values, lengths


def close(ours: float, theirs: float) -> bool:
    if np.isnan(theirs) or np.isnan(ours):
        return bool(np.isnan(theirs) and np.isnan(ours))
    return abs(ours - theirs) <= TOL * max(1.0, abs(theirs))


def compare(result, i: int, reference, fields: tuple[str, ...]) -> list[str]:
    problems = []
    for field in fields:
        ours = float(getattr(result, field.lower())[i])
        theirs = float(getattr(reference, field))
        if not close(ours, theirs):
            problems.append(f"series {i} {field}: ours {ours!r}, pymannkendall {theirs!r}")
    return problems


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_original_test_and_sens_slope_on_10000_series():
    values, lengths = random_series(10_000, 25, seed=1)
    result = trend(SeriesBatch(values, np.arange(25.0)))
    problems: list[str] = []
    checked = 0
    for i in range(values.shape[0]):
        x = values[i, : lengths[i]]
        if np.count_nonzero(~np.isnan(x)) < 2:
            # pymannkendall cannot test fewer than two points (it divides by zero).
            assert np.isnan(result.p[i])
            continue
        reference = mk.original_test(x)
        problems += compare(
            result, i, reference, ("s", "var_s", "z", "p", "Tau", "slope", "intercept")
        )
        checked += 1
    assert checked > 9_000
    assert not problems, problems[:10]


def test_sens_slope_alone_and_with_a_shifted_time_axis():
    values, lengths = random_series(2_000, 25, seed=2)
    # Times in years starting at 2000: slopes per year equal slopes per position.
    result = trend(SeriesBatch(values, 2000.0 + np.arange(25.0)))
    problems: list[str] = []
    for i in range(values.shape[0]):
        x = values[i, : lengths[i]]
        if np.count_nonzero(~np.isnan(x)) < 2:
            continue
        reference = mk.sens_slope(x)
        problems += compare(result, i, reference, ("slope", "intercept"))
    assert not problems, problems[:10]


@pytest.mark.parametrize(
    ("method", "reference_test", "minimum"),
    [
        ("hamed_rao", mk.hamed_rao_modification_test, 3),
        ("yue_wang", mk.yue_wang_modification_test, 2),
    ],
)
def test_autocorrelation_corrected_variants(method, reference_test, minimum):
    values, lengths = random_series(1_500, 24, seed=3)
    # pymannkendall detrends with the positions 1..n of the observed points.
    result = trend(SeriesBatch(values, np.arange(24.0)), method=method, detrend_by="position")
    original = trend(SeriesBatch(values, np.arange(24.0)))
    problems: list[str] = []
    undefined = 0
    for i in range(values.shape[0]):
        x = values[i, : lengths[i]]
        if np.count_nonzero(~np.isnan(x)) < minimum:
            continue
        reference = reference_test(x)
        if np.isnan(reference.var_s) and not np.isnan(mk.original_test(x).var_s):
            # A straight line after detrending: pymannkendall divides 0 by 0; we keep the
            # uncorrected variance (documented in civicloop.learn.trend).
            assert result.var_s[i] == original.var_s[i]
            undefined += 1
            continue
        problems += compare(
            result, i, reference, ("s", "var_s", "z", "p", "Tau", "slope", "intercept")
        )
    assert not problems, problems[:10]
    assert undefined < 200


@pytest.mark.parametrize(
    ("method", "times", "per_step"),
    [
        # Annual times: the default time detrending is pymannkendall's exactly.
        ("hamed_rao", 2010 + np.arange(15.0), 1),
        ("yue_wang", 2010 + np.arange(15.0), 1),
        # Quarterly times in years: slope per year = 4 x pymannkendall's per quarter; the
        # detrended values differ by a constant, which Yue-Wang's autocorrelation ignores.
        # (Hamed-Rao ranks them, and ties between detrended values then depend on
        # rounding, so it is compared on annual times only.)
        ("yue_wang", 2010 + np.arange(15.0) / 4, 4),
    ],
)
def test_time_detrending_equals_pymannkendall_without_gaps(method, times, per_step):
    rng = np.random.default_rng(4)
    values = np.round(rng.normal(size=(300, 15)).cumsum(axis=1) * 2) / 2
    reference_test = {
        "hamed_rao": mk.hamed_rao_modification_test,
        "yue_wang": mk.yue_wang_modification_test,
    }[method]
    result = trend(SeriesBatch(values, times), method=method)
    problems = []
    for i in range(values.shape[0]):
        reference = reference_test(values[i])
        if np.isnan(reference.var_s):
            continue
        problems += compare(result, i, reference, ("s", "var_s", "p"))
        assert close(result.slope[i] / per_step, reference.slope)
    assert not problems, problems[:10]


@pytest.mark.parametrize("period", [12, 4])
def test_seasonal_test(period):
    rng = np.random.default_rng(5)
    n_series, years = 200, 7
    width = years * period - 3  # not a whole number of years: pymannkendall pads
    values = np.round(rng.normal(size=(n_series, width)) * 2) / 2
    values += np.sin(np.arange(width) * 2 * np.pi / period) * 3
    values[rng.random(values.shape) < 0.1] = np.nan
    k = np.arange(width)
    times = 2015 + k // period + (k % period) / period
    result = trend(SeriesBatch(values, times, season=k % period + 1), method="seasonal")
    problems: list[str] = []
    for i in range(n_series):
        reference = mk.seasonal_test(values[i], period=period)
        problems += compare(
            result, i, reference, ("s", "var_s", "z", "p", "Tau", "slope", "intercept")
        )
    assert not problems, problems[:10]


def test_seasonal_with_a_season_per_series_equals_a_shared_season():
    rng = np.random.default_rng(6)
    values = rng.normal(size=(20, 36))
    values[rng.random(values.shape) < 0.15] = np.nan
    k = np.arange(36)
    times = 2018 + k // 12 + (k % 12) / 12
    shared = trend(SeriesBatch(values, times, season=k % 12 + 1), method="seasonal")
    per_series = trend(
        SeriesBatch(values, np.tile(times, (20, 1)), season=np.tile(k % 12 + 1, (20, 1))),
        method="seasonal",
    )
    for field in ("s", "var_s", "p", "slope", "slope_low", "slope_high", "intercept"):
        np.testing.assert_allclose(getattr(per_series, field), getattr(shared, field), rtol=1e-12)


@pytest.mark.parametrize(
    ("method", "reference_test"),
    [
        ("hamed_rao", mk.hamed_rao_modification_test),
        ("yue_wang", mk.yue_wang_modification_test),
    ],
)
def test_a_chosen_number_of_lags(method, reference_test):
    rng = np.random.default_rng(9)
    values = np.round(rng.normal(size=(300, 18)).cumsum(axis=1) * 2) / 2
    result = trend(SeriesBatch(values, 2000 + np.arange(18.0)), method=method, lag=3)
    problems = []
    for i in range(values.shape[0]):
        reference = reference_test(values[i], lag=3)
        if not np.isnan(reference.var_s):
            problems += compare(result, i, reference, ("var_s", "p"))
    assert not problems, problems[:10]
