import pandas as pd
import pytest

from requests_app.ingest.periods import END, Meaning, meaning, parse_periods


def day(moment) -> str:
    return "" if pd.isna(moment) else moment.strftime("%Y-%m-%d")


def parsed(value: str) -> tuple[str, str, str]:
    row = parse_periods(pd.Series([value])).iloc[0]
    return day(row["start"]), day(row["end"]), row["granularity"]


Q1_2023 = ("2023-01-01", "2023-03-31", "quarter")
APRIL_2023 = ("2023-04-01", "2023-04-30", "month")
FY_2023 = ("2023-04-01", "2024-03-31", "financial-year")
AY_2023 = ("2023-09-01", "2024-08-31", "academic-year")
DAY = ("2023-04-01", "2023-04-01", "day")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023 Q1", Q1_2023),
        ("Q1 2023", Q1_2023),
        ("2023Q1", Q1_2023),
        ("2023-Q1", Q1_2023),
        ("  q1   2023 ", Q1_2023),
        ("2023 Quarter 1", Q1_2023),
        ("Jan-Mar 2023", Q1_2023),
        ("Jan \u2013 Mar 2023", Q1_2023),
        ("2023 Q4", ("2023-10-01", "2023-12-31", "quarter")),
        ("Apr-23", APRIL_2023),
        ("April 2023", APRIL_2023),
        ("APR 2023", APRIL_2023),
        ("2023-04", APRIL_2023),
        ("04/2023", APRIL_2023),
        ("2023/24", FY_2023),
        ("2023-24", FY_2023),
        ("2023/2024", FY_2023),
        ("FY2023/24", FY_2023),
        ("FY 2023-24", FY_2023),
        ("financial year 2023/24", FY_2023),
        ("AY 2023/24", AY_2023),
        ("academic year 2023/24", AY_2023),
        ("Mid-2022", ("2022-06-30", "2022-06-30", "mid-year")),
        ("mid year 2022", ("2022-06-30", "2022-06-30", "mid-year")),
        ("2022", ("2022-01-01", "2022-12-31", "year")),
        ("YE Dec 2023", ("2023-01-01", "2023-12-31", "year")),
        ("year ending December 2023", ("2023-01-01", "2023-12-31", "year")),
        ("Year ending March 2024", ("2023-04-01", "2024-03-31", "year")),
        ("2023-04-01", DAY),
        ("01/04/2023", DAY),
        ("1/4/2023", DAY),
        ("2023-04-01 00:00:00", DAY),
        ("1 April 2023", DAY),
    ],
)
def test_every_accepted_period_form_parses(value, expected):
    assert parsed(value) == expected


def test_february_quarters_and_leap_years_end_on_the_right_day():
    assert parsed("Feb 2024") == ("2024-02-01", "2024-02-29", "month")


@pytest.mark.parametrize(
    "value", ["", "   ", "garbage", "Q5 2023", "2023/25", "31/02/2023", "13/2023", "Nov-Jan 2023", "Feb-Apr 2023"]
)
def test_unparseable_periods_are_nat_with_no_granularity(value):
    assert parsed(value) == ("", "", "")


def test_missing_values_are_nat():
    result = parse_periods(pd.Series([None, float("nan")], dtype=object))
    assert result["start"].isna().all() and result["end"].isna().all()
    assert result["granularity"].tolist() == ["", ""]


def test_dates_are_read_day_first_as_in_the_uk():
    assert parsed("02/03/2023") == ("2023-03-02", "2023-03-02", "day")


def test_2011_12_alone_is_a_financial_year():
    assert parsed("2011-12") == ("2011-04-01", "2012-03-31", "financial-year")


def test_2011_12_is_december_in_a_column_of_yyyy_mm_months():
    result = parse_periods(pd.Series(["2011-11", "2011-12"]))
    assert result["granularity"].tolist() == ["month", "month"]
    assert result["start"].iloc[1] == pd.Timestamp("2011-12-01")


def test_results_are_datetimes_and_keep_the_input_index():
    result = parse_periods(pd.Series(["2023 Q1", "nonsense"], index=[5, 6]))
    assert result.index.tolist() == [5, 6]
    assert pd.api.types.is_datetime64_any_dtype(result["start"])
    assert pd.api.types.is_datetime64_any_dtype(result["end"])


def test_a_million_row_column_with_fifty_distinct_values_goes_through_parse_periods():
    distinct = [f"{year} Q{q}" for year in range(2012, 2024) for q in range(1, 5)] + ["Mid-2022", "nonsense"]
    values = pd.Series(distinct * 20_000)
    assert len(values) == 1_000_000
    result = parse_periods(values)
    assert (result["granularity"] == "quarter").sum() == 48 * 20_000
    assert result["start"].isna().sum() == 20_000


# --- what the heading says ---------------------------------------------------------------------


def read(values: list[str], heading: str = "") -> list[tuple[str, str, str, str]]:
    found = parse_periods(pd.Series(values), meaning(heading))
    return [(day(r.start), day(r.end), r.granularity, r.issue) for r in found.itertuples()]


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("Academic year", Meaning("academic-year")),
        ("School year", Meaning("academic-year")),
        ("Financial year", Meaning("financial-year")),
        ("FY", Meaning("financial-year")),
        ("Calendar year", Meaning("calendar-year")),
        ("Tax year", Meaning("tax-year")),
        ("Year", Meaning()),
        ("Date (as at\u2026)", Meaning("snapshot")),
        ("Count date", Meaning("snapshot")),
        ("EXTRACT_DATE", Meaning("snapshot")),
        ("Children looked after at 31 March", Meaning("", (3, 31))),
        ("People supported at the end of the quarter", Meaning("", END)),
    ],
)
def test_a_heading_says_what_its_periods_mean(heading, expected):
    assert meaning(heading) == expected


def test_a_split_year_under_an_academic_year_heading_runs_september_to_august():
    assert (
        read(["2023/24", "2023-24", "202324"], "Academic year") == [("2023-09-01", "2024-08-31", *AY_2023[2:], "")] * 3
    )


def test_a_split_year_under_a_financial_year_heading_runs_april_to_march():
    assert read(["2023/24", "202324"], "Financial year") == [(*FY_2023, "")] * 2


def test_a_bare_split_year_is_a_financial_year_and_says_it_was_assumed():
    assert read(["2023/24"], "Period") == [(*FY_2023, "assumed-financial")]
    assert read(["FY 2023/24"], "Period") == [(*FY_2023, "")]


def test_a_plain_year_heading_holds_calendar_years():
    assert read(["2023"], "Year") == [("2023-01-01", "2023-12-31", "year", "")]


@pytest.mark.parametrize(
    "values, heading, issue",
    [
        (["2023"], "Academic year", "which-year"),
        (["2023"], "Financial year", "which-year"),
        (["2023/24"], "Calendar year", "not-calendar"),
        (["202324"], "time_period", "six-digit"),
        (["2023/4"], "Year", "split-digit"),
        (["45382"], "Date", "excel-serial"),
        (["45382.0"], "Date", "excel-serial"),
        (["2024 Q1"], "Date (as at\u2026)", "not-a-day"),
        (["2023/24 Q1"], "Academic year", "academic-quarter"),
    ],
)
def test_a_form_with_two_readings_is_asked_about_not_guessed(values, heading, issue):
    [(start, end, granularity, found)] = read(values, heading)
    assert (start, end, granularity, found) == ("", "", "", issue)


def test_dates_stay_day_first_until_the_column_shows_month_first():
    assert read(["03/04/2024", "13/04/2024"], "Date")[0] == ("2024-04-03", "2024-04-03", "day", "")
    assert [r[3] for r in read(["03/04/2024", "04/13/2024", "05/05/2024"], "Date")] == [
        "ambiguous-date",
        "us-date",
        "",
    ]


def test_a_snapshot_heading_keeps_days_and_a_day_in_the_heading_places_a_year():
    assert read(["31/03/2024"], "Date (as at\u2026)") == [("2024-03-31", "2024-03-31", "day", "")]
    assert read(["2024"], "Number looked after at 31 March") == [("2024-03-31", "2024-03-31", "day", "")]
    assert read(["2023/24"], "Pupils on census day, as at 18 January") == [
        ("2024-01-18", "2024-01-18", "day", "assumed-financial")
    ]
    assert read(["2024 Q1"], "Caseload at the end of the quarter") == [("2024-03-31", "2024-03-31", "day", "")]


def test_a_day_the_period_does_not_hold_is_reported():
    assert read(["2024 Q2"], "Count as at 31 March") == [("", "", "", "outside")]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023/24 Q1", ("2023-04-01", "2023-06-30", "quarter")),
        ("FY 2023/24 Q4", ("2024-01-01", "2024-03-31", "quarter")),
        ("Q3 2023/24", ("2023-10-01", "2023-12-31", "quarter")),
        ("tax year 2023/24", ("2023-04-06", "2024-04-05", "tax-year")),
        ("Mid-2016 to Mid-2017", ("2016-07-01", "2017-06-30", "year")),
        ("01APR2024", ("2024-04-01", "2024-04-01", "day")),
        ("202304", ("2023-04-01", "2023-04-30", "month")),
    ],
)
def test_financial_quarters_tax_years_flows_between_mid_years_and_nhs_dates_parse(value, expected):
    assert parsed(value) == expected
