"""Kendall's W against a hand computation and against scipy's Friedman test."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from civicloop.table import agreement


def test_kendalls_w_by_hand_without_ties():
    # Three organisations score four strategies (higher = better).
    scores = np.array([[4, 3, 2, 1], [4, 2, 3, 1], [3, 4, 2, 1]], dtype=float)
    # Rank sums R = (11, 9, 7, 3), mean 7.5, S = 3.5² + 1.5² + 0.5² + 4.5² = 35;
    # W = 12 S / (m² (n³ - n)) = 420 / (9 x 60) = 7/9; chi² = m (n - 1) W = 7.
    got = agreement.kendall_w(scores)
    assert got.w == pytest.approx(7 / 9)
    assert got.chi2 == pytest.approx(7.0)
    assert got.df == 3
    assert got.p_value == pytest.approx(stats.chi2.sf(7.0, 3))
    assert got.p_value == pytest.approx(0.0719, abs=1e-4)


def test_kendalls_w_by_hand_with_a_tie():
    scores = np.array([[4, 3, 3, 1], [4, 2, 3, 1], [3, 4, 2, 1]], dtype=float)
    # The first rater's tie gives ranks (4, 2.5, 2.5, 1): R = (11, 8.5, 7.5, 3), S = 33.5;
    # its tie correction T = 2³ - 2 = 6, so W = 12 x 33.5 / (9 x 60 - 3 x 6) = 402 / 522.
    got = agreement.kendall_w(scores)
    assert got.w == pytest.approx(402 / 522)
    assert got.chi2 == pytest.approx(3 * 3 * 402 / 522)


def test_its_chi_square_is_friedmans_tie_corrected_statistic():
    rng = np.random.default_rng(7)
    scores = rng.integers(1, 6, size=(9, 6)).astype(float)  # plenty of ties
    got = agreement.kendall_w(scores)
    friedman = stats.friedmanchisquare(*scores.T)
    assert got.chi2 == pytest.approx(friedman.statistic)
    assert got.p_value == pytest.approx(friedman.pvalue)


def test_perfect_agreement_is_one_and_undefined_cases_are_none():
    same = np.tile([5.0, 3.0, 1.0], (4, 1))
    assert agreement.kendall_w(same).w == pytest.approx(1.0)
    assert agreement.kendall_w(same[:1]) is None  # one rater
    assert agreement.kendall_w(np.ones((3, 4))) is None  # everyone tied everything


def test_weighted_scores_ranks_and_spread():
    scores = np.array(
        [[[5, 1], [3, 3]], [[4, 2], [2, 2]]], dtype=float
    )  # raters x items x criteria
    weighted = agreement.weighted(scores, [3, 1])
    assert weighted == pytest.approx(np.array([[4.0, 3.0], [3.5, 2.0]]))
    assert list(agreement.ranking([3.75, 2.5, 3.75])) == [1, 3, 1]
    spread = agreement.spread(weighted)
    assert spread[0].low == 3.5 and spread[0].high == 4.0 and spread[0].mean == 3.75
