"""Headers spread over several rows and merged cells, flattened into one label per column."""

import io

import openpyxl
import pandas as pd

from requests_app.ingest.headers import Table
from requests_app.ingest.read import RawSheet, read_file
from requests_app.ingest.sheets import pick_sheet
from tests.requests_app.ingest.located import body_rows, locate_table, table_of, workbook_bytes

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
