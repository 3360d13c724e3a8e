"""Where the tables are on a sheet: one under another, side by side, and cells merged down the rows."""

import io

import openpyxl
import pandas as pd

from requests_app.ingest.layout import locate_tables
from requests_app.ingest.problems import ERROR
from requests_app.ingest.read import RawSheet, read_file


def sheet_of(rows: list[list], name: str = "Data") -> RawSheet:
    width = max(len(row) for row in rows)
    padded = [[str(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    return RawSheet(name, False, pd.DataFrame(padded, index=range(1, len(rows) + 1), dtype=str))


def tables_of(rows: list[list]):
    found, problems = locate_tables(sheet_of(rows))
    assert problems == [] and all(item.problems == [] for item in found)
    return [item.table for item in found]


def workbook_sheet(rows: list[list], merges: list[str]) -> RawSheet:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    for row in rows:
        book.active.append(row)
    for ref in merges:
        book.active.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return read_file(buffer.getvalue(), "return.xlsx")[0][0]


# --- one table under another ---------------------------------------------------------------------


def test_a_second_table_after_a_blank_row_and_a_title_is_a_table_of_its_own():
    first, second = tables_of(
        [
            ["Table 1: pupils by nationality, 2023/24"],
            ["Nationality", "Count"],
            ["Polish", "5"],
            ["Romanian", "7"],
            [],
            ["Table 2: pupils by nationality, 2024/25"],
            ["Nationality", "Count"],
            ["Polish", "6"],
            ["Syrian", "3"],
        ]
    )
    assert (first.header_rows, first.body.index.tolist()) == ([2], [3, 4])
    assert (second.header_rows, second.body.index.tolist()) == ([7], [8, 9])
    assert first.title == "Table 1: pupils by nationality, 2023/24"
    assert second.title == "Table 2: pupils by nationality, 2024/25"
    assert second.notes == ["Table 2: pupils by nationality, 2024/25"]


def test_a_table_keeps_its_footnote_and_the_next_table_its_title_lines():
    first, second = tables_of(
        [
            ["Ward", "Count"],
            ["Adur", "5"],
            ["Source: council tax records"],
            [],
            ["Households by ward, 2024"],
            ["Teesmouth Council"],
            [],
            ["Ward", "Count"],
            ["Arun", "6"],
        ]
    )
    assert first.notes == ["Source: council tax records"]
    assert second.title == "Households by ward, 2024"
    assert second.notes == ["Households by ward, 2024", "Teesmouth Council"]
    assert second.body.index.tolist() == [9]


def test_the_same_header_again_starts_another_table_even_without_a_blank_row():
    first, second = tables_of([["Ward", "Count"], ["Adur", "5"], ["Ward", "Count"], ["Arun", "6"]])
    assert first.body.index.tolist() == [2]
    assert (second.header_rows, second.body.index.tolist()) == ([3], [4])


def test_a_second_table_with_other_columns_is_found_under_the_first():
    first, second = tables_of(
        [
            ["Nationality", "Count"],
            ["Polish", "5"],
            [],
            ["Ward code", "Ward name", "Count"],
            ["E05009901", "Northgate", "3"],
        ]
    )
    assert first.labels == ["Nationality", "Count"]
    assert second.labels == ["Ward code", "Ward name", "Count"]


def test_a_data_row_after_a_blank_row_is_still_data_though_its_count_is_words():
    (table,) = tables_of(
        [
            ["Ward", "Nationality", "Count"],
            ["Adur", "Polish", "5"],
            [],
            ["Adur", "Romanian", "n/a"],
            ["Arun", "Polish", "3"],
        ]
    )
    assert table.body.index.tolist() == [2, 4, 5]


def test_groups_of_rows_between_blank_rows_are_one_table():
    (table,) = tables_of(
        [
            ["Area code", "Area name", "Count"],
            ["E92000001", "England", "100"],
            [],
            ["E12000001", "North East", "40"],
            [],
            ["E06000099", "Teesmouth", "7"],
        ]
    )
    assert table.body.index.tolist() == [2, 4, 6]


def test_a_table_after_end_of_table_is_found_and_the_notes_between_stay_with_it():
    first, second = tables_of(
        [
            ["Ward", "Count"],
            ["Adur", "5"],
            ["End of table"],
            ["Table 2"],
            ["Nationality", "Count"],
            ["Polish", "3"],
        ]
    )
    assert first.body.index.tolist() == [2]
    assert second.body.index.tolist() == [6]
    assert second.title == "Table 2"


# --- tables side by side -------------------------------------------------------------------------


def test_two_tables_side_by_side_after_an_empty_column_are_two_tables():
    left, right = tables_of(
        [
            ["Pupils by nationality", "", "", "Pupils by ward"],
            ["Nationality", "Count", "", "Ward code", "Count"],
            ["Polish", "5", "", "E05009901", "7"],
            ["Romanian", "7", "", "E05009902", "5"],
            ["Syrian", "2"],
        ]
    )
    assert (left.labels, left.letters, left.title) == (["Nationality", "Count"], ["A", "B"], "Pupils by nationality")
    assert (right.labels, right.letters, right.title) == (["Ward code", "Count"], ["D", "E"], "Pupils by ward")
    assert left.body.index.tolist() == [3, 4, 5]
    assert right.body.index.tolist() == [3, 4]
    assert right.body.values.tolist() == [["E05009901", "7"], ["E05009902", "5"]]


def test_tables_side_by_side_with_their_headers_on_different_rows_are_each_read_from_their_own_header():
    left, right = tables_of(
        [
            ["Clients by nationality"],
            ["Nationality", "Clients"],
            ["Polish", "31", "", "Clients by ward"],
            ["Romanian", "22", "", "Ward code", "Clients"],
            ["Syrian", "9", "", "E05009901", "20"],
            ["", "", "", "E05009902", "18"],
        ]
    )
    assert (left.labels, left.title, left.body.index.tolist()) == (
        ["Nationality", "Clients"],
        "Clients by nationality",
        [3, 4, 5],
    )
    assert (right.labels, right.letters, right.title) == (["Ward code", "Clients"], ["D", "E"], "Clients by ward")
    assert right.header_rows == [4] and right.body.values.tolist() == [["E05009901", "20"], ["E05009902", "18"]]


def test_a_table_beside_another_whose_header_is_higher_is_read_from_its_own_header_too():
    left, right = tables_of(
        [
            ["", "", "", "Clients by ward"],
            ["", "", "", "Ward code", "Clients"],
            ["Clients by nationality", "", "", "E05009901", "20"],
            ["Nationality", "Clients", "", "E05009902", "18"],
            ["Polish", "31"],
            ["Romanian", "22"],
        ]
    )
    assert (left.labels, left.header_rows, left.body.index.tolist()) == (["Nationality", "Clients"], [4], [5, 6])
    assert (right.labels, right.body.index.tolist()) == (["Ward code", "Clients"], [3, 4])


def test_an_empty_spacer_column_between_groups_of_figures_keeps_one_table():
    (table,) = tables_of(
        [
            ["Ward", "", "2021 Males", "2021 Females", "", "2022 Males"],
            ["Adur", "", "5", "6", "", "7"],
            ["Arun", "", "1", "2", "", "3"],
        ]
    )
    assert table.labels == ["Ward", "2021 Males", "2021 Females", "2022 Males"]
    assert table.letters == ["A", "C", "D", "F"]


def test_a_column_cut_off_by_an_empty_column_without_figures_of_its_own_stays_in_the_table():
    (codes,) = tables_of([["Ward code", "", "Nationality", "Count"], ["E05009901", "", "Polish", "5"]])
    assert codes.labels == ["Ward code", "Nationality", "Count"]
    (comments,) = tables_of([["Ward", "Count", "", "Comments"], ["Adur", "5", "", "estimated"], ["Arun", "2"]])
    assert comments.labels == ["Ward", "Count", "Comments"]


# --- cells merged down the rows ------------------------------------------------------------------


def test_a_ward_merged_down_the_rows_of_its_nationalities_is_given_to_each_row():
    sheet = workbook_sheet(
        [
            ["Ward code", "Nationality", "Count"],
            ["E05009901", "Polish", 9],
            [None, "Romanian", 4],
            [None, "Syrian", 6],
            ["E05009902", "Polish", 3],
        ],
        ["A2:A4"],
    )
    (item,), problems = locate_tables(sheet)
    assert problems == [] and item.problems == []
    assert item.table.body.values.tolist() == [
        ["E05009901", "Polish", "9"],
        ["E05009901", "Romanian", "4"],
        ["E05009901", "Syrian", "6"],
        ["E05009902", "Polish", "3"],
    ]
    assert sheet.cells.loc[3, 0] == "", "the sheet's own cells are left as read"


def test_a_figure_merged_down_several_rows_is_refused_as_it_cannot_be_split():
    sheet = workbook_sheet(
        [["Ward", "Sex", "Count"], ["Adur", "Female", 9], ["Adur", "Male", None], ["Arun", "Female", 3]],
        ["C2:C3"],
    )
    (item,), _ = locate_tables(sheet)
    assert [(p.type, p.severity, p.row, p.column, p.value) for p in item.problems] == [
        ("merged-cells", ERROR, 2, "C", "9")
    ]
    assert "C2 to C3" in item.problems[0].message and "Unmerge" in item.problems[0].message
    assert item.table.body.values.tolist()[1] == ["Adur", "Male", ""]
