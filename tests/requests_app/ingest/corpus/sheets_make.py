"""Writes the corpus's sheets_*.xlsx and sheets_*.ods files (run it from the repository root:
`.venv/bin/python tests/requests_app/ingest/corpus/sheets_make.py`). What each file means is in
its .yaml; the layouts follow the publishers' and agencies' own files."""

import io
import zipfile
from pathlib import Path

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P

HERE = Path(__file__).parent


def workbook(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None, hidden=()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_pivot(data: bytes, sheet_number: int) -> bytes:
    """The workbook with a pivot table part on one sheet, as Excel links it (sheet rels)."""
    pivot = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'name="PivotTable1" cacheId="1" dataCaption="Values"><location ref="A3:B8" firstHeaderRow="1" '
        'firstDataRow="1" firstDataCol="1"/></pivotTableDefinition>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'pivotTable" Target="../pivotTables/pivotTable1.xml"/></Relationships>'
    )
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/pivotTables/pivotTable1.xml", pivot)
        out.writestr(f"xl/worksheets/_rels/sheet{sheet_number}.xml.rels", rels)
    return target.getvalue()


def spreadsheet(name: str, rows: list[list], spans: dict[tuple[int, int], tuple[int, int]]) -> bytes:
    """An ODS with one sheet; spans maps (row, column) of a merged cell to (columns, rows) spanned."""
    document = OpenDocumentSpreadsheet()
    table = Table(name=name)
    covered = {
        (r + dr, c + dc)
        for (r, c), (across, down) in spans.items()
        for dr in range(down)
        for dc in range(across)
        if (dr, dc) != (0, 0)
    }
    for r, values in enumerate(rows):
        row = TableRow()
        for c, value in enumerate(values):
            if (r, c) in covered:
                row.addElement(CoveredTableCell())
                continue
            across, down = spans.get((r, c), (1, 1))
            extra = {"numbercolumnsspanned": across, "numberrowsspanned": down} if (across, down) != (1, 1) else {}
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value, **extra)
            else:
                cell = TableCell(valuetype="string", **extra)
            if value != "":
                cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def home_office_sheet(year: int, rows: list[list]) -> list[list]:
    return [
        [f"Resettled refugees by nationality and sex, Teesmouth, {year} - dataset"],
        ["Quarter", "Nationality", "Sex", "Number of people"],
        *rows,
        ["End of table"],
    ]


FILES = {
    "sheets_college_stacked_tables_period_in_titles.xlsx": lambda: workbook(
        {
            "Enrolments": [
                ["Learners by nationality, academic year 2023/24"],
                ["Nationality", "Headcount"],
                ["Polish", 41],
                ["Romanian", 28],
                ["Syrian", 12],
                [],
                ["Learners by nationality, academic year 2024/25"],
                ["Nationality", "Headcount"],
                ["Polish", 38],
                ["Romanian", 33],
                ["Syrian", 15],
                ["Afghan", 9],
            ]
        }
    ),
    "sheets_council_side_by_side_nationality_and_ward.xlsx": lambda: workbook(
        {
            "Households": [
                ["Households by nationality", None, None, "Households by ward"],
                ["Nationality", "Number", None, "Ward code", "Ward name", "Number"],
                ["Syrian", 14, None, "E05009901", "Northgate", 12],
                ["Afghan", 9, None, "E05009903", "Riverside", 15],
                ["Eritrean", 6, None, "E05009906", "Harbour", 7],
                ["Ukrainian", 5],
            ]
        }
    ),
    "sheets_charity_side_by_side_language_and_age.xlsx": lambda: workbook(
        {
            "Q3 2024": [
                ["Clients by main language", None, None, "Clients by age band"],
                ["Main language", "Clients", None, "Age band", "Clients"],
                ["Arabic", 22, None, "0-17", 18],
                ["Tigrinya", 17, None, "18-24", 21],
                ["Kurdish", 11, None, "25-49", 19],
                [None, None, None, "50+", 4],
                [],
                ["Source: Teesmouth Refugee Support, case records"],
            ]
        }
    ),
    "sheets_home_office_two_data_sheets_two_years.xlsx": lambda: workbook(
        {
            "Cover_sheet": [
                ["Resettlement statistics for Teesmouth"],
                ["Detailed datasets, year ending June 2024"],
                ["Crown copyright © 2024"],
            ],
            "Contents": [
                ["Sheet", "Description"],
                ["Data - Res_D01 2023", "Resettled refugees, 2023"],
                ["Data - Res_D01 2024", "Resettled refugees, 2024"],
                ["End of contents"],
            ],
            "Notes": [["Note", "Text"], [1, "Figures for the latest quarter are provisional."], ["End of notes"]],
            "Data - Res_D01 2023": home_office_sheet(
                2023,
                [
                    ["2023 Q3", "Syrian", "Female", 6],
                    ["2023 Q3", "Syrian", "Male", 8],
                    ["2023 Q4", "Afghan", "Male", 5],
                ],
            ),
            "Data - Res_D01 2024": home_office_sheet(
                2024,
                [
                    ["2024 Q1", "Syrian", "Female", 4],
                    ["2024 Q1", "Afghan", "Female", 3],
                    ["2024 Q2", "Afghan", "Male", 7],
                    ["2024 Q2", "Sudanese", "Male", 2],
                ],
            ),
        }
    ),
    "sheets_council_by_ward_and_by_nationality_sheets.xlsx": lambda: workbook(
        {
            "By ward": [
                ["Adults in ESOL classes by ward, 2024 Q4"],
                ["Quarter", "Ward code", "Ward name", "Headcount"],
                ["2024 Q4", "E05009901", "Northgate", 31],
                ["2024 Q4", "E05009902", "Southbank", 12],
                ["2024 Q4", "E05009903", "Riverside", 27],
            ],
            "By nationality": [
                ["Adults in ESOL classes by nationality, 2024 Q4"],
                ["Quarter", "Nationality", "Headcount"],
                ["2024 Q4", "Syrian", 22],
                ["2024 Q4", "Polish", 19],
                ["2024 Q4", "Ukrainian", 29],
            ],
        }
    ),
    "sheets_school_merged_ward_heading.xlsx": lambda: workbook(
        {
            "Return": [
                ["Pupils by ward and main language, spring census 2025"],
                ["Ward", None, None, None],
                ["Code", "Name", "Main language", "Number of pupils"],
                ["E05009901", "Northgate", "Polish", 14],
                ["E05009901", "Northgate", "Arabic", 6],
                ["E05009902", "Southbank", "Polish", 3],
                ["E05009904", "Hillcrest", "Tigrinya", 5],
            ]
        },
        merges={"Return": ["A1:D1", "A2:B2"]},
    ),
    "sheets_charity_merged_ward_heading.ods": lambda: spreadsheet(
        "Clients",
        [
            ["Ward", "", "", "", ""],
            ["Code", "Name", "Nationality", "Quarter", "Clients"],
            ["E05009903", "Riverside", "Syrian", "2024 Q4", 11],
            ["E05009903", "Riverside", "Afghan", "2024 Q4", 7],
            ["E05009905", "Old Town", "Syrian", "2024 Q4", 4],
            ["E05009906", "Harbour", "Eritrean", "2024 Q4", "c"],
        ],
        {(0, 0): (2, 1)},
    ),
    "sheets_housing_ward_merged_down_its_rows.xlsx": lambda: workbook(
        {
            "Applications": [
                ["Housing applications by ward and nationality, 2025 Q1"],
                ["Ward code", "Nationality", "Quarter", "Number"],
                ["E05009901", "Polish", "2025 Q1", 9],
                [None, "Romanian", "2025 Q1", 4],
                [None, "Syrian", "2025 Q1", 6],
                ["E05009902", "Polish", "2025 Q1", 3],
                [None, "Eritrean", "2025 Q1", 2],
            ]
        },
        merges={"Applications": ["A3:A5", "A6:A7"]},
    ),
    "sheets_hidden_lists_and_pivot_sheet.xlsx": lambda: with_pivot(
        workbook(
            {
                "Sheet1": [
                    ["Ward code", "Nationality", "Quarter", "Count"],
                    ["E05009901", "Polish", "2024 Q3", 17],
                    ["E05009902", "Polish", "2024 Q3", 5],
                    ["E05009901", "Syrian", "2024 Q3", 8],
                    ["E05009905", "Romanian", "2024 Q3", 10],
                ],
                "Sheet2": [
                    [],
                    [],
                    ["Nationality", "Count"],
                    ["Polish", 22],
                    ["Romanian", 10],
                    ["Syrian", 8],
                    ["Grand Total", 40],
                ],
                "Lists": [["Quarter", "Order"], ["2024 Q1", 1], ["2024 Q2", 2], ["2024 Q3", 3], ["2024 Q4", 4]],
            },
            hidden=("Lists",),
        ),
        sheet_number=2,
    ),
    "sheets_college_two_academic_year_sheets.xlsx": lambda: workbook(
        {
            "Academic year 2023-24": [["Nationality", "Headcount"], ["Polish", 41], ["Romanian", 28], ["Syrian", 12]],
            "Academic year 2024-25": [
                ["Nationality", "Headcount"],
                ["Polish", 38],
                ["Romanian", 33],
                ["Syrian", 15],
                ["Afghan", 9],
            ],
        }
    ),
    "sheets_charity_two_hubs_same_quarter.xlsx": lambda: workbook(
        {
            "North hub": [["Quarter", "Nationality", "Clients"], ["2024 Q2", "Syrian", 12], ["2024 Q2", "Afghan", 5]],
            "South hub": [["Quarter", "Nationality", "Clients"], ["2024 Q2", "Syrian", 9], ["2024 Q2", "Eritrean", 4]],
        }
    ),
    "sheets_housing_one_sheet_per_ward.xlsx": lambda: workbook(
        {
            name: [
                [f"Households in temporary accommodation, {name}"],
                ["Ward code", "Nationality", "Quarter", "Number"],
                *[[code, nationality, "2024 Q4", count] for nationality, count in rows],
                [None, "Total", "2024 Q4", sum(count for _, count in rows)],
            ]
            for name, code, rows in [
                ("Northgate", "E05009901", [("Syrian", 6), ("Afghan", 4), ("Polish", 2)]),
                ("Southbank", "E05009902", [("Syrian", 3), ("Eritrean", 5)]),
                ("Riverside", "E05009903", [("Afghan", 7), ("Polish", 1)]),
            ]
        }
    ),
}


if __name__ == "__main__":
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
