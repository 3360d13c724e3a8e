"""Finding the table on a sheet: header rows, flattened labels, data rows and notes."""

import io
from pathlib import Path

import openpyxl
import pandas as pd

from requests_app.ingest.headers import Table
from requests_app.ingest.layout import locate_tables
from requests_app.ingest.problems import ERROR
from requests_app.ingest.read import RawSheet, read_file
from requests_app.ingest.sheets import pick_sheet

FIXTURES = Path(__file__).parent / "fixtures"


def sheet_of(rows: list[list], name: str = "Data") -> RawSheet:
    """A sheet as read_file would give it: text cells, "" when empty, rows numbered from 1."""
    width = max(len(row) for row in rows)
    padded = [[str(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    return RawSheet(name, False, pd.DataFrame(padded, index=range(1, len(rows) + 1), dtype=str))


def locate_table(sheet: RawSheet) -> tuple[Table | None, list]:
    """The one table on a sheet, with its problems; None and why when there is none."""
    found, problems = locate_tables(sheet)
    if not found:
        return None, problems
    assert len(found) == 1, [item.table.labels for item in found]
    return found[0].table, problems + found[0].problems


def table_of(rows: list[list]) -> Table:
    table, problems = locate_table(sheet_of(rows))
    assert problems == []
    return table


def body_rows(table: Table) -> list[list[str]]:
    return table.body.values.tolist()


def workbook_bytes(rows: list[list], title: str = "Data") -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


# --- headers over several rows -------------------------------------------------------------------


def test_a_period_row_over_inflow_and_outflow_is_flattened_into_one_label_per_column():
    table = table_of(
        [
            ["", "2021", "", "2022", ""],
            ["", "Inflow", "Outflow", "Inflow", "Outflow"],
            ["Area code", "", "", "", ""],
            ["E06000001", "10", "12", "8", "9"],
        ]
    )
    assert table.header_rows == [1, 2, 3]
    assert table.labels == ["Area code", "2021 Inflow", "2021 Outflow", "2022 Inflow", "2022 Outflow"]
    assert table.body.index.tolist() == [4]


def test_a_two_row_header_whose_lower_row_fills_the_blanks_is_flattened():
    table = table_of(
        [
            ["Area code", "Area name", "2021", "", "2022", ""],
            ["", "", "Inflow", "Outflow", "Inflow", "Outflow"],
            ["E06000001", "Hartlepool", "10", "12", "8", "9"],
        ]
    )
    assert table.header_rows == [1, 2]
    assert table.labels == ["Area code", "Area name", "2021 Inflow", "2021 Outflow", "2022 Inflow", "2022 Outflow"]


def test_a_units_row_under_the_header_joins_the_labels():
    table = table_of(
        [
            ["Table 3: pupils by sex"],
            ["Area", "Males", "Females"],
            ["Code", "Number", "Number"],
            ["E06000001", "10", "12"],
        ]
    )
    assert table.header_rows == [2, 3]
    assert table.labels == ["Area Code", "Males Number", "Females Number"]
    assert table.notes == ["Table 3: pupils by sex"]


def test_the_ons_migration_flows_sheet_has_its_three_header_rows_flattened():
    # The layout of the ONS Local Area Migration Indicators "Migration Flows" sheet (two periods
    # of its ten): period over measure over inflow/outflow, merged cells read as a label followed
    # by blanks, a newline inside a header cell, a blank row under the header and between the
    # countries and the regions, counts stored as decimals.
    rows = [
        [
            "Area Code",
            "Area Name",
            "Mid-2007 to Mid-2008",
            None,
            None,
            None,
            None,
            "Mid-2008 to Mid-2009",
            None,
            None,
            None,
            None,
        ],
        [
            None,
            None,
            "Mid-2008 Population Estimate",
            "Long-Term International Migration",
            None,
            "Internal Migration\n (within UK)",
            None,
            "Mid-2009 Population Estimate",
            "Long-Term International Migration",
            None,
            "Internal Migration\n (within UK)",
            None,
        ],
        [None, None, None, "Inflow", "Outflow", "Inflow", "Outflow", None, "Inflow", "Outflow", "Inflow", "Outflow"],
        [],
        [
            "E92000001",
            "England",
            51815853.0,
            553735.0,
            316545.0,
            98843.0,
            116591.0,
            52196381.0,
            525074.0,
            350353.0,
            99548.0,
            104650.0,
        ],
        [
            "W92000004",
            "Wales",
            3025867.0,
            17378.0,
            10270.0,
            59610.0,
            54818.0,
            3038872.0,
            16674.0,
            10741.0,
            55897.0,
            55572.0,
        ],
        [],
        [
            "E12000001",
            "North East",
            2569312.0,
            15542.0,
            9551.0,
            43713.0,
            45506.0,
            2575441.0,
            14841.0,
            7262.0,
            42821.0,
            46489.0,
        ],
    ]
    sheets, problems = read_file(workbook_bytes(rows, "Migration Flows"), "lami.xlsx")
    assert problems == []
    table, problems = locate_table(pick_sheet(sheets)[0])
    assert problems == []
    assert table.header_rows == [1, 2, 3]
    assert table.labels == [
        "Area Code",
        "Area Name",
        "Mid-2007 to Mid-2008 Mid-2008 Population Estimate",
        "Mid-2007 to Mid-2008 Long-Term International Migration Inflow",
        "Mid-2007 to Mid-2008 Long-Term International Migration Outflow",
        "Mid-2007 to Mid-2008 Internal Migration (within UK) Inflow",
        "Mid-2007 to Mid-2008 Internal Migration (within UK) Outflow",
        "Mid-2008 to Mid-2009 Mid-2009 Population Estimate",
        "Mid-2008 to Mid-2009 Long-Term International Migration Inflow",
        "Mid-2008 to Mid-2009 Long-Term International Migration Outflow",
        "Mid-2008 to Mid-2009 Internal Migration (within UK) Inflow",
        "Mid-2008 to Mid-2009 Internal Migration (within UK) Outflow",
    ]
    assert table.body.index.tolist() == [5, 6, 8]
    assert body_rows(table)[0][:4] == ["E92000001", "England", "51815853", "553735"]


def test_a_header_cell_repeated_down_a_vertical_merge_is_not_repeated_in_the_label():
    table = table_of(
        [
            ["Ward", "Pupils", ""],
            ["Ward", "Boys", "Girls"],
            ["Adur", "5", "6"],
        ]
    )
    assert table.labels == ["Ward", "Pupils Boys", "Pupils Girls"]


def test_a_group_merged_over_columns_ends_where_the_next_group_starts():
    table = table_of(
        [
            ["", "Primary", "", "Secondary", ""],
            ["", "Pupils", "", "Pupils", "Schools"],
            ["LA", "Boys", "Girls", "All", "All"],
            ["201", "1", "2", "3", "4"],
        ]
    )
    assert table.labels == [
        "LA",
        "Primary Pupils Boys",
        "Primary Pupils Girls",
        "Secondary Pupils All",
        "Secondary Schools All",
    ]


def test_each_column_keeps_the_parts_of_its_label_top_row_first():
    table = table_of(
        [
            ["", "2021", "", "2022"],
            ["", "Females", "Males", "Females"],
            ["Area code", "", "", ""],
            ["E06000099", "10", "12", "8"],
        ]
    )
    assert table.label_parts == [("Area code",), ("2021", "Females"), ("2021", "Males"), ("2022", "Females")]
    assert table.labels == [" ".join(parts) for parts in table.label_parts]


def test_a_table_built_from_labels_alone_has_one_part_per_label():
    table = Table("Data", [1], ["Ward", "", "Count"], ["A", "B", "C"], pd.DataFrame())
    assert table.label_parts == [("Ward",), (), ("Count",)]


# --- merged cells in the header ------------------------------------------------------------------


def merged_sheet(rows: list[list], merges: list[str]) -> RawSheet:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    for row in rows:
        book.active.append(row)
    for ref in merges:
        book.active.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return read_file(buffer.getvalue(), "return.xlsx")[0][0]


def test_a_heading_merged_over_some_columns_heads_those_columns_only():
    sheet = merged_sheet(
        [
            ["Ward", None, None, None],
            ["Code", "Name", "Nationality", "Count"],
            ["E05009901", "Northgate", "Polish", 14],
        ],
        ["A1:B1"],
    )
    table, problems = locate_table(sheet)
    assert problems == []
    assert table.header_rows == [1, 2]
    assert table.labels == ["Ward Code", "Ward Name", "Nationality", "Count"]


def test_a_merged_heading_over_two_header_rows_is_given_to_each_column_under_it():
    sheet = merged_sheet(
        [
            ["Ward", "Nationality", None, None],
            [None, "Polish", "Romanian", "All pupils"],
            ["E05009901", 5, 6, 11],
        ],
        ["A1:A2", "B1:C1"],
    )
    table, problems = locate_table(sheet)
    assert problems == []
    assert table.label_parts == [("Ward",), ("Nationality", "Polish"), ("Nationality", "Romanian"), ("All pupils",)]


def test_a_title_merged_across_the_whole_table_is_a_note_not_a_heading():
    sheet = merged_sheet(
        [["Pupils by ward", None, None], ["Ward", "Sex", "Count"], ["Adur", "Female", 5]],
        ["A1:C1"],
    )
    table, _ = locate_table(sheet)
    assert table.header_rows == [2]
    assert table.labels == ["Ward", "Sex", "Count"]
    assert table.title == "Pupils by ward"


def test_merged_header_cells_of_an_ods_file_are_read_from_their_spans(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, TableCell, TableRow
    from odf.table import Table as OdsTable
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = OdsTable(name="Clients")
    rows = [
        ["Ward", None, "", ""],
        ["Code", "Name", "Nationality", "Clients"],
        ["E05009903", "Riverside", "Syrian", 11],
    ]
    for r, values in enumerate(rows):
        row = TableRow()
        for c, value in enumerate(values):
            if value is None:
                row.addElement(CoveredTableCell())
                continue
            spans = {"numbercolumnsspanned": 2, "numberrowsspanned": 1} if (r, c) == (0, 0) else {}
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value, **spans)
            else:
                cell = TableCell(valuetype="string", **spans)
            if value != "":
                cell.addElement(P(text=str(value)))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    path = tmp_path / "return.ods"
    document.save(str(path))
    (read,), _ = read_file(path.read_bytes(), path.name)
    table, problems = locate_table(read)
    assert problems == []
    assert table.labels == ["Ward Code", "Ward Name", "Nationality", "Clients"]


def test_labels_have_their_whitespace_collapsed_but_body_cells_are_left_alone():
    table = table_of([["  Area\n name ", "Count\u00a0of\tpupils"], [" Adur ", " 12 "]])
    assert table.labels == ["Area name", "Count of pupils"]
    assert body_rows(table) == [[" Adur ", " 12 "]]


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
