"""Survey margins of error, with the ACS handbook's formulas computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from civicloop.learn.margins import (
    change_significance,
    moe_percent_change,
    moe_product,
    moe_proportion,
    moe_ratio,
    moe_sum,
    standard_error,
    z_for_level,
)


def test_standard_error_uses_the_bureau_critical_values():
    assert standard_error(1.645) == pytest.approx(1.0)
    assert standard_error(1.96, level=0.95) == pytest.approx(1.0)
    assert standard_error(2.576, level=0.99) == pytest.approx(1.0)
    assert z_for_level(0.8) == pytest.approx(1.2815515655446004)


def test_change_significance_by_hand():
    # 90% margins: SE1 = 3/1.645, SE2 = 2.5/1.645.
    se = math.sqrt((3 / 1.645) ** 2 + (2.5 / 1.645) ** 2)
    c = change_significance([52.0, 52.0], [3.0, 3.0], [57.0, 54.0], [2.5, 2.5])
    assert c.z[0] == pytest.approx(5 / se)
    assert c.significant.tolist() == [True, False]  # 5/se = 2.11 > 1.645; 2/se = 0.84
    assert c.p[1] == pytest.approx(2 * (1 - 0.5 * (1 + math.erf((2 / se) / math.sqrt(2)))))


def test_change_without_margins_and_missing_estimates():
    c = change_significance([1.0, np.nan], [0.0, 1.0], [2.0, 3.0], [0.0, 1.0])
    assert c.significant.tolist() == [True, False]
    assert np.isnan(c.p[1])


def test_sum_and_the_zero_estimate_rule():
    assert moe_sum([3.0, 4.0]) == pytest.approx(5.0)
    # Two zero estimates: only the larger of their MOEs counts.
    assert moe_sum([3.0, 20.0, 25.0], estimates=[7.0, 0.0, 0.0]) == pytest.approx(
        math.sqrt(9 + 625)
    )
    rows = moe_sum(np.array([[3.0, 4.0], [6.0, 8.0]]), axis=1)
    assert rows.tolist() == pytest.approx([5.0, 10.0])


def test_proportion_ratio_and_fallback():
    # p = 200/1000: sqrt(30^2 - 0.2^2 60^2) / 1000
    assert moe_proportion(200, 1000, 30, 60) == pytest.approx(math.sqrt(900 - 144) / 1000)
    assert moe_ratio(200, 1000, 30, 60) == pytest.approx(math.sqrt(900 + 144) / 1000)
    # 20^2 - 0.9^2 60^2 < 0: the ratio formula is used instead.
    assert 20**2 - 0.9**2 * 60**2 < 0
    assert moe_proportion(900, 1000, 20, 60) == pytest.approx(math.sqrt(400 + 0.81 * 3600) / 1000)


def test_product_and_percent_change():
    assert moe_product(10, 2, 1, 0.5) == pytest.approx(math.sqrt(100 * 0.25 + 4 * 1))
    assert moe_percent_change(1000, 1100, 50, 60) == pytest.approx(
        100 * math.sqrt(60**2 + 1.1**2 * 50**2) / 1000
    )
