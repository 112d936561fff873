"""The Open SDG progress measure, branch by branch, with hand-computed values.

Each expected value is written out from sdg-build's formulas (compound annual growth
(v1/v0)^(1/(t1-t0)) - 1 and its thresholds and score functions), not taken from our code.
"""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.learn.batch import BatchError, SeriesBatch
from civicloop.learn.progress import open_sdg_indicator, open_sdg_progress, sdg_years


def one(points: dict[float, float], **options):
    batch = SeriesBatch.from_mapping({"s": points})
    result = open_sdg_progress(batch, **options)
    return result.row(0)


def growth(v1, v0, years):
    return (v1 / v0) ** (1 / years) - 1


# -- without a target -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "status", "score"),
    [
        (110.0, "substantial_progress", 500 * growth(110, 100, 5) - 5),
        (103.0, "moderate_progress", 250 * growth(103, 100, 5) - 1.25),
        (101.0, "limited_progress", 500 * growth(101, 100, 5) - 2.5),
        (95.0, "deterioration", 125 * growth(95, 100, 5) - 2.5),
        (60.0, "deterioration", -5.0),  # 125 v - 2.5 is floored at -5
        (200.0, "substantial_progress", 5.0),  # 500 v - 5 is capped at 5
    ],
)
def test_no_target_thresholds_and_scores(latest, status, score):
    row = one({2015: 100.0, 2017: 104.0, 2020: latest}, direction="positive")
    assert row["status"] == status
    assert row["progress_value"] == pytest.approx(growth(latest, 100, 5), abs=1e-12)
    assert row["score"] == pytest.approx(score, abs=1e-12)


def test_lower_is_better_flips_the_sign():
    row = one({2015: 100.0, 2020: 95.0}, direction="negative")
    v = -growth(95, 100, 5)  # 0.0102...
    assert row["progress_value"] == pytest.approx(v, abs=1e-12)
    assert row["status"] == "moderate_progress"
    assert row["score"] == pytest.approx(250 * v - 1.25, abs=1e-12)


def test_anything_but_positive_means_lower_is_better():
    assert one({2015: 100.0, 2020: 95.0}, direction="up")["direction"] == -1
    assert one({2015: 100.0, 2020: 95.0})["direction"] == -1


def test_negative_base_uses_the_sign_of_the_base():
    row = one({2015: -10.0, 2020: -12.0}, direction="positive")
    assert row["sign"] == -1
    v = -1 * growth(-12, -10, 5)
    assert row["progress_value"] == pytest.approx(v, abs=1e-12)
    assert row["status"] == "deterioration"
    assert row["score"] == -5.0


def test_limit_between_one_and_two_limits_scales_the_thresholds():
    row = one({2015: 12.0, 2020: 11.5}, direction="negative", limit=10.0)
    c = 1 - ((2 * 10 - 12) / 10) ** 4.44
    v = -growth(11.5, 12, 5)
    assert row["coefficient"] == pytest.approx(c, abs=1e-12)
    assert 0.005 * c <= v < 0.015 * c
    assert row["status"] == "moderate_progress"
    assert row["score"] == pytest.approx(250 * v / c - 1.25, abs=1e-12)


def test_limit_below_and_far_above():
    assert one({2015: 8.0, 2020: 7.9}, limit=10.0)["coefficient"] == pytest.approx(
        1 - (8 / 10) ** 4.44, abs=1e-12
    )
    assert one({2015: 25.0, 2020: 24.0}, limit=10.0)["coefficient"] == 1.0


def test_base_at_the_limit_gives_coefficient_zero_and_full_score():
    row = one({2015: 10.0, 2020: 9.0}, direction="negative", limit=10.0)
    assert row["coefficient"] == 0.0
    assert row["status"] == "substantial_progress"  # every threshold is 0
    assert row["score"] == 5.0


def test_user_thresholds_override_the_defaults():
    row = one({2015: 100.0, 2020: 103.0}, direction="positive", thresholds={"high": 0.005})
    assert row["status"] == "substantial_progress"


# -- with a target ------------------------------------------------------------------------------


REQUIRED = growth(80, 50, 15)


@pytest.mark.parametrize(
    ("latest", "status", "score"),
    [
        (60.0, "substantial_progress", 7.1429 * (growth(60, 50, 5) / REQUIRED) - 4.2857),
        (55.0, "moderate_progress", 7.1429 * (growth(55, 50, 5) / REQUIRED) - 4.2857),
        (52.0, "limited_progress", 4.1667 * (growth(52, 50, 5) / REQUIRED) - 2.5),
        (45.0, "deterioration", -5.0),
        (85.0, "target_achieved", 5.0),
    ],
)
def test_target_ratio_thresholds_and_scores(latest, status, score):
    row = one({2015: 50.0, 2020: latest}, direction="positive", target=80.0, target_year=2030)
    assert row["status"] == status
    assert row["progress_value"] == pytest.approx(growth(latest, 50, 5) / REQUIRED, abs=1e-12)
    assert row["score"] == pytest.approx(score, abs=1e-12)


def test_target_achieved_in_the_lower_direction():
    row = one({2015: 50.0, 2020: 19.0}, direction="negative", target=20.0)
    assert row["status"] == "target_achieved"
    assert row["target_achieved"] is True


def test_zero_target_becomes_a_thousandth():
    row = one({2015: 10.0, 2020: 8.0}, target=0.0)
    v = -growth(8, 10, 5) / abs(growth(0.001, 10, 15))
    assert row["target"] == 0.001
    assert row["progress_value"] == pytest.approx(v, abs=1e-12)
    assert row["status"] == "limited_progress"


def test_target_across_zero_uses_the_modulus_of_the_complex_root_as_python_does():
    row = one({2015: 10.0, 2020: 8.0}, target=-5.0)
    required = abs((-5.0 / 10.0) ** (1 / 15) - 1)  # Python: complex principal root
    assert row["progress_value"] == pytest.approx(-growth(8, 10, 5) / required, abs=1e-12)


# -- edge cases ---------------------------------------------------------------------------------


def test_missing_base_year_takes_the_next_year_with_data():
    row = one({2013: 90.0, 2016: 100.0, 2021: 110.0}, direction="positive")
    assert row["base_year"] == 2016.0
    assert row["progress_value"] == pytest.approx(growth(110, 100, 5), abs=1e-12)


def test_zero_base_becomes_a_thousandth():
    row = one({2015: 0.0, 2020: 5.0}, direction="positive")
    assert row["base_value"] == 0.0
    assert row["progress_value"] == pytest.approx(growth(5, 0.001, 5), abs=1e-9)
    assert row["status"] == "substantial_progress"


def test_opposite_signs_are_not_available():
    row = one({2015: 5.0, 2020: -1.0}, direction="positive")
    assert row["status"] == "not_available"
    assert row["score"] is None
    assert "opposite signs" in row["reason"]


def test_one_year_is_not_enough():
    row = one({2015: 5.0}, direction="positive")
    assert row["status"] == "not_available"
    assert row["score"] is None


def test_no_data_after_the_base_year_is_not_available_not_a_crash():
    row = one({2010: 5.0, 2012: 6.0}, direction="positive")
    assert row["status"] == "not_available"
    assert "base year" in row["reason"]


def test_target_equal_to_the_base_is_not_available_not_a_crash():
    row = one({2015: 50.0, 2020: 45.0}, direction="positive", target=50.0)
    assert row["status"] == "not_available"


def test_target_achieved_wins_even_without_a_progress_value():
    # Opposite signs: no progress value, but the target is met, as in sdg-build.
    row = one({2015: 5.0, 2020: -1.0}, direction="negative", target=0.0)
    assert row["status"] == "target_achieved"
    assert row["score"] == 5.0


def test_year_ranges_take_their_first_year_and_duplicates_are_errors():
    assert sdg_years(["2015-2016", "2016-2017"]).tolist() == [2015.0, 2016.0]
    years = sdg_years(["2015-2016", "2015"])
    with pytest.raises(BatchError, match="duplicated periods: 1.1.1"):
        SeriesBatch.from_records([("1.1.1", years[0], 1.0), ("1.1.1", years[1], 2.0)])


# -- indicator level ----------------------------------------------------------------------------


def test_indicator_takes_the_mean_score_and_reads_the_status_from_it():
    batch = SeriesBatch(
        [[100.0, 110.0], [100.0, 95.0], [100.0, 103.0], [50.0, 60.0]],
        [2015.0, 2020.0],
        keys=["a", "b", "c", "d"],
    )
    result = open_sdg_progress(batch, direction="positive")
    scores = [min(500 * growth(110, 100, 5) - 5, 5), 125 * growth(95, 100, 5) - 2.5]
    agg = open_sdg_indicator(result, ["1", "1", "2", "3"])
    assert agg.keys == ["1", "2", "3"]
    assert agg.score[0] == pytest.approx(np.mean(scores), abs=1e-12)
    assert agg.status[0] == "moderate_progress"  # 0 <= mean < 2.5
    assert agg.status[1] == "moderate_progress"


def test_indicator_target_achieved_only_if_every_series_achieved_it():
    batch = SeriesBatch([[50.0, 85.0], [50.0, 90.0], [50.0, 60.0]], [2015.0, 2020.0])
    result = open_sdg_progress(batch, direction="positive", target=80.0)
    both = open_sdg_indicator(result, ["x", "x", "y"])
    assert both.status.tolist() == ["target_achieved", "substantial_progress"]
    mixed = open_sdg_indicator(result, ["x", "x", "x"])
    assert mixed.status[0] == "substantial_progress"
    assert mixed.score[0] == pytest.approx(
        (5 + 5 + 7.1429 * (growth(60, 50, 5) / REQUIRED) - 4.2857) / 3
    )


def test_indicator_with_no_scored_series_is_not_available():
    batch = SeriesBatch([[np.nan, np.nan]], [2015.0, 2020.0])
    agg = open_sdg_indicator(open_sdg_progress(batch), ["x"])
    assert agg.status.tolist() == ["not_available"]


def test_vectorised_over_many_series_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    values = rng.uniform(1, 100, size=(50, 8))
    values[rng.random(values.shape) < 0.2] = np.nan
    years = np.arange(2014.0, 2022.0)
    targets = np.where(rng.random(50) < 0.5, rng.uniform(1, 100, 50), np.nan)
    batch = SeriesBatch(values, years)
    many = open_sdg_progress(batch, target=targets, direction="positive")
    for i in range(50):
        single = open_sdg_progress(batch.take([i]), target=targets[i], direction="positive")
        assert single.status[0] == many.status[i]
        assert single.row(0)["score"] == many.row(i)["score"]
