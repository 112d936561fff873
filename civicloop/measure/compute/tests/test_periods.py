"""Period grains: where each period starts and how it is labelled."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from civicloop.measure.compute import DefinitionError, compute
from civicloop.measure.compute.periods import label

DAYS = [dt.date(2023, 6, 30), dt.date(2023, 7, 1), dt.date(2024, 1, 1), dt.date(2024, 12, 30)]


def periods(grain: str, column: pa.Array | list = DAYS) -> list[tuple[str, dt.date, float]]:
    definition = {"name": "n", "measure": "count", "period": {"column": "opened", "grain": grain}}
    rows = compute(definition, pa.table({"opened": column})).headline()
    return [(r["period"], r["period_start"], r["value"]) for r in rows]


@pytest.mark.parametrize(
    ("grain", "expected"),
    [
        ("year", [("2023", "2023-01-01", 2), ("2024", "2024-01-01", 2)]),
        ("school_year", [("2022-23", "2022-07-01", 1), ("2023-24", "2023-07-01", 2),
                         ("2024-25", "2024-07-01", 1)]),
        ("quarter", [("2023-Q2", "2023-04-01", 1), ("2023-Q3", "2023-07-01", 1),
                     ("2024-Q1", "2024-01-01", 1), ("2024-Q4", "2024-10-01", 1)]),
        ("month", [("2023-06", "2023-06-01", 1), ("2023-07", "2023-07-01", 1),
                   ("2024-01", "2024-01-01", 1), ("2024-12", "2024-12-01", 1)]),
        # 2024-12-30 is a Monday in ISO week 1 of 2025.
        ("week", [("2023-W26", "2023-06-26", 2), ("2024-W01", "2024-01-01", 1),
                  ("2025-W01", "2024-12-30", 1)]),
        ("day", [(d.isoformat(), d.isoformat(), 1) for d in DAYS]),
    ],
)  # fmt: skip
def test_each_grain(grain: str, expected: list) -> None:
    assert periods(grain) == [(p, dt.date.fromisoformat(s), n) for p, s, n in expected]


def test_timestamps_and_iso_text_place_records_by_their_date() -> None:
    stamps = [dt.datetime(2023, 6, 30, 23, 59), dt.datetime(2023, 7, 1, 0, 1)]
    by_stamp = periods("school_year", pa.array(stamps, pa.timestamp("us")))
    by_text = periods("school_year", ["2023-06-30 23:59:00", "2023-07-01"])
    assert (
        by_stamp
        == by_text
        == [
            ("2022-23", dt.date(2022, 7, 1), 1),
            ("2023-24", dt.date(2023, 7, 1), 1),
        ]
    )


def test_records_without_a_date_form_no_period() -> None:
    # They cannot be placed in time; they are counted in no period rather than a fake one.
    assert periods("year", [dt.date(2023, 1, 1), None]) == [("2023", dt.date(2023, 1, 1), 1)]


def test_school_year_labels_cross_the_century() -> None:
    assert label(dt.date(1999, 7, 1), "school_year") == "1999-00"


def test_unknown_grain_is_refused() -> None:
    with pytest.raises(DefinitionError) as error:
        periods("fortnight")
    assert "fortnight" in error.value.problems["period.grain"]
