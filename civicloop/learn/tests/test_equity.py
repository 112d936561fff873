"""Equity gaps to the best-off group, for several indicators at once."""

from __future__ import annotations

import numpy as np
import pytest

from civicloop.learn.batch import BatchError, SeriesBatch
from civicloop.learn.equity import equity_gaps

YEARS = np.arange(2016.0, 2024.0)


def test_gaps_difference_ratio_and_closing_or_widening():
    reading = {
        "reading:asian": 85 + 0.5 * (YEARS - 2016),
        "reading:white": 80 + 0.5 * (YEARS - 2016),
        "reading:black": 60 + 2.0 * (YEARS - 2016),  # catching up
        "reading:latino": 70 - 0.5 * (YEARS - 2016),  # falling behind
    }
    asthma = {  # lower is better: the best-off group has the lowest rate
        "asthma:north": 12.0 - 0.5 * (YEARS - 2016),
        "asthma:south": 20.0 + np.tile([0.3, -0.3], 4),
    }
    keys = list(reading) + list(asthma)
    batch = SeriesBatch(np.array(list(reading.values()) + list(asthma.values())), YEARS, keys=keys)
    indicator = [k.split(":")[0] for k in keys]
    direction = ["higher"] * 4 + ["lower"] * 2
    g = equity_gaps(batch, indicator, direction)
    assert g.reference.tolist() == ["reading:asian"] * 4 + ["asthma:north"] * 2
    assert g.status.tolist() == [
        "reference",
        "no_clear_change",
        "closing",
        "widening",
        "reference",
        "widening",
    ]
    latest_asian = 85 + 0.5 * 7
    assert g.latest_difference[2] == pytest.approx(latest_asian - (60 + 14))
    assert g.latest_ratio[2] == pytest.approx((60 + 14) / latest_asian)
    # Lower is better: the gap is still "how far behind", a positive number.
    assert g.latest_difference[5] == pytest.approx((20 - 0.3) - (12 - 3.5))
    assert g.gap_slope[2] == pytest.approx(-1.5)
    assert g.words[3] == "gap widening"


def test_short_gap_series_and_mixed_directions():
    batch = SeriesBatch(
        [[1.0, 2.0, 3.0], [0.5, 1.0, 1.0]], [2021.0, 2022.0, 2023.0], keys=["a", "b"]
    )
    assert equity_gaps(batch, ["x", "x"], "higher").status.tolist() == [
        "reference",
        "not_enough_data",
    ]
    with pytest.raises(BatchError, match="share a direction"):
        equity_gaps(batch, ["x", "x"], ["higher", "lower"])
