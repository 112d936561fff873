"""Bad input gets a clear status or an error naming the series: never a crash, never a
wrong verdict."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from civicloop.learn.baseline import turn_the_curve
from civicloop.learn.batch import BatchError, SeriesBatch
from civicloop.learn.direction import direction_verdict
from civicloop.learn.effects import difference_in_differences, interrupted_time_series
from civicloop.learn.equity import equity_gaps
from civicloop.learn.progress import civicloop_progress, open_sdg_progress
from civicloop.learn.trend import METHODS, trend

YEARS = np.arange(2015.0, 2025.0)
KEYS = ["all missing", "one point", "constant", "negative", "zero base", "fine"]


@pytest.fixture
def awkward() -> SeriesBatch:
    values = np.full((6, YEARS.size), np.nan)
    values[1, 3] = 4.0
    values[2] = 7.0
    values[3] = -10.0 - 0.5 * (YEARS - 2015)
    values[4] = 0.5 * (YEARS - 2015)
    values[5] = 50 + 2.5 * (YEARS - 2015) + np.tile([0.3, -0.3], 5)
    return SeriesBatch(values, YEARS, season=np.tile([1, 2], 5), keys=KEYS)


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy division warnings would be bugs here
        yield


@pytest.mark.parametrize("method", METHODS)
def test_trend_never_crashes_and_marks_what_it_cannot_test(awkward, method):
    r = trend(awkward, method=method)
    assert r.n.tolist() == [0, 1, 10, 10, 10, 10]
    assert np.isnan(r.p[:2]).all() and np.isnan(r.slope[:2]).all()
    assert r.p[2] == 1.0 and r.slope[2] == 0.0 and r.slope_low[2] == r.slope_high[2] == 0.0
    assert r.p[3] < 0.05 and r.p[5] < 0.05


def test_verdicts_for_awkward_series(awkward):
    v = direction_verdict(awkward, "higher")
    assert v.status.tolist() == [
        "not_enough_data",
        "not_enough_data",
        "no_clear_trend",
        "worsening",
        "improving",
        "improving",
    ]
    for i in range(6):
        assert KEYS[i] in v.explain(i)


def test_open_sdg_progress_for_awkward_series(awkward):
    r = open_sdg_progress(awkward, direction="positive")
    assert r.status.tolist() == [
        "not_available",  # no data
        "not_available",  # a single point
        "limited_progress",  # no growth: 0 >= low threshold 0, as sdg-build says
        "deterioration",  # negative base: sign flips, -10 -> -14.5 is worse
        "substantial_progress",  # zero base replaced by 0.001
        "substantial_progress",
    ]
    assert r.reason[0] == "no data"


def test_civicloop_progress_for_awkward_series(awkward):
    r = civicloop_progress(awkward, target=60, target_year=2030, direction="higher")
    assert r.status.tolist() == [
        "not_enough_data",
        "not_enough_data",
        "off_track",  # flat, far from the target
        "off_track",
        "at_risk",  # rising 0.5 a year: 7.5 by 2030 is short of 60
        "target_achieved",
    ]


def test_effects_and_curve_for_awkward_series(awkward):
    its = interrupted_time_series(awkward, 2019, "higher")
    assert its.status[:2].tolist() == ["not_enough_data", "not_enough_data"]
    assert its.status[2] == "not_working"  # constant: no effect at all, 6 years on
    curve = turn_the_curve(awkward, 2020, "higher")
    assert curve.status[:2].tolist() == ["not_enough_data", "not_enough_data"]
    assert curve.status[2] == "within_baseline"
    did = difference_in_differences(
        awkward, [False, False, True, False, False, False], 2020, "higher"
    )
    assert did.status[0] in {
        "working",
        "not_working",
        "harmful",
        "too_early_to_tell",
        "cannot_tell",
    }


def test_equity_with_an_empty_group(awkward):
    g = equity_gaps(awkward, ["x"] * 6, "higher")
    assert g.status[0] == "not_enough_data"
    assert g.reference[0] == "fine"


def test_unknown_direction_names_the_series(awkward):
    for run in (
        lambda d: direction_verdict(awkward, d),
        lambda d: civicloop_progress(awkward, target=1, direction=d),
        lambda d: turn_the_curve(awkward, 2020, d),
        lambda d: interrupted_time_series(awkward, 2020, d),
    ):
        with pytest.raises(BatchError, match="unknown direction 'sideways'.*: constant"):
            run(["higher", "higher", "sideways", "higher", "higher", "higher"])


def test_target_already_passed(awkward):
    fine = awkward.take([5])
    # Target value already beaten at the baseline.
    assert civicloop_progress(fine, target=40, direction="higher").status[0] == "target_achieved"
    # Target date already passed, target not reached.
    assert (
        civicloop_progress(fine, target=500, target_year=2020, direction="higher").status[0]
        == "off_track"
    )
    sdg = open_sdg_progress(fine, target=40, target_year=2014, direction="positive")
    assert sdg.status[0] == "target_achieved"


def test_bad_options_are_errors():
    b = SeriesBatch([[1.0, 2.0]], [2020.0, 2021.0])
    with pytest.raises(ValueError, match="unknown trend method"):
        trend(b, method="linear")  # type: ignore[arg-type]
    with pytest.raises(BatchError, match="needs the season"):
        trend(b, method="seasonal")
    with pytest.raises(ValueError, match="unknown progress thresholds"):
        open_sdg_progress(b, thresholds={"top": 1})


def test_empty_batches_and_single_periods():
    with pytest.raises(BatchError, match="at least one period"):
        SeriesBatch(np.zeros((2, 0)), np.zeros(0))
    nothing = SeriesBatch(np.zeros((0, 12)), np.arange(2010.0, 2022.0))
    assert len(trend(nothing)) == 0
    assert direction_verdict(nothing, "higher").status.tolist() == []
    assert interrupted_time_series(nothing, 2018, "higher").status.tolist() == []
    assert equity_gaps(nothing, [], "higher").status.tolist() == []
    single = SeriesBatch(np.ones((2, 1)), [2020.0], keys=["a", "b"])
    assert direction_verdict(single, "higher").status.tolist() == ["not_enough_data"] * 2
    assert turn_the_curve(single, 2018, "higher").status.tolist() == ["not_enough_data"] * 2
    assert open_sdg_progress(single).status.tolist() == ["not_available"] * 2


def test_a_zero_best_off_value_has_no_ratio():
    b = SeriesBatch([[0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0]], np.arange(2020.0, 2024.0))
    g = equity_gaps(b, ["a", "a"], "lower")
    assert np.isnan(g.latest_ratio).all()
    assert g.latest_difference.tolist() == [0.0, 4.0]
