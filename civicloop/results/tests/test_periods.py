from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicloop.results.periods import PeriodError, guess_kind, parse_period


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
        ("2014/15", "school_year", date(2014, 7, 1), date(2015, 6, 30)),
        ("2017-2019", "multi_year", date(2017, 1, 1), date(2019, 12, 31)),
        ("2017/2019", "multi_year", date(2017, 1, 1), date(2019, 12, 31)),
        ("1990-1999", "multi_year", date(1990, 1, 1), date(1999, 12, 31)),
        ("2000 - 02", "multi_year", date(2000, 1, 1), date(2002, 12, 31)),
        ("2021-23", "multi_year", date(2021, 1, 1), date(2023, 12, 31)),
        ("2021-2022*", "school_year", date(2021, 7, 1), date(2022, 6, 30)),
        ("2019†", "year", date(2019, 1, 1), date(2019, 12, 31)),
    ],
)
def test_labels_name_their_real_dates(label, kind, start, end):
    spec = parse_period(label)
    assert (spec.kind, spec.start, spec.end) == (kind, start, end)


@pytest.mark.parametrize(
    "label", ["2014/15", "2015-16", "2017-2019", "2000 - 02", "2021-2022*", "2023Q4", "2023-5"]
)
def test_a_label_is_kept_exactly_as_published(label):
    spec = parse_period(label)
    assert spec.label == label
    assert parse_period(spec.label, spec.kind) == spec  # what is stored reads back the same


@pytest.mark.parametrize(
    ("label", "year"), [("2017/2019", 2017), ("2020/2022", 2020), ("2014/15", 2014), ("2019", 2019)]
)
def test_open_sdg_reads_a_span_as_its_first_year(label, year):
    assert parse_period(label).open_sdg_year == year


def test_a_multi_year_period_sits_at_the_middle_of_its_span():
    assert parse_period("2017-2019").midpoint_year == pytest.approx(2018.5, abs=0.01)
    assert parse_period("1990-1999").midpoint_year == pytest.approx(1995.0, abs=0.01)


def test_a_column_of_labels_settles_its_ambiguous_ones():
    assert guess_kind(["2010-11", "2011-12", "2012-13"]) == "school_year"
    assert guess_kind(["2011-12", "2012-01", "2012-02"]) == "month"
    assert guess_kind(["2000 - 02", "2001 - 03"]) == "multi_year"
    assert guess_kind(["2000-04", "2001-05", "2002-17"]) == "multi_year"
    assert guess_kind(["soon"]) is None


def test_the_indicator_frequency_settles_ambiguous_labels():
    assert parse_period("2011-12").kind == "school_year"
    assert parse_period("2011-12", "month").kind == "month"
    assert parse_period("2011", "school_year").label == "2011-12"
    assert parse_period("2001-05").kind == "month"
    assert parse_period("2001-05", "multi_year").end == date(2005, 12, 31)


@pytest.mark.parametrize(
    "label", ["", "20233", "2023-13", "2023-Q5", "2023-02-30", "2023-2021", "2014-11-", "soon"]
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
