"""Which columns give each row's period, what their headings say it means, and which counts are
stocks. Pure: a hand-built Context."""

import pandas as pd
import pytest

from requests_app.ingest import codes, mapping, period_columns, periods, validate

FIELDS = {
    "nationality": ["Nationality"],
    "period": ["Period", "quarter", "date", "year", "month", "time period", "academic year", "financial year"],
}
REFERENCE = codes.Reference(
    country_aliases={"polish": "PL", "romanian": "RO"},
    group_members=[],
    residual_group="NON-EU",
    language_aliases={},
    gss_levels={},
)


def run(csv: str, stock: bool = False, requested=("nationality", "period")):
    context = validate.Context(
        requested=list(requested),
        aliases=FIELDS,
        geography_level="",
        aggregate_only=True,
        reference=REFERENCE,
        stock=stock,
    )
    result = validate.run(csv.encode(), "file.csv", context)
    return result, result.report()


def spans(result) -> list[str]:
    found = result.observations[["period_start", "period_end"]].drop_duplicates()
    return [f"{a:%Y-%m-%d}/{b:%Y-%m-%d}" for a, b in found.itertuples(index=False)]


def notes(report) -> list[str]:
    return [p["message"] for p in report["warnings"] if p["type"] == "period-meaning"]


def test_a_snapshot_date_beside_its_year_and_quarter_is_the_period_and_a_stock():
    csv = (
        "Date (as at\u2026),Year,Quarter,Nationality,People\n31/03/2023,2023,1,Polish,10\n30/06/2023,2023,2,Polish,12\n"
        "30/09/2023,2023,3,Polish,11\n31/12/2023,2023,4,Polish,13\n"
    )
    result, report = run(csv)
    assert report["valid"], report["errors"]
    assert spans(result) == [f"{d}/{d}" for d in ("2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31")]
    assert result.observations["point_in_time"].all()
    assert any("'Year' was not used" in n for n in notes(report))
    assert any("'Quarter' was not used" in n for n in notes(report))
    assert not any(p["type"] == "unknown-label" for p in report["warnings"])


@pytest.mark.parametrize(
    "period, identifier, expected",
    [
        ("202324", "Academic year", "2023-09-01/2024-08-31"),
        ("202324", "Financial year", "2023-04-01/2024-03-31"),
        ("202324", "Financial year Q2", "2023-07-01/2023-09-30"),
        ("202324", "Tax year", "2023-04-06/2024-04-05"),
        ("2023", "Calendar year", "2023-01-01/2023-12-31"),
        ("2023", "Calendar year Q4", "2023-10-01/2023-12-31"),
        ("2024", "February", "2024-02-01/2024-02-29"),
    ],
)
def test_dfe_time_periods_are_read_with_their_time_identifier(period, identifier, expected):
    csv = f"time_period,time_identifier,Nationality,headcount\n{period},{identifier},Polish,5\n"
    result, report = run(csv)
    assert report["valid"], report["errors"]
    assert spans(result) == [expected]
    assert not result.observations["point_in_time"].any()


@pytest.mark.parametrize(
    "period, identifier, expected",
    [
        # DfE's school census: autumn 1 August to 31 December, spring 1 January to Easter Sunday
        # (31 March in 2024), summer Easter Monday to 31 July.
        ("202324", "Autumn term", "2023-08-01/2023-12-31"),
        ("202324", "Spring term", "2024-01-01/2024-03-31"),
        ("202324", "Summer term", "2024-04-01/2024-07-31"),
        ("202425", "Autumn and spring term", "2024-08-01/2025-04-20"),
        ("2024", "January", "2024-01-01/2024-01-31"),
        ("2024", "September", "2024-09-01/2024-09-30"),
        ("202324", "Financial year Q4", "2024-01-01/2024-03-31"),
    ],
)
def test_a_dfe_term_or_month_is_read_as_dfe_defines_it(period, identifier, expected):
    result, report = run(f"time_period,time_identifier,Nationality,headcount\n{period},{identifier},Polish,5\n")
    assert report["valid"], report["errors"]
    assert spans(result) == [expected]


@pytest.mark.parametrize(
    "period, identifier, says",
    [
        ("2024", "Week 7", "not the ISO weeks"),
        ("2024", "Reporting year", "Reporting year"),
        ("202324", "Academic year Q2", "quarter of an academic year"),
    ],
)
def test_a_dfe_period_whose_months_dfe_does_not_fix_is_asked_about(period, identifier, says):
    _, report = run(f"time_period,time_identifier,Nationality,headcount\n{period},{identifier},Polish,5\n")
    [problem] = report["errors"]
    assert problem["type"] == "ambiguous-period" and says in problem["message"] and problem["row"] == 2


@pytest.mark.parametrize(
    "year_heading, year, quarter, expected",
    [
        ("Year", "2024", "1", "2024-01-01/2024-03-31"),
        ("Year", "2024", "Q4", "2024-10-01/2024-12-31"),
        ("Financial year", "2024-25", "Q1", "2024-04-01/2024-06-30"),
        ("Financial year", "2024/25", "Q4", "2025-01-01/2025-03-31"),
    ],
)
def test_a_year_and_a_quarter_in_two_columns_make_one_quarter(year_heading, year, quarter, expected):
    result, report = run(f"{year_heading},Quarter,Nationality,Count\n{year},{quarter},Polish,5\n")
    assert report["valid"], report["errors"]
    assert spans(result) == [expected]


def test_a_month_name_beside_an_academic_year_is_that_month_inside_the_year():
    csv = "Academic year,Month,Nationality,Count\n2023/24,October,Polish,5\n2023/24,February,Polish,6\n"
    result, report = run(csv)
    assert report["valid"], report["errors"]
    assert spans(result) == ["2023-10-01/2023-10-31", "2024-02-01/2024-02-29"]


def test_of_two_complete_period_columns_the_more_detailed_is_read():
    csv = "Year,Quarter,Nationality,Count\n2018,2018 Q1,Polish,5\n2018,2018 Q2,Polish,6\n"
    result, report = run(csv)
    assert report["valid"], report["errors"]
    assert spans(result) == ["2018-01-01/2018-03-31", "2018-04-01/2018-06-30"]


def choose(labels: list[str], rows: list[list[str]], count: int):
    body = pd.DataFrame(rows)
    column_map = mapping.Mapping(count=count)
    return period_columns.choose(
        labels, [chr(65 + i) for i in range(len(labels))], body, column_map, [], sheet="s", header_row=1
    )


def test_a_count_taken_on_a_day_named_by_its_heading_is_a_stock_on_that_day():
    timing, _ = choose(["Year", "Number looked after at 31 March"], [["2024", "5"], ["2025", "7"]], count=1)
    assert timing.point_in_time and timing.meaning.as_at == (3, 31)
    spans = periods.parse_periods(pd.Series(["2024"]), timing.meaning)
    assert spans["start"].iat[0] == spans["end"].iat[0] == pd.Timestamp("2024-03-31")


def test_a_date_of_birth_is_never_taken_for_the_period():
    timing, _ = choose(["Date of birth", "Month", "Count"], [["2001-02-03", "Apr-24", "5"]], count=2)
    assert timing.positions == [1] and timing.repeats == []


def test_a_stock_source_marks_its_counts_whatever_the_periods():
    result, report = run("Quarter,Nationality,Count\n2024 Q1,Polish,5\n", stock=True)
    assert report["valid"] and result.observations["point_in_time"].all()
    assert any("point in time" in n for n in notes(report))


def test_mid_year_estimates_are_stocks():
    result, _ = run("Period,Nationality,Count\nMid-2022,Polish,5\n")
    assert result.observations["point_in_time"].all()


def test_a_snapshot_column_the_mapping_did_not_know_still_answers_for_the_period():
    result, report = run("Snapshot date,Nationality,Count\n31/03/2024,Polish,5\n")
    assert report["valid"], report["errors"]
    assert spans(result) == ["2024-03-31/2024-03-31"]


def test_a_bare_split_year_is_read_as_a_financial_year_and_the_report_says_so():
    result, report = run("Period,Nationality,Count\n2023/24,Polish,5\n")
    assert report["valid"] and spans(result) == ["2023-04-01/2024-03-31"]
    assert any("read as financial years" in n and "Academic year" in n for n in notes(report))


def test_an_academic_year_heading_reads_the_same_text_september_to_august():
    result, _ = run("Academic Year,Nationality,Count\n2023/24,Polish,5\n")
    assert spans(result) == ["2023-09-01/2024-08-31"]
