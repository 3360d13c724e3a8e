"""Where a table's body ends: end-of-table lines, notes and footnotes below it, blank rows inside it."""

from requests_app.ingest.read import read_file
from tests.requests_app.ingest.located import body_rows, locate_table, table_of, workbook_bytes

# --- where the body ends -------------------------------------------------------------------------


def test_a_home_office_data_sheet_stops_at_end_of_table_and_keeps_its_notes():
    rows = [
        ["Detected attempts to enter the UK irregularly, 2018 to 2023 - dataset"],
        ["Year", "Quarter", "Nationality", "Sex", "Number of detections"],
        [2018, "2018 Q1", "Afghanistan", "Female", 14],
        [2018, "2018 Q1", "Afghanistan", "Male", 21],
        [],
        [2018, "2018 Q2", "Albania", "Female", 3],
        ["End of table"],
        ["Source: Home Office, Irregular migration statistics"],
    ]
    sheets, _ = read_file(workbook_bytes(rows, "Data - Irr_D01"), "irregular.xlsx")
    table, problems = locate_table(sheets[0])
    assert problems == []
    assert table.sheet == "Data - Irr_D01"
    assert table.header_rows == [2]
    assert table.labels == ["Year", "Quarter", "Nationality", "Sex", "Number of detections"]
    assert table.body.index.tolist() == [3, 4, 6]
    assert body_rows(table)[2] == ["2018", "2018 Q2", "Albania", "Female", "3"]
    assert table.notes == [
        "Detected attempts to enter the UK irregularly, 2018 to 2023 - dataset",
        "Source: Home Office, Irregular migration statistics",
    ]


def test_end_of_table_is_recognised_in_any_case_and_with_more_words():
    table = table_of([["Ward", "Count"], ["Adur", "1"], ["END OF TABLE 1", ""], ["Arun", "2"]])
    assert table.body.index.tolist() == [2]
    assert table.notes == ["Arun 2"]


def test_footnotes_source_and_copyright_lines_below_the_table_become_notes():
    table = table_of(
        [
            ["Ward", "Count"],
            ["Adur", "12"],
            ["Arun", "c"],
            ["Notes"],
            ["1) Counts are rounded to the nearest 5."],
            ["* Provisional."],
            ["Source:", "School census"],
            ["© Crown copyright 2024"],
        ]
    )
    assert table.body.index.tolist() == [2, 3]
    assert table.notes == [
        "Notes",
        "1) Counts are rounded to the nearest 5.",
        "* Provisional.",
        "Source: School census",
        "© Crown copyright 2024",
    ]


def test_closing_metadata_lines_of_a_stat_xplore_download_become_notes():
    table = table_of(
        [
            ["Title:", "Households on Universal Credit"],
            [],
            ["Region", "May-18", "Jun-18"],
            ["North East", "1023", "1100"],
            ["Total", "1023", "1100"],
            [],
            ["Data:", "Figures are rounded and small counts suppressed"],
            ["Statistical Disclosure Control:", "Random noise is added to counts"],
        ]
    )
    assert table.body.index.tolist() == [4, 5]
    assert table.notes == [
        "Title: Households on Universal Credit",
        "Data: Figures are rounded and small counts suppressed",
        "Statistical Disclosure Control: Random noise is added to counts",
    ]


def test_blank_rows_inside_the_data_are_dropped_and_trailing_blank_rows_end_it():
    table = table_of(
        [
            ["Ward", "Count"],
            ["Adur", "1"],
            [],
            ["Arun", "2"],
            [],
            [],
            ["These figures are provisional."],
        ]
    )
    assert table.body.index.tolist() == [2, 4]
    assert table.notes == ["These figures are provisional."]


def test_a_group_label_row_inside_the_data_stays_in_the_body():
    table = table_of(
        [
            ["Area", "Count"],
            ["England", ""],
            ["Adur", "1"],
            ["Wales", ""],
            ["Cardiff", "2"],
            ["Total", ""],
        ]
    )
    assert table.body.index.tolist() == [2, 3, 4, 5, 6]


def test_row_numbers_of_the_body_are_the_spreadsheet_rows():
    rows = [["Title"], [], ["Ward", "Count"]] + [[f"Ward {i}", str(i)] for i in range(1, 6)]
    table = table_of(rows)
    assert table.body.index.tolist() == [4, 5, 6, 7, 8]
    assert table.body.loc[8].tolist() == ["Ward 5", "5"]
