"""Calendar arithmetic shared by the ingest, the indicators and the coverage."""

import datetime

import pytest

from project.lib.periods import bucket, financial_year, month_end, months_before, period_bucket, quarter, release_dates

D = datetime.date


def test_month_end_knows_short_months_and_leap_years():
    assert month_end(D(2026, 2, 10)) == D(2026, 2, 28)
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)
    assert month_end(D(2026, 12, 31)) == D(2026, 12, 31)


def test_months_before_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert months_before(datetime.date(2026, 11, 21), 4) == datetime.date(2026, 7, 21)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)
    assert months_before(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)


def test_a_quarter_is_the_calendar_quarter_holding_the_day():
    assert quarter(D(2026, 2, 14)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert quarter(D(2026, 12, 1)) == (D(2026, 10, 1), D(2026, 12, 31))


def test_a_financial_year_runs_from_april_to_march():
    assert financial_year(D(2026, 3, 31)) == (D(2025, 4, 1), D(2026, 3, 31))
    assert financial_year(D(2026, 4, 1)) == (D(2026, 4, 1), D(2027, 3, 31))


def test_buckets_are_labelled_by_month_quarter_and_financial_year():
    assert bucket(D(2026, 2, 14), "month") == (D(2026, 2, 1), D(2026, 2, 28), "Feb 2026")
    assert bucket(D(2026, 2, 14), "quarter") == (D(2026, 1, 1), D(2026, 3, 31), "Jan–Mar 2026")
    assert bucket(D(2026, 2, 14), "year") == (D(2025, 4, 1), D(2026, 3, 31), "2025/26")
    assert bucket(D(2099, 6, 1), "year")[2] == "2099/00"


@pytest.mark.parametrize(
    "start,end,granularity,label",
    [
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), "quarter", "Jan–Mar 2026"),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), "month", "Feb 2026"),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), "year", "2025/26"),
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "month", "Jan–Mar 2026"),
        (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31), "quarter", "2025/26"),
        (datetime.date(2025, 2, 1), datetime.date(2025, 7, 31), "quarter", "Feb 2025–Jul 2025"),
        (None, None, "quarter", "Period not given"),
    ],
)
def test_periods_fall_in_the_column_they_fill(start, end, granularity, label):
    assert period_bucket(start, end, granularity)[1] == label


def test_release_dates_wrap_round_the_year():
    assert release_dates([5, 11], datetime.date(2026, 3, 2)) == (datetime.date(2025, 11, 1), datetime.date(2026, 5, 1))
    assert release_dates([], datetime.date(2026, 3, 2)) == (None, None)


def test_a_release_month_that_has_begun_is_the_latest_release():
    assert release_dates([3], D(2026, 3, 1)) == (D(2026, 3, 1), D(2027, 3, 1))
