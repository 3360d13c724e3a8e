"""Finding a table's header on a sheet, and one clean label per column."""

import pandas as pd

from requests_app.ingest.problems import ERROR
from requests_app.ingest.read import RawSheet, read_file
from tests.requests_app.ingest.located import FIXTURES, body_rows, locate_table, sheet_of, table_of

# --- where the header is -------------------------------------------------------------------------


def test_a_plain_table_has_its_header_in_row_one():
    table = table_of([["Ward", "Sex", "Count"], ["Adur", "F", "12"], ["Arun", "M", "x"]])
    assert table.header_rows == [1]
    assert table.labels == ["Ward", "Sex", "Count"]
    assert table.letters == ["A", "B", "C"]
    assert table.body.index.tolist() == [2, 3]
    assert table.notes == []


def test_a_nomis_download_has_its_header_below_six_metadata_lines_which_become_notes():
    sheets, _ = read_file((FIXTURES / "nomis_query_metadata_header.csv").read_bytes(), "nomis.csv")
    table, problems = locate_table(sheets[0])
    assert problems == []
    assert table.header_rows == [9]
    assert table.labels == ["2011 output area", "mnemonic", "All persons", "Males", "Females"]
    assert table.body.index.tolist() == [11, 12, 13]
    assert body_rows(table)[0] == ["E00000001", "E00000001", "148", "80", "68"]
    assert table.notes[:4] == [
        "KS601EW to KS603EW - Economic activity by sex",
        "ONS Crown Copyright Reserved [from Nomis on 21 April 2021]",
        "Population : All usual residents aged 16 to 74",
        "Units : Persons",
    ]
    assert "Date : 2011" in table.notes
    assert table.notes[-1].startswith("In order to protect against disclosure")


def test_a_metadata_line_directly_above_the_header_is_a_note_not_part_of_the_header():
    table = table_of(
        [
            ["Units :", "Persons"],
            ["Ward", "Males", "Females"],
            ["Adur", "5", "6"],
        ]
    )
    assert table.header_rows == [2]
    assert table.labels == ["Ward", "Males", "Females"]
    assert table.notes == ["Units : Persons"]


def test_a_header_of_years_over_the_columns_is_found():
    table = table_of([["Ward", "2019", "2020", "2021"], ["Adur", "12", "14", "2019"]])
    assert table.header_rows == [1]
    assert table.labels == ["Ward", "2019", "2020", "2021"]


def test_suppression_markers_count_as_figures_below_the_header():
    table = table_of(
        [
            ["time_period", "la_name", "ethnicity", "headcount"],
            ["202324", "Adur", "Indian", "x"],
            ["202324", "Arun", "Chinese", "c"],
        ]
    )
    assert table.header_rows == [1]
    assert body_rows(table)[0] == ["202324", "Adur", "Indian", "x"]


def test_a_table_away_from_the_corner_is_found_with_its_column_letters():
    table = table_of(
        [
            [],
            ["", "", "Pupils by ward"],
            [],
            ["", "", "Ward", "Count"],
            ["", "", "Adur", "3"],
        ]
    )
    assert table.header_rows == [4]
    assert table.letters == ["C", "D"]
    assert table.notes == ["Pupils by ward"]
    assert table.body.index.tolist() == [5]


def test_a_first_data_row_with_its_count_missing_is_data_not_a_second_header_row():
    table = table_of(
        [
            ["Ward code", "Ward name", "Count"],
            ["E05000001", "Adur", ""],
            ["E05000002", "Arun", "5"],
        ]
    )
    assert table.header_rows == [1]
    assert table.body.index.tolist() == [2, 3]


def test_a_two_cell_title_line_above_the_header_is_a_note():
    table = table_of(
        [
            ["Table 2", "Pupils by ward"],
            [],
            ["Ward", "Count"],
            ["Adur", "5"],
        ]
    )
    assert table.header_rows == [3]
    assert table.notes == ["Table 2 Pupils by ward"]


def test_a_sheet_without_a_header_row_is_reported_with_advice():
    table, problems = locate_table(sheet_of([["12", "14"], ["15", "16"]], name="Sheet1"))
    assert table is None
    assert [problem.type for problem in problems] == ["empty-file"]
    assert problems[0].severity == ERROR
    assert "could not find a header row" in problems[0].message.lower()
    assert "headings in one row" in problems[0].message


def test_text_without_figures_has_no_header():
    table, problems = locate_table(sheet_of([["This return is nil"], ["Signed", "J Smith"]]))
    assert table is None and problems[0].type == "empty-file"


def test_an_empty_sheet_has_no_header():
    empty = RawSheet("Data", False, pd.DataFrame(index=pd.RangeIndex(1, 1), columns=pd.RangeIndex(0), dtype=str))
    assert locate_table(empty)[0] is None


def test_labels_have_their_whitespace_collapsed_but_body_cells_are_left_alone():
    table = table_of([["  Area\n name ", "Count\u00a0of\tpupils"], [" Adur ", " 12 "]])
    assert table.labels == ["Area name", "Count of pupils"]
    assert body_rows(table) == [[" Adur ", " 12 "]]


# --- columns -------------------------------------------------------------------------------------


def test_an_empty_column_without_a_heading_is_dropped():
    table = table_of([["Ward", "", "Count"], ["Adur", "", "1"], ["Arun", " ", "2"]])
    assert table.labels == ["Ward", "Count"]
    assert table.letters == ["A", "C"]
    assert body_rows(table) == [["Adur", "1"], ["Arun", "2"]]


def test_a_column_with_data_but_no_heading_is_a_blank_header_error():
    table, problems = locate_table(
        sheet_of(
            [
                ["Return for Adur"],
                ["Ward", "Sex", "", "Count"],
                ["Adur", "F", "E05000001", "1"],
            ]
        )
    )
    assert table.labels == ["Ward", "Sex", "", "Count"]
    assert [(p.type, p.severity, p.column, p.row) for p in problems] == [("blank-header", ERROR, "C", 2)]
    assert "give this column a heading such as the field name" in problems[0].message


def test_a_column_with_a_heading_but_no_data_is_kept():
    table = table_of([["Ward", "Count", "Comments"], ["Adur", "1", ""]])
    assert table.labels == ["Ward", "Count", "Comments"]


def test_duplicate_labels_are_errors_for_each_repeat_ignoring_case_and_spacing():
    table, problems = locate_table(
        sheet_of(
            [
                ["Ward", "Count", "count ", "Sex", "COUNT"],
                ["Adur", "1", "2", "F", "3"],
            ]
        )
    )
    assert table.labels == ["Ward", "Count", "count", "Sex", "COUNT"]
    assert [(p.type, p.severity, p.column) for p in problems] == [
        ("duplicate-label", ERROR, "C"),
        ("duplicate-label", ERROR, "E"),
    ]
    assert "column B" in problems[0].message
