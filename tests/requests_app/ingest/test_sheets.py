"""Which sheets and tables of a file hold the return: sheets set aside, tables read one by one or refused."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.ingest import codes, sheets, validate
from requests_app.ingest.read import RawSheet, read_file
from requests_app.ingest.sheets import data_tables, pick_sheet

FIXTURES = Path(__file__).parent / "fixtures"
FIELDS = {
    "nationality": ["Nationality", "citizenship"],
    "ward": ["Ward or small area", "ward code", "area code"],
    "period": ["Period", "quarter"],
    "age": ["Age or age band", "age band"],
    "gender": ["Gender", "sex"],
    "category-of-need": ["Category of need", "category"],
}
REFERENCE = codes.Reference(
    country_aliases={"polish": "PL", "romanian": "RO", "syrian": "SY", "afghan": "AF", "eritrean": "ER"},
    group_members=[("EU8", "PL", date(2004, 5, 1), None), ("EU2", "RO", date(2007, 1, 1), None)],
    residual_group="NON-EU",
    language_aliases={},
    gss_levels={"E05": "ward"},
)


def raw(name: str, rows: list[list[str]], hidden: bool = False) -> RawSheet:
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return RawSheet(name, hidden, pd.DataFrame(padded, index=range(1, len(rows) + 1), dtype=str))


def types_of(problems) -> list[str]:
    return [problem.type for problem in problems]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(data: bytes, requested: list[str], name: str = "return.xlsx") -> validate.Result:
    context = validate.Context(
        requested=requested, aliases=FIELDS, geography_level="", aggregate_only=True, reference=REFERENCE
    )
    return validate.run(data, name, context)


def messages(result: validate.Result) -> str:
    return " ".join(p.message for p in [*result.errors, *result.warnings])


TABLE = [["Ward", "Sex", "Count"], ["Adur", "F", "12"], ["Adur", "M", "x"], ["Arun", "F", "1,204"]]


# --- the sheet that most looks like data ---------------------------------------------------------
def test_the_data_sheet_is_picked_by_content_not_by_position():
    cover = raw("Sheet1", [["Return for 2024"], ["Prepared by the school"]])
    data = raw("Sheet2", TABLE)
    assert pick_sheet([cover, data])[0] is data


def test_a_notes_sheet_full_of_numbers_loses_to_a_data_sheet():
    notes = raw("Notes", [["1", "Counts under 5 are shown as x", "2024"]] * 10)
    data = raw("Return", TABLE)
    assert pick_sheet([notes, data]) == (data, [])


def test_a_data_named_sheet_beats_a_summary_sheet_of_the_same_size():
    summary = raw("Irr_D01", TABLE)
    data = raw("Data - Irr_D01", TABLE)
    assert pick_sheet([summary, data])[0] is data


def test_hidden_sheets_are_never_picked():
    hidden = raw("Data", TABLE * 5, hidden=True)
    visible = raw("Sheet1", TABLE)
    assert pick_sheet([hidden, visible])[0] is visible


def test_no_visible_sheet_with_data_is_an_empty_file_that_points_at_the_hidden_sheet():
    picked, problems = pick_sheet([raw("Sheet1", [[""]]), raw("Data", TABLE, hidden=True)])
    assert picked is None
    assert types_of(problems) == ["empty-file"] and "hidden" in problems[0].message


def test_a_csv_sheet_is_picked_as_it_is():
    sheets, _ = read_file((FIXTURES / "nomis_query_metadata_header.csv").read_bytes(), "nomis.csv")
    assert pick_sheet(sheets) == (sheets[0], [])


# --- the sheets whose tables could be the return -------------------------------------------------


def test_cover_contents_and_notes_sheets_are_set_aside_and_data_named_sheets_come_first():
    sheets = [
        raw("Cover", [["Resettlement statistics"]]),
        raw("Contents", [["Sheet", "Description"], ["Data - Res_D01", "Resettled refugees"]]),
        raw("Notes", [["Note", "Text"], ["1", "Provisional"]]),
        raw("Res_D01", TABLE),
        raw("Data - Res_D01", TABLE),
    ]
    found, best, problems = data_tables(sheets)
    assert [item.table.sheet for item in found] == ["Data - Res_D01"]
    assert best.name == "Data - Res_D01" and problems == []


def test_a_pivot_table_sheet_is_set_aside_as_a_summary_of_the_data():
    pivot = raw("Sheet2", [["Nationality", "Count"], ["Polish", "22"], ["Grand Total", "22"]])
    pivot.pivot = True
    found, _, _ = data_tables([raw("Sheet1", TABLE), pivot])
    assert [item.table.sheet for item in found] == ["Sheet1"]


def test_a_set_aside_sheet_is_read_when_no_other_sheet_holds_a_table():
    found, _, _ = data_tables([raw("Cover", [["Return for 2024"]]), raw("Pivot", TABLE)])
    assert [item.table.sheet for item in found] == ["Pivot"]


def test_a_table_of_notes_under_the_data_is_not_a_table_of_the_return():
    sheet = raw("Data", [*TABLE, [], ["Notes"], ["Note", "Text"], ["1", "Counts under 5 are shown as x"]])
    found, _, _ = data_tables([sheet])
    assert [item.table.labels for item in found] == [["Ward", "Sex", "Count"]]


def test_without_any_table_the_sheet_most_like_data_is_reported():
    found, best, problems = data_tables([raw("Cover", [["Return"]]), raw("Sheet1", [["12", "14"], ["15", "16"]])])
    assert found == [] and best.name == "Sheet1"
    assert types_of(problems) == ["empty-file"] and 'sheet "Sheet1"' in problems[0].message


# --- several tables: read one by one, or refused -------------------------------------------------


def quarter(period: str, rows: list[tuple[str, int]]) -> list[list]:
    return [["Quarter", "Nationality", "Count"], *[[period, nationality, count] for nationality, count in rows]]


def test_the_one_table_with_the_fields_asked_for_is_read_and_the_other_is_named_as_not_read():
    data = workbook(
        {
            "By nationality": quarter("2024 Q1", [("Polish", 5), ("Syrian", 7)]),
            "By age": [["Quarter", "Age band", "Count"], ["2024 Q1", "0-17", 4], ["2024 Q1", "18+", 8]],
        }
    )
    result = run(data, ["nationality", "period"])
    assert result.valid, result.errors
    assert (len(result.observations), result.total) == (2, 12)
    (note,) = [p for p in result.warnings if p.type == "several-tables"]
    assert 'sheet "By age"' in note.message and "not read" in note.message and note.sheet == "By age"


def test_tables_of_the_same_columns_for_different_quarters_are_each_read_and_stored_together():
    data = workbook(
        {
            "Q1": quarter("2024 Q1", [("Polish", 5), ("Syrian", 7)]),
            "Q2": quarter("2024 Q2", [("Polish", 6), ("Romanian", 2)]),
        }
    )
    result = run(data, ["nationality", "period"])
    assert result.valid, result.errors
    assert (len(result.observations), result.total) == (4, 20)
    assert result.sheet == "Q1, Q2"
    assert "different rows" in messages(result) and '"Quarter"' in messages(result)


def test_a_bad_row_in_the_second_table_is_reported_on_its_own_sheet_and_row_and_nothing_is_stored():
    data = workbook(
        {
            "Q1": quarter("2024 Q1", [("Polish", 5)]),
            "Q2": quarter("2024 Q2", [("Polish", 6), ("Romanian", "lots")]),
        }
    )
    result = run(data, ["nationality", "period"])
    assert not result.valid and len(result.observations) == 0
    (error,) = [p for p in result.errors if p.type == "type-error"]
    assert (error.sheet, error.row, error.column) == ("Q2", 3, "C")


def test_two_breakdowns_of_the_same_people_are_refused_naming_both_tables():
    data = workbook(
        {
            "By ward": [["Quarter", "Ward code", "Count"], ["2024 Q1", "E05009901", 12]],
            "By nationality": quarter("2024 Q1", [("Polish", 5), ("Syrian", 7)]),
        }
    )
    result = run(data, ["ward", "nationality", "period"])
    assert not result.valid and len(result.observations) == 0
    assert types_of(result.errors) == ["several-tables"]
    text = result.errors[0].message
    assert 'sheet "By ward" (rows 1 to 2' in text and 'sheet "By nationality" (rows 1 to 3' in text
    assert "same people" in text and "Nothing was stored" in text


def test_tables_of_the_same_columns_that_share_every_value_are_refused_as_they_could_count_twice():
    data = workbook(
        {
            "North": quarter("2024 Q1", [("Polish", 5), ("Syrian", 7)]),
            "South": quarter("2024 Q1", [("Polish", 2)]),
        }
    )
    result = run(data, ["nationality", "period"])
    assert not result.valid and types_of(result.errors) == ["several-tables"]
    assert "twice" in result.errors[0].message


def test_a_year_and_its_quarters_on_two_sheets_are_refused_as_the_same_people_twice():
    data = workbook(
        {
            "Annual": quarter("2024", [("Polish", 20)]),
            "Quarterly": quarter("2024 Q1", [("Polish", 5)]) + [["2024 Q2", "Polish", 15]],
        }
    )
    result = run(data, ["nationality", "period"])
    assert not result.valid and types_of(result.errors) == ["several-tables"]


def test_wards_on_one_sheet_and_the_council_on_another_are_refused():
    def areas(codes):
        return [["Area code", "Nationality", "Count"], *[[code, "Polish", 5] for code in codes]]

    data = workbook({"Wards": areas(["E05009901", "E05009902"]), "Council": areas(["E06000099"])})
    result = run(data, ["ward", "nationality"])
    assert not result.valid and types_of(result.errors) == ["several-tables"]


def test_sheets_on_different_wards_are_each_read():
    def ward(code):
        return [["Area code", "Nationality", "Count"], [code, "Polish", 5], [code, "Syrian", 2]]

    result = run(workbook({"Northgate": ward("E05009901"), "Southbank": ward("E05009902")}), ["ward", "nationality"])
    assert result.valid, result.errors
    assert result.total == 14


def test_a_general_heading_never_tells_two_breakdowns_of_the_same_people_apart():
    data = workbook(
        {
            "By age": [["Category", "Count"], ["0-17", 4], ["18+", 8]],
            "By sex": [["Category", "Count"], ["Female", 7], ["Male", 5]],
        }
    )
    result = run(data, ["category-of-need"])
    assert not result.valid and types_of(result.errors) == ["several-tables"]


def test_tables_with_the_fields_asked_for_laid_out_differently_are_refused():
    data = workbook(
        {
            "Nationality": quarter("2024 Q1", [("Polish", 5), ("Syrian", 7)]),
            "Nationality by sex": [
                ["Quarter", "Nationality", "Sex", "Count"],
                ["2024 Q1", "Polish", "Female", 3],
                ["2024 Q1", "Syrian", "Male", 9],
            ],
        }
    )
    result = run(data, ["nationality", "period"])
    assert not result.valid and types_of(result.errors) == ["several-tables"]
    assert "laid out differently" in result.errors[0].message


def test_without_a_request_two_tables_of_different_layouts_are_refused():
    data = workbook(
        {
            "By nationality": quarter("2024 Q1", [("Polish", 5)]),
            "By age": [["Quarter", "Age band", "Count"], ["2024 Q1", "0-17", 4]],
        }
    )
    assert types_of(run(data, []).errors) == ["several-tables"]


def test_a_sheet_named_as_a_period_gives_its_rows_that_period_and_says_so():
    data = workbook({"2024 Q3": [["Nationality", "Count"], ["Polish", 5], ["Syrian", 7]]})
    result = run(data, ["nationality", "period"])
    assert result.valid, result.errors
    assert set(result.observations["period_start"].astype(str)) == {"2024-07-01"}
    assert any(p.type == "missing-label" and "sheet's name" in p.message for p in result.warnings)


def test_a_list_of_people_on_another_sheet_is_quarantined_though_a_table_was_found():
    people = [["First name", "Surname", "Date of birth", "Nationality"]]
    people += [[f"Name{i}", f"Family{i}", f"19{50 + i}-0{1 + i % 9}-1{i % 10}", "Polish"] for i in range(30)]
    data = workbook({"Summary": quarter("2024 Q1", [("Polish", 30)]), "Clients": people})
    result = run(data, ["nationality", "period"])
    assert result.quarantine and not result.valid and len(result.observations) == 0
    assert [p.sheet for p in result.errors if p.type == "personal-data"] == ["Clients"]


@settings(max_examples=40, deadline=None)
@given(
    tables=st.lists(
        st.tuples(
            st.sampled_from(["2024 Q1", "2024 Q2", "2024 Q3"]),
            st.dictionaries(
                st.sampled_from(["Polish", "Romanian", "Syrian", "Afghan"]), st.integers(0, 500), min_size=1
            ),
        ),
        min_size=2,
        max_size=4,
    )
)
def test_tables_stacked_on_one_sheet_are_never_added_where_they_could_count_the_same_row(tables):
    lines = []
    for number, (period, counts) in enumerate(tables, 1):
        lines += [f"Table {number}", "Quarter,Nationality,Count"]
        lines += [f"{period},{nationality},{count}" for nationality, count in counts.items()]
        lines.append("")
    result = run("\n".join(lines).encode(), ["nationality", "period"], "stacked.csv")
    keys = [(period, nationality) for period, counts in tables for nationality in counts]
    if not result.valid:
        assert len(result.observations) == 0
        return
    assert result.total == sum(sum(counts.values()) for _, counts in tables)
    assert len(result.observations) == len(keys) == len(set(keys)), "no row is stored twice"


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Table 2: Quarter ending June 2024", ("Quarter ending June 2024", False)),
        ("Learners by nationality, academic year 2023/24", ("academic year 2023/24", False)),
        ("Households on the register as at 31 March 2024", ("31 March 2024", True)),
        ("Mid-2022 population estimates", ("Mid-2022 population estimates", False)),
        ("Mid-2022 population estimates for 2023 wards", ("Mid-2022 population estimates", False)),
        ("Arrivals in 2023 compared with 2022", None),  # two periods: neither is the table's
        ("Referrals by ward, Q1 2024 (April to June 2024)", None),  # a calendar and a financial quarter
        ("Table 1", None),
    ],
)
def test_a_title_gives_the_period_only_when_it_names_one(title, expected):
    assert sheets.title_period(title) == expected
