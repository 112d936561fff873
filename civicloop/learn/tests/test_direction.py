"""Direction verdicts in words, with and without margins of error and review adjustment."""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.learn.batch import BatchError, SeriesBatch
from civicloop.learn.direction import direction_verdict, parse_direction
from civicloop.learn.multiple import benjamini_hochberg

YEARS = np.arange(2014.0, 2024.0)
UP = 10 + 0.8 * (YEARS - 2014) + np.tile([0.2, -0.2], 5)


def verdict(values, direction, **options):
    return direction_verdict(
        SeriesBatch(np.atleast_2d(values), YEARS[: np.shape(values)[-1]]), direction, **options
    )


def test_rising_is_improving_when_higher_is_better_and_worsening_when_lower():
    v = direction_verdict(
        SeriesBatch([UP, UP], YEARS, keys=["jobs", "asthma"]), ["higher", "lower"]
    )
    assert v.status.tolist() == ["improving", "worsening"]
    assert v.words.tolist() == ["improving", "worsening"]
    assert v.p[0] < 0.05
    assert v.slope_low[0] <= v.slope[0] <= v.slope_high[0]
    assert "per year" in v.explain(0) and "p = " in v.explain(0)


def test_flat_noise_has_no_clear_trend():
    rng = np.random.default_rng(0)
    v = verdict(rng.normal(size=10), "higher")
    assert v.status[0] == "no_clear_trend"
    assert v.words[0] == "no clear trend"


def test_fewer_than_four_points_is_not_enough_data():
    v = verdict([1.0, 2.0, 3.0], "higher")
    assert v.status[0] == "not_enough_data"
    assert "at least 4" in v.explain(0)


def test_a_first_year_of_monthly_data_is_not_enough_for_a_seasonal_trend():
    """Each month is compared only with the same month of other years: twelve months of
    a clear rise have no such pair, so the seasonal test cannot tell a trend from the
    seasons. Two years of the same rise can."""
    months = np.arange(24)
    rise = 40 + 3.0 * months + np.tile([1.0, -1.0], 12)

    def seasonal(n):
        batch = SeriesBatch([rise[:n]], 2024 + months[:n] / 12, season=months[:n] % 12 + 1)
        return direction_verdict(batch, "higher", method="seasonal")

    first_year = seasonal(12)
    assert first_year.status[0] == "not_enough_data"
    assert "no season seen in two years" in first_year.explain(0)
    assert seasonal(24).status[0] == "improving"


def test_margins_keep_a_trend_from_being_called_real():
    batch = SeriesBatch([UP, UP], YEARS)
    moe = np.full((2, YEARS.size), 1.0)
    moe[1] = 8.0  # survey margins wider than the whole change
    v = direction_verdict(batch, "higher", moe=moe)
    assert v.status.tolist() == ["improving", "within_margin_of_error"]
    assert v.words[1] == "within the margin of error"


def test_review_adjustment_uses_benjamini_hochberg():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(30, 10)) + np.linspace(0, 1, 30)[:, None] * (YEARS - 2014) / 5
    batch = SeriesBatch(values, YEARS)
    plain = direction_verdict(batch, "higher")
    adjusted = direction_verdict(batch, "higher", adjust="fdr_bh")
    np.testing.assert_array_equal(adjusted.p_adjusted, benjamini_hochberg(plain.p))
    assert (adjusted.status != "no_clear_trend").sum() <= (plain.status != "no_clear_trend").sum()
    assert "adjusted p" in adjusted.explain(int(np.argmin(adjusted.p)))


def test_direction_words_and_unknown_direction():
    assert parse_direction("lower", ["a", "b"]).tolist() == [-1, -1]
    assert parse_direction([1, "positive", "down"]).tolist() == [1, 1, -1]
    with pytest.raises(BatchError, match=r"unknown direction 'better' .*: jobs"):
        direction_verdict(SeriesBatch([UP], YEARS, keys=["jobs"]), "better")
