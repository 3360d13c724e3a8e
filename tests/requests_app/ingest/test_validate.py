"""The whole pipeline on files shaped like real returns. Pure: a hand-built Context, no database."""

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from requests_app.ingest import codes, problems, validate

FIELDS = {
    "country-of-birth": ["Country of birth", "cob", "birth country"],
    "nationality": ["Nationality", "nationality group", "citizenship"],
    "main-language": ["Main language", "first language"],
    "immigration-status": ["Immigration status / migrant type", "immigration status"],
    "ward": ["Ward or small area", "ward code", "geography code", "area code", "msoa code"],
    "period": ["Period", "period", "time period", "time_period", "quarter", "date"],
    "age": ["Age or age band", "age band", "age group"],
    "gender": ["Gender", "sex"],
    "service-type": ["Service type", "service"],
}


@pytest.fixture
def reference():
    aliases = {
        "polish": "PL",
        "poland": "PL",
        "pl": "PL",
        "romanian": "RO",
        "romania": "RO",
        "ro": "RO",
        "eritrean": "ER",
        "eritrea": "ER",
        "syrian": "SY",
        "syria": "SY",
        "namibia": "NA",
        "na": "NA",
        "british": "GB",
        "united kingdom": "GB",
        "stateless": "STATELESS",
        "not recorded": "NOT-RECORDED",
        "unknown": "UNKNOWN",
        "lithuanian": "LT",
    }
    members = [
        ("EU8", "PL", date(2004, 5, 1), None),
        ("EU8", "LT", date(2004, 5, 1), None),
        ("EU2", "RO", date(2007, 1, 1), None),
        ("BRITISH", "GB", None, None),
    ]
    return codes.Reference(
        country_aliases=aliases,
        group_members=members,
        residual_group="NON-EU",
        language_aliases={"polish": "pol", "pol": "pol", "tigrinya": "tir", "english": "eng", "arabic": "ara"},
        gss_levels={"E05": "ward", "E01": "lsoa", "E02": "msoa", "E06": "local-authority"},
    )


def context(reference, requested, level="ward", aggregate_only=True):
    return validate.Context(
        requested=requested, aliases=FIELDS, geography_level=level, aggregate_only=aggregate_only, reference=reference
    )


def run(reference, data, name, requested, level="ward"):
    result = validate.run(data, name, context(reference, requested, level))
    report = result.report(with_observations=True)
    json.dumps(report)  # the command line prints it: it must serialise
    return result, report


def detail_sum(frame: pd.DataFrame) -> int:
    return int(frame.loc[~frame["suppressed"], "count"].sum())


def types(report, severity):
    return {p["type"] for p in report[severity]}


def test_a_nomis_download_with_metadata_lines_and_stray_spaces_in_codes(reference):
    csv = (
        '"Nationality of residents by ward"\n"ONS Crown Copyright Reserved [from Nomis on 1 May 2026]"\n'
        '"Population :","All usual residents"\n"Units :","Persons"\n\n'
        '"Ward code","Nationality","Count"\n'
        '" E05000001","Polish","1,204"\n"E05000001\xa0","Romanian","87"\n"E05000002","Namibia","3"\n'
        '"E05000002","NA","2"\n\n"Source: invented for a test"\n'
    ).encode()
    result, report = run(reference, csv, "nomis.csv", ["ward", "nationality"])
    assert report["valid"], report["errors"]
    assert report["observations"] and len(report["observations"]) == 4
    assert {o["geography_code"] for o in report["observations"]} == {"E05000001", "E05000002"}
    assert [o["nationality"] for o in report["observations"]][-2:] == ["NA", "NA"]
    assert report["total"] == 1204 + 87 + 3 + 2 == detail_sum(result.observations)


def test_an_ons_sheet_with_a_three_row_header_and_periods_across(reference):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table 1"
    rows = [
        ["Migration by nationality, 2024 to 2025"],
        [],
        [None, "2024", None, "2025", None],
        [None, "Q1", "Q2", "Q1", "Q2"],
        ["Nationality", None, None, None, None],
        ["Polish", 12.0, 15.0, 9.0, 11.0],
        ["Romanian", 4.0, 5.0, 6.0, 7.0],
        [],
        ["Notes: provisional."],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result, report = run(reference, buffer.getvalue(), "ons.xlsx", ["nationality", "period"])
    assert report["valid"], report["errors"]
    assert report["observations"] and len(report["observations"]) == 8
    starts = sorted({o["period_start"] for o in report["observations"]})
    assert starts == ["2024-01-01", "2024-04-01", "2025-01-01", "2025-04-01"]
    assert report["total"] == 12 + 15 + 9 + 11 + 4 + 5 + 6 + 7 == detail_sum(result.observations)


def test_a_home_office_workbook_with_cover_and_data_sheets_and_end_of_table(reference):
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["Asylum support statistics"])
    book.create_sheet("Contents").append(["Data - Table 1", "Supported asylum seekers"])
    notes = book.create_sheet("Notes")
    notes.append(["Note 1", "Figures are provisional"])
    data = book.create_sheet("Data - Table 1")
    for row in [
        ["Supported asylum seekers by nationality and local authority"],
        ["Date", "Area code", "Nationality", "Count"],
        ["2025-03-31", "E06000002", "Syria", 40],
        ["2025-03-31", "E06000002", "Eritrea", 22],
        ["2025-03-31", "E06000002", "Total", 62],
        [],
        ["End of table"],
        ["Source: Home Office"],
    ]:
        data.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result, report = run(
        reference, buffer.getvalue(), "ho.xlsx", ["period", "ward", "nationality"], level="local-authority"
    )
    assert report["valid"], report["errors"]
    assert report["sheet"] == "Data - Table 1"
    assert report["observations"] and len(report["observations"]) == 2
    assert "total-row" in types(report, "warnings")
    assert report["total"] == 62 == detail_sum(result.observations)


def test_a_dfe_file_with_x_c_and_z_markers_keeps_them_suppressed_not_zero(reference):
    csv = (
        b"time_period,ward code,nationality,count\n202425,E05000001,Polish,14\n202425,E05000001,Romanian,c\n"
        b"202425,E05000002,Polish,x\n202425,E05000002,Eritrean,z\n202425,E05000002,Syrian,9\n"
    )
    csv = csv.replace(b"202425", b"2024/25")
    result, report = run(reference, csv, "dfe.csv", ["period", "ward", "nationality"])
    assert report["valid"], report["errors"]
    suppressed = [o for o in report["observations"] if o["suppressed"]]
    assert len(suppressed) == 3 and all(o["count"] is None for o in suppressed)
    assert report["problem_counts"]["suppressed-cell"] == 3
    assert report["total"] == 14 + 9 == detail_sum(result.observations)


def test_a_hospital_snapshot_with_half_its_nationality_values_missing(reference):
    lines = ["Nationality,Main language,Service type,Count"]
    lines += [
        "Polish,Polish,A&E,10",
        ",English,A&E,8",
        "Not recorded,Arabic,Outpatient,6",
        "Eritrean,Tigrinya,Inpatient,4",
    ]
    result, report = run(
        reference, "\n".join(lines).encode(), "trust.csv", ["nationality", "main-language", "service-type"]
    )
    assert report["valid"], report["errors"]
    assert report["completeness"]["nationality"] == 0.5
    assert report["completeness"]["main-language"] == 1.0
    assert {o["main_language"] for o in report["observations"]} == {"pol", "eng", "ara", "tir"}
    assert report["total"] == 28 == detail_sum(result.observations)


def test_a_charity_monitoring_sheet_with_nationality_words_and_special_categories(reference):
    csv = (
        "Nationality,Immigration status,Gender,Number of people\nPolish,refugee,F,3\nEritrean,asylum seeker,M,12\n"
        "Stateless,asylum seeker,M,2\nNot recorded,unknown,F,1\nPolska,refugee,F,4\n"
    ).encode("cp1252")
    result, report = run(reference, csv, "charity.csv", ["nationality", "immigration-status"])
    assert not report["valid"]
    [unknown] = [p for p in report["errors"] if p["type"] == "unknown-code"]
    assert (unknown["row"], unknown["column"], unknown["value"]) == (6, "A", "Polska")
    codes_found = [o["nationality"] for o in report["observations"]]
    assert "STATELESS" in codes_found and "NOT-RECORDED" in codes_found
    assert report["total"] == detail_sum(result.observations) == 22


def test_bad_counts_and_codes_are_reported_with_row_column_and_a_fix(reference):
    csv = (
        b"Ward code,Nationality,Count\nE05000001,Polish,12.5\nE05000001,Romanian,-3\nE01000001,Polish,4\n"
        b"E0500001,Polish,4\n"
        b"E05000002,Polish,abc\n"
    )
    _, report = run(reference, csv, "bad.csv", ["ward", "nationality"])
    assert not report["valid"]
    by_type = {}
    for problem in report["errors"]:
        by_type.setdefault(problem["type"], problem)
    assert by_type["type-error"]["row"] == 2 and by_type["type-error"]["column"] == "C"
    assert by_type["constraint-error"]["value"] == "-3"
    assert by_type["level-mismatch"]["value"] == "E01000001" and "ward" in by_type["level-mismatch"]["message"]
    assert any(p["value"] == "E0500001" for p in report["errors"] if p["type"] == "unknown-code")


def test_a_missing_requested_column_and_an_unknown_column_are_reported(reference):
    csv = b"Nationality,Shoe size,Count\nPolish,9,3\n"
    _, report = run(reference, csv, "x.csv", ["nationality", "ward"])
    assert "missing-label" in types(report, "errors") and "unknown-label" in types(report, "warnings")


def test_record_level_data_is_quarantined_and_nothing_is_kept(reference):
    csv = (
        "Forename,Surname,Date of birth,NHS number,Nationality\n"
        + "".join(f"Ann{i},Smith,1980-02-{i % 27 + 1:02d},943 476 5919,Polish\n" for i in range(60))
    ).encode()
    result, report = run(reference, csv, "people.csv", ["nationality"])
    assert report["quarantine"] and not report["valid"]
    assert report["observations"] == [] and "personal-data" in types(report, "errors")


def test_unreadable_and_empty_files_get_a_clear_message(reference):
    _, report = run(reference, b"\x00\x01PK\x03garbage", "x.xlsx", ["nationality"])
    assert types(report, "errors") == {"unreadable-file"}
    _, report = run(reference, b"", "x.csv", ["nationality"])
    assert types(report, "errors") == {"empty-file"}


def test_nationality_groups_follow_the_date_of_each_period(reference):
    csv = b"Period,Nationality,Count\n2003,Polish,5\n2006,Polish,7\n2006,British,2\n"
    _, report = run(reference, csv, "g.csv", ["period", "nationality"])
    assert [o["nationality_group"] for o in report["observations"]] == ["NON-EU", "EU8", "BRITISH"]


def test_many_problems_of_one_kind_are_counted_beyond_the_detail_kept(reference):
    # One row per category, as in an aggregate: the same category on every row would be a list of people.
    csv = "Nationality,Count\n" + "".join(f"Atlantean {i},1\n" for i in range(problems.DETAIL_LIMIT + 50))
    _, report = run(reference, csv.encode(), "many.csv", ["nationality"])
    assert report["problem_counts"]["unknown-code"] == problems.DETAIL_LIMIT + 50
    assert len([p for p in report["errors"] if p["type"] == "unknown-code"]) == problems.DETAIL_LIMIT


def test_the_report_lists_the_categories_each_column_uses_for_comparison_across_agencies(reference):
    csv = (
        b"Ward code,Nationality,Age band,Gender,Period,Count\n"
        b"E05000001,Polish,0-15,Female,2025 Q1,12\nE05000001,Romanian,16-64,Male,2025 Q1,7\n"
        b"E05000002,Eritrean,16-64,Female,2025 Q1,4\n"
    )
    result, report = run(reference, csv, "pupils.csv", ["ward", "nationality", "age", "gender", "period"])
    assert result.valid
    assert report["categories"]["age_band"] == ["0-15", "16-64"]
    assert report["categories"]["gender"] == ["Female", "Male"]
    assert report["categories"]["nationality_group"] == ["EU2", "EU8", "NON-EU"]
    assert report["categories"]["nationality"] == ["country"]
    assert "country_of_birth" not in report["categories"]
