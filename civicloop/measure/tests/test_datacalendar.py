"""The data calendar's arithmetic, period kind by period kind, and the freshness score."""

from __future__ import annotations

from datetime import date

import pytest

from civicloop.measure import datacalendar as dc
from civicloop.results.periods import parse_period


def periods(*labels: str, kind: str | None = None):
    return [parse_period(label, kind) for label in labels]


@pytest.mark.parametrize(
    ("frequency", "received", "expected_next", "expected_due"),
    [
        ("year", ["2023", "2024"], "2025", date(2026, 6, 29)),  # 31 Dec 2025 + 180 days
        ("school_year", ["2023-24", "2024-25"], "2025-26", date(2026, 10, 28)),
        ("quarter", ["2026-Q1", "2026-Q2"], "2026-Q3", date(2026, 11, 29)),
        ("quarter", ["2025-Q4"], "2026-Q1", date(2026, 5, 30)),  # across the year's end
        ("month", ["2026-11"], "2026-12", date(2027, 1, 30)),
        ("week", ["2026-W52"], "2026-W53", date(2027, 1, 10)),  # 2026 has 53 ISO weeks
        ("day", ["2026-12-31"], "2027-01-01", date(2027, 1, 3)),
        ("multi_year", ["2015-2019", "2016-2020"], "2017-2021", date(2022, 12, 31)),
        ("multi_year", ["2017-2019"], "2020-2022", date(2023, 12, 31)),  # pooled, no overlap
    ],
)
def test_next_period_and_due_date_for_each_kind(frequency, received, expected_next, expected_due):
    entry = dc.due_entry(frequency, periods(*received, kind=frequency), date(2026, 11, 29))
    assert entry.next.label == expected_next
    assert entry.next.kind == frequency
    assert entry.due == expected_due
    assert entry.last.label == received[-1]


def test_statuses_move_from_fresh_to_due_to_overdue():
    received = periods("2026-Q2")  # next 2026-Q3, due 29 Nov 2026 (30 Sep + 60 days)
    fresh = dc.due_entry("quarter", received, date(2026, 10, 1))
    assert (fresh.status, fresh.days_left) == (dc.FRESH, 59)
    due = dc.due_entry("quarter", received, date(2026, 11, 8))  # 21 days before
    assert (due.status, due.days_left) == (dc.DUE, 21)
    on_the_day = dc.due_entry("quarter", received, date(2026, 11, 29))
    assert on_the_day.status == dc.DUE and on_the_day.days_left == 0
    late = dc.due_entry("quarter", received, date(2026, 12, 9))
    assert (late.status, late.days_late, late.periods_behind) == (dc.OVERDUE, 10, 1)


def test_periods_behind_counts_every_missed_period():
    entry = dc.due_entry("month", periods("2026-01", kind="month"), date(2026, 7, 15))
    # Feb (due 30 Mar), Mar, Apr, May (due 30 Jun) have passed; Jun is due 30 Jul.
    assert entry.next.label == "2026-02"
    assert entry.periods_behind == 4
    assert entry.status == dc.OVERDUE


def test_the_indicator_lag_overrides_the_frequency_default():
    entry = dc.due_entry("year", periods("2024"), date(2026, 3, 1), lag=30)
    assert entry.lag_days == 30
    assert entry.due == date(2026, 1, 30)
    assert entry.status == dc.OVERDUE
    assert dc.due_entry("year", periods("2024"), date(2026, 3, 1)).status == dc.FRESH


def test_no_data_yet_expects_the_latest_period_already_due():
    entry = dc.due_entry("school_year", [], date(2026, 11, 29))
    # 2025-26 ended on 30 June 2026 and was due 120 days later, on 28 October.
    assert entry.last is None and not entry.has_data
    assert entry.next.label == "2025-26"
    assert entry.status == dc.OVERDUE and entry.days_late == 32
    assert entry.weight == 0.0
    quarterly = dc.due_entry("quarter", [], date(2026, 11, 29))
    assert quarterly.next.label == "2026-Q3" and quarterly.status == dc.DUE  # due today


def test_a_survey_every_two_years_is_expected_every_two_years():
    entry = dc.due_entry("year", periods("2019", "2021", "2023"), date(2026, 1, 10))
    assert entry.cadence == 2
    assert entry.next.label == "2025"
    assert entry.grace_days == 730  # the end of 2025 to the end of 2027
    # One missed year does not make a series biennial.
    gap_once = dc.due_entry("year", periods("2021", "2022", "2024"), date(2025, 1, 10))
    assert gap_once.cadence == 1 and gap_once.next.label == "2025"


def test_irregular_data_of_another_kind_is_followed_by_the_frequency_period():
    mixed = periods("2022-23", "2023-24", kind="school_year") + periods("2024")
    entry = dc.due_entry("school_year", mixed, date(2025, 3, 1))
    assert entry.last.label == "2024"
    assert entry.next.label == "2024-25"  # the school year containing 1 January 2025
    months = periods("2026-05", kind="month")
    assert dc.due_entry("quarter", months, date(2026, 6, 1)).next.label == "2026-Q2"
    spans = periods("2019")
    assert dc.due_entry("multi_year", spans, date(2021, 6, 1)).next.label == "2020"


def test_received_periods_in_any_order_and_repeated():
    entry = dc.due_entry("year", periods("2024", "2020", "2024", "2022"), date(2025, 1, 1))
    assert entry.last.label == "2024"
    assert entry.cadence == 2  # 2020, 2022, 2024


def test_an_indicator_that_expects_no_data_is_not_expected_and_not_counted():
    entry = dc.due_entry("year", periods("2015"), date(2026, 11, 29), expected=False)
    assert entry.status == dc.NOT_EXPECTED
    assert entry.next is None and entry.due is None
    assert entry.last.label == "2015"
    assert entry.weight is None


def test_weights_fall_linearly_over_one_period_late():
    received = periods("2024")  # 2025 due 29 Jun 2026; the grace is 365 days
    assert dc.due_entry("year", received, date(2026, 6, 29)).weight == 1.0
    half = dc.due_entry("year", received, date(2026, 12, 28))
    assert half.days_late == 182
    assert half.weight == pytest.approx(1 - 182 / 365)
    assert dc.due_entry("year", received, date(2027, 8, 1)).weight == 0.0
    daily = dc.due_entry("day", periods("2026-01-01"), date(2026, 1, 17))
    assert daily.grace_days == dc.MIN_GRACE_DAYS  # a day late is not a whole month late
    assert daily.weight == pytest.approx(1 - 13 / 28)


def test_freshness_score():
    today = date(2026, 11, 29)
    entries = [
        dc.due_entry("year", periods("2026"), today),  # fresh
        dc.due_entry("quarter", periods("2026-Q2"), today),  # due today
        dc.due_entry("year", periods("2024"), today),  # 153 days late
        dc.due_entry("month", [], today),  # never received anything
        dc.due_entry("year", periods("2010"), today, expected=False),  # not counted
    ]
    score = dc.freshness(entries)
    assert score.counted == 4
    assert (score.up_to_date, score.overdue, score.never) == (2, 2, 1)
    assert score.score == pytest.approx((1 + 1 + (1 - 153 / 365) + 0) / 4)
    assert score.percent == 65
    assert dc.freshness([]).score is None and dc.freshness([]).percent is None
    all_fresh = dc.freshness([dc.due_entry("year", periods("2026"), today)])
    assert all_fresh.score == 1.0 and all_fresh.percent == 100


def test_shift_and_period_at_round_trip_every_kind():
    day = date(2026, 2, 14)
    for kind in ("year", "school_year", "quarter", "month", "week", "day"):
        spec = dc.period_at(kind, day)
        assert spec.kind == kind and spec.start <= day <= spec.end
        assert dc.shift(dc.shift(spec, 5), -5) == spec
        assert dc.shift(spec, 1).start > spec.end


def test_the_arithmetic_needs_no_django():
    import subprocess
    import sys

    code = (
        "import sys, civicloop.measure.datacalendar; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
