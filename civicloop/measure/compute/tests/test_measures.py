"""Each measure kind on a handful of records whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from civicloop.measure.compute import compute

JAN, FEB = dt.date(2024, 1, 10), dt.date(2024, 2, 3)
# Five January records (one open, with no days_to_close) and one February record.
RECORDS = pa.table(
    {
        "opened": [JAN, JAN, JAN, JAN, JAN, FEB],
        "status": ["closed", "closed", "closed", "closed", "open", "closed"],
        "days_to_close": [1.0, 2.0, 4.0, 10.0, None, 3.0],
        "enrolled_days": [10, 10, 20, 20, 0, 0],
        "attended_days": [9, 8, 15, 20, 0, 0],
    }
)


def headline(definition: dict) -> dict[str, dict]:
    """Headline rows of ``definition`` over RECORDS, by period label."""
    definition = {"name": "x", "period": {"column": "opened", "grain": "month"}, **definition}
    return {row["period"]: row for row in compute(definition, RECORDS).headline()}


def test_count_counts_records() -> None:
    rows = headline({"measure": "count"})
    assert rows["2024-01"]["value"] == 5
    assert rows["2024-01"]["numerator"] == 5
    assert rows["2024-02"]["value"] == 1


def test_sum_adds_the_value_column() -> None:
    rows = headline({"measure": "sum", "value": "days_to_close"})
    assert rows["2024-01"]["value"] == 17.0
    assert rows["2024-01"]["n_records"] == 5


def test_mean_ignores_missing_values() -> None:
    row = headline({"measure": "mean", "value": "days_to_close"})["2024-01"]
    assert row["value"] == pytest.approx(17.0 / 4)
    assert (row["numerator"], row["denominator"], row["n_records"]) == (17.0, 4.0, 5)


def test_median_is_exact_between_the_middle_values() -> None:
    rows = headline({"measure": "median", "value": "days_to_close"})
    # 1, 2, 4, 10: the exact median interpolates 2 and 4; an approximation would not.
    assert rows["2024-01"]["value"] == 3.0
    assert rows["2024-01"]["denominator"] == 4
    assert rows["2024-02"]["value"] == 3.0


def test_rate_by_filters_is_numerator_over_denominator_times_n() -> None:
    row = headline(
        {
            "measure": "rate",
            "numerator": {
                "filters": [
                    {"column": "status", "op": "==", "value": "closed"},
                    {"column": "days_to_close", "op": "<=", "value": 2},
                ]
            },
            "denominator": {"filters": [{"column": "status", "op": "==", "value": "closed"}]},
            "per_n": 100,
        }
    )["2024-01"]
    assert (row["numerator"], row["denominator"]) == (2.0, 4.0)
    assert row["value"] == 50.0


def test_rate_without_denominator_is_over_all_records() -> None:
    row = headline(
        {
            "measure": "rate",
            "numerator": {"filters": [{"column": "status", "op": "==", "value": "open"}]},
        }
    )["2024-01"]
    assert (row["numerator"], row["denominator"], row["value"]) == (1.0, 5.0, 0.2)


def test_rate_by_columns_sums_each_side() -> None:
    rows = headline(
        {
            "measure": "rate",
            "numerator": {"column": "attended_days"},
            "denominator": {"column": "enrolled_days"},
            "per_n": 100,
        }
    )
    assert rows["2024-01"]["value"] == pytest.approx(100 * 52 / 60)
    # Nothing enrolled in February: the rate is undefined, not an error or infinity.
    assert rows["2024-02"]["denominator"] == 0.0
    assert rows["2024-02"]["value"] is None


def test_mean_of_only_missing_values_is_empty() -> None:
    definition = {"measure": "mean", "value": "days_to_close"}
    definition["filters"] = [{"column": "status", "op": "==", "value": "open"}]
    row = headline(definition)["2024-01"]
    assert (row["value"], row["n_records"]) == (None, 1)
