"""civicloop's own progress measure: Sen's slope and its interval projected to the target."""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.learn.batch import SeriesBatch
from civicloop.learn.progress import civicloop_progress, open_sdg_progress, progress

YEARS = np.arange(2015.0, 2025.0)
WIGGLE = np.array([0.0, 0.4, -0.3, 0.2, 0.0, -0.4, 0.3, 0.0, -0.2, 0.1])


def status_of(values, **options):
    batch = SeriesBatch([values], YEARS[: len(values)], keys=["s"])
    options.setdefault("target_year", 2030)
    return civicloop_progress(batch, **options).status[0]


def test_steady_improvement_fast_enough_is_on_track():
    assert (
        status_of(50 + 2.5 * (YEARS - 2015) + WIGGLE, target=80, direction="higher") == "on_track"
    )


def test_improving_but_too_slowly_is_at_risk():
    assert (
        status_of(50 + 0.5 * (YEARS - 2015) + WIGGLE / 4, target=80, direction="higher")
        == "at_risk"
    )


def test_flat_or_worsening_is_off_track():
    assert (
        status_of(50 - 0.5 * (YEARS - 2015) + WIGGLE, target=80, direction="higher") == "off_track"
    )


def test_noise_that_straddles_the_target_path_is_too_noisy():
    rng = np.random.default_rng(1)
    noisy = 50 + 2.0 * (YEARS - 2015) + rng.normal(0, 12, YEARS.size)
    batch = SeriesBatch([noisy], YEARS, keys=["s"])
    result = civicloop_progress(batch, target=80, target_year=2030, direction="higher")
    assert result.projected_low[0] < 80 <= result.projected_high[0]
    assert result.status[0] == "too_noisy"
    assert result.words[0] == "too noisy to tell"


def test_lower_is_better_reads_the_same_way():
    falling = 30 - 1.5 * (YEARS - 2015) + WIGGLE
    assert status_of(falling, target=10, direction="lower") == "on_track"
    assert status_of(falling, target=-20, direction="lower") == "at_risk"


def test_target_already_reached_and_deadline_passed():
    values = 50 + 2.5 * (YEARS - 2015) + WIGGLE
    assert status_of(values, target=60, direction="higher") == "target_achieved"
    # The target year is behind us and the target was not reached.
    assert status_of(values, target=90, target_year=2022, direction="higher") == "off_track"


def test_too_few_points_and_no_target():
    assert status_of([50.0, 52.0, 55.0], target=80, direction="higher") == "not_enough_data"
    assert status_of(50 + 2.5 * (YEARS - 2015), target=None, direction="higher") == "not_available"


def test_base_year_ignores_earlier_points():
    # A collapse before the baseline does not count against the trend after it.
    values = np.r_[[90.0, 20.0], 50 + 2.5 * (YEARS[2:] - 2017) + WIGGLE[2:]]
    batch = SeriesBatch([values], YEARS)
    result = civicloop_progress(
        batch, target=80, target_year=2030, direction="higher", base_year=2017
    )
    assert result.base_time[0] == 2017.0
    assert result.n[0] == 8
    assert result.status[0] == "on_track"


def test_a_noisy_end_point_flips_the_two_point_status_but_not_ours():
    """Why we project Sen's slope: one odd year decides a two-point growth rate alone."""
    steady = 50 + 2.5 * (YEARS - 2015) + WIGGLE
    odd_last_year = steady.copy()
    odd_last_year[-1] = 49.0  # a bad year, a revision or a data error
    batch = SeriesBatch([steady, odd_last_year], YEARS, keys=["steady", "odd last year"])

    two_point = open_sdg_progress(batch, target=80, direction="positive")
    assert two_point.status.tolist() == ["substantial_progress", "deterioration"]

    ours = progress(batch, target=80, target_year=2030, direction="higher")
    assert ours.status.tolist() == ["on_track", "on_track"]
    assert ours.slope[1] == pytest.approx(ours.slope[0], rel=0.1)


def test_rows_are_plain_json():
    batch = SeriesBatch([50 + 2.5 * (YEARS - 2015) + WIGGLE], YEARS, keys=["readiness"])
    row = civicloop_progress(batch, target=80, direction="higher").row(0)
    assert row["key"] == "readiness"
    assert row["status"] == "on_track"
    assert isinstance(row["projected"], float)
    assert isinstance(row["n"], int)
