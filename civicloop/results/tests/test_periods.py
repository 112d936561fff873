from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicloop.results.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("label", "kind", "start", "end"),
    [
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-24", "school_year", date(2023, 7, 1), date(2024, 6, 30)),
        ("2023/2024", "school_year", date(2023, 7, 1), date(2024, 6, 30)),
        ("2023-Q2", "quarter", date(2023, 4, 1), date(2023, 6, 30)),
        ("2023Q4", "quarter", date(2023, 10, 1), date(2023, 12, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-W01", "week", date(2023, 1, 2), date(2023, 1, 8)),
        ("2023-05-14", "day", date(2023, 5, 14), date(2023, 5, 14)),
    ],
)
def test_labels_name_their_real_dates(label, kind, start, end):
    spec = parse_period(label)
    assert (spec.kind, spec.start, spec.end) == (kind, start, end)


def test_the_indicator_frequency_settles_ambiguous_labels():
    assert parse_period("2011-12").kind == "school_year"
    assert parse_period("2011-12", "month").kind == "month"
    assert parse_period("2011", "school_year").label == "2011-12"


@pytest.mark.parametrize(
    "label", ["", "20233", "2023-13", "2023-Q5", "2023-02-30", "2021-23", "soon"]
)
def test_nonsense_is_refused_with_a_clear_message(label):
    with pytest.raises(PeriodError, match="period|exist|real date|school year|week"):
        parse_period(label)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_months_order_as_time_does(day):
    # "month": 2000-01 alone also names the school year 2000-01; the frequency settles it.
    this = parse_period(f"{day.year}-{day.month:02d}", "month")
    assert this.start <= day <= this.end
    assert (
        this.start.year + (this.start.month - 1) / 12
        <= this.midpoint_year
        < this.end.year + this.end.month / 12
    )
